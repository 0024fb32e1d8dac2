"""The queries of the KPIs (issue #15): the only place in ``rantai.analytics`` that reads tables.

Every query takes a ``Scope`` (what its reader may see, built from the policy's reach by
``analytics.scope``) and turns it into a WHERE on its own columns, so a reader's figures can only be made
of rows it may read: a region's readers the suppliers located in their area, a buyer its own orders.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    String,
    and_,
    case,
    distinct,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from rantai.analytics.models import BuyerBudget
from rantai.identity.models import Organization
from rantai.orders.models import Invoice, Payment, PurchaseOrder, PurchaseOrderLine
from rantai.reference.models import Kbli, ProgramFigure, Region
from rantai.sourcing.models import Need
from rantai.sourcing.rfq.models import Award, AwardLine, Rfq
from rantai.suppliers.models import SizeClassRecord, SupplierProfile

# A PO that never became an order the supplier fulfils counts nowhere.
DEAD_PO_STATUSES = ("declined", "cancelled")


@dataclass(frozen=True, slots=True)
class Scope:
    """What a reader may count: everything, the suppliers located in some areas (Kemendagri codes of a
    province or a kab/kota), and the orders of some buyers. A row counts when any of them admits it."""

    everywhere: bool = False
    areas: tuple[str, ...] = ()
    buyer_ids: frozenset[int] = frozenset()
    # A lender's portfolio: the orders it finances. Financing is later work (no PO has a lender yet), so
    # these admit no row today; they make the lender's dashboard exist, empty.
    lender_ids: frozenset[int] = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.everywhere or self.areas or self.buyer_ids or self.lender_ids)


NATIONAL = Scope(everywhere=True)


@dataclass(frozen=True, slots=True)
class Narrowing:
    """The dashboard's filters, applied on top of the scope (None: no filter)."""

    province_code: str | None = None
    kabkota_code: str | None = None
    kbli_section: str | None = None
    buyer_type: str | None = None
    size_class: str | None = None
    buyer_id: int | None = None


def _in_area(area: str) -> ColumnElement[bool]:
    return or_(
        SupplierProfile.province_code == area,
        SupplierProfile.kabkota_code == area,
        SupplierProfile.kabkota_code.startswith(area + "."),
    )


def _supplier_in_scope(scope: Scope) -> ColumnElement[bool]:
    if scope.everywhere:
        return true()
    if not scope.areas:
        return false()
    return or_(*(_in_area(area) for area in scope.areas))


def _po_in_scope(scope: Scope, buyer_id: _Column = PurchaseOrder.organization_id) -> ColumnElement[bool]:
    """The orders the scope admits (``buyer_id``: the order's buyer column, the rollup's too)."""
    if scope.everywhere:
        return true()
    conditions = [_in_area(area) for area in scope.areas]
    if scope.buyer_ids:
        conditions.append(buyer_id.in_(sorted(scope.buyer_ids)))
    return or_(*conditions) if conditions else false()


def _idr(amount: int, currency: str, rate: Decimal | None) -> int:
    """Minor units of a currency in whole Rupiah (USD cents at the order's rate)."""
    if currency == "IDR" or rate is None:
        return int(amount)
    return int((Decimal(amount) * rate / 100).to_integral_value())


@dataclass(frozen=True, slots=True)
class Sums:
    """Live purchase orders of one group and their value in whole Rupiah (a USD order at its rate)."""

    orders: int
    po_value: int  # the orders' totals as in force
    delivered: int  # quantities accepted at BAST times their unit price
    paid: int  # cash paid on the orders' invoices
    suppliers: int  # distinct supplier profiles


class _UtcMonth(FunctionElement[str]):
    """``YYYY-MM`` of a UTC timestamp column, in SQL: the month a value is grouped by (issue #15). SQLite
    keeps timestamps as UTC text; PostgreSQL's ``timestamptz`` is read in UTC whatever the session's zone."""

    type = String()
    inherit_cache = True


@compiles(_UtcMonth, "sqlite")
def _utc_month_sqlite(element: _UtcMonth, compiler: SQLCompiler, **kw: Any) -> str:
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(_UtcMonth)
def _utc_month(element: _UtcMonth, compiler: SQLCompiler, **kw: Any) -> str:
    return f"to_char(timezone('UTC', {compiler.process(element.clauses, **kw)}), 'YYYY-MM')"


