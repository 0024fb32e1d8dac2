"""The rollup's queries (issue #15): what the rollup is derived from, its writes, and the monitoring views'
reads of it. The only place besides ``analytics.repository`` that reads tables for the KPIs.

The reads take the same ``Scope`` and ``Narrowing`` as ``analytics.repository`` and give the same
answers as its transaction-table queries (tests/integration/analytics/test_rollup.py compares them on
both databases); the scope is turned into a WHERE here as there, so a reader's figures can only be made
of rows it may read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    Boolean,
    ColumnElement,
    Select,
    delete,
    distinct,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement

from rantai.analytics.models import RollupAward, RollupGraduation, RollupInvoice, RollupOrder, RollupState
from rantai.analytics.repository import (
    DEAD_PO_STATUSES,
    Narrowing,
    Scope,
    Sums,
    _idr,
    _midnight,
    _narrowed,
    _po_in_scope,
    _supplier_in_scope,
)
from rantai.audit.events import ResourceType
from rantai.audit.models import AuditEvent
from rantai.identity.models import Organization
from rantai.orders.models import Invoice, Payment, PurchaseOrder, PurchaseOrderLine
from rantai.reference.models import Kbli
from rantai.sourcing.rfq.models import Award, AwardLine
from rantai.suppliers.models import SizeClassRecord, SupplierProfile

STATE = "rollup"


class _Likely(FunctionElement[bool]):
    """A condition most rows meet (a verified supplier of an UMKM class): SQLite's ``likely()`` so its
    planner, which keeps no statistics here, does not start a join from it and read most of the suppliers
    (0.4 s of connected UMKM on the large demo); the bare condition elsewhere."""

    type = Boolean()
    inherit_cache = True


@compiles(_Likely, "sqlite")
def _likely_sqlite(element: _Likely, compiler: SQLCompiler, **kw: Any) -> str:
    return f"likely({compiler.process(element.clauses, **kw)})"


@compiles(_Likely)
def _likely(element: _Likely, compiler: SQLCompiler, **kw: Any) -> str:
    return f"({compiler.process(element.clauses, **kw)})"


CHUNK = 500  # ids per IN list

RollupModel = type[RollupOrder] | type[RollupAward] | type[RollupInvoice] | type[RollupGraduation]


def _chunks(ids: Sequence[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for at in range(0, len(ordered), CHUNK):
        yield ordered[at : at + CHUNK]


# --- what the rollup is made of -------------------------------------------------------------------------


def order_rows(session: Session, po_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """The rollup rows of the live purchase orders (all, or those of ``po_ids``): value, delivered value
    (accepted quantities times their unit price) and paid value (payments on its invoices) in whole
    Rupiah, converted per order as ``repository.value_sums`` does."""
    if po_ids is not None:
        return [row for chunk in _chunks(po_ids) for row in _order_rows(session, chunk)]
    return _order_rows(session, None)


def _order_rows(session: Session, po_ids: list[int] | None) -> list[dict[str, Any]]:
    lines = select(
        PurchaseOrderLine.po_id.label("po_id"),
        func.sum(PurchaseOrderLine.accepted_quantity * PurchaseOrderLine.unit_price).label("amount"),
    )
    paid = select(Invoice.po_id.label("po_id"), func.sum(Payment.amount).label("amount")).join(
        Payment, Payment.invoice_id == Invoice.id
    )
    at_award = select(
        AwardLine.award_id.label("award_id"),
        AwardLine.supplier_id.label("supplier_id"),
        func.min(AwardLine.size_class).label("size_class"),
    )
    if po_ids is not None:
        lines = lines.where(PurchaseOrderLine.po_id.in_(po_ids))
        paid = paid.where(Invoice.po_id.in_(po_ids))
        at_award = at_award.where(
            AwardLine.award_id.in_(select(PurchaseOrder.award_id).where(PurchaseOrder.id.in_(po_ids)))
        )
    line_sums = lines.group_by(PurchaseOrderLine.po_id).subquery()
    paid_sums = paid.group_by(Invoice.po_id).subquery()
    award_class = at_award.group_by(AwardLine.award_id, AwardLine.supplier_id).subquery()
    buyer = aliased(Organization)
    query = (
        select(
            PurchaseOrder.id,
            PurchaseOrder.issued_at,
            PurchaseOrder.accepted_at,
            PurchaseOrder.organization_id,
            buyer.org_type,
            PurchaseOrder.supplier_id,
            PurchaseOrder.supplier_organization_id,
            PurchaseOrder.currency,
            PurchaseOrder.idr_rate,
            PurchaseOrder.total,
            line_sums.c.amount,
            paid_sums.c.amount,
            award_class.c.size_class,
        )
        .join(buyer, buyer.id == PurchaseOrder.organization_id)
        .outerjoin(line_sums, line_sums.c.po_id == PurchaseOrder.id)
        .outerjoin(paid_sums, paid_sums.c.po_id == PurchaseOrder.id)
        .outerjoin(
            award_class,
            (award_class.c.award_id == PurchaseOrder.award_id)
            & (award_class.c.supplier_id == PurchaseOrder.supplier_id),
        )
        .where(PurchaseOrder.status.not_in(DEAD_PO_STATUSES))
    )
    if po_ids is not None:
        query = query.where(PurchaseOrder.id.in_(po_ids))
    rows: list[dict[str, Any]] = []
    for (
        po_id,
        issued_at,
        accepted_at,
        buyer_id,
        buyer_type,
        supplier_id,
        supplier_org,
        currency,
        rate,
        total,
        delivered,
        paid_value,
        size_class,
    ) in session.execute(query):
        rows.append(
            {
                "po_id": po_id,
                "issued_at": issued_at,
                "issued_month": issued_at.astimezone(dt.UTC).strftime("%Y-%m"),
                "accepted_at": accepted_at,
                "buyer_id": buyer_id,
                "buyer_type": buyer_type,
                "supplier_id": supplier_id,
                "supplier_organization_id": supplier_org,
                "po_value": _idr(int(total), currency, rate),
                "delivered": _idr(int(delivered or 0), currency, rate),
                "paid": _idr(int(paid_value or 0), currency, rate),
                "award_size_class": size_class,
            }
        )
    return rows


@dataclass(frozen=True, slots=True)
class AwardWinner:
    """A winner of an approved award, with what the reservation verdict needs."""

    award_id: int
    buyer_id: int
    buyer_type: str
    decided_at: dt.datetime
    package_value: int
    exception_reason: str | None
    supplier_id: int
    size_class: str | None
    cooperative: bool


def award_winners(session: Session, award_ids: Sequence[int] | None = None) -> list[AwardWinner]:
    """Every winning line of the approved awards (all, or those of ``award_ids``), in award order."""
    if award_ids is not None:
        return [row for chunk in _chunks(award_ids) for row in _award_winners(session, chunk)]
    return _award_winners(session, None)


def _award_winners(session: Session, award_ids: list[int] | None) -> list[AwardWinner]:
    buyer = aliased(Organization)
    supplier_org = aliased(Organization)
    query = (
        select(
            Award.id,
            Award.organization_id,
            buyer.org_type,
            func.coalesce(Award.approved_at, Award.decided_at),
            Award.package_value_idr,
            Award.exception_reason,
            AwardLine.supplier_id,
            AwardLine.size_class,
            SupplierProfile.legal_form,
            supplier_org.org_type,
        )
        .join(buyer, buyer.id == Award.organization_id)
        .join(AwardLine, AwardLine.award_id == Award.id)
        .join(SupplierProfile, SupplierProfile.id == AwardLine.supplier_id)
        .join(supplier_org, supplier_org.id == AwardLine.supplier_organization_id)
        .where(Award.status == "approved")
        .order_by(Award.id, AwardLine.id)
    )
    if award_ids is not None:
        query = query.where(Award.id.in_(award_ids))
    return [
        AwardWinner(
            award_id=award_id,
            buyer_id=buyer_id,
            buyer_type=buyer_type,
            decided_at=decided,
            package_value=int(package),
            exception_reason=reason,
            supplier_id=supplier_id,
            size_class=size,
            cooperative=legal_form == "koperasi" or org_type == "koperasi",
        )
        for award_id, buyer_id, buyer_type, decided, package, reason, supplier_id, size, legal_form, org_type in (
            session.execute(query)
        )
    ]


def invoice_rows(session: Session, invoice_ids: Sequence[int] | None = None) -> list[dict[str, Any]]:
    """Each invoice's pay clock (``orders.days_to_pay``'s start, due and settled days) as day numbers."""
    query = select(
        Invoice.id, Invoice.organization_id, Invoice.clock_from, Invoice.due_on, Invoice.settled_on
    )
    chunks: Iterable[list[int] | None] = _chunks(invoice_ids) if invoice_ids is not None else [None]
    rows: list[dict[str, Any]] = []
    for chunk in chunks:
        selected = query if chunk is None else query.where(Invoice.id.in_(chunk))
        rows.extend(
            {
                "invoice_id": invoice_id,
                "buyer_id": buyer_id,
                "start_day": start.toordinal(),
                "due_day": due.toordinal(),
                "settled_day": settled.toordinal() if settled is not None else None,
            }
            for invoice_id, buyer_id, start, due, settled in session.execute(selected)
        )
    return rows


def size_records(
    session: Session, supplier_ids: Sequence[int] | None = None
) -> list[tuple[int, dt.date, str]]:
    """(supplier, effective day, size class) of the size-class records, in each supplier's time order."""
    query = select(SizeClassRecord.supplier_id, SizeClassRecord.effective_on, SizeClassRecord.size_class)
    order = (SizeClassRecord.supplier_id, SizeClassRecord.effective_on, SizeClassRecord.id)
    chunks: Iterable[list[int] | None] = _chunks(supplier_ids) if supplier_ids is not None else [None]
    rows: list[tuple[int, dt.date, str]] = []
    for chunk in chunks:
        selected = query if chunk is None else query.where(SizeClassRecord.supplier_id.in_(chunk))
        rows.extend((int(s), day, str(size)) for s, day, size in session.execute(selected.order_by(*order)))
    return rows


