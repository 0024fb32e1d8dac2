"""The program's KPIs (issue #15), one function each; their definitions are in docs/kpi.md, which says the
same thing in words, and tests/integration/analytics/test_kpi.py checks each against values worked out by
hand on a small fixture.

Every function takes the reader's ``Scope`` (``analytics.scope.scope_for``): the nation, a region's
suppliers, a buyer's own orders. Money is whole Rupiah (a USD order at its rate).

``rolled=True`` reads the same figures from the rollup the worker keeps (``analytics.rollup``) instead of
the transaction tables: the dashboards do, the definitions are these functions' (test_rollup.py checks
that both give the same figures).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.orm import Session

from rantai.analytics import repository, rollup_repository
from rantai.analytics.repository import NATIONAL, Narrowing, Scope
from rantai.identity.roles import OrgType
from rantai.orders.days_to_pay import DaysToPay, days_to_pay
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


def connected_umkm(
    session: Session, *, on: dt.date, scope: Scope = NATIONAL, rolled: bool = False
) -> ConnectedUmkm:
    """Verified UMKM (mikro, kecil, menengah) with at least one purchase order accepted from a BUMN, large
    private or global buyer in the 365 days up to and including ``on``."""
    until = dt.datetime.combine(on, dt.time.max, tzinfo=dt.UTC)
    pairs = (rollup_repository if rolled else repository).connected_pairs(
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
    session: Session, *, start: dt.date, end: dt.date, scope: Scope = NATIONAL, rolled: bool = False
) -> ParticipatingBuyers:
    """BUMN, large private and global buyers with at least one RFQ sent or one purchase order issued in
    [start, end); against the program's target (``participating_buyers_target``). In a region's scope, a
    buyer counts by its orders to suppliers there; RFQs are counted nationally and for a buyer's own."""
    ordering = (rollup_repository if rolled else repository).ordering_buyers(
        session, scope=scope, issued_from=start, issued_before=end, buyer_types=PARTICIPATING_TYPES
    )
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
    name: str = ""  # a buyer's or a supplier's name (grouped by buyer or supplier)


# The columns each dimension groups by (``repository.GROUP_KEYS``); a buyer or supplier with its name.
_GROUP_BY: dict[Dimension, tuple[str, ...]] = {
    Dimension.MONTH: ("month",),
    Dimension.PROVINCE: ("province",),
    Dimension.KABKOTA: ("kabkota",),
    Dimension.SECTOR: ("sector",),
    Dimension.SIZE_CLASS: ("size_class",),
    Dimension.BUYER: ("buyer", "buyer_name"),
    Dimension.SUPPLIER: ("supplier", "supplier_name"),
}


def value_by(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    by: Dimension,
    scope: Scope = NATIONAL,
    narrowing: Narrowing = Narrowing(),  # a frozen value
    rolled: bool = False,
) -> list[ValueRow]:
    """PO value (the order's total as issued or last amended), delivered value (quantities accepted at
    BAST times their unit price) and paid value (cash paid on the order's invoices) of the live purchase
    orders issued in [start, end), grouped by ``by`` in SQL; rows in key order."""
    found = (rollup_repository if rolled else repository).value_sums(
        session, scope=scope, by=_GROUP_BY[by], narrowing=narrowing, issued_from=start, issued_before=end
    )
    rows = [
        ValueRow(
            key=str(key[0]),
            orders=s.orders,
            po_value=s.po_value,
            delivered=s.delivered,
            paid=s.paid,
            suppliers=s.suppliers,
            name=str(key[1]) if len(key) > 1 else "",
        )
        for key, s in found.items()
    ]
    return sorted(rows, key=lambda r: r.key)