_Column = ColumnElement[Any] | InstrumentedAttribute[Any]

# The keys a value can be grouped by (``value_sums``' ``by``); each reads one column of the order, its
# supplier, buyer or the supplier's KBLI.
GROUP_KEYS = (
    "month",
    "province",
    "kabkota",
    "sector",
    "size_class",
    "buyer",
    "buyer_name",
    "supplier",
    "supplier_name",
)


def value_sums(
    session: Session,
    *,
    scope: Scope,
    by: Sequence[str],
    narrowing: Narrowing = Narrowing(),  # a frozen value
    issued_from: dt.date,
    issued_before: dt.date,
    with_payments: bool = True,
    with_suppliers: bool = True,
    only_cooperatives: bool = False,
) -> dict[tuple[Any, ...], Sums]:
    """The live purchase orders (not declined or cancelled) issued in [issued_from, issued_before) that the
    scope admits, narrowed, grouped in SQL by the keys ``by`` (of ``GROUP_KEYS``): group key -> sums.
    ``with_payments`` False leaves the delivered and paid values at 0 (they cost two look-ups an order),
    ``with_suppliers`` False the distinct suppliers (a DISTINCT per group); ``only_cooperatives`` keeps
    the orders to cooperatives (``cooperative_orders``).

    Rupiah orders (or orders without a rate) are summed in SQL; an order in another currency is read on
    its own and converted at its rate, rounded per order as the order shows it."""
    buyer = aliased(Organization)
    columns: dict[str, _Column] = {
        "month": _UtcMonth(PurchaseOrder.issued_at),
        "province": SupplierProfile.province_code,
        "kabkota": SupplierProfile.kabkota_code,
        "sector": func.coalesce(Kbli.section, ""),
        "size_class": func.coalesce(SupplierProfile.size_class, ""),
        "buyer": PurchaseOrder.organization_id,
        "buyer_name": buyer.name,
        "supplier": PurchaseOrder.supplier_id,
        "supplier_name": SupplierProfile.business_name,
    }
    keys = [columns[name] for name in by]
    # An order's delivered and paid values, looked up per order: only for the few orders in another
    # currency, which are converted one by one.
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
    rupiah = or_(PurchaseOrder.currency == "IDR", PurchaseOrder.idr_rate.is_(None))

    # The supplier's profile is read only when a key, a filter or the scope's areas need it.
    profile_keys = {"province", "kabkota", "sector", "size_class", "supplier_name"}
    needs_profile = (
        bool(profile_keys & set(by))
        or bool(scope.areas and not scope.everywhere)
        or any(
            (narrowing.province_code, narrowing.kabkota_code, narrowing.kbli_section, narrowing.size_class)
        )
    )

    def orders(*selected: _Column) -> Select[Any]:
        query = select(*keys, *selected).select_from(PurchaseOrder)
        if needs_profile:
            query = query.join(SupplierProfile, SupplierProfile.id == PurchaseOrder.supplier_id)
        if "buyer_name" in by or narrowing.buyer_type:
            query = query.join(buyer, buyer.id == PurchaseOrder.organization_id)
        if only_cooperatives:
            query = query.where(cooperative_orders())
        if "sector" in by or narrowing.kbli_section:
            query = query.outerjoin(Kbli, Kbli.code == SupplierProfile.primary_kbli)
        return query.where(
            PurchaseOrder.status.not_in(DEAD_PO_STATUSES),
            _po_in_scope(scope),
            PurchaseOrder.issued_at >= _midnight(issued_from),
            PurchaseOrder.issued_at < _midnight(issued_before),
            *_narrowed(narrowing, buyer.org_type),
        )

    found: dict[tuple[Any, ...], list[int]] = {}
    grouped = orders(
        func.count(),
        func.count(distinct(PurchaseOrder.supplier_id)) if with_suppliers else literal(0),
        func.sum(case((rupiah, PurchaseOrder.total), else_=0)),
        func.sum(case((rupiah, 0), else_=1)),
    ).group_by(*keys)
    foreign_orders = 0
    for row in session.execute(grouped):
        *key, count, suppliers, value, foreign_count = tuple(row)
        foreign_orders += int(foreign_count or 0)
        found[tuple(key)] = [int(count), int(value or 0), 0, 0, int(suppliers)]
    if with_payments:
        # The Rupiah orders' lines and payments joined and summed per group (a hash join on PostgreSQL;
        # a look-up in a covering index an order on SQLite), rather than a sub-query per order.
        lines = (
            orders(func.sum(PurchaseOrderLine.accepted_quantity * PurchaseOrderLine.unit_price))
            .join(PurchaseOrderLine, PurchaseOrderLine.po_id == PurchaseOrder.id)
            .where(rupiah)
            .group_by(*keys)
        )
        for row in session.execute(lines):
            *key, amount = tuple(row)
            found[tuple(key)][2] += int(amount or 0)
        payments = (
            orders(func.sum(Payment.amount))
            .join(Invoice, Invoice.po_id == PurchaseOrder.id)
            .join(Payment, Payment.invoice_id == Invoice.id)
            .where(rupiah)
            .group_by(*keys)
        )
        for row in session.execute(payments):
            *key, amount = tuple(row)
            found[tuple(key)][3] += int(amount or 0)
    foreign = orders(
        PurchaseOrder.currency,
        PurchaseOrder.idr_rate,
        PurchaseOrder.total,
        delivered if with_payments else literal(0),
        paid if with_payments else literal(0),
    ).where(~rupiah)
    for row in session.execute(foreign) if foreign_orders else ():
        *key, currency, rate, total, delivered_value, paid_value = tuple(row)
        sums = found[tuple(key)]
        sums[1] += _idr(total, currency, rate)
        sums[2] += _idr(int(delivered_value or 0), currency, rate)
        sums[3] += _idr(int(paid_value or 0), currency, rate)
    return {
        key: Sums(count, value, dlv, paid_value, suppliers)
        for key, (count, value, dlv, paid_value, suppliers) in found.items()
    }