# --- writes ---------------------------------------------------------------------------------------------


def replace(
    session: Session,
    model: RollupModel,
    key: InstrumentedAttribute[int],
    ids: Sequence[int] | None,
    rows: Sequence[dict[str, Any]],
) -> None:
    """Delete the rollup rows of ``ids`` (every row when None) and insert ``rows`` in their place."""
    if ids is None:
        session.execute(delete(model))
    else:
        for chunk in _chunks(ids):
            session.execute(delete(model).where(key.in_(chunk)))
    for at in range(0, len(rows), 5_000):
        session.execute(insert(model), list(rows[at : at + 5_000]))


def state(session: Session) -> RollupState | None:
    return session.get(RollupState, STATE)


def state_for_update(session: Session) -> RollupState:
    found = session.get(RollupState, STATE, with_for_update=True)
    if found is None:
        found = RollupState(name=STATE, last_event_id=0, last_size_record_id=0)
        session.add(found)
        session.flush()
    return found


@dataclass(frozen=True, slots=True)
class Changes:
    """What changed since the last refresh, by the rollup's keys."""

    last_event_id: int
    last_size_record_id: int
    po_ids: frozenset[int]
    award_ids: frozenset[int]
    invoice_ids: frozenset[int]
    supplier_ids: frozenset[int]  # their size-class history

    @property
    def empty(self) -> bool:
        return not (self.po_ids or self.award_ids or self.invoice_ids or self.supplier_ids)


