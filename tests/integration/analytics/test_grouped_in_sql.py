"""The monitoring views group in SQL (issue #15); their numbers must be those of the reference they
replaced: every live order of the period read into Python, one row each, and grouped there. The
reference is kept here, as it was (``po_facts`` and ``group_value``), and compared with every dimension,
scope and filter on the hand fixture plus orders chosen to catch the differences SQL could bring: a USD
order whose Rupiah value is rounded, orders on either side of a month's end at midnight UTC, an order
with two lines and one with two invoices, a declined and a cancelled order."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased
from tests.factories.analytics import END, JUTA, ON, START, Monitoring, _invoice, _po, monitoring_fixture

from rantai.analytics import dashboard, kpi, rollup
from rantai.analytics.kpi import JAVA_PROVINCES, PARTICIPATING_TYPES, Dimension, ValueRow
from rantai.analytics.repository import (
    DEAD_PO_STATUSES,
    NATIONAL,
    Narrowing,
    Scope,
    _idr,
    _midnight,
    _narrowed,
    _po_in_scope,
)
from rantai.identity.models import Organization
from rantai.orders.models import Invoice, Payment, PurchaseOrder, PurchaseOrderLine
from rantai.reference.models import Kbli
from rantai.suppliers.models import SupplierProfile

# --- the reference: the Python grouping the views used before ------------------------------------------


@dataclass(frozen=True, slots=True)
class Fact:
    supplier_id: int
    supplier_name: str
    supplier_type: str
    legal_form: str
    buyer_id: int
    buyer_name: str
    buyer_type: str
    province_code: str
    kabkota_code: str
    kbli_section: str | None
    size_class: str | None
    issued_on: dt.date
    value: int
    delivered: int
    paid: int


def po_facts(session: Session, *, scope: Scope, narrowing: Narrowing = Narrowing()) -> list[Fact]:
    buyer = aliased(Organization)
    supplier_org = aliased(Organization)
    delivered = (
        select(func.coalesce(func.sum(PurchaseOrderLine.accepted_quantity * PurchaseOrderLine.unit_price), 0))
        .where(PurchaseOrderLine.po_id == PurchaseOrder.id)
        .correlate(PurchaseOrder)
        .scalar_subquery()
    )
    paid = (
        select(func.coalesce(func.sum(Payment.amount), 0))
        .join(Invoice, Invoice.id == Payment.invoice_id)
        .where(Invoice.po_id == PurchaseOrder.id)
        .correlate(PurchaseOrder)
        .scalar_subquery()
    )
    query = (
        select(
            SupplierProfile.id,
            SupplierProfile.business_name,
            supplier_org.org_type,
            SupplierProfile.legal_form,
            PurchaseOrder.organization_id,
            buyer.name,
            buyer.org_type,
            SupplierProfile.province_code,
            SupplierProfile.kabkota_code,
            Kbli.section,
            SupplierProfile.size_class,
            PurchaseOrder.issued_at,
            PurchaseOrder.currency,
            PurchaseOrder.idr_rate,
            PurchaseOrder.total,
            delivered,
            paid,
        )
        .join(buyer, buyer.id == PurchaseOrder.organization_id)
        .join(SupplierProfile, SupplierProfile.id == PurchaseOrder.supplier_id)
        .join(supplier_org, supplier_org.id == PurchaseOrder.supplier_organization_id)
        .outerjoin(Kbli, Kbli.code == SupplierProfile.primary_kbli)
        .where(
            PurchaseOrder.status.not_in(DEAD_PO_STATUSES),
            _po_in_scope(scope),
            PurchaseOrder.issued_at >= _midnight(START),
            PurchaseOrder.issued_at < _midnight(END),
            *_narrowed(narrowing, buyer.org_type),
        )
    )
    facts = []
    for found in session.execute(query):
        row: tuple[Any, ...] = tuple(found)
        *head, issued_at, currency, rate, total, delivered_amount, paid_amount = row
        facts.append(
            Fact(
                *head,
                issued_on=issued_at.date(),
                value=_idr(total, currency, rate),
                delivered=_idr(delivered_amount, currency, rate),
                paid=_idr(paid_amount, currency, rate),
            )
        )
    return facts


KEYS = {
    Dimension.MONTH: lambda f: f.issued_on.strftime("%Y-%m"),
    Dimension.PROVINCE: lambda f: f.province_code,
    Dimension.KABKOTA: lambda f: f.kabkota_code,
    Dimension.SECTOR: lambda f: f.kbli_section or "",
    Dimension.SIZE_CLASS: lambda f: f.size_class or "",
    Dimension.BUYER: lambda f: str(f.buyer_id),
    Dimension.SUPPLIER: lambda f: str(f.supplier_id),
}
NAMES = {Dimension.BUYER: lambda f: f.buyer_name, Dimension.SUPPLIER: lambda f: f.supplier_name}


def group_value(facts: list[Fact], by: Dimension) -> list[ValueRow]:
    groups: dict[str, list[Fact]] = {}
    for fact in facts:
        groups.setdefault(KEYS[by](fact), []).append(fact)
    name = NAMES.get(by, lambda f: "")  # noqa: ARG005
    return [
        ValueRow(
            key=key,
            orders=len(rows),
            po_value=sum(f.value for f in rows),
            delivered=sum(f.delivered for f in rows),
            paid=sum(f.paid for f in rows),
            suppliers=len({f.supplier_id for f in rows}),
            name=name(rows[0]),
        )
        for key, rows in sorted(groups.items())
    ]


# --- the fixture: the hand one, and the edges ---------------------------------------------------------


@pytest.fixture
def m(db: Session) -> Monitoring:
    m = monitoring_fixture(db)
    s = m.suppliers
    # A USD order whose Rupiah values round: US$3.33 at Rp15.999,5 is Rp53.278,335 -> 53.278; delivered
    # 3 of 10 units at 33 cents = 99 cents -> Rp15.839,505 -> 15.840 (half up: above half).
    odd = _po(db, m.global_buyer, s["S2"], issued=dt.date(2026, 3, 31), accepted=dt.date(2026, 4, 1), total=333,
              currency="USD", rate=Decimal("15999.5"), accepted_quantity=3)  # fmt: skip
    odd.issued_at = dt.datetime(2026, 3, 31, 23, 59, 59, tzinfo=dt.UTC)  # March in UTC, April in WIB
    first = _po(db, m.swasta, s["S7"], issued=dt.date(2026, 4, 1), accepted=dt.date(2026, 4, 2), total=70 * JUTA,
                accepted_quantity=4)  # fmt: skip
    first.issued_at = dt.datetime(2026, 4, 1, tzinfo=dt.UTC)
    # A second line on it, and two invoices with payments.
    db.add(PurchaseOrderLine(po_id=first.id, line_no=2, name="Barang uji kedua", quantity=5, unit_price=3 * JUTA,
                             amount=15 * JUTA, delivered_quantity=5, accepted_quantity=5, invoiced_quantity=5))  # fmt: skip
    for paid in (12 * JUTA, 7 * JUTA):
        _invoice(db, first, clock_from=dt.date(2026, 4, 10), due=dt.date(2026, 5, 10), settled=dt.date(2026, 4, 20),
                 paid=paid)  # fmt: skip
    _po(db, m.bumn, s["S3"], issued=dt.date(2026, 2, 2), accepted=None, total=9 * JUTA, status="cancelled")
    # An order in USD without a rate counts at its face value, as before.
    _po(db, m.swasta, s["S4"], issued=dt.date(2026, 6, 3), accepted=None, total=5_000, currency="USD")
    db.flush()
    rollup.rebuild(db)  # the board reads the rollup (the worker's), made again with the edges
    return m


def scopes(m: Monitoring) -> list[Scope]:
    return [
        NATIONAL,
        Scope(areas=("32",)),
        Scope(areas=("35.78", "73")),
        Scope(buyer_ids=frozenset({m.swasta.id})),
        Scope(areas=("52",), buyer_ids=frozenset({m.bumn.id})),
        Scope(lender_ids=frozenset({m.bumn.id})),
    ]


NARROWINGS = [
    Narrowing(),
    Narrowing(province_code="32"),
    Narrowing(province_code="32", kabkota_code="32.73"),
    Narrowing(kbli_section="C"),
    Narrowing(buyer_type="swasta_besar"),
    Narrowing(size_class="mikro"),
]


# --- the comparisons ----------------------------------------------------------------------------------


@pytest.mark.parametrize("by", list(Dimension))
def test_value_by_equals_the_python_grouping(db: Session, m: Monitoring, by: Dimension) -> None:
    for scope in scopes(m):
        for narrowing in NARROWINGS:
            expected = group_value(po_facts(db, scope=scope, narrowing=narrowing), by)
            found = kpi.value_by(db, start=START, end=END, by=by, scope=scope, narrowing=narrowing)
            assert found == expected, (scope, narrowing)


def test_the_edges_are_counted_as_before(db: Session, m: Monitoring) -> None:
    months = {r.key: r for r in kpi.value_by(db, start=START, end=END, by=Dimension.MONTH)}
    # 23:59:59 UTC on 31 March is March (the month is UTC's, whatever the database session's zone).
    assert months["2026-03"].po_value == 50 * JUTA + 53_278
    assert months["2026-03"].delivered == 50 * JUTA + 15_840
    assert months["2026-04"].po_value == 160 * JUTA + 70 * JUTA
    # 4 of 10 units at Rp7 juta and 5 at Rp3 juta; two invoices paid 12 + 7.
    assert (months["2026-04"].delivered, months["2026-04"].paid) == (43 * JUTA, 19 * JUTA)
    assert months["2026-06"].po_value == 245 * JUTA + 5_000


def test_inclusion_and_participation_equal_the_python_reading(db: Session, m: Monitoring) -> None:
    for scope in scopes(m):
        facts = po_facts(db, scope=scope)
        found = kpi.inclusion(db, start=START, end=END, scope=scope)
        outside = [f for f in facts if f.province_code not in JAVA_PROVINCES]
        cooperative = [f for f in facts if f.supplier_type == "koperasi" or f.legal_form == "koperasi"]
        assert (
            found.po_value,
            found.cooperative_value,
            found.outside_java_value,
            found.suppliers,
            found.outside_java_suppliers,
        ) == (
            sum(f.value for f in facts),
            sum(f.value for f in cooperative),
            sum(f.value for f in outside),
            len({f.supplier_id for f in facts}),
            len({f.supplier_id for f in outside}),
        ), scope
        ordering = {f.buyer_id for f in facts if f.buyer_type in PARTICIPATING_TYPES}
        participating = kpi.participating_buyers(db, start=START, end=END, scope=scope)
        assert ordering <= participating.buyer_ids, scope
    assert kpi.inclusion(db, start=START, end=END).cooperative_value == 40 * JUTA + 5_000


@pytest.mark.parametrize(
    "params",
    [{}, {"province": "32"}, {"province": "32", "kabkota": "32.73"}, {"sector": "C"}, {"buyer_type": "bumn"}],
)
def test_the_board_equals_the_python_grouping(db: Session, m: Monitoring, params: dict[str, str]) -> None:
    regions = dashboard.known_regions(db)
    filters = dashboard.read_filters(
        {"start": START.isoformat(), "end": (END - dt.timedelta(days=1)).isoformat(), **params},
        today=ON,
        regions=regions,
    )
    for scope in scopes(m):
        board = dashboard.build(db, scope=scope, filters=filters, today=ON)
        facts = po_facts(db, scope=scope, narrowing=filters.narrowing)
        assert board.totals == ValueRow(
            "",
            len(facts),
            sum(f.value for f in facts),
            sum(f.delivered for f in facts),
            sum(f.paid for f in facts),
            len({f.supplier_id for f in facts}),
        ), scope
        months = tuple(
            (r.key, r.orders, r.po_value, r.delivered, r.paid) for r in group_value(facts, Dimension.MONTH)
        )
        assert board.months.rows == months, scope
        buyers = sorted(group_value(facts, Dimension.BUYER), key=lambda r: (-r.po_value, r.name))
        assert board.buyers.rows == tuple(
            (n, r.name, r.orders, r.po_value, r.delivered, r.paid) for n, r in enumerate(buyers, 1)
        ), scope
        if filters.kabkota:
            suppliers = sorted(group_value(facts, Dimension.SUPPLIER), key=lambda r: (-r.po_value, r.name))
            expected = tuple((r.name, r.orders, r.po_value, r.delivered, r.paid) for r in suppliers)
        else:
            by = Dimension.KABKOTA if filters.province else Dimension.PROVINCE
            names = dict(r[:2] for r in board.regions.rows)
            rows = sorted(group_value(facts, by), key=lambda r: (-r.po_value, r.key))
            expected = tuple(
                (r.key, names[r.key], r.suppliers, r.orders, r.po_value, r.delivered, r.paid) for r in rows
            )
            assert board.region_values == {r.key: r.po_value for r in rows}
        assert board.regions.rows == expected, scope
