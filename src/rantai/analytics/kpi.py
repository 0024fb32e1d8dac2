"""The program's KPIs (issue #15), one function each; their definitions are in docs/kpi.md, which says the
same thing in words, and tests/integration/analytics/test_kpi.py checks each against values worked out by
hand on a small fixture.

Every function takes the reader's ``Scope`` (``analytics.scope.scope_for``): the nation, a region's
suppliers, a buyer's own orders. Money is whole Rupiah (a USD order at its rate).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from rantai.analytics import repository
from rantai.analytics.repository import NATIONAL, Narrowing, PoFact, Scope
from rantai.identity.roles import OrgType
from rantai.orders.days_to_pay import days_to_pay
from rantai.reference import reservation
from rantai.reference.reservation import Winner

UMKM_CLASSES = ("mikro", "kecil", "menengah")
# Inpres 2/2022 counts the products of micro and small businesses and cooperatives (UMK + koperasi).
UMK_CLASSES = ("mikro", "kecil")
SIZE_RANK = {"mikro": 1, "kecil": 2, "menengah": 3, "besar": 4}
# The buyers a connected UMKM must have sold to: BUMN and large private (domestic), global buyers.
DOMESTIC_BUYERS = (OrgType.BUMN.value, OrgType.SWASTA_BESAR.value)
GLOBAL_BUYERS = (OrgType.PEMBELI_GLOBAL.value,)
CONNECTING_BUYERS = DOMESTIC_BUYERS + GLOBAL_BUYERS
# Participating buyers: BUMN and large buyers (domestic and global).
PARTICIPATING_TYPES = CONNECTING_BUYERS
# The buyers Inpres 2/2022 binds to spend 40% with UMK and cooperatives.
INPRES_BOUND = (OrgType.BUMN.value, OrgType.INSTANSI_PEMERINTAH.value)
JAVA_PROVINCES = frozenset({"31", "32", "33", "34", "35", "36"})
TRAILING_DAYS = 365

NATIONAL_UMKM = "national_umkm"
BUYERS_TARGET = "participating_buyers_target"
UMK_TARGET = "umk_spend_target"
BASELINE_2021 = "connected_umkm_share_baseline"


def _share(part: int | float, whole: int | float) -> float | None:
    return part / whole if whole else None


def is_cooperative(fact: PoFact) -> bool:
    return fact.supplier_type == OrgType.KOPERASI.value or fact.legal_form == "koperasi"


# --- connected UMKM ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConnectedUmkm:
    on: dt.date
    connected: int  # to any BUMN, large private or global buyer
    domestic: int  # to a BUMN or large private buyer
    global_: int  # to a global buyer
    platform_umkm: int  # verified UMKM on the platform (where the scope reaches)
    national_umkm: int | None  # the reference figure
    national_year: int | None
    national_source: str | None

    @property
    def share_of_platform(self) -> float | None:
        return _share(self.connected, self.platform_umkm)

    @property
    def share_of_nation(self) -> float | None:
        return _share(self.connected, self.national_umkm or 0)


def connected_umkm(session: Session, *, on: dt.date, scope: Scope = NATIONAL) -> ConnectedUmkm:
    """Verified UMKM (mikro, kecil, menengah) with at least one purchase order accepted from a BUMN, large
    private or global buyer in the 365 days up to and including ``on``."""
    until = dt.datetime.combine(on, dt.time.max, tzinfo=dt.UTC)
    pairs = repository.connected_pairs(
        session,
        scope=scope,
        accepted_from=until - dt.timedelta(days=TRAILING_DAYS),
        accepted_until=until,
        size_classes=UMKM_CLASSES,
        buyer_types=CONNECTING_BUYERS,
    )
    domestic = {supplier for supplier, kind in pairs if kind in DOMESTIC_BUYERS}
    global_ = {supplier for supplier, kind in pairs if kind in GLOBAL_BUYERS}
    figure = repository.program_figure(session, NATIONAL_UMKM, year=on.year)
    return ConnectedUmkm(
        on=on,
        connected=len(domestic | global_),
        domestic=len(domestic),
        global_=len(global_),
        platform_umkm=repository.verified_umkm_count(
            session, scope=scope if scope.everywhere or scope.areas else NATIONAL, size_classes=UMKM_CLASSES
        ),
        national_umkm=figure.value if figure else None,
        national_year=figure.year if figure else None,
        national_source=figure.source if figure else None,
    )


# --- participating buyers ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParticipatingBuyers:
    start: dt.date
    end: dt.date
    count: int
    buyer_ids: frozenset[int]
    target: int | None
    target_source: str | None

    @property
    def share_of_target(self) -> float | None:
        return _share(self.count, self.target or 0)


def participating_buyers(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    scope: Scope = NATIONAL,
    facts: Sequence[PoFact] | None = None,
) -> ParticipatingBuyers:
    """BUMN, large private and global buyers with at least one RFQ sent or one purchase order issued in
    [start, end); against the program's target (``participating_buyers_target``). In a region's scope, a
    buyer counts by its orders to suppliers there; RFQs are counted nationally and for a buyer's own.
    ``facts``: the scope's live orders of the period when the caller has read them already (a dashboard
    reads them once for several KPIs)."""
    if facts is None:
        facts = repository.po_facts(session, scope=scope, issued_from=start, issued_before=end)
    ordering = {f.buyer_id for f in facts if f.buyer_type in PARTICIPATING_TYPES}
    sending = repository.buyers_with_rfqs(session, start=start, end=end, buyer_types=PARTICIPATING_TYPES)
    if not scope.everywhere:
        sending &= set(scope.buyer_ids)
    figure = repository.program_figure(session, BUYERS_TARGET, year=start.year)
    ids = frozenset(ordering | sending)
    return ParticipatingBuyers(
        start=start,
        end=end,
        count=len(ids),
        buyer_ids=ids,
        target=figure.value if figure else None,
        target_source=figure.source if figure else None,
    )


# --- value ------------------------------------------------------------------------------------------


class Dimension(StrEnum):
    MONTH = "month"
    PROVINCE = "province"
    KABKOTA = "kabkota"
    SECTOR = "sector"  # the KBLI section of the supplier's primary KBLI
    SIZE_CLASS = "size_class"
    BUYER = "buyer"
    SUPPLIER = "supplier"


@dataclass(frozen=True, slots=True)
class ValueRow:
    key: str  # a month YYYY-MM, a region code, a section letter, a size class, an organization or profile id
    orders: int
    po_value: int
    delivered: int
    paid: int
    suppliers: int


_KEYS: dict[Dimension, Callable[[PoFact], str]] = {
    Dimension.MONTH: lambda f: f.issued_on.strftime("%Y-%m"),
    Dimension.PROVINCE: lambda f: f.province_code,
    Dimension.KABKOTA: lambda f: f.kabkota_code,
    Dimension.SECTOR: lambda f: f.kbli_section or "",
    Dimension.SIZE_CLASS: lambda f: f.size_class or "",
    Dimension.BUYER: lambda f: str(f.buyer_id),
    Dimension.SUPPLIER: lambda f: str(f.supplier_id),
}


def value_by(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    by: Dimension,
    scope: Scope = NATIONAL,
    narrowing: Narrowing = Narrowing(),  # a frozen value
) -> list[ValueRow]:
    """PO value (the order's total as issued or last amended), delivered value (quantities accepted at
    BAST times their unit price) and paid value (cash paid on the order's invoices) of the live purchase
    orders issued in [start, end), grouped by ``by``; rows in key order."""
    facts = repository.po_facts(
        session, scope=scope, narrowing=narrowing, issued_from=start, issued_before=end
    )
    return group_value(facts, by)


def group_value(facts: Iterable[PoFact], by: Dimension) -> list[ValueRow]:
    """The value rows of ``facts`` grouped by ``by`` (the arithmetic of ``value_by``)."""
    key_of = _KEYS[by]
    groups: dict[str, list[PoFact]] = {}
    for fact in facts:
        groups.setdefault(key_of(fact), []).append(fact)
    return [
        ValueRow(
            key=key,
            orders=len(rows),
            po_value=sum(f.value for f in rows),
            delivered=sum(f.delivered for f in rows),
            paid=sum(f.paid for f in rows),
            suppliers=len({f.supplier_id for f in rows}),
        )
        for key, rows in sorted(groups.items())
    ]


# --- UMK share of spend (Inpres 2/2022) ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UmkShare:
    buyer_id: int
    buyer_name: str
    buyer_type: str
    year: int
    platform_spend: int  # every live PO issued that year
    umk_spend: int  # of which to micro and small businesses and cooperatives
    pagu: int | None  # the goods-and-services budget the buyer entered for the year
    target: float  # 0.40

    @property
    def share_of_pagu(self) -> float | None:
        return _share(self.umk_spend, self.pagu or 0)

    @property
    def share_of_platform(self) -> float | None:
        return _share(self.umk_spend, self.platform_spend)

    @property
    def meets_target(self) -> bool | None:
        share = self.share_of_pagu
        return None if share is None else share >= self.target


def umk_share(session: Session, *, year: int, scope: Scope = NATIONAL) -> list[UmkShare]:
    """For each buyer Inpres 2/2022 binds (BUMN, government agencies) that has a pagu for ``year`` or
    ordered that year: its spend with micro and small businesses and cooperatives (the winner's class
    recorded at award, else its class now) over its pagu; ordered by share, highest first, buyers
    without a pagu last."""
    spent = repository.spend_by_buyer(
        session,
        scope=scope,
        issued_from=dt.date(year, 1, 1),
        issued_before=dt.date(year + 1, 1, 1),
        buyer_types=INPRES_BOUND,
        umk_classes=UMK_CLASSES,
    )
    pagus = repository.budgets(session, year=year)
    figure = repository.program_figure(session, UMK_TARGET, year=year)
    target = (figure.value if figure else 40) / 100
    spend = {org_id: total for org_id, (total, _) in spent.items()}
    umk = {org_id: with_umk for org_id, (_, with_umk) in spent.items()}
    if scope.everywhere:
        candidates = set(spend) | set(pagus)
    else:
        candidates = set(spend) | (set(pagus) & set(scope.buyer_ids))
    orgs = repository.organization_names(session, sorted(candidates))
    rows = [
        UmkShare(
            buyer_id=org_id,
            buyer_name=orgs[org_id][0],
            buyer_type=orgs[org_id][1],
            year=year,
            platform_spend=spend.get(org_id, 0),
            umk_spend=umk.get(org_id, 0),
            pagu=pagus.get(org_id),
            target=target,
        )
        for org_id in candidates
        if org_id in orgs and orgs[org_id][1] in INPRES_BOUND
    ]
    return sorted(rows, key=lambda r: (r.share_of_pagu is None, -(r.share_of_pagu or 0), r.buyer_name))


# --- reserved packages --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReservedPackages:
    reserved: int  # approved awards whose package lay in its buyer's reserved range
    to_eligible: int  # of which every winner held an allowed class
    exceptions: int  # of which an exception was recorded at award
    exception_reasons: tuple[tuple[int, str], ...]  # (award id, reason)

    @property
    def share_to_eligible(self) -> float | None:
        return _share(self.to_eligible, self.reserved)


def reserved_packages(
    session: Session, *, start: dt.date, end: dt.date, scope: Scope = NATIONAL
) -> ReservedPackages:
    """Of the awards approved in [start, end) whose package value lay in the reserved range of the rule in
    force for their buyer's kind that day (``reference.reservation``), how many went only to businesses
    the rule allows, and the exceptions recorded at award."""
    reserved = eligible = 0
    reasons: list[tuple[int, str]] = []
    for award in repository.approved_awards(session, start=start, end=end, scope=scope):
        rule = reservation.rule_in_force(session, award.buyer_type, award.approved_on)
        winners = [Winner(name="", size_class=size, koperasi=coop) for size, coop in award.winners]
        verdict = reservation.check_award(rule, award.package_value, winners)
        if not verdict.reserved:
            continue
        reserved += 1
        if verdict.allowed:
            eligible += 1
        if award.exception_reason:
            reasons.append((award.award_id, award.exception_reason))
    return ReservedPackages(reserved, eligible, len(reasons), tuple(reasons))


# --- payment discipline -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PayRank:
    rank: int
    buyer_id: int
    buyer_name: str
    buyer_type: str
    invoices: int
    average_days: float
    on_time_rate: float | None
    overdue_share: float


def payment_discipline(session: Session, *, on: dt.date) -> list[PayRank]:
    """Every buyer with invoices ranked by ``orders.days_to_pay`` (open invoices counted with their age):
    fewest average days first, then highest on-time rate, then lowest overdue share. Public (aggregates
    of organizations only, as the buyer's profile publishes them)."""
    found = days_to_pay(session, on=on)
    orgs = repository.organization_names(session, sorted(found))
    ordered = sorted(
        found.items(),
        key=lambda item: (
            item[1].average_days,
            -(item[1].on_time_rate if item[1].on_time_rate is not None else -1),
            item[1].overdue_share,
            orgs.get(item[0], ("", ""))[0],
        ),
    )
    return [
        PayRank(
            rank=n,
            buyer_id=org_id,
            buyer_name=orgs[org_id][0],
            buyer_type=orgs[org_id][1],
            invoices=d.invoices,
            average_days=d.average_days,
            on_time_rate=d.on_time_rate,
            overdue_share=d.overdue_share,
        )
        for n, (org_id, d) in enumerate(((o, d) for o, d in ordered if o in orgs), start=1)
    ]


# --- inclusion and growth -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Inclusion:
    first_time_winners: int  # suppliers whose first approved award fell in the period
    graduations: int  # suppliers that moved up a size class in the period (naik kelas)
    po_value: int
    cooperative_value: int  # of the period's PO value, to cooperatives
    outside_java_value: int  # to suppliers located outside Java's six provinces
    suppliers: int
    outside_java_suppliers: int

    @property
    def cooperative_share(self) -> float | None:
        return _share(self.cooperative_value, self.po_value)

    @property
    def outside_java_share(self) -> float | None:
        return _share(self.outside_java_value, self.po_value)


def inclusion(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    scope: Scope = NATIONAL,
    facts: Sequence[PoFact] | None = None,
) -> Inclusion:
    """First-time winners, size-class graduations, and the cooperatives' and outside-Java shares of the
    value of the live purchase orders issued in [start, end) (``facts``: those orders, when already read)."""
    if facts is None:
        facts = repository.po_facts(session, scope=scope, issued_from=start, issued_before=end)
    awards = repository.approved_awards(session, start=start, end=end, scope=scope)
    winners = repository.award_winners(session, [a.award_id for a in awards])
    firsts = repository.first_award_days(session)
    first_time = sum(1 for supplier in winners if start <= firsts.get(supplier, dt.date.max) < end)
    graduations = 0
    for history in repository.size_histories(session, scope=scope).values():
        for (_, before), (day, after) in itertools.pairwise(history):
            if start <= day < end and SIZE_RANK.get(after, 0) > SIZE_RANK.get(before, 0) > 0:
                graduations += 1
                break
    outside = [f for f in facts if f.province_code not in JAVA_PROVINCES]
    return Inclusion(
        first_time_winners=first_time,
        graduations=graduations,
        po_value=sum(f.value for f in facts),
        cooperative_value=sum(f.value for f in facts if is_cooperative(f)),
        outside_java_value=sum(f.value for f in outside),
        suppliers=len({f.supplier_id for f in facts}),
        outside_java_suppliers=len({f.supplier_id for f in outside}),
    )
