"""The comparison of an RFQ's quotes (issue #11 item 3): lines x suppliers, for the RFQ's buyer once the
deadline has passed.

Quotes are read only through ``quotes.opened_prices`` (``opened_quotes`` with the lines as plain rows: the
same check and the same seal, ``QuoteSealed`` before the deadline, ``RfqNotFound`` for anyone but the
buyer's members; 10,000 ORM quote lines alone took longer than the page may). Everything else the page shows (the suppliers'
profiles, place, certificates, track record, awards won, KBLI and capacity) is read in one query per
kind, never per cell: the number of queries is the same for 2 quotes or 200 (pinned by a test), which
keeps a 200-quote x 50-line comparison well under the page's 300 ms.

Money stays in minor units of the RFQ's currency (whole Rupiah; USD cents); every amount also has its
Rupiah figure (``*_idr``) at the RFQ's own rate for a USD RFQ.

Match reasons: the shortlist's engine (``sourcing.shortlists.explain_line``) needs the search index and
one call per line and supplier, too slow for 200 x 50 cells. Instead each supplier shows the cheap facts
the engine itself weighs: its KBLI codes, its stated monthly capacity, whether it holds the certificates
the need's lines ask for, and whether it is based where the goods go.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from rantai.catalog import repository as catalog_repository
from rantai.identity.policy import Actor
from rantai.kit.clock import WIB, now
from rantai.kit.text import N_
from rantai.reference import repository as reference_repository
from rantai.sourcing import repository as need_repository
from rantai.sourcing.rfq import quotes, repository
from rantai.sourcing.rfq.models import Quote, Rfq, RfqLine
from rantai.suppliers import repository as suppliers_repository
from rantai.suppliers.models import SupplierProfile

# Certificates a cross-border buyer asks about first (halal, timber legality, food and cosmetics
# registrations, food safety and quality systems, sustainable palm oil, organic). Every valid certificate
# is shown; these are flagged ``export_relevant`` so a page can put them first or show only them.
EXPORT_CERTIFICATES = frozenset(
    {
        "halal",
        "svlk",
        "bpom_md",
        "bpom_na",
        "bpom_tr",
        "haccp",
        "iso_22000",
        "iso_9001",
        "iso_14001",
        "iso_45001",
        "ispo",
        "rspo",
        "organik",
        "nkv",
        "skp",
        "sni",
    }
)
_TENTH = Decimal("0.1")

REASON_KBLI = N_("Works in KBLI %(codes)s")
REASON_CAPACITY = N_("States a capacity of %(capacity)s units a month")
REASON_CERTIFICATES = N_("Holds the certificates asked for: %(codes)s")
REASON_MISSING_CERTIFICATES = N_("Lacks certificates asked for: %(codes)s")
REASON_LOCAL = N_("Based in the delivery kab/kota")


@dataclass(slots=True)  # not frozen: a frozen dataclass sets each field through object.__setattr__,
class Cell:  # which costs 10,000 cells x 13 fields
    """One supplier's price for one line."""

    supplier_id: int
    supplier_name: str
    unit_price: int  # minor units of the RFQ's currency
    quantity: int  # offered (may be part of the line)
    amount: int  # unit_price * quantity
    lead_time_days: int
    deviation_pct: Decimal | None  # from the line's HPS per unit, one decimal; None without an HPS
    is_lowest: bool  # the lowest unit price on the line (ties: all of them)
    to_confirm: bool  # the quote answers an older revision of the RFQ
    notes: str | None
    quote_id: int
    quote_revision: int
    amount_idr: int  # whole Rupiah


@dataclass(frozen=True, slots=True)
class ComparedLine:
    line: RfqLine
    cells: list[Cell]
    lowest_unit_price: int | None  # None: nobody quoted the line
    hps_unit_price: Decimal | None  # the HPS per unit, None without an HPS
    unit_name_id: str | None = None
    unit_name_en: str | None = None

    def unit_name(self, locale: str) -> str:
        name = self.unit_name_en if locale == "en" else self.unit_name_id
        return name or self.line.unit_code or ""


