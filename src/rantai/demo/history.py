"""Contracting history for ``rantai demo`` (issue #15): 24 months of RFQs, quotes, awards, purchase orders,
deliveries, BAST, invoices and payments between the buyers in the database and the verified demo UMKM,
so the monitoring map, the KPIs and the open data show a national programme rather than a few stories.

- **Who**: the BUMN, large private and global buyers found in the database when it runs (whoever loaded
  them), and the verified demo registry suppliers (``registry.DEMO_NIB_PREFIX``). Every province with a
  verified UMKM gets at least one order accepted in the trailing twelve months, so the map has no blank
  province. Winners follow a long tail (a few win often, most win once or twice: first-time winners every
  month); cooperatives and suppliers outside Java win as the registry holds them.
- **Payments**: each buyer pays at its own speed: about 8 days (the fast payer of ``demo/orders.py`` and
  some others), about 30 (the demo buyer), or about 75 (the slow payer); the slow ones leave some invoices
  partly paid or unpaid past their due date.
- **Naik kelas**: the winner's size class on each award line is its class on the day of the award (its
  ``supplier_size_class`` history); some frequent mikro winners grow into kecil during the history.
- **How**: planned in memory with one ``random.Random(seed)``, dates relative to ``kit.clock.today()``,
  then written with bulk INSERTs (``db.bulk_insert``) straight into the sourcing and orders tables, not
  through the services (which audit and flush row by row: minutes for thousands of orders). It keeps their
  rules: the lifecycle states (an awarded RFQ, approved awards, POs issued/accepted/declined/completed,
  invoices unpaid/partly paid/paid), the quantity bounds (shipped, received and accepted within what was
  ordered, invoiced within what was accepted), the tax of ``orders.tax`` at the rates of each invoice's
  day, and the number series without gaps: each buyer's RFQs, POs and BAST and each supplier's invoices
  take the numbers after those already given in their year, and the counters are advanced so the next
  real PO or invoice follows on. The supplier's track record is added to as the services would.
- **Once**: one audit entry (``demo.history_loaded``) marks the load; a second run adds nothing.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import time
from collections import Counter as Tally
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.orm import Session
from stdnum import luhn

from rantai import audit
from rantai.audit import Event
from rantai.audit.models import AuditEvent
from rantai.catalog.models import Product
from rantai.db import bulk_insert, table_of
from rantai.demo.registry import DEMO_NIB_PREFIX, SALES_RANGES
from rantai.demo.scale import SMALL, Scale
from rantai.identity.models import Organization
from rantai.identity.roles import OrgType
from rantai.kit.clock import WIB, now, today
from rantai.orders import days_to_pay, tax
from rantai.orders.models import (
    Counter,
    Delivery,
    DeliveryLine,
    Invoice,
    InvoiceLine,
    Payment,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderRevision,
    Receipt,
    ReceiptLine,
    SupplierTax,
    Withholding,
)
from rantai.orders.purchase_orders import buyer_code
from rantai.orders.state import InvoiceStatus, PoStatus
from rantai.reference.models import TaxRate
from rantai.sourcing.rfq.models import (
    Award,
    AwardLine,
    BuyerSettings,
    Quote,
    QuoteLine,
    Rfq,
    RfqInvitation,
    RfqLine,
)
from rantai.sourcing.rfq.state import AwardStatus, QuoteStatus, RfqStatus
from rantai.suppliers.models import SizeClassRecord, SupplierProfile, TrackRecord
from rantai.suppliers.repository import TRACK_COUNTERS

BUYER_TYPES = (OrgType.BUMN.value, OrgType.SWASTA_BESAR.value, OrgType.PEMBELI_GLOBAL.value)
UMKM_CLASSES = frozenset({"mikro", "kecil", "menengah"})
JAVA = frozenset({"31", "32", "33", "34", "35", "36"})
# How a buyer pays: mean days from invoice to settlement, its payment terms, and how often it leaves an
# invoice partly paid or unpaid long past its due date.
PAYERS: dict[str, tuple[int, int, float]] = {
    "fast": (8, 14, 0.0),
    "month": (30, 30, 0.03),
    "slow": (75, 30, 0.12),
}
# The buyers of demo/orders.py keep the speeds their stories show (by the codes that module gives them).
KNOWN_PAYERS = {"HIN": "fast", "PTPN": "month", "AP1": "slow"}
APPROVAL_ABOVE = 500_000_000
SPLIT_SHARE = 0.15  # awards split across two suppliers
DECLINE_SHARE = 0.02  # POs the supplier declined
CANCEL_SHARE = 0.04  # RFQs cancelled before an award
REJECT_SHARE = 0.07  # BAST that reject some goods (replaced by a second delivery)
GRADUATE_SHARE = 0.32  # of the mikro suppliers that win three times or more: grow into kecil meanwhile
REJECT_REASON = "Sebagian barang tidak sesuai spesifikasi; diganti pada pengiriman berikutnya."
CANCEL_REASON = "Kebutuhan ditunda oleh unit pengguna."
DECLINE_REASON = "Kapasitas produksi penuh pada periode ini."
PUBLISHED_SHARE = 0.4


@dataclass
class HistoryReport:
    already_loaded: bool = False
    rfqs: int = 0
    quotes: int = 0
    awards: int = 0
    split_awards: int = 0
    purchase_orders: int = 0
    deliveries: int = 0
    receipts: int = 0
    rejections: int = 0
    invoices: int = 0
    payments: int = 0
    overdue: int = 0
    graduations: int = 0
    buyers: int = 0
    suppliers: int = 0
    provinces: int = 0
    seconds: float = 0.0
    days_to_pay: dict[str, float] = field(default_factory=dict)

    def summary(self) -> str:
        if self.already_loaded:
            return "Demo history: already loaded, nothing added"
        return (
            f"Demo history (24 months): {self.rfqs} RFQs, {self.quotes} quotes, {self.awards} awards "
            f"({self.split_awards} split), {self.purchase_orders} purchase orders of {self.buyers} buyers to "
            f"{self.suppliers} suppliers in {self.provinces} provinces, {self.deliveries} deliveries, "
            f"{self.receipts} BAST ({self.rejections} with rejections), {self.invoices} invoices "
            f"({self.overdue} overdue), {self.payments} payments, {self.graduations} UMKM grew a class; "
            f"in {self.seconds:.1f} s"
        )


# --- what is read -------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Buyer:
    id: int
    name: str
    org_type: str
    code: str
    payer: str
    terms: int
    approval_above: int
    ppn_collector: bool
    pph22_collector: bool
    npwp: str | None
    weight: float


@dataclass(slots=True)
class _Item:
    name: str
    unit_code: str | None
    price: int
    lead_time: int


@dataclass(slots=True)
class _Supplier:
    id: int
    organization_id: int
    nib: str
    province: str
    size_class: str
    history: list[tuple[dt.date, str]]
    items: list[_Item]
    pkp: bool = False
    final_tax_until: dt.date | None = None
    final_tax: bool = False
    since: dt.date = dt.date.min  # the day it was verified: it wins nothing before

    def class_on(self, day: dt.date) -> str:
        found = None
        for since, size in self.history:
            if since <= day:
                found = size
        return found or (self.history[0][1] if self.history else self.size_class)


def history_loaded(session: Session) -> bool:
    return bool(
        session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == Event.DEMO_HISTORY_LOADED.value)
        )
    )


def _npwp(rng: random.Random) -> str:
    head = "01" + "98" + f"{rng.randrange(10_000):04d}"
    return "0" + head + luhn.calc_check_digit(head) + "000" + "000"


def _buyers(session: Session, rng: random.Random) -> list[_Buyer]:
    """The buying organizations, each with its settings (made for those that have none) and its speed."""
    orgs = session.execute(
        select(Organization.id, Organization.name, Organization.org_type)
        .where(Organization.org_type.in_(BUYER_TYPES))
        .order_by(Organization.id)
    ).all()
    settings = {
        s.organization_id: s
        for s in session.scalars(
            select(BuyerSettings).where(BuyerSettings.organization_id.in_([o[0] for o in orgs]))
        )
    }
    buyers = []
    for org_id, name, org_type in orgs:
        found = settings.get(org_id)
        code = found.code if found is not None and found.code else buyer_code(session, org_id)
        payer = KNOWN_PAYERS.get(code) or rng.choices(("fast", "month", "slow"), (0.3, 0.45, 0.25))[0]
        if found is None:
            bumn = org_type == OrgType.BUMN.value
            found = BuyerSettings(
                organization_id=org_id,
                approval_above=APPROVAL_ABOVE,
                payment_terms_days=PAYERS[payer][1],
                code=code,
                npwp=_npwp(rng) if org_type != OrgType.PEMBELI_GLOBAL.value else None,
                ppn_collector=bumn,
                pph22_collector=bumn,
            )
            session.add(found)
        buyers.append(
            _Buyer(
                id=org_id,
                name=name,
                org_type=org_type,
                code=code,
                payer=payer,
                terms=found.payment_terms_days,
                approval_above=found.approval_above,
                ppn_collector=found.ppn_collector,
                pph22_collector=found.pph22_collector,
                npwp=found.npwp,
                weight=rng.lognormvariate(0, 0.9),
            )
        )
    session.flush()
    return buyers


def _suppliers(session: Session, rng: random.Random) -> list[_Supplier]:
    """The verified demo suppliers with a size class and at least one priced product."""
    rows = session.execute(
        select(
            SupplierProfile.id,
            SupplierProfile.organization_id,
            SupplierProfile.nib,
            SupplierProfile.province_code,
            SupplierProfile.size_class,
            SupplierProfile.verified_at,
        )
        .where(
            SupplierProfile.status == "verified",
            SupplierProfile.nib.startswith(DEMO_NIB_PREFIX),
            SupplierProfile.size_class.is_not(None),
        )
        .order_by(SupplierProfile.id)
    ).all()
    found = {
        r[0]: _Supplier(
            r[0],
            r[1],
            r[2],
            r[3],
            str(r[4]),
            [],
            [],
            since=r[5].astimezone(WIB).date() if r[5] else dt.date.min,
        )
        for r in rows
    }
    for supplier_id, name, unit, low, high, lead in session.execute(
        select(
            Product.supplier_id,
            Product.name,
            Product.unit_code,
            Product.price_min,
            Product.price_max,
            Product.lead_time_days,
        )
        .join(SupplierProfile, SupplierProfile.id == Product.supplier_id)
        .where(
            SupplierProfile.status == "verified",
            SupplierProfile.nib.startswith(DEMO_NIB_PREFIX),
            Product.is_active.is_(True),
            Product.price_min.is_not(None),
        )
        .order_by(Product.id)
    ):
        if supplier_id in found and low:
            price = low if not high or high <= low else rng.randint(low, high)
            found[supplier_id].items.append(
                _Item(name[:500], unit, max(1, price), lead or rng.randint(5, 21))
            )
    for supplier_id, since, size in session.execute(
        select(SizeClassRecord.supplier_id, SizeClassRecord.effective_on, SizeClassRecord.size_class)
        .join(SupplierProfile, SupplierProfile.id == SizeClassRecord.supplier_id)
        .where(SupplierProfile.nib.startswith(DEMO_NIB_PREFIX))
        .order_by(SizeClassRecord.supplier_id, SizeClassRecord.effective_on, SizeClassRecord.id)
    ):
        if supplier_id in found:
            found[supplier_id].history.append((since, size))
    for row in session.scalars(select(SupplierTax).where(SupplierTax.supplier_id.in_(list(found)))):
        supplier = found[row.supplier_id]
        supplier.pkp = row.pkp
        supplier.final_tax = bool(row.final_tax_certificate)
        supplier.final_tax_until = row.final_tax_valid_until
    return [s for s in found.values() if s.items]


# --- the plan -----------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    item: _Item
    quantity: int
    price: int  # the winner's unit price


@dataclass(slots=True)
class _Deal:
    """One RFQ of a buyer, awarded on ``award_day`` (or cancelled), its bidders and winners."""

    buyer: _Buyer
    award_day: dt.date
    lines: list[_Line]
    winners: list[_Supplier]  # one, or two for a split award
    losers: list[_Supplier]
    split_by_line: bool
    cancelled: bool
    published: bool
    keep_accepted: bool  # the province's guaranteed connected order: never declined


def _weights(rng: random.Random, count: int) -> list[float]:
    """Cumulative weights of a long tail: a few suppliers win often, most rarely."""
    order = list(range(count))
    rng.shuffle(order)
    weights = [0.0] * count
    for rank, index in enumerate(order):
        weights[index] = 1 / (rank + 25) ** 0.85
    total = 0.0
    cumulative = []
    for weight in weights:
        total += weight
        cumulative.append(total)
    return cumulative


def _lines(rng: random.Random, supplier: _Supplier) -> list[_Line]:
    items = rng.sample(supplier.items, k=min(len(supplier.items), rng.choices((1, 2, 3), (5, 3, 2))[0]))
    lines = []
    for item in items:
        value = rng.lognormvariate(math.log(25_000_000), 1.0)  # a line of about Rp25 juta, long tail
        quantity = max(1, min(1_000_000, round(value / item.price)))
        lines.append(_Line(item, quantity, item.price))
    return lines


def _plan(
    rng: random.Random, scale: Scale, buyers: list[_Buyer], suppliers: list[_Supplier], on: dt.date
) -> list[_Deal]:
    horizon = int(scale.months * 30.44)
    cumulative = _weights(rng, len(suppliers))
    buyer_weights = [b.weight for b in buyers]

    def supplier_other_than(taken: Iterable[_Supplier], day: dt.date) -> _Supplier:
        """A supplier of the long tail, verified by ``day``, not one of ``taken``."""
        ids = {s.id for s in taken}
        for _ in range(20):
            pick = rng.choices(suppliers, cum_weights=cumulative)[0]
            if pick.id not in ids and pick.since <= day:
                return pick
        return next(
            (s for s in suppliers if s.id not in ids and s.since <= day),
            next(s for s in suppliers if s.id not in ids),
        )

    def deal(winner: _Supplier, day: dt.date, *, keep: bool) -> _Deal:
        buyer = rng.choices(buyers, weights=buyer_weights)[0]
        lines = _lines(rng, winner)
        split = len(suppliers) > 2 and not keep and rng.random() < SPLIT_SHARE
        winners = [winner, supplier_other_than([winner], day)] if split else [winner]
        losers = (
            [supplier_other_than(winners, day) for _ in range(rng.choice((1, 1, 2, 3)))]
            if len(suppliers) > 3
            else []
        )
        losers = list({s.id: s for s in losers if s not in winners}.values())
        return _Deal(
            buyer=buyer,
            award_day=day,
            lines=lines,
            winners=winners,
            losers=losers,
            split_by_line=split and len(lines) > 1,
            cancelled=not keep and rng.random() < CANCEL_SHARE,
            published=rng.random() < PUBLISHED_SHARE,
            keep_accepted=keep,
        )

    deals: list[_Deal] = []
    # Every province with a verified UMKM: one order accepted well inside the trailing twelve months.
    by_province: dict[str, list[_Supplier]] = defaultdict(list)
    for supplier in suppliers:
        if supplier.size_class in UMKM_CLASSES:
            by_province[supplier.province].append(supplier)
    for province in sorted(by_province):
        winner = rng.choice(by_province[province])
        day = on - dt.timedelta(days=rng.randint(30, 300))
        if winner.since > day:  # verified later: the province's longest verified UMKM, once verified
            winner = min(by_province[province], key=lambda s: (s.since, s.id))
            day = min(max(day, winner.since), on - dt.timedelta(days=1))
        deals.append(deal(winner, day, keep=True))
    orders = sum(len(d.winners) for d in deals)
    while orders < scale.purchase_orders:
        # More orders in recent months: the platform grows (density falls linearly with age).
        ago = int(horizon * (1 - math.sqrt(rng.random())))
        day = on - dt.timedelta(days=max(1, ago))
        made = deal(supplier_other_than((), day), day, keep=False)
        deals.append(made)
        orders += 0 if made.cancelled else len(made.winners)
    deals.sort(key=lambda d: d.award_day)
    return deals


def _graduate(rng: random.Random, deals: Sequence[_Deal], on: dt.date) -> list[tuple[_Supplier, dt.date]]:
    """Some frequent mikro winners grow into kecil between their wins (naik kelas)."""
    wins: dict[int, list[dt.date]] = defaultdict(list)
    suppliers: dict[int, _Supplier] = {}
    for d in deals:
        for s in d.winners:
            wins[s.id].append(d.award_day)
            suppliers[s.id] = s
    grown = []
    for supplier_id in sorted(wins):
        supplier = suppliers[supplier_id]
        days = sorted(wins[supplier_id])
        if supplier.size_class != "mikro" or len(days) < 3 or rng.random() >= GRADUATE_SHARE:
            continue
        if any(size != "mikro" for _, size in supplier.history):
            continue
        day = days[len(days) // 2]
        if day >= on:
            continue
        supplier.history.append((day, "kecil"))
        supplier.size_class = "kecil"
        grown.append((supplier, day))
    return grown


# --- writing ------------------------------------------------------------------------------------------


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A moment of that Indonesian day, in UTC as stored; never later than now (today's steps)."""
    return min(dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WIB).astimezone(dt.UTC), now())