def changes_since(
    session: Session, *, last_event_id: int, last_size_record_id: int, overlap_from: dt.datetime
) -> Changes:
    """The orders, invoices, awards and suppliers' size histories that changed after the audit entry
    ``last_event_id`` and the size record ``last_size_record_id``, and those changed since
    ``overlap_from`` again: on PostgreSQL a transaction can commit after another that took a higher id,
    so ids alone could step over it (refreshing a row twice is harmless)."""
    events = session.execute(
        select(AuditEvent.id, AuditEvent.target_type, AuditEvent.target_id).where(
            or_(AuditEvent.id > last_event_id, AuditEvent.occurred_at >= overlap_from),
            AuditEvent.target_type.in_(
                [ResourceType.PURCHASE_ORDER.value, ResourceType.INVOICE.value, ResourceType.AWARD.value]
            ),
        )
    ).all()
    newest = session.scalar(select(func.max(AuditEvent.id))) or 0
    found: dict[str, set[int]] = {}
    for _, target_type, target_id in events:
        if target_id and target_id.isdigit():
            found.setdefault(str(target_type), set()).add(int(target_id))
    invoices = found.get(ResourceType.INVOICE.value, set())
    orders = set(found.get(ResourceType.PURCHASE_ORDER.value, set()))
    for chunk in _chunks(sorted(invoices)):
        # A payment changes its order's paid value.
        orders.update(session.scalars(select(Invoice.po_id).where(Invoice.id.in_(chunk))))
    sized = session.execute(
        select(SizeClassRecord.id, SizeClassRecord.supplier_id).where(
            or_(SizeClassRecord.id > last_size_record_id, SizeClassRecord.recorded_at >= overlap_from)
        )
    ).all()
    return Changes(
        last_event_id=max(int(newest), last_event_id),
        last_size_record_id=max([last_size_record_id, *(int(i) for i, _ in sized)]),
        po_ids=frozenset(orders),
        award_ids=frozenset(found.get(ResourceType.AWARD.value, set())),
        invoice_ids=frozenset(invoices),
        supplier_ids=frozenset(int(s) for _, s in sized),
    )