@dataclass(frozen=True, slots=True)
class CertificateShown:
    type_code: str
    name_id: str
    name_en: str
    number: str
    valid_until: dt.date | None
    verified: bool  # checked by a verifier (else still pending)
    export_relevant: bool


@dataclass(frozen=True, slots=True)
class TrackRecordShown:
    """What the supplier has done: the platform's track record (orders completed and on time, kept by
    the orders domain) and the approved awards it won on Rantai so far."""

    awards_won: int  # supplier_track_record.awards_won (imported history and approved Rantai awards)
    orders_completed: int
    orders_on_time: int
    rantai_awards: int  # approved awards naming the supplier on at least one line
    rantai_awarded_idr: int  # their amounts, whole Rupiah

    @property
    def on_time_pct(self) -> int | None:
        if not self.orders_completed:
            return None
        return round(self.orders_on_time * 100 / self.orders_completed)

    @property
    def newcomer(self) -> bool:
        return not self.awards_won and not self.rantai_awards

    @property
    def awards_total(self) -> int:
        """Awards won: the track record counts each approved Rantai award too (``awards.py``), so the
        Rantai awards are already in it; the larger of the two covers a record older than that."""
        return max(self.awards_won, self.rantai_awards)


@dataclass(frozen=True, slots=True)
class MatchReason:
    """Why the supplier fits, as a message id and its parameters (translated by the door)."""

    message: str
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ComparedSupplier:
    supplier_id: int
    name: str
    nib: str | None
    size_class: str | None
    kabkota_code: str | None
    kabkota_name: str | None
    certificates: list[CertificateShown]
    track_record: TrackRecordShown
    match_reasons: list[MatchReason]
    kbli_codes: list[str]
    capacity_per_month: int | None
    quote_id: int
    quote_revision: int
    valid_until: dt.date
    notes: str | None
    to_confirm: bool
    lines_quoted: int
    total: int  # minor units of the RFQ's currency
    total_idr: int  # whole Rupiah


@dataclass(frozen=True, slots=True)
class Comparison:
    rfq: Rfq
    lines: list[ComparedLine]
    suppliers: list[ComparedSupplier]
    made_at: dt.datetime

    @property
    def currency(self) -> str:
        return self.rfq.currency

    @property
    def idr_rate(self) -> Decimal | None:
        return self.rfq.idr_rate

    @property
    def rows(self) -> int:
        """How many (line, supplier) cells there are: the rows of the export."""
        return sum(len(line.cells) for line in self.lines)