class _Numbers:
    """Numbers without gaps: each series of a year goes on from the last number already given."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.last: dict[tuple[str, int], int] = {
            (c.series, c.year): c.last for c in session.scalars(select(Counter))
        }
        self.known = set(self.last)

    def take(self, series: str, year: int) -> int:
        key = (series, year)
        self.last[key] = self.last.get(key, 0) + 1
        return self.last[key]

    def save(self) -> None:
        new = [
            {"series": s, "year": y, "last": last}
            for (s, y), last in sorted(self.last.items())
            if (s, y) not in self.known
        ]
        for (series, year), last in sorted(self.last.items()):
            if (series, year) in self.known:
                self.session.execute(
                    update(Counter).where(Counter.series == series, Counter.year == year).values(last=last)
                )
        bulk_insert(self.session, Counter, new)


def _rfq_numbers(session: Session, deals: Sequence[_Deal], created: Mapping[int, dt.datetime]) -> list[str]:
    """RFQ/<year>/000012 per buyer and year, after those the buyer has (``rfq.repository.next_number``)."""
    taken: dict[tuple[int, int], int] = {}
    numbers = [""] * len(deals)
    order = sorted(range(len(deals)), key=lambda i: (created[i], i))
    for i in order:
        year = created[i].astimezone(WIB).year
        key = (deals[i].buyer.id, year)
        if key not in taken:
            prefix = f"RFQ/{year}/"
            taken[key] = (
                session.scalar(
                    select(func.count())
                    .select_from(Rfq)
                    .where(Rfq.organization_id == key[0], Rfq.number.like(prefix + "%"))
                )
                or 0
            )
        taken[key] += 1
        numbers[i] = f"RFQ/{year}/{taken[key]:06d}"
    return numbers


@dataclass(slots=True)
class _Po:
    """A planned PO and its story as days (None: not reached by today)."""

    deal: int
    buyer: _Buyer
    supplier: _Supplier
    parts: list[tuple[int, int, int]]  # (deal line index, quantity, unit price)
    award_line_ids: list[int]
    issued: dt.date
    accepted: dt.date | None
    declined: bool
    lead: int


class _Writer:
    def __init__(self, session: Session, rng: random.Random, on: dt.date, report: HistoryReport) -> None:
        self.session = session
        self.rng = rng
        self.on = on
        self.report = report
        self.numbers = _Numbers(session)
        self.rates: dict[dt.date, tax.Rates] = {}
        self.tax_rates: dict[str, list[tuple[dt.date, tax.Rate]]] = {}
        self.track: dict[int, Tally[str]] = defaultdict(Tally)
        self.references = 0

    def rates_on(self, day: dt.date) -> tax.Rates:
        """The rates in force on ``day`` (as ``orders.repository.rates_on`` reads them, from one read)."""
        if not self.tax_rates:
            for row in self.session.scalars(select(TaxRate).order_by(TaxRate.effective_from)):
                rate = tax.Rate(Decimal(row.percent), row.base_numerator, row.base_denominator)
                self.tax_rates.setdefault(row.code, []).append((row.effective_from, rate))
        if day not in self.rates:

            def in_force(code: str) -> tax.Rate:
                found = [rate for since, rate in self.tax_rates.get(code, []) if since <= day]
                if not found:
                    raise LookupError(f"no {code} rate in force on {day} (is the reference data loaded?)")
                return found[-1]

            self.rates[day] = tax.Rates(ppn=in_force("ppn"), pph22=in_force("pph22"), pph23=in_force("pph23"))
        return self.rates[day]

    # -- sourcing --

    def sourcing(self, deals: Sequence[_Deal]) -> list[_Po]:  # noqa: PLR0912, PLR0915 - one pass, rows in the order they depend on each other
        rng, on = self.rng, self.on
        created: dict[int, dt.datetime] = {}
        deadlines: dict[int, dt.datetime] = {}
        for i, d in enumerate(deals):
            open_days = rng.randint(7, 14)
            deadline_day = min(d.award_day - dt.timedelta(days=rng.randint(1, 4)), on - dt.timedelta(days=1))
            deadlines[i] = _at(deadline_day, 16)
            created[i] = _at(deadline_day - dt.timedelta(days=open_days), 9, rng.randint(0, 59))
        numbers = _rfq_numbers(self.session, deals, created)
        rfq_rows = []
        for i, d in enumerate(deals):
            award_at = _at(d.award_day, 10, rng.randint(0, 59))
            rfq_rows.append(
                {
                    "organization_id": d.buyer.id,
                    "need_id": None,
                    "number": numbers[i],
                    "title": d.lines[0].item.name
                    if len(d.lines) == 1
                    else f"{d.lines[0].item.name} dan lainnya",
                    "description": None,
                    "status": RfqStatus.CANCELLED.value if d.cancelled else RfqStatus.AWARDED.value,
                    "published": d.published,
                    "deadline": deadlines[i],
                    "revision": 1,
                    "currency": "IDR",
                    "approval_above": d.buyer.approval_above,
                    "cancel_reason": CANCEL_REASON if d.cancelled else None,
                    "created_at": created[i],
                    "sent_at": created[i],
                    "closed_at": None if d.cancelled else deadlines[i],
                    "awarded_at": None if d.cancelled else award_at,
                    "cancelled_at": award_at if d.cancelled else None,
                    "version": 1,
                }
            )
        rfq_ids = bulk_insert(self.session, Rfq, rfq_rows, return_ids=True)
        self.report.rfqs = len(rfq_ids)
        line_rows = []
        for i, d in enumerate(deals):
            for n, line in enumerate(d.lines, start=1):
                line_rows.append(
                    {
                        "rfq_id": rfq_ids[i],
                        "line_no": n,
                        "name": line.item.name,
                        "quantity": line.quantity,
                        "unit_code": line.item.unit_code,
                        "needed_by": d.award_day + dt.timedelta(days=line.item.lead_time + 7),
                        "hps": line.quantity * round(line.price * rng.uniform(1.05, 1.25)),
                        "awarded_quantity": 0 if d.cancelled else line.quantity,
                        "status": "open" if d.cancelled else "closed",
                    }
                )
        line_ids = bulk_insert(self.session, RfqLine, line_rows, return_ids=True)
        first_line: list[int] = []
        cursor = 0
        for d in deals:
            first_line.append(cursor)
            cursor += len(d.lines)
        # Invitations and quotes: every bidder quotes every line; a winner is cheapest on what it wins.
        invitations, quotes, quote_prices = [], [], []
        for i, d in enumerate(deals):
            bidders = [*d.winners, *d.losers]
            for k, supplier in enumerate(bidders):
                invitations.append(
                    {
                        "rfq_id": rfq_ids[i],
                        "supplier_id": supplier.id,
                        "supplier_organization_id": supplier.organization_id,
                        "source": "eligible" if d.published and k > 0 else "invited",
                        "invited_at": created[i],
                    }
                )
                quotes.append(
                    {
                        "rfq_id": rfq_ids[i],
                        "supplier_id": supplier.id,
                        "supplier_organization_id": supplier.organization_id,
                        "status": QuoteStatus.SUBMITTED.value,
                        "revision": 1,
                        "rfq_revision": 1,
                        "valid_until": deadlines[i].date() + dt.timedelta(days=30),
                        "submitted_at": created[i] + (deadlines[i] - created[i]) * rng.uniform(0.2, 0.95),
                        "updated_at": deadlines[i] - dt.timedelta(hours=1),
                        "version": 1,
                    }
                )
                quote_prices.append((i, k))
        bulk_insert(self.session, RfqInvitation, invitations)
        quote_ids = bulk_insert(self.session, Quote, quotes, return_ids=True)
        self.report.quotes = len(quote_ids)
        quote_of: dict[tuple[int, int], int] = {}
        quote_lines = []
        price_of: dict[tuple[int, int, int], int] = {}  # (deal, bidder, line) -> unit price
        for quote_id, (i, k) in zip(quote_ids, quote_prices, strict=True):
            d = deals[i]
            quote_of[(i, k)] = quote_id
            for n, line in enumerate(d.lines):
                wins = self._wins(d, k, n)
                price = line.price if wins else max(1, round(line.price * rng.uniform(1.03, 1.25)))
                price_of[(i, k, n)] = price
                quote_lines.append(
                    {
                        "quote_id": quote_id,
                        "revision": 1,
                        "rfq_line_id": line_ids[first_line[i] + n],
                        "unit_price": price,
                        "quantity": line.quantity,
                        "lead_time_days": line.item.lead_time,
                        "notes": None,
                    }
                )
        bulk_insert(self.session, QuoteLine, quote_lines)
        # Awards: approved (above the buyer's threshold, a day later by an approver).
        awarded = [i for i, d in enumerate(deals) if not d.cancelled]
        award_rows, award_parts = [], []
        approved_on: dict[int, dt.date] = {}
        for i in awarded:
            d = deals[i]
            parts: list[tuple[int, int, int, int, int]] = []  # (bidder, line, quantity, price, amount)
            for n, line in enumerate(d.lines):
                shares = self._shares(d, n, line.quantity)
                for k, quantity in shares:
                    price = price_of[(i, k, n)]
                    parts.append((k, n, quantity, price, quantity * price))
            total = sum(p[4] for p in parts)
            decided = _at(d.award_day, 10, rng.randint(0, 59))
            approved = decided + dt.timedelta(days=1) if total > d.buyer.approval_above else decided
            approved_on[i] = min(on, d.award_day + dt.timedelta(days=1 if approved > decided else 0))
            award_rows.append(
                {
                    "rfq_id": rfq_ids[i],
                    "organization_id": d.buyer.id,
                    "status": AwardStatus.APPROVED.value,
                    "total": total,
                    "total_idr": total,
                    "package_value_idr": sum(line.quantity * line.price for line in d.lines),
                    "decided_at": decided,
                    "approved_at": approved,
                    "version": 1,
                }
            )
            award_parts.append(parts)
        award_ids = bulk_insert(self.session, Award, award_rows, return_ids=True)
        self.report.awards = len(award_ids)
        self.report.split_awards = sum(1 for i in awarded if len(deals[i].winners) > 1)
        award_lines, owners = [], []
        for award_id, i, parts in zip(award_ids, awarded, award_parts, strict=True):
            d = deals[i]
            for k, n, quantity, price, amount in parts:
                supplier = d.winners[k]
                award_lines.append(
                    {
                        "award_id": award_id,
                        "rfq_line_id": line_ids[first_line[i] + n],
                        "quote_id": quote_of[(i, k)],
                        "quote_revision": 1,
                        "supplier_id": supplier.id,
                        "supplier_organization_id": supplier.organization_id,
                        "size_class": supplier.class_on(d.award_day),
                        "quantity": quantity,
                        "unit_price": price,
                        "amount": amount,
                    }
                )
                owners.append((i, k, n, quantity, price))
        award_line_ids = bulk_insert(self.session, AwardLine, award_lines, return_ids=True)
        # One PO per winner of each award.
        grouped: dict[tuple[int, int], list[tuple[int, int, int, int]]] = defaultdict(list)
        for line_id, (i, k, n, quantity, price) in zip(award_line_ids, owners, strict=True):
            grouped[(i, k)].append((n, quantity, price, line_id))
        pos = []
        for (i, k), parts_ in sorted(grouped.items()):
            d = deals[i]
            supplier = d.winners[k]
            self.track[supplier.id]["awards_won"] += 1
            issued = min(on, approved_on[i] + dt.timedelta(days=rng.choice((0, 0, 1, 2))))
            declined = not d.keep_accepted and rng.random() < DECLINE_SHARE
            accepted = issued + dt.timedelta(days=rng.choice((0, 1, 1, 2, 3)))
            lead = max(line.item.lead_time for line in d.lines)
            pos.append(
                _Po(
                    deal=i,
                    buyer=d.buyer,
                    supplier=supplier,
                    parts=[(n, q, p) for n, q, p, _ in sorted(parts_)],
                    award_line_ids=[line_id for _, _, _, line_id in sorted(parts_)],
                    issued=issued,
                    accepted=None
                    if declined or (accepted > on and not d.keep_accepted)
                    else min(accepted, on),
                    declined=declined,
                    lead=lead,
                )
            )
        self._deals = deals
        return pos

    @staticmethod
    def _wins(d: _Deal, bidder: int, line: int) -> bool:
        if bidder >= len(d.winners):
            return False
        if len(d.winners) == 1 or not d.split_by_line:
            return True
        return (line % 2 == 0) == (bidder == 0)

    def _shares(self, d: _Deal, line: int, quantity: int) -> list[tuple[int, int]]:
        """Who gets how much of a line: the winner, or the split (by line, or 60/40 of the quantity)."""
        if len(d.winners) == 1:
            return [(0, quantity)]
        if d.split_by_line:
            return [(0 if line % 2 == 0 else 1, quantity)]
        if quantity < 2:
            return [(0, quantity)]
        first = max(1, min(quantity - 1, round(quantity * 0.6)))
        return [(0, first), (1, quantity - first)]

    # -- orders --

    def orders(self, pos: list[_Po]) -> None:
        pos.sort(key=lambda p: (p.issued, p.deal, p.supplier.id))
        foreign = {p.buyer.id: p.buyer.org_type == OrgType.PEMBELI_GLOBAL.value for p in pos}
        po_rows: list[dict[str, Any]] = []
        for p in pos:
            d = self._deals[p.deal]
            year = p.issued.year
            serial = self.numbers.take(f"po:{p.buyer.id}", year)
            status = (
                PoStatus.DECLINED
                if p.declined
                else PoStatus.ISSUED
                if p.accepted is None
                else PoStatus.ACCEPTED
            )
            po_rows.append(
                {
                    "number": f"PO/{year}/{p.buyer.code}/{serial:06d}",
                    "organization_id": p.buyer.id,
                    "supplier_id": p.supplier.id,
                    "supplier_organization_id": p.supplier.organization_id,
                    "award_id": None,
                    "rfq_id": None,
                    "status": status.value,
                    "revision": 1,
                    "accepted_revision": 1 if p.accepted else None,
                    "currency": "IDR",
                    "payment_terms_days": p.buyer.terms,
                    "second_language": "en" if foreign[p.buyer.id] else None,
                    "total": sum(q * price for _, q, price in p.parts),
                    "issued_at": _at(p.issued, 11),
                    "accepted_at": _at(p.accepted, 15) if p.accepted else None,
                    "declined_at": _at(p.issued + dt.timedelta(days=1), 15) if p.declined else None,
                    "decline_reason": DECLINE_REASON if p.declined else None,
                    "version": 1,
                }
            )
        self._link(pos, po_rows)
        po_ids = bulk_insert(self.session, PurchaseOrder, po_rows, return_ids=True)
        self.report.purchase_orders = len(po_ids)
        line_rows: list[dict[str, Any]] = []
        for po_id, p, row in zip(po_ids, pos, po_rows, strict=True):
            d = self._deals[p.deal]
            for no, ((n, q, price), award_line_id) in enumerate(
                zip(p.parts, p.award_line_ids, strict=True), 1
            ):
                line_rows.append(
                    {
                        "po_id": po_id,
                        "line_no": no,
                        "award_line_id": award_line_id,
                        "name": d.lines[n].item.name,
                        "unit_code": d.lines[n].item.unit_code,
                        "quantity": q,
                        "unit_price": price,
                        "amount": q * price,
                        "ppn_treatment": "zero" if row["second_language"] else "standard",
                        "nature": "goods",
                        "delivered_quantity": 0,
                        "accepted_quantity": 0,
                        "rejected_quantity": 0,
                        "invoiced_quantity": 0,
                        "deliver_by": p.issued + dt.timedelta(days=p.lead + 7),
                    }
                )
        # Fulfilment is decided before the lines are written: their quantities say what happened.
        by_po: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for line_row in line_rows:
            by_po[line_row["po_id"]].append(line_row)
        stories = [
            self._story(p, by_po[po_id], po_rows[k])
            for k, (po_id, p) in enumerate(zip(po_ids, pos, strict=True))
        ]
        line_ids = bulk_insert(self.session, PurchaseOrderLine, line_rows, return_ids=True)
        for row, line_id in zip(line_rows, line_ids, strict=True):
            row["id"] = line_id
        revisions = []
        for po_id, row in zip(po_ids, po_rows, strict=True):
            lines = by_po[po_id]
            revisions.append(
                {
                    "po_id": po_id,
                    "revision": 1,
                    "content": {
                        "number": row["number"],
                        "currency": "IDR",
                        "payment_terms_days": row["payment_terms_days"],
                        "incoterm": None,
                        "incoterm_place": None,
                        "total": row["total"],
                        "lines": [
                            {
                                key: line[key]
                                for key in (
                                    "line_no",
                                    "name",
                                    "unit_code",
                                    "quantity",
                                    "unit_price",
                                    "amount",
                                    "ppn_treatment",
                                    "nature",
                                )
                            }
                            for line in lines
                        ],
                    },
                    "made_at": row["issued_at"],
                    "accepted_at": row["accepted_at"],
                }
            )
        # Plain executemany: ``bulk_insert``'s PostgreSQL arrays take no JSON objects.
        for start in range(0, len(revisions), 5000):
            self.session.execute(insert(PurchaseOrderRevision), revisions[start : start + 5000])
        self._fulfil(po_ids, pos, po_rows, by_po, stories)

    def _link(self, pos: Sequence[_Po], po_rows: list[dict[str, Any]]) -> None:
        """The award and RFQ each PO comes from (their ids are known once the awards are written)."""
        award_of = (
            dict(
                self.session.execute(
                    select(AwardLine.id, AwardLine.award_id).where(
                        AwardLine.id.in_([p.award_line_ids[0] for p in pos])
                    )
                ).all()
            )
            if len(pos) < 30_000
            else self._award_of_many([p.award_line_ids[0] for p in pos])
        )
        rfq_of = (
            dict(
                self.session.execute(
                    select(Award.id, Award.rfq_id).where(Award.id.in_(sorted(set(award_of.values()))))
                ).all()
            )
            if len(award_of) < 30_000
            else self._rfq_of_many(sorted(set(award_of.values())))
        )
        for p, row in zip(pos, po_rows, strict=True):
            row["award_id"] = award_of[p.award_line_ids[0]]
            row["rfq_id"] = rfq_of[row["award_id"]]

    def _award_of_many(self, ids: Sequence[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for start in range(0, len(ids), 20_000):
            chunk = ids[start : start + 20_000]
            found.update(
                self.session.execute(
                    select(AwardLine.id, AwardLine.award_id).where(AwardLine.id.in_(chunk))
                ).all()
            )
        return found

    def _rfq_of_many(self, ids: Sequence[int]) -> dict[int, int]:
        found: dict[int, int] = {}
        for start in range(0, len(ids), 20_000):
            chunk = ids[start : start + 20_000]
            found.update(
                self.session.execute(select(Award.id, Award.rfq_id).where(Award.id.in_(chunk))).all()
            )
        return found

    def _story(self, p: _Po, lines: list[dict[str, Any]], row: dict[str, Any]) -> dict[str, Any]:  # noqa: PLR0911 - a story stops where today is
        """What happened to an accepted PO by today: deliveries, BAST (a rejection replaced), invoice,
        payments. Sets the lines' quantities and the PO's status; returns the dated steps."""
        rng, on = self.rng, self.on
        story: dict[str, Any] = {}
        if p.accepted is None:
            return story
        far = p.supplier.province not in JAVA
        shipped = p.accepted + dt.timedelta(days=max(1, round(p.lead * rng.uniform(0.5, 1.2))))
        if shipped > on:
            return story
        story["shipped"] = shipped
        for line in lines:
            line["delivered_quantity"] = line["quantity"]
        received = shipped + dt.timedelta(days=rng.randint(2, 6) if far else rng.randint(1, 3))
        if received > on:
            return story
        story["received"] = received
        rejected = 0
        if rng.random() < REJECT_SHARE:
            rejected = max(1, round(lines[0]["quantity"] * rng.uniform(0.02, 0.1)))
            rejected = min(rejected, lines[0]["quantity"])
        story["rejected"] = rejected
        for n, line in enumerate(lines):
            line["accepted_quantity"] = line["quantity"] - (rejected if n == 0 else 0)
            line["rejected_quantity"] = rejected if n == 0 else 0
        last = received
        if rejected:
            again = received + dt.timedelta(days=rng.randint(3, 10))
            if again > on:
                return story
            story["reshipped"] = again
            lines[0]["delivered_quantity"] += rejected
            again_received = again + dt.timedelta(days=rng.randint(1, 4))
            if again_received > on:
                return story
            story["rereceived"] = again_received
            lines[0]["accepted_quantity"] = lines[0]["quantity"]
            last = again_received
        row["status"] = PoStatus.COMPLETED.value
        story["completed"] = last
        invoiced = last + dt.timedelta(days=rng.randint(0, 6))
        if invoiced > on:
            return story
        story["invoiced"] = invoiced
        for line in lines:
            line["invoiced_quantity"] = line["accepted_quantity"]
        return story

    def _fulfil(
        self,
        po_ids: Sequence[int],
        pos: Sequence[_Po],
        po_rows: Sequence[dict[str, Any]],
        by_po: Mapping[int, list[dict[str, Any]]],
        stories: Sequence[dict[str, Any]],
    ) -> None:
        deliveries, delivery_lines_for = [], []
        for po_id, row, story in zip(po_ids, po_rows, stories, strict=True):
            serial = row["number"].rsplit("/", 1)[-1]
            lines = by_po[po_id]
            if "shipped" in story:
                deliveries.append(
                    self._delivery(po_id, f"SJ/{serial}/1", story["shipped"], "received" in story)
                )
                delivery_lines_for.append([(line["id"], line["quantity"]) for line in lines])
            if "reshipped" in story:
                deliveries.append(
                    self._delivery(po_id, f"SJ/{serial}/2", story["reshipped"], "rereceived" in story)
                )
                delivery_lines_for.append([(lines[0]["id"], story["rejected"])])
        delivery_ids = bulk_insert(self.session, Delivery, deliveries, return_ids=True)
        self.report.deliveries = len(delivery_ids)
        bulk_insert(
            self.session,
            DeliveryLine,
            [
                {"delivery_id": delivery_id, "po_line_id": line_id, "quantity": quantity}
                for delivery_id, parts in zip(delivery_ids, delivery_lines_for, strict=True)
                for line_id, quantity in parts
            ],
        )
        delivery_id_of = {
            (d["po_id"], d["number"][-1]): i for d, i in zip(deliveries, delivery_ids, strict=True)
        }
        # BAST, in date order per buyer series.
        receipts: list[tuple[dt.date, int, int, str, list[tuple[int, int, int]]]] = []
        for po_id, p, story in zip(po_ids, pos, stories, strict=True):
            lines = by_po[po_id]
            if "received" in story:
                rejected = story["rejected"]
                receipts.append(
                    (
                        story["received"],
                        po_id,
                        p.buyer.id,
                        "1",
                        [
                            (
                                line["id"],
                                line["quantity"] - (rejected if n == 0 else 0),
                                rejected if n == 0 else 0,
                            )
                            for n, line in enumerate(lines)
                        ],
                    )
                )
                self._count_delivery(p, story["received"], lines, rejected=bool(rejected))
            if "rereceived" in story:
                receipts.append(
                    (story["rereceived"], po_id, p.buyer.id, "2", [(lines[0]["id"], story["rejected"], 0)])
                )
                self._count_delivery(p, story["rereceived"], lines[:1], rejected=False)
            if "completed" in story:
                late = any(story["completed"] > line["deliver_by"] for line in lines)
                self.track[p.supplier.id]["orders_completed"] += 1
                self.track[p.supplier.id]["orders_on_time"] += 0 if late else 1
        receipts.sort(key=lambda r: (r[0], r[1], r[3]))
        code_of = {p.buyer.id: p.buyer.code for p in pos}
        receipt_rows = []
        for day, po_id, buyer_id, k, _ in receipts:
            serial = self.numbers.take(f"bast:{buyer_id}", day.year)
            receipt_rows.append(
                {
                    "po_id": po_id,
                    "delivery_id": delivery_id_of.get((po_id, k)),
                    "organization_id": buyer_id,
                    "number": f"BAST/{day.year}/{code_of[buyer_id]}/{serial:06d}",
                    "received_on": day,
                    "note": None,
                    "recorded_at": _at(day, 11),
                }
            )
        receipt_ids = bulk_insert(self.session, Receipt, receipt_rows, return_ids=True)
        self.report.receipts = len(receipt_ids)
        receipt_lines = []
        for receipt_id, (_, _, _, _, parts) in zip(receipt_ids, receipts, strict=True):
            for line_id, accepted, rejected in parts:
                if accepted + rejected > 0:
                    receipt_lines.append(
                        {
                            "receipt_id": receipt_id,
                            "po_line_id": line_id,
                            "accepted": accepted,
                            "rejected": rejected,
                            "reason": REJECT_REASON if rejected else None,
                        }
                    )
        self.report.rejections = sum(1 for r in receipt_lines if r["rejected"])
        bulk_insert(self.session, ReceiptLine, receipt_lines)
        self._invoices(po_ids, pos, po_rows, by_po, stories)

    def _delivery(self, po_id: int, number: str, day: dt.date, received: bool) -> dict[str, Any]:
        return {
            "po_id": po_id,
            "number": number,
            "shipped_on": day,
            "note": None,
            "status": "received" if received else "shipped",
            "recorded_at": _at(day, 16),
        }

    def _count_delivery(
        self, p: _Po, day: dt.date, lines: Sequence[dict[str, Any]], *, rejected: bool
    ) -> None:
        late = any(day > line["deliver_by"] for line in lines)
        track = self.track[p.supplier.id]
        track["deliveries"] += 1
        track["deliveries_on_time" if not late else "deliveries_late"] += 1
        track["rejections"] += 1 if rejected else 0

    def _invoices(
        self,
        po_ids: Sequence[int],
        pos: Sequence[_Po],
        po_rows: Sequence[dict[str, Any]],
        by_po: Mapping[int, list[dict[str, Any]]],
        stories: Sequence[dict[str, Any]],
    ) -> None:
        rng, on = self.rng, self.on
        planned = sorted((story["invoiced"], k) for k, story in enumerate(stories) if "invoiced" in story)
        rows, lines_for, paid_for = [], [], []
        for day, k in planned:
            p, row, po_id = pos[k], po_rows[k], po_ids[k]
            lines = by_po[po_id]
            supplier = p.supplier
            foreign = row["second_language"] is not None
            final_tax = supplier.final_tax and (
                supplier.final_tax_until is None or supplier.final_tax_until >= day
            )
            parties = tax.Parties(
                supplier_pkp=supplier.pkp,
                supplier_final_tax=final_tax,
                buyer_collects_ppn=p.buyer.ppn_collector,
                buyer_collects_pph22=p.buyer.pph22_collector,
                buyer_withholds_pph23=not foreign,
            )
            computed = tax.compute(
                [
                    tax.Line(
                        amount=line["invoiced_quantity"] * line["unit_price"],
                        ppn=tax.PpnTreatment(line["ppn_treatment"]),
                        nature=tax.Nature(line["nature"]),
                    )
                    for line in lines
                ],
                parties,
                self.rates_on(day),
            )
            serial = self.numbers.take(f"invoice:{supplier.id}", day.year)
            due = day + dt.timedelta(days=p.buyer.terms)
            payments = self._payments(p.buyer, day, computed.cash_due)
            received = sum(amount for _, amount in payments)
            status = (
                InvoiceStatus.PAID
                if received >= computed.cash_due
                else InvoiceStatus.PARTLY_PAID
                if received
                else InvoiceStatus.UNPAID
            )
            if status is not InvoiceStatus.PAID and on > due:
                self.report.overdue += 1
            if status is InvoiceStatus.PAID:
                self.track[supplier.id]["invoices_settled"] += 1
            rows.append(
                {
                    "number": f"INV/{day.year}/{supplier.nib}/{serial:06d}",
                    "po_id": po_id,
                    "organization_id": p.buyer.id,
                    "supplier_id": supplier.id,
                    "supplier_organization_id": supplier.organization_id,
                    "status": status.value,
                    "currency": "IDR",
                    "issued_on": day,
                    "due_on": due,
                    "clock_from": day,
                    "tax_invoice_serial": f"030000{day:%y}{rng.randrange(10**7, 10**8)}"
                    if supplier.pkp
                    else None,
                    "buyer_npwp": p.buyer.npwp,
                    "supplier_pkp": supplier.pkp,
                    "subtotal": computed.subtotal,
                    "ppn_base": computed.ppn_base,
                    "ppn": computed.ppn,
                    "ppn_collected_by_buyer": computed.ppn_collected_by_buyer,
                    "pph22": computed.pph22,
                    "pph23": computed.pph23,
                    "total": computed.total,
                    "cash_due": computed.cash_due,
                    "cash_received": received,
                    "settled_on": payments[-1][0] if status is InvoiceStatus.PAID else None,
                    "created_at": _at(day, 10),
                    "version": 1,
                }
            )
            lines_for.append((lines, computed, day))
            paid_for.append((p.buyer, payments))
        invoice_ids = bulk_insert(self.session, Invoice, rows, return_ids=True)
        self.report.invoices = len(invoice_ids)
        invoice_lines, withholdings, payment_rows = [], [], []
        for invoice_id, (lines, computed, day), (buyer, payments) in zip(
            invoice_ids, lines_for, paid_for, strict=True
        ):
            for line in lines:
                if line["invoiced_quantity"]:
                    invoice_lines.append(
                        {
                            "invoice_id": invoice_id,
                            "po_line_id": line["id"],
                            "quantity": line["invoiced_quantity"],
                            "unit_price": line["unit_price"],
                            "amount": line["invoiced_quantity"] * line["unit_price"],
                            "ppn_treatment": line["ppn_treatment"],
                            "nature": line["nature"],
                        }
                    )
            for kind, amount in (
                ("ppn_collected", computed.ppn_collected_by_buyer),
                ("pph22", computed.pph22),
                ("pph23", computed.pph23),
            ):
                if amount:
                    withholdings.append(
                        {
                            "invoice_id": invoice_id,
                            "kind": kind,
                            "amount": amount,
                            "slip_number": None,
                            "recorded_on": day,
                        }
                    )
            for paid_on, amount in payments:
                self.references += 1
                payment_rows.append(
                    {
                        "invoice_id": invoice_id,
                        "amount": amount,
                        "paid_on": paid_on,
                        "reference": f"TRF/{buyer.code}/{paid_on:%Y%m%d}/H{self.references:06d}",
                        "method": "transfer",
                        "recorded_at": _at(paid_on, 13),
                    }
                )
        bulk_insert(self.session, InvoiceLine, invoice_lines)
        bulk_insert(self.session, Withholding, withholdings)
        bulk_insert(self.session, Payment, payment_rows)
        self.report.payments = len(payment_rows)

    def _payments(self, buyer: _Buyer, issued: dt.date, cash_due: int) -> list[tuple[dt.date, int]]:
        """The buyer's payments of an invoice by today, at its speed: in full; in two parts; or, for the
        slow ones now and then, a part only or nothing at all."""
        rng, on = self.rng, self.on
        mean, _terms, stuck = PAYERS[buyer.payer]
        days = max(1, round(rng.gauss(mean, mean * 0.25)))
        settle = issued + dt.timedelta(days=days)
        if cash_due <= 0:
            return []
        if rng.random() < stuck:  # left open long past its due date: a part paid, or nothing
            part = issued + dt.timedelta(days=max(1, days // 2))
            if part <= on and rng.random() < 0.5:
                return [(part, max(1, min(cash_due - 1, int(round(cash_due * rng.uniform(0.3, 0.6), -3)))))]
            return []
        if buyer.payer != "fast" and rng.random() < 0.15 and cash_due > 1:
            part = issued + dt.timedelta(days=max(1, days // 2))
            first = max(1, min(cash_due - 1, int(round(cash_due * rng.uniform(0.4, 0.6), -3))))
            paid = [(part, first)] if part <= on else []
            return [*paid, (settle, cash_due - first)] if paid and settle <= on else paid
        return [(settle, cash_due)] if settle <= on else []

    def finish(self) -> None:
        self.numbers.save()
        self._track_records()

    def _track_records(self) -> None:
        """Add the history to each supplier's track record (as ``suppliers.repository.add_to_track_record``
        does one event at a time): one UPDATE for the suppliers that have a record, one INSERT for the rest."""
        table = table_of(TrackRecord)
        have = set(self.session.scalars(select(TrackRecord.supplier_id)))
        moment = now()
        rows = [
            {"sid": sid, **{name: self.track[sid][name] for name in TRACK_COUNTERS}, "moment": moment}
            for sid in sorted(self.track)
        ]
        old = [row for row in rows if row["sid"] in have]
        if old:
            self.session.execute(
                update(table)
                .where(table.c.supplier_id == bindparam("sid"))
                .values(
                    {name: table.c[name] + bindparam(name) for name in sorted(TRACK_COUNTERS)}
                    | {"updated_at": bindparam("moment")}
                ),
                old,
            )
        new = [
            {"supplier_id": row["sid"], **{name: row[name] for name in TRACK_COUNTERS}, "updated_at": moment}
            for row in rows
            if row["sid"] not in have
        ]
        bulk_insert(self.session, TrackRecord, new)


def _write_graduations(
    session: Session, rng: random.Random, grown: Sequence[tuple[_Supplier, dt.date]]
) -> None:
    """The new class of each supplier that grew: a ``supplier_size_class`` record from that day, and the
    profile's class and annual sales (in the kecil band)."""
    records = []
    for supplier, day in grown:
        sales = int(round(rng.uniform(*SALES_RANGES["kecil"]), -6))
        records.append(
            {
                "supplier_id": supplier.id,
                "size_class": "kecil",
                "basis": "annual_sales",
                "annual_sales": sales,
                "business_capital": None,
                "effective_on": day,
                "recorded_at": _at(day, 12),
            }
        )
        session.execute(
            update(SupplierProfile)
            .where(SupplierProfile.id == supplier.id)
            .values(size_class="kecil", size_basis="annual_sales", annual_sales=sales)
            .execution_options(synchronize_session=False)
        )
    bulk_insert(session, SizeClassRecord, records)