def newest_ids(session: Session) -> tuple[int, int]:
    """The newest audit entry's and size record's ids (where a rebuild leaves the refresh)."""
    return (
        int(session.scalar(select(func.max(AuditEvent.id))) or 0),
        int(session.scalar(select(func.max(SizeClassRecord.id))) or 0),
    )


# --- the views' reads -----------------------------------------------------------------------------------

_R = RollupOrder


def _cooperative() -> ColumnElement[bool]:
    """The rolled orders to a cooperative (``repository.cooperative_orders``' rule on the rollup)."""
    return or_(
        _R.supplier_organization_id.in_(select(Organization.id).where(Organization.org_type == "koperasi")),
        _R.supplier_id.in_(select(SupplierProfile.id).where(SupplierProfile.legal_form == "koperasi")),
    )


def _in_period(column: Any, start: dt.date, end: dt.date) -> list[ColumnElement[bool]]:
    return [column >= _midnight(start), column < _midnight(end)]


def value_sums(
    session: Session,
    *,
    scope: Scope,
    by: Sequence[str],
    narrowing: Narrowing = Narrowing(),  # a frozen value
    issued_from: dt.date,
    issued_before: dt.date,
    with_suppliers: bool = True,
    only_cooperatives: bool = False,
) -> dict[tuple[Any, ...], Sums]:
    """``repository.value_sums`` on the rollup: one GROUP BY over the period's rolled orders (the
    supplier's profile joined only when a key, a filter or the scope needs it)."""
    buyer = aliased(Organization)
    columns: dict[str, Any] = {
        "month": _R.issued_month,
        "province": SupplierProfile.province_code,
        "kabkota": SupplierProfile.kabkota_code,
        "sector": func.coalesce(Kbli.section, ""),
        "size_class": func.coalesce(SupplierProfile.size_class, ""),
        "buyer": _R.buyer_id,
        "buyer_name": buyer.name,
        "supplier": _R.supplier_id,
        "supplier_name": SupplierProfile.business_name,
    }
    keys = [columns[name] for name in by]
    profile_keys = {"province", "kabkota", "sector", "size_class", "supplier_name"}
    needs_profile = (
        bool(profile_keys & set(by))
        or bool(scope.areas and not scope.everywhere)
        or any(
            (narrowing.province_code, narrowing.kabkota_code, narrowing.kbli_section, narrowing.size_class)
        )
    )
    query: Select[Any] = select(
        *keys,
        func.count(),
        func.count(distinct(_R.supplier_id)) if with_suppliers else literal(0),
        func.sum(_R.po_value),
        func.sum(_R.delivered),
        func.sum(_R.paid),
    ).select_from(_R)
    if needs_profile:
        query = query.join(SupplierProfile, SupplierProfile.id == _R.supplier_id)
    if "buyer_name" in by:
        query = query.join(buyer, buyer.id == _R.buyer_id)
    if "sector" in by or narrowing.kbli_section:
        query = query.outerjoin(Kbli, Kbli.code == SupplierProfile.primary_kbli)
    if only_cooperatives:
        query = query.where(_cooperative())
    query = query.where(
        *_in_period(_R.issued_at, issued_from, issued_before),
        _po_in_scope(scope, _R.buyer_id),
        *_narrowed(narrowing, _R.buyer_type, _R.buyer_id),
    ).group_by(*keys)
    found: dict[tuple[Any, ...], Sums] = {}
    for row in session.execute(query):
        *key, count, suppliers, value, delivered, paid = tuple(row)
        found[tuple(key)] = Sums(
            int(count), int(value or 0), int(delivered or 0), int(paid or 0), int(suppliers or 0)
        )
    return found