def to_idr(amount: int, currency: str, rate: Decimal | None) -> int:
    """``amount`` (minor units of ``currency``) in whole Rupiah, half up; USD at ``rate`` Rupiah a dollar."""
    if currency == "IDR" or rate is None:
        return amount
    return int((Decimal(amount) * rate / 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def deviation_pct(unit_price: int, hps: int | None, quantity: int) -> Decimal | None:
    """How far ``unit_price`` is from the HPS per unit (``hps`` is for the whole line), in percent with
    one decimal, half away from zero: negative below the HPS. None without an HPS (or an HPS of zero).

    ``(unit_price - hps/quantity) / (hps/quantity)`` is ``(unit_price * quantity - hps) / hps``: whole
    numbers only, exact, and cheap for 10,000 cells."""
    if not hps or hps < 0 or quantity <= 0:
        return None
    scaled = (unit_price * quantity - hps) * 1000  # tenths of a percent, times hps
    tenths = (2 * abs(scaled) + hps) // (2 * hps)
    return Decimal(-tenths if scaled < 0 else tenths).scaleb(-1)


def compare(session: Session, *, actor: Actor | None, rfq: Rfq) -> Comparison:
    """The comparison of the RFQ's submitted quotes (their current revisions), for its buyer after the
    deadline: ``QuoteSealed`` before, ``RfqNotFound`` for anyone else. A fixed number of queries."""
    opened = quotes.opened_prices(session, actor=actor, rfq=rfq)
    rfq_lines = repository.lines_of(session, rfq.id)
    offered = [quote for quote in opened.quotes if opened.lines.get(quote.id)]
    supplier_ids = [quote.supplier_id for quote in offered]
    moment = now()
    profiles = suppliers_repository.profiles_by_id(session, supplier_ids)
    compared_lines = _lines(session, rfq, rfq_lines, offered, opened.lines, profiles)
    suppliers = _suppliers(session, rfq, rfq_lines, offered, compared_lines, profiles, moment)
    return Comparison(rfq=rfq, lines=compared_lines, suppliers=suppliers, made_at=moment)


@dataclass(frozen=True, slots=True)
class _Bidder:
    """What every cell of one quote repeats, read once per quote (ORM attribute reads add up over
    10,000 cells)."""

    supplier_id: int
    name: str
    quote_id: int
    revision: int
    to_confirm: bool


def _lines(
    session: Session,
    rfq: Rfq,
    rfq_lines: Sequence[RfqLine],
    offered: Sequence[Quote],
    prices: dict[int, list[quotes.OpenedPrice]],
    profiles: dict[int, SupplierProfile],
) -> list[ComparedLine]:
    units = reference_repository.units_by_code(session, [ln.unit_code for ln in rfq_lines if ln.unit_code])
    cells: dict[int, list[tuple[_Bidder, quotes.OpenedPrice]]] = {line.id: [] for line in rfq_lines}
    for quote in offered:
        sid = quote.supplier_id
        profile = profiles.get(sid)
        bidder = _Bidder(
            sid,
            profile.business_name if profile else str(sid),
            quote.id,
            quote.revision,
            quotes.is_to_confirm(quote, rfq),
        )
        for price in prices.get(quote.id, []):
            if price.rfq_line_id in cells:
                cells[price.rfq_line_id].append((bidder, price))
    currency, rate = rfq.currency, rfq.idr_rate
    found: list[ComparedLine] = []
    for line in rfq_lines:
        pairs = cells[line.id]
        lowest = min((price.unit_price for _, price in pairs), default=None)
        unit = units.get(line.unit_code) if line.unit_code else None
        hps, quantity = line.hps, line.quantity
        hps_unit = Decimal(hps) / quantity if hps and quantity else None
        deviations: dict[int, Decimal | None] = {}  # by unit price: suppliers often quote the same
        row: list[Cell] = []
        for bidder, price in pairs:
            unit_price = price.unit_price
            if unit_price not in deviations:
                deviations[unit_price] = deviation_pct(unit_price, hps, quantity)
            amount = unit_price * price.quantity
            row.append(
                Cell(
                    supplier_id=bidder.supplier_id,
                    supplier_name=bidder.name,
                    unit_price=unit_price,
                    quantity=price.quantity,
                    amount=amount,
                    lead_time_days=price.lead_time_days,
                    deviation_pct=deviations[unit_price],
                    is_lowest=unit_price == lowest,
                    to_confirm=bidder.to_confirm,
                    notes=price.notes,
                    quote_id=bidder.quote_id,
                    quote_revision=bidder.revision,
                    amount_idr=amount if currency == "IDR" else to_idr(amount, currency, rate),
                )
            )
        found.append(
            ComparedLine(
                line=line,
                cells=row,
                lowest_unit_price=lowest,
                hps_unit_price=hps_unit.quantize(Decimal("0.01")) if hps_unit is not None else None,
                unit_name_id=unit.name_id if unit else None,
                unit_name_en=unit.name_en if unit else None,
            )
        )
    return found


def _suppliers(
    session: Session,
    rfq: Rfq,
    rfq_lines: Sequence[RfqLine],
    offered: Sequence[Quote],
    compared: list[ComparedLine],
    profiles: dict[int, SupplierProfile],
    moment: dt.datetime,
) -> list[ComparedSupplier]:
    ids = [quote.supplier_id for quote in offered]
    totals: dict[int, int] = dict.fromkeys(ids, 0)
    counts: dict[int, int] = dict.fromkeys(ids, 0)
    for line in compared:
        for cell in line.cells:
            totals[cell.supplier_id] += cell.amount
            counts[cell.supplier_id] += 1
    today = moment.astimezone(WIB).date()
    kabkota = reference_repository.region_names(
        session, [profile.kabkota_code for profile in profiles.values()]
    )
    certificates = suppliers_repository.valid_certifications_of(session, ids, today)
    records = suppliers_repository.track_records_of(session, ids)
    won = repository.awards_won(session, ids)
    kbli = suppliers_repository.kbli_codes_of(session, ids)
    capacity = catalog_repository.monthly_capacities(session, ids)
    need_line_ids = [line.need_line_id for line in rfq_lines if line.need_line_id is not None]
    asked_by_line = need_repository.certifications_of(session, need_line_ids)
    asked = sorted({code for codes in asked_by_line.values() for code in codes})
    delivery = {line.delivery_kabkota_code for line in rfq_lines if line.delivery_kabkota_code}
    found: list[ComparedSupplier] = []
    for quote in offered:
        sid = quote.supplier_id
        profile = profiles.get(sid)
        own = certificates.get(sid, [])
        shown = [
            CertificateShown(
                type_code=cert.type_code,
                name_id=kind.name_id,
                name_en=kind.name_en,
                number=cert.number,
                valid_until=cert.valid_until,
                verified=cert.status == "verified",
                export_relevant=cert.type_code in EXPORT_CERTIFICATES,
            )
            for cert, kind in own
        ]
        record = records.get(sid)
        wins = won.get(sid, [])
        track = TrackRecordShown(
            awards_won=record.awards_won if record else 0,
            orders_completed=record.orders_completed if record else 0,
            orders_on_time=record.orders_on_time if record else 0,
            rantai_awards=sum(count for count, _, _, _ in wins),
            rantai_awarded_idr=sum(to_idr(amount, cur, rate) for _, cur, rate, amount in wins),
        )
        codes = kbli.get(sid, [])
        kabkota_code = profile.kabkota_code if profile else None
        held = {c.type_code for c in shown}
        reasons = _reasons(codes, capacity.get(sid), held, asked, local=kabkota_code in delivery)
        total = totals[sid]
        found.append(
            ComparedSupplier(
                supplier_id=sid,
                name=profile.business_name if profile else str(sid),
                nib=profile.nib if profile else None,
                size_class=profile.size_class if profile else None,
                kabkota_code=kabkota_code,
                kabkota_name=kabkota.get(kabkota_code) if kabkota_code else None,
                certificates=shown,
                track_record=track,
                match_reasons=reasons,
                kbli_codes=codes,
                capacity_per_month=capacity.get(sid),
                quote_id=quote.id,
                quote_revision=quote.revision,
                valid_until=quote.valid_until,
                notes=quote.notes,
                to_confirm=quotes.is_to_confirm(quote, rfq),
                lines_quoted=counts[sid],
                total=total,
                total_idr=to_idr(total, rfq.currency, rfq.idr_rate),
            )
        )
    return found


def _reasons(
    kbli: list[str], capacity: int | None, held: set[str], asked: list[str], *, local: bool
) -> list[MatchReason]:
    reasons: list[MatchReason] = []
    if kbli:
        reasons.append(MatchReason(REASON_KBLI, {"codes": ", ".join(kbli)}))
    if capacity:
        reasons.append(MatchReason(REASON_CAPACITY, {"capacity": capacity}))
    if asked:
        have = [code for code in asked if code in held]
        missing = [code for code in asked if code not in held]
        if have:
            reasons.append(MatchReason(REASON_CERTIFICATES, {"codes": ", ".join(have)}))
        if missing:
            reasons.append(MatchReason(REASON_MISSING_CERTIFICATES, {"codes": ", ".join(missing)}))
    if local:
        reasons.append(MatchReason(REASON_LOCAL))
    return reasons