def load_demo_history(
    session: Session, *, scale: Scale = SMALL, seed: int = 2026, on: dt.date | None = None
) -> HistoryReport:
    """Add the contracting history unless it is there already (see the module). Flushes, never commits."""
    started = time.perf_counter()
    if history_loaded(session):
        return HistoryReport(already_loaded=True)
    report = HistoryReport()
    day = on or today()
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data; nothing here is secret
    buyers = _buyers(session, rng)
    suppliers = _suppliers(session, rng)
    if buyers and suppliers and scale.purchase_orders > 0:
        deals = _plan(rng, scale, buyers, suppliers, day)
        grown = _graduate(rng, deals, day)
        _write_graduations(session, rng, grown)
        report.graduations = len(grown)
        writer = _Writer(session, rng, day, report)
        pos = writer.sourcing(deals)
        writer.orders(pos)
        writer.finish()
        report.buyers = len({p.buyer.id for p in pos})
        report.suppliers = len({p.supplier.id for p in pos})
        report.provinces = len({p.supplier.province for p in pos})
        paying = days_to_pay.days_to_pay(session, on=day, organization_ids=sorted({b.id for b in buyers}))
        report.days_to_pay = {b.name: paying[b.id].average_days for b in buyers if b.id in paying}
    audit.record(
        session,
        Event.DEMO_HISTORY_LOADED,
        None,
        by=None,
        details={
            "seed": seed,
            "scale": scale.name,
            "purchase_orders": report.purchase_orders,
            "rfqs": report.rfqs,
        },
    )
    session.flush()
    report.seconds = round(time.perf_counter() - started, 2)
    return report