def cooperative_orders() -> ColumnElement[bool]:
    """The orders to a cooperative: the supplier's organization is one, or its profile's legal form is
    (docs/kpi.md). Two IN sets, each read once, rather than a join to every order's organization."""
    return or_(
        PurchaseOrder.supplier_organization_id.in_(
            select(Organization.id).where(Organization.org_type == "koperasi")
        ),
        PurchaseOrder.supplier_id.in_(
            select(SupplierProfile.id).where(SupplierProfile.legal_form == "koperasi")
        ),
    )


def ordering_buyers(
    session: Session,
    *,
    scope: Scope,
    issued_from: dt.date,
    issued_before: dt.date,
    buyer_types: Sequence[str],
) -> set[int]:
    """Buyers of ``buyer_types`` with a live order issued in [issued_from, issued_before) that the scope
    admits (one DISTINCT query)."""
    buyer = aliased(Organization)
    return {
        int(org_id)
        for org_id in session.scalars(
            select(PurchaseOrder.organization_id)
            .join(buyer, buyer.id == PurchaseOrder.organization_id)
            .join(SupplierProfile, SupplierProfile.id == PurchaseOrder.supplier_id)
            .where(
                PurchaseOrder.status.not_in(DEAD_PO_STATUSES),
                PurchaseOrder.issued_at >= _midnight(issued_from),
                PurchaseOrder.issued_at < _midnight(issued_before),
                buyer.org_type.in_(list(buyer_types)),
                _po_in_scope(scope),
            )
            .distinct()
        )
    }


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def _narrowed(
    narrowing: Narrowing,
    buyer_type: ColumnElement[str] | InstrumentedAttribute[str],
    buyer_id: _Column = PurchaseOrder.organization_id,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if narrowing.province_code:
        conditions.append(SupplierProfile.province_code == narrowing.province_code)
    if narrowing.kabkota_code:
        conditions.append(SupplierProfile.kabkota_code == narrowing.kabkota_code)
    if narrowing.kbli_section:
        conditions.append(Kbli.section == narrowing.kbli_section)
    if narrowing.size_class:
        conditions.append(SupplierProfile.size_class == narrowing.size_class)
    if narrowing.buyer_type:
        conditions.append(buyer_type == narrowing.buyer_type)
    if narrowing.buyer_id is not None:
        conditions.append(buyer_id == narrowing.buyer_id)
    return conditions


def verified_umkm_count(session: Session, *, scope: Scope, size_classes: Sequence[str]) -> int:
    """Verified supplier profiles of the given size classes located where the scope admits."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(SupplierProfile)
            .where(
                SupplierProfile.status == "verified",
                SupplierProfile.size_class.in_(list(size_classes)),
                _supplier_in_scope(scope),
            )
        )
        or 0
    )


def program_figure(session: Session, code: str, *, year: int | None = None) -> ProgramFigure | None:
    """The figure with ``code`` for ``year`` or, without one (or none that year), the latest year's."""
    query = select(ProgramFigure).where(ProgramFigure.code == code)
    if year is not None:
        exact = session.scalar(query.where(ProgramFigure.year == year))
        if exact is not None:
            return exact
        query = query.where(ProgramFigure.year <= year)
    return session.scalar(query.order_by(ProgramFigure.year.desc()).limit(1))


def buyers_with_rfqs(
    session: Session, *, start: dt.date, end: dt.date, buyer_types: Sequence[str]
) -> set[int]:
    """Buyers of those types that sent (published) an RFQ in [start, end)."""
    return set(
        session.scalars(
            select(Rfq.organization_id)
            .join(Organization, Organization.id == Rfq.organization_id)
            .where(
                Organization.org_type.in_(list(buyer_types)),
                Rfq.sent_at >= _midnight(start),
                Rfq.sent_at < _midnight(end),
            )
            .distinct()
        )
    )


def organizations_of_types(session: Session, types: Sequence[str]) -> dict[int, tuple[str, str]]:
    """Active organizations of the given types: id -> (name, type)."""
    rows = session.execute(
        select(Organization.id, Organization.name, Organization.org_type).where(
            Organization.org_type.in_(list(types)), Organization.is_active.is_(True)
        )
    )
    return {org_id: (name, kind) for org_id, name, kind in rows}


def organization_names(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    rows = session.execute(
        select(Organization.id, Organization.name, Organization.org_type).where(
            Organization.id.in_(list(ids))
        )
    )
    return {org_id: (name, kind) for org_id, name, kind in rows}


def budgets(session: Session, *, year: int) -> dict[int, int]:
    """Each buyer's pagu for ``year``."""
    return dict(
        session.execute(
            select(BuyerBudget.organization_id, BuyerBudget.pagu).where(BuyerBudget.year == year)
        ).all()
    )


def budget(session: Session, organization_id: int, year: int) -> BuyerBudget | None:
    return session.get(BuyerBudget, (organization_id, year))


def budgets_of(session: Session, organization_id: int) -> list[BuyerBudget]:
    return list(
        session.scalars(
            select(BuyerBudget)
            .where(BuyerBudget.organization_id == organization_id)
            .order_by(BuyerBudget.year.desc())
        )
    )


@dataclass(frozen=True, slots=True)
class AwardFact:
    """An approved award as the reservation KPI sees it."""

    award_id: int
    buyer_id: int
    buyer_type: str
    approved_on: dt.date
    package_value: int
    exception_reason: str | None
    # Each winner: (size class recorded at award, whether it is a cooperative).
    winners: tuple[tuple[str | None, bool], ...]


def approved_awards(session: Session, *, start: dt.date, end: dt.date, scope: Scope) -> list[AwardFact]:
    """Approved awards decided in [start, end) with their winners, where the scope admits a winner (or,
    for a buyer's scope, the buyer)."""
    supplier_org = aliased(Organization)
    buyer = aliased(Organization)
    decided = func.coalesce(Award.approved_at, Award.decided_at)
    where = [Award.status == "approved", decided >= _midnight(start), decided < _midnight(end)]
    scoped = _supplier_in_scope(scope)
    if scope.buyer_ids and not scope.everywhere:
        scoped = or_(scoped, Award.organization_id.in_(sorted(scope.buyer_ids)))
    rows = session.execute(
        select(
            Award.id,
            Award.organization_id,
            buyer.org_type,
            decided,
            Award.package_value_idr,
            Award.exception_reason,
            AwardLine.size_class,
            SupplierProfile.legal_form,
            supplier_org.org_type,
        )
        .join(buyer, buyer.id == Award.organization_id)
        .join(AwardLine, AwardLine.award_id == Award.id)
        .join(SupplierProfile, SupplierProfile.id == AwardLine.supplier_id)
        .join(supplier_org, supplier_org.id == AwardLine.supplier_organization_id)
        .where(*where)
        .where(
            Award.id.in_(select(Award.id).join(AwardLine).join(SupplierProfile).where(and_(scoped, *where)))
        )
        .order_by(Award.id, AwardLine.id)
    )
    found: dict[int, AwardFact] = {}
    for award_id, buyer_id, buyer_type, decided_at, package, reason, size, legal_form, org_type in rows:
        winner = (size, legal_form == "koperasi" or org_type == "koperasi")
        fact = found.get(award_id)
        if fact is None:
            found[award_id] = AwardFact(
                award_id, buyer_id, buyer_type, decided_at.date(), package, reason, (winner,)
            )
        elif winner not in fact.winners:
            found[award_id] = AwardFact(
                award_id, buyer_id, buyer_type, fact.approved_on, package, reason, (*fact.winners, winner)
            )
    return list(found.values())


def first_award_days(session: Session) -> dict[int, dt.date]:
    """The day each supplier won its first approved award."""
    decided = func.coalesce(Award.approved_at, Award.decided_at)
    rows = session.execute(
        select(AwardLine.supplier_id, func.min(decided))
        .join(Award, Award.id == AwardLine.award_id)
        .where(Award.status == "approved")
        .group_by(AwardLine.supplier_id)
    )
    return {supplier: first.date() for supplier, first in rows}


def size_histories(session: Session, *, scope: Scope) -> dict[int, list[tuple[dt.date, str]]]:
    """Each supplier's size classes in time order (``supplier_size_class``), where the scope admits it."""
    rows = session.execute(
        select(SizeClassRecord.supplier_id, SizeClassRecord.effective_on, SizeClassRecord.size_class)
        .join(SupplierProfile, SupplierProfile.id == SizeClassRecord.supplier_id)
        .where(_supplier_in_scope(scope))
        .order_by(SizeClassRecord.supplier_id, SizeClassRecord.effective_on, SizeClassRecord.id)
    )
    history: dict[int, list[tuple[dt.date, str]]] = {}
    for supplier, day, size in rows:
        history.setdefault(supplier, []).append((day, size))
    return history


def region_names(session: Session, codes: Sequence[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(session.execute(select(Region.code, Region.name).where(Region.code.in_(list(codes)))).all())


def regions_under(session: Session, parent_code: str | None) -> dict[str, str]:
    """Provinces (no parent) or the kab/kota of a province: code -> name."""
    query = select(Region.code, Region.name)
    query = (
        query.where(Region.level == 1)
        if parent_code is None
        else query.where(Region.parent_code == parent_code)
    )
    return dict(session.execute(query.order_by(Region.code)).all())


def kbli_sections(session: Session) -> dict[str, tuple[str, str | None]]:
    """Section letter -> (Indonesian title, English title)."""
    rows = session.execute(select(Kbli.code, Kbli.title, Kbli.title_en).where(Kbli.level == "section"))
    return {code: (title, title_en) for code, title, title_en in rows}


def verified_among(session: Session, supplier_ids: set[int]) -> set[int]:
    """Which of these supplier profiles are verified."""
    if not supplier_ids:
        return set()
    return set(
        session.scalars(
            select(SupplierProfile.id).where(
                SupplierProfile.id.in_(sorted(supplier_ids)), SupplierProfile.status == "verified"
            )
        )
    )


def award_winners(session: Session, award_ids: Sequence[int]) -> set[int]:
    """The supplier profiles that won a line of these awards."""
    if not award_ids:
        return set()
    return set(session.scalars(select(AwardLine.supplier_id).where(AwardLine.award_id.in_(list(award_ids)))))


# --- headline counts (the front door and the operator's home, issue #13) -------------------------------


def verified_suppliers_and_provinces(session: Session) -> tuple[int, int]:
    verified, provinces = session.execute(
        select(func.count(), func.count(distinct(SupplierProfile.province_code))).where(
            SupplierProfile.status == "verified"
        )
    ).one()
    return int(verified), int(provinces)


def open_needs_and_buyers(session: Session) -> tuple[int, int]:
    """Open needs, and the organizations that have published a need."""
    open_needs, buyers = session.execute(
        select(
            func.count().filter(Need.status == "open"),
            func.count(distinct(Need.organization_id)).filter(Need.published_at.is_not(None)),
        )
    ).one()
    return int(open_needs or 0), int(buyers or 0)


def orders_and_value(session: Session, *, leaving_out: Sequence[str]) -> tuple[int, int]:
    """Purchase orders and their total (whole Rupiah), but those in the statuses ``leaving_out``."""
    orders, value = session.execute(
        select(func.count(), func.coalesce(func.sum(PurchaseOrder.total), 0)).where(
            PurchaseOrder.status.not_in(list(leaving_out))
        )
    ).one()
    return int(orders), int(value or 0)


def profiles_per_status(session: Session) -> dict[str, int]:
    return {
        str(status): int(count)
        for status, count in session.execute(
            select(SupplierProfile.status, func.count()).group_by(SupplierProfile.status)
        )
    }


def kabkota_names(session: Session) -> dict[str, str]:
    """Every kab/kota code with its name."""
    rows = session.execute(select(Region.code, Region.name).where(Region.level == 2))
    return {str(code): str(name) for code, name in rows}


def connected_pairs(
    session: Session,
    *,
    scope: Scope,
    accepted_from: dt.datetime,
    accepted_until: dt.datetime,
    size_classes: Sequence[str],
    buyer_types: Sequence[str],
) -> set[tuple[int, str]]:
    """(supplier, buyer type) of every live order accepted in [accepted_from, accepted_until] from a buyer
    of ``buyer_types`` by a verified supplier of ``size_classes`` the scope admits (one DISTINCT query:
    connected UMKM needs no more)."""
    buyer = aliased(Organization)
    rows = session.execute(
        select(PurchaseOrder.supplier_id, buyer.org_type)
        .join(buyer, buyer.id == PurchaseOrder.organization_id)
        .join(SupplierProfile, SupplierProfile.id == PurchaseOrder.supplier_id)
        .where(
            PurchaseOrder.status.not_in(DEAD_PO_STATUSES),
            PurchaseOrder.accepted_at >= accepted_from,
            PurchaseOrder.accepted_at <= accepted_until,
            SupplierProfile.status == "verified",
            SupplierProfile.size_class.in_(list(size_classes)),
            buyer.org_type.in_(list(buyer_types)),
            _po_in_scope(scope),
        )
        .distinct()
    )
    return {(int(supplier), str(kind)) for supplier, kind in rows}


def spend_by_buyer(
    session: Session,
    *,
    scope: Scope,
    issued_from: dt.date,
    issued_before: dt.date,
    buyer_types: Sequence[str],
    umk_classes: Sequence[str],
) -> dict[int, tuple[int, int]]:
    """Per buyer of ``buyer_types``: (all spend, spend with ``umk_classes`` or cooperatives) of the live
    orders issued in the period that the scope admits, in whole Rupiah. The class is the winner's recorded
    at award, else the supplier's now. Summed in SQL per currency and rate, converted after."""
    buyer = aliased(Organization)
    at_award = (
        select(func.min(AwardLine.size_class))
        .where(
            AwardLine.award_id == PurchaseOrder.award_id, AwardLine.supplier_id == PurchaseOrder.supplier_id
        )
        .correlate(PurchaseOrder)
        .scalar_subquery()
    )
    umk = or_(
        func.coalesce(at_award, SupplierProfile.size_class).in_(list(umk_classes)), cooperative_orders()
    )
    is_umk = case((umk, 1), else_=0)
    rows = session.execute(
        select(
            PurchaseOrder.organization_id,
            PurchaseOrder.currency,
            PurchaseOrder.idr_rate,
            is_umk,
            func.sum(PurchaseOrder.total),
        )
        .join(buyer, buyer.id == PurchaseOrder.organization_id)
        .join(SupplierProfile, SupplierProfile.id == PurchaseOrder.supplier_id)
        .where(
            PurchaseOrder.status.not_in(DEAD_PO_STATUSES),
            PurchaseOrder.issued_at >= _midnight(issued_from),
            PurchaseOrder.issued_at < _midnight(issued_before),
            buyer.org_type.in_(list(buyer_types)),
            _po_in_scope(scope),
        )
        .group_by(PurchaseOrder.organization_id, PurchaseOrder.currency, PurchaseOrder.idr_rate, is_umk)
    )
    found: dict[int, tuple[int, int]] = {}
    for org_id, currency, rate, umk_flag, total in rows:
        amount = _idr(int(total or 0), currency, rate)
        spend, umk_spend = found.get(org_id, (0, 0))
        found[org_id] = (spend + amount, umk_spend + (amount if umk_flag else 0))
    return found