def value_by_province_and_kabkota(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    scope: Scope = NATIONAL,
    rolled: bool = False,
) -> tuple[list[ValueRow], dict[str, list[ValueRow]]]:
    """``value_by`` province (unnarrowed) and, for each province, ``value_by`` kab/kota narrowed to it,
    from one GROUP BY (province, kab/kota): a province's drill-down shows its kab/kota and needs the
    provinces for inclusion, one pass instead of two. A supplier lies in one kab/kota of one province,
    so the kab/kota's distinct suppliers add up to their province's."""
    found = (rollup_repository if rolled else repository).value_sums(
        session, scope=scope, by=("province", "kabkota"), issued_from=start, issued_before=end
    )
    provinces: dict[str, list[int]] = {}
    kabkota: dict[str, list[ValueRow]] = {}
    for (province, place), s in found.items():
        sink = provinces.setdefault(str(province), [0, 0, 0, 0, 0])
        for at, figure in enumerate((s.orders, s.po_value, s.delivered, s.paid, s.suppliers)):
            sink[at] += figure
        kabkota.setdefault(str(province), []).append(
            ValueRow(str(place), s.orders, s.po_value, s.delivered, s.paid, s.suppliers)
        )
    return (
        [ValueRow(k, o, v, d, p, n) for k, (o, v, d, p, n) in sorted(provinces.items())],
        {k: sorted(rows, key=lambda r: r.key) for k, rows in kabkota.items()},
    )


def value_by_month_and_buyer(
    session: Session,
    *,
    start: dt.date,
    end: dt.date,
    scope: Scope = NATIONAL,
    narrowing: Narrowing = Narrowing(),  # a frozen value
    rolled: bool = False,
) -> tuple[list[ValueRow], list[ValueRow]]:
    """``value_by`` month and ``value_by`` buyer from one GROUP BY (month, buyer), for the tables that show
    no distinct suppliers (their ``suppliers`` is 0): one pass over the period instead of two."""
    found = (rollup_repository if rolled else repository).value_sums(
        session,
        scope=scope,
        by=("month", "buyer", "buyer_name"),
        narrowing=narrowing,
        issued_from=start,
        issued_before=end,
        with_suppliers=False,
    )
    months: dict[str, list[int]] = {}
    buyers: dict[tuple[str, str], list[int]] = {}
    for (month, buyer, name), sums in found.items():
        for sink in (
            months.setdefault(str(month), [0, 0, 0, 0]),
            buyers.setdefault((str(buyer), str(name)), [0, 0, 0, 0]),
        ):
            sink[0] += sums.orders
            sink[1] += sums.po_value
            sink[2] += sums.delivered
            sink[3] += sums.paid
    return (
        [ValueRow(k, o, v, d, p, 0) for k, (o, v, d, p) in sorted(months.items())],
        [ValueRow(k, o, v, d, p, 0, name=n) for (k, n), (o, v, d, p) in sorted(buyers.items())],
    )


def total_of(rows: Iterable[ValueRow]) -> ValueRow:
    """The total of rows grouped by a region or a supplier: as every supplier lies in one region, the
    groups' distinct suppliers add up (not so for months or buyers)."""
    rows = list(rows)
    return ValueRow(
        key="",
        orders=sum(r.orders for r in rows),
        po_value=sum(r.po_value for r in rows),
        delivered=sum(r.delivered for r in rows),
        paid=sum(r.paid for r in rows),
        suppliers=sum(r.suppliers for r in rows),
    )


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