def ordering_buyers(
    session: Session,
    *,
    scope: Scope,
    issued_from: dt.date,
    issued_before: dt.date,
    buyer_types: Sequence[str],
) -> set[int]:
    """``repository.ordering_buyers`` on the rollup."""
    query = select(_R.buyer_id).where(
        *_in_period(_R.issued_at, issued_from, issued_before),
        _R.buyer_type.in_(list(buyer_types)),
        _po_in_scope(scope, _R.buyer_id),
    )
    if scope.areas and not scope.everywhere:
        query = query.join(SupplierProfile, SupplierProfile.id == _R.supplier_id)
    return {int(org_id) for org_id in session.scalars(query.distinct())}


def connected_pairs(
    session: Session,
    *,
    scope: Scope,
    accepted_from: dt.datetime,
    accepted_until: dt.datetime,
    size_classes: Sequence[str],
    buyer_types: Sequence[str],
) -> set[tuple[int, str]]:
    """``repository.connected_pairs`` on the rollup: the distinct (supplier, buyer kind) of the window's
    orders first (an index range), then their suppliers' profiles by key; a plan that starts from the
    verified suppliers instead reads them all (0.6 s on the large demo against 0.1 s)."""
    pairs = (
        select(_R.supplier_id.label("supplier_id"), _R.buyer_type.label("buyer_type"))
        .where(
            _R.accepted_at >= accepted_from,
            _R.accepted_at <= accepted_until,
            _R.buyer_type.in_(list(buyer_types)),
        )
        .distinct()
    )
    if scope.buyer_ids and not scope.everywhere and not scope.areas:
        pairs = pairs.where(_R.buyer_id.in_(sorted(scope.buyer_ids)))
    elif not scope.everywhere:
        # A region's scope (with or without a buyer's own): the buyer is kept with the pair.
        pairs = pairs.add_columns(_R.buyer_id.label("buyer_id"))
    window = pairs.subquery()
    scoped: ColumnElement[bool] = true()
    if not scope.everywhere and scope.areas:
        scoped = _po_in_scope(scope, window.c.buyer_id)
    elif not scope.everywhere and not scope.buyer_ids:
        scoped = false()
    rows = session.execute(
        select(window.c.supplier_id, window.c.buyer_type)
        .join(SupplierProfile, SupplierProfile.id == window.c.supplier_id)
        .where(
            _Likely(SupplierProfile.status == "verified"),
            _Likely(SupplierProfile.size_class.in_(list(size_classes))),
            scoped,
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
    """``repository.spend_by_buyer`` on the rollup (the class recorded at award, else the supplier's now;
    an order in another currency converted per order). The supplier's class is looked up only for an
    order without one at award (SQLite's coalesce stops at the first value: 130 ms to 40 ms on the large
    demo, whose orders all have one), its profile joined only when the scope is a region's."""
    profile = aliased(SupplierProfile)  # not the scope's join below
    class_now = select(profile.size_class).where(profile.id == _R.supplier_id).correlate(_R).scalar_subquery()
    umk = or_(func.coalesce(_R.award_size_class, class_now).in_(list(umk_classes)), _cooperative())
    query = select(
        _R.buyer_id,
        func.sum(_R.po_value),
        func.sum(_R.po_value).filter(umk),
    ).where(
        *_in_period(_R.issued_at, issued_from, issued_before),
        _R.buyer_type.in_(list(buyer_types)),
        _po_in_scope(scope, _R.buyer_id),
    )
    if scope.areas and not scope.everywhere:
        query = query.join(SupplierProfile, SupplierProfile.id == _R.supplier_id)
    rows = session.execute(query.group_by(_R.buyer_id))
    return {int(org_id): (int(total or 0), int(with_umk or 0)) for org_id, total, with_umk in rows}


def _awards_in_scope(scope: Scope, start: dt.date, end: dt.date) -> ColumnElement[bool]:
    """The awards the scope admits: a winner located where it reaches, or (a buyer's scope) its own."""
    if scope.everywhere:
        return true()
    scoped = _supplier_in_scope(scope)
    winners = (
        select(RollupAward.award_id)
        .join(SupplierProfile, SupplierProfile.id == RollupAward.supplier_id)
        .where(scoped, *_in_period(RollupAward.decided_at, start, end))
    )
    admitted = RollupAward.award_id.in_(winners)
    if scope.buyer_ids:
        return or_(admitted, RollupAward.buyer_id.in_(sorted(scope.buyer_ids)))
    return admitted


def reserved_awards(
    session: Session, *, start: dt.date, end: dt.date, scope: Scope
) -> list[tuple[int, bool, str | None]]:
    """(award, went only to allowed winners, exception reason) of the approved awards decided in
    [start, end) that the scope admits and whose package lay in the reserved range, in award order."""
    rows = session.execute(
        select(RollupAward.award_id, RollupAward.allowed, RollupAward.exception_reason)
        .where(
            *_in_period(RollupAward.decided_at, start, end),
            RollupAward.reserved.is_(True),
            _awards_in_scope(scope, start, end),
        )
        .distinct()
        .order_by(RollupAward.award_id)
    )
    return [(int(award), bool(allowed), reason) for award, allowed, reason in rows]


def first_time_winners(session: Session, *, start: dt.date, end: dt.date, scope: Scope) -> int:
    """Winners of the awards decided in [start, end) the scope admits whose first approved award (over
    every award) fell in the period."""
    winners = select(RollupAward.supplier_id).where(
        *_in_period(RollupAward.decided_at, start, end), _awards_in_scope(scope, start, end)
    )
    first = func.min(RollupAward.decided_at)
    firsts = (
        select(RollupAward.supplier_id)
        .where(RollupAward.supplier_id.in_(winners))
        .group_by(RollupAward.supplier_id)
        .having(first >= _midnight(start), first < _midnight(end))
        .subquery()
    )
    return int(session.scalar(select(func.count()).select_from(firsts)) or 0)


def graduations(session: Session, *, start: dt.date, end: dt.date, scope: Scope) -> int:
    """Suppliers the scope admits that moved up a size class on a day in [start, end)."""
    query = select(func.count(distinct(RollupGraduation.supplier_id))).where(
        RollupGraduation.graduated_on >= start, RollupGraduation.graduated_on < end
    )
    if not scope.everywhere:
        query = query.join(SupplierProfile, SupplierProfile.id == RollupGraduation.supplier_id).where(
            _supplier_in_scope(scope)
        )
    return int(session.scalar(query) or 0)


@dataclass(frozen=True, slots=True)
class PayTally:
    """``orders.days_to_pay``'s tally of one buyer, summed in SQL."""

    invoices: int
    settled: int
    days: int
    known: int
    on_time: int
    overdue: int


def pay_tallies(session: Session, *, on: dt.date) -> dict[int, PayTally]:
    """Per buyer with invoices, as of ``on``: invoices, settled ones, their days (settled: from start to
    settlement; open: their age), those whose outcome is known, on time, and open past their due day."""
    day = on.toordinal()
    inv = RollupInvoice
    settled = inv.settled_day.is_not(None)
    is_open = inv.settled_day.is_(None)
    rows = session.execute(
        select(
            inv.buyer_id,
            func.count(),
            func.count(inv.settled_day),
            func.sum(inv.settled_day - inv.start_day).filter(settled, inv.settled_day > inv.start_day),
            func.sum(literal(day) - inv.start_day).filter(is_open, inv.start_day < day),
            func.count().filter(settled, inv.settled_day <= inv.due_day),
            func.count().filter(is_open, inv.due_day < day),
        ).group_by(inv.buyer_id)
    )
    found: dict[int, PayTally] = {}
    for buyer, invoices, settled_count, settled_days, open_days, on_time, overdue in rows:
        found[int(buyer)] = PayTally(
            invoices=int(invoices),
            settled=int(settled_count),
            days=int(settled_days or 0) + int(open_days or 0),
            known=int(settled_count) + int(overdue),
            on_time=int(on_time),
            overdue=int(overdue),
        )
    return found