def umk_share(
    session: Session, *, year: int, scope: Scope = NATIONAL, rolled: bool = False
) -> list[UmkShare]:
    """For each buyer Inpres 2/2022 binds (BUMN, government agencies) that has a pagu for ``year`` or
    ordered that year: its spend with micro and small businesses and cooperatives (the winner's class
    recorded at award, else its class now) over its pagu; ordered by share, highest first, buyers
    without a pagu last."""
    spent = (rollup_repository if rolled else repository).spend_by_buyer(
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
    session: Session, *, start: dt.date, end: dt.date, scope: Scope = NATIONAL, rolled: bool = False
) -> ReservedPackages:
    """Of the awards approved in [start, end) whose package value lay in the reserved range of the rule in
    force for their buyer's kind that day (``reference.reservation``), how many went only to businesses
    the rule allows, and the exceptions recorded at award."""
    if rolled:  # the verdicts were worked out when the awards were rolled up
        found = rollup_repository.reserved_awards(session, start=start, end=end, scope=scope)
        rolled_reasons = tuple((award, reason) for award, _, reason in found if reason)
        return ReservedPackages(
            len(found), sum(1 for _, allowed, _ in found if allowed), len(rolled_reasons), rolled_reasons
        )
    reserved = eligible = 0
    reasons: list[tuple[int, str]] = []
    # One look-up per buyer kind and day, not per award (the national demo's 30,000 awards of a year took
    # 95 s of one-row queries; issue #15).
    rules: dict[tuple[str, dt.date], reservation.ReservationRule | None] = {}
    for award in repository.approved_awards(session, start=start, end=end, scope=scope):
        key = (award.buyer_type, award.approved_on)
        if key not in rules:
            rules[key] = reservation.rule_in_force(session, award.buyer_type, award.approved_on)
        rule = rules[key]
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


def payment_discipline(session: Session, *, on: dt.date, rolled: bool = False) -> list[PayRank]:
    """Every buyer with invoices ranked by ``orders.days_to_pay`` (open invoices counted with their age):
    fewest average days first, then highest on-time rate, then lowest overdue share. Public (aggregates
    of organizations only, as the buyer's profile publishes them)."""
    found = _rolled_days_to_pay(session, on=on) if rolled else days_to_pay(session, on=on)
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


def _rolled_days_to_pay(session: Session, *, on: dt.date) -> dict[int, DaysToPay]:
    """``orders.days_to_pay`` of every buyer from the rollup's invoices, tallied in SQL."""
    return {
        buyer: DaysToPay.of_counts(tally)
        for buyer, tally in rollup_repository.pay_tallies(session, on=on).items()
    }


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
    by_province: Sequence[ValueRow] | None = None,
    rolled: bool = False,
) -> Inclusion:
    """First-time winners, size-class graduations, and the cooperatives' and outside-Java shares of the
    value of the live purchase orders issued in [start, end) (``by_province``: their value by province,
    when the caller has it already)."""
    if by_province is None:
        by_province = value_by(
            session, start=start, end=end, by=Dimension.PROVINCE, scope=scope, rolled=rolled
        )
    if rolled:
        first_time = rollup_repository.first_time_winners(session, start=start, end=end, scope=scope)
        graduations = rollup_repository.graduations(session, start=start, end=end, scope=scope)
        cooperative = rollup_repository.value_sums(
            session,
            scope=scope,
            by=(),
            issued_from=start,
            issued_before=end,
            with_suppliers=False,
            only_cooperatives=True,
        )
    else:
        first_time, graduations = _first_time_and_graduations(session, start=start, end=end, scope=scope)
        cooperative = repository.value_sums(
            session,
            scope=scope,
            by=(),
            issued_from=start,
            issued_before=end,
            with_payments=False,
            with_suppliers=False,
            only_cooperatives=True,
        )
    # A supplier lies in one province, so the provinces' distinct suppliers add up.
    outside = [r for r in by_province if r.key not in JAVA_PROVINCES]
    return Inclusion(
        first_time_winners=first_time,
        graduations=graduations,
        po_value=sum(r.po_value for r in by_province),
        cooperative_value=sum(s.po_value for s in cooperative.values()),
        outside_java_value=sum(r.po_value for r in outside),
        suppliers=sum(r.suppliers for r in by_province),
        outside_java_suppliers=sum(r.suppliers for r in outside),
    )


def _first_time_and_graduations(
    session: Session, *, start: dt.date, end: dt.date, scope: Scope
) -> tuple[int, int]:
    """Suppliers whose first approved award fell in [start, end) among the winners of the period's
    awards the scope admits; suppliers the scope admits that moved up a size class in the period."""
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
    return first_time, graduations
