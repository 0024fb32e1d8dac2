"""Every query of the orders domain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, case, false, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rantai.identity.models import Organization
from rantai.identity.policy import Action, Actor, Party, reach
from rantai.kit.ids import storable_id
from rantai.kit.pagination import Page, PageRequest
from rantai.orders.models import (
    Counter,
    Delivery,
    DeliveryLine,
    Invoice,
    InvoiceLine,
    OrderDocument,
    Payment,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderRevision,
    Receipt,
    ReceiptLine,
    SupplierTax,
    Withholding,
)
from rantai.orders.state import InvoiceStatus
from rantai.orders.tax import Rate, Rates
from rantai.reference.models import TaxRate
from rantai.sourcing.rfq.models import AwardLine, QuoteLine


def _rate(session: Session, code: str, on: dt.date) -> Rate:
    row = session.scalars(
        select(TaxRate)
        .where(TaxRate.code == code, TaxRate.effective_from <= on)
        .order_by(TaxRate.effective_from.desc())
        .limit(1)
    ).first()
    if row is None:
        raise LookupError(f"no {code} rate in force on {on} (is the reference data loaded?)")
    return Rate(Decimal(row.percent), row.base_numerator, row.base_denominator)


def rates_on(session: Session, on: dt.date) -> Rates:
    """The PPN, PPh 22 and PPh 23 rates in force on a day (``ref_tax_rate``)."""
    return Rates(
        ppn=_rate(session, "ppn", on), pph22=_rate(session, "pph22", on), pph23=_rate(session, "pph23", on)
    )


# --- numbers without gaps ---------------------------------------------------------------------------------


def take_number(session: Session, series: str, year: int) -> int:
    """The next number of ``series`` in ``year``, taken in the caller's transaction: rolled back with it
    (no gap), and queued behind any other transaction holding the counter's row (no duplicate)."""
    taken = session.execute(
        update(Counter)
        .where(Counter.series == series, Counter.year == year)
        .values(last=Counter.last + 1)
        .returning(Counter.last)
        .execution_options(synchronize_session=False)
    ).scalar()
    if taken is not None:
        return int(taken)
    try:
        with session.begin_nested():
            session.add(Counter(series=series, year=year, last=1))
            session.flush()
    except IntegrityError:  # another transaction made the row first; its lock now queues this one
        return take_number(session, series, year)
    return 1


# --- reading ---------------------------------------------------------------------------------------------


def po(session: Session, po_id: int) -> PurchaseOrder | None:
    return session.get(PurchaseOrder, po_id) if storable_id(po_id) else None


def po_lines(session: Session, po_id: int) -> Sequence[PurchaseOrderLine]:
    return session.scalars(
        select(PurchaseOrderLine).where(PurchaseOrderLine.po_id == po_id).order_by(PurchaseOrderLine.line_no)
    ).all()


def pos_of_award(session: Session, award_id: int) -> Sequence[PurchaseOrder]:
    return session.scalars(
        select(PurchaseOrder).where(PurchaseOrder.award_id == award_id).order_by(PurchaseOrder.id)
    ).all()


def revisions_of(session: Session, po_id: int) -> Sequence[PurchaseOrderRevision]:
    return session.scalars(
        select(PurchaseOrderRevision)
        .where(PurchaseOrderRevision.po_id == po_id)
        .order_by(PurchaseOrderRevision.revision)
    ).all()


def revision(session: Session, po_id: int, number: int) -> PurchaseOrderRevision | None:
    return session.scalars(
        select(PurchaseOrderRevision).where(
            PurchaseOrderRevision.po_id == po_id, PurchaseOrderRevision.revision == number
        )
    ).first()


def deliveries_of(session: Session, po_id: int) -> Sequence[Delivery]:
    return session.scalars(select(Delivery).where(Delivery.po_id == po_id).order_by(Delivery.id)).all()


def delivery_lines_of(session: Session, delivery_ids: Sequence[int]) -> Sequence[DeliveryLine]:
    if not delivery_ids:
        return []
    return session.scalars(
        select(DeliveryLine)
        .where(DeliveryLine.delivery_id.in_(sorted(set(delivery_ids))))
        .order_by(DeliveryLine.id)
    ).all()


def delivery_with_number(session: Session, po_id: int, number: str) -> Delivery | None:
    return session.scalars(select(Delivery).where(Delivery.po_id == po_id, Delivery.number == number)).first()


def delivery(session: Session, delivery_id: int) -> Delivery | None:
    return session.get(Delivery, delivery_id) if storable_id(delivery_id) else None


def receipts_of(session: Session, po_id: int) -> Sequence[Receipt]:
    return session.scalars(select(Receipt).where(Receipt.po_id == po_id).order_by(Receipt.id)).all()


def receipt(session: Session, receipt_id: int) -> Receipt | None:
    return session.get(Receipt, receipt_id) if storable_id(receipt_id) else None


def receipt_lines(session: Session, receipt_id: int) -> Sequence[ReceiptLine]:
    return session.scalars(
        select(ReceiptLine).where(ReceiptLine.receipt_id == receipt_id).order_by(ReceiptLine.id)
    ).all()


def receipt_lines_of(session: Session, receipt_ids: Sequence[int]) -> Sequence[ReceiptLine]:
    if not receipt_ids:
        return []
    return session.scalars(
        select(ReceiptLine)
        .where(ReceiptLine.receipt_id.in_(sorted(set(receipt_ids))))
        .order_by(ReceiptLine.id)
    ).all()


def invoice(session: Session, invoice_id: int) -> Invoice | None:
    return session.get(Invoice, invoice_id) if storable_id(invoice_id) else None


def invoices_of(session: Session, po_id: int) -> Sequence[Invoice]:
    return session.scalars(select(Invoice).where(Invoice.po_id == po_id).order_by(Invoice.id)).all()


def invoice_lines(session: Session, invoice_id: int) -> Sequence[InvoiceLine]:
    return session.scalars(
        select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id).order_by(InvoiceLine.id)
    ).all()


def payments_of(session: Session, invoice_id: int) -> Sequence[Payment]:
    return session.scalars(
        select(Payment).where(Payment.invoice_id == invoice_id).order_by(Payment.paid_on, Payment.id)
    ).all()


def withholdings_of(session: Session, invoice_id: int) -> Sequence[Withholding]:
    return session.scalars(
        select(Withholding).where(Withholding.invoice_id == invoice_id).order_by(Withholding.id)
    ).all()


def organization_names(session: Session, organization_ids: Sequence[int]) -> dict[int, str]:
    """The names of organizations (buyers and suppliers on a list of orders)."""
    if not organization_ids:
        return {}
    rows = session.execute(
        select(Organization.id, Organization.name).where(Organization.id.in_(sorted(set(organization_ids))))
    )
    return {int(i): str(n) for i, n in rows}


def supplier_tax(session: Session, supplier_id: int) -> SupplierTax | None:
    return session.get(SupplierTax, supplier_id)


def po_readable(actor: Actor | None) -> ColumnElement[bool]:
    """The POs ``actor`` may see: its buyer organizations' own, and those made to its supplier ones."""
    scope = reach(actor, Action.VIEW_RECORD)
    conditions: list[ColumnElement[bool]] = []
    if buyers := scope.organizations(Party.OWNER, Party.BUYER):
        conditions.append(PurchaseOrder.organization_id.in_(sorted(buyers)))
    if suppliers := scope.organizations(Party.SUPPLIER):
        conditions.append(PurchaseOrder.supplier_organization_id.in_(sorted(suppliers)))
    return or_(false(), *conditions)


def invoice_readable(actor: Actor | None) -> ColumnElement[bool]:
    scope = reach(actor, Action.VIEW_RECORD)
    conditions: list[ColumnElement[bool]] = []
    if buyers := scope.organizations(Party.OWNER, Party.BUYER):
        conditions.append(Invoice.organization_id.in_(sorted(buyers)))
    if suppliers := scope.organizations(Party.SUPPLIER):
        conditions.append(Invoice.supplier_organization_id.in_(sorted(suppliers)))
    return or_(false(), *conditions)


def pos_page(
    session: Session, *, condition: ColumnElement[bool], page: PageRequest, status: str | None = None
) -> Page[PurchaseOrder]:
    query = select(PurchaseOrder).where(condition)
    if status:
        query = query.where(PurchaseOrder.status == status)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(PurchaseOrder.issued_at.desc(), PurchaseOrder.id.desc())
        .offset(page.offset)
        .limit(page.per_page)
    ).all()
    return Page(items=rows, total=total, page=page.page, per_page=page.per_page)


def invoices_page(
    session: Session,
    *,
    condition: ColumnElement[bool],
    page: PageRequest,
    status: str | None = None,
    statuses: Sequence[str] | None = None,
    overdue_on: dt.date | None = None,
) -> Page[Invoice]:
    """Invoices still open first, each group by due date, the oldest due first (so the overdue ones
    lead), then by id. ``overdue_on``: only those overdue on that day (``state.is_overdue``: not paid,
    past the due date)."""
    query = select(Invoice).where(condition)
    if status:
        query = query.where(Invoice.status == status)
    if statuses:
        query = query.where(Invoice.status.in_(sorted(statuses)))
    if overdue_on is not None:
        query = query.where(Invoice.status != InvoiceStatus.PAID.value, Invoice.due_on < overdue_on)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(case((Invoice.status == "paid", 1), else_=0), Invoice.due_on.asc(), Invoice.id.asc())
        .offset(page.offset)
        .limit(page.per_page)
    ).all()
    return Page(items=rows, total=total, page=page.page, per_page=page.per_page)


# --- guarded quantities -----------------------------------------------------------------------------------


def _guarded(session: Session, statement: Any) -> bool:
    result = session.execute(statement.execution_options(synchronize_session=False))
    return getattr(result, "rowcount", 0) == 1


def ship(session: Session, line_id: int, quantity: int) -> bool:
    """Add a shipment to a line if what is shipped and not rejected stays within what was ordered."""
    line = PurchaseOrderLine
    return _guarded(
        session,
        update(line)
        .where(
            line.id == line_id, line.delivered_quantity - line.rejected_quantity + quantity <= line.quantity
        )
        .values(delivered_quantity=line.delivered_quantity + quantity),
    )


def receive(session: Session, line_id: int, accepted: int, rejected: int) -> bool:
    """Record accepted and rejected units if they were shipped and acceptance stays within the order."""
    line = PurchaseOrderLine
    return _guarded(
        session,
        update(line)
        .where(
            line.id == line_id,
            line.accepted_quantity + line.rejected_quantity + accepted + rejected <= line.delivered_quantity,
            line.accepted_quantity + accepted <= line.quantity,
        )
        .values(
            accepted_quantity=line.accepted_quantity + accepted,
            rejected_quantity=line.rejected_quantity + rejected,
        ),
    )


def bill(session: Session, line_id: int, quantity: int) -> bool:
    """Invoice accepted units not invoiced before."""
    line = PurchaseOrderLine
    return _guarded(
        session,
        update(line)
        .where(line.id == line_id, line.invoiced_quantity + quantity <= line.accepted_quantity)
        .values(invoiced_quantity=line.invoiced_quantity + quantity),
    )


def add_cash(session: Session, invoice_id: int, amount: int) -> bool:
    """Count a payment if it stays within the cash due."""
    return _guarded(
        session,
        update(Invoice)
        .where(Invoice.id == invoice_id, Invoice.cash_received + amount <= Invoice.cash_due)
        .values(cash_received=Invoice.cash_received + amount),
    )


def pay_clock_rows(
    session: Session, organization_ids: Sequence[int] | None = None
) -> list[tuple[int, dt.date, dt.date, dt.date | None]]:
    """(buyer, clock start, due date, settled date) of every invoice, for days-to-pay."""
    query = select(Invoice.organization_id, Invoice.clock_from, Invoice.due_on, Invoice.settled_on)
    if organization_ids is not None:
        query = query.where(Invoice.organization_id.in_(sorted(set(organization_ids))))
    return [(int(a), b, c, d) for a, b, c, d in session.execute(query)]


# --- printable documents (PDFs of PO versions and BAST) -----------------------------------------------------


def document(session: Session, kind: str, subject_id: int, revision: int) -> OrderDocument | None:
    return session.scalars(
        select(OrderDocument).where(
            OrderDocument.kind == kind,
            OrderDocument.subject_id == subject_id,
            OrderDocument.revision == revision,
        )
    ).first()


def document_by_id(session: Session, document_id: int) -> OrderDocument | None:
    return session.get(OrderDocument, document_id)


def orders_issued(session: Session, organization_id: int) -> int:
    """How many purchase orders a buyer issued (cancelled ones included: they were issued)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(PurchaseOrder)
            .where(PurchaseOrder.organization_id == organization_id)
        )
        or 0
    )


def last_accepted_on(session: Session, po_id: int) -> dict[int, dt.date]:
    """For each line of the PO, the last day a receipt accepted goods of it."""
    rows = session.execute(
        select(ReceiptLine.po_line_id, func.max(Receipt.received_on))
        .join(Receipt, Receipt.id == ReceiptLine.receipt_id)
        .where(Receipt.po_id == po_id, ReceiptLine.accepted > 0)
        .group_by(ReceiptLine.po_line_id)
    ).all()
    return {int(line_id): day for line_id, day in rows}


def quoted_lead_times(session: Session, award_lines: Sequence[AwardLine]) -> dict[int, int]:
    """The lead time (days) each award line's supplier quoted for it, by award line id."""
    if not award_lines:
        return {}
    quoted = session.execute(
        select(QuoteLine.quote_id, QuoteLine.revision, QuoteLine.rfq_line_id, QuoteLine.lead_time_days).where(
            QuoteLine.quote_id.in_(sorted({line.quote_id for line in award_lines}))
        )
    ).all()
    days = {(q, r, line): lead for q, r, line, lead in quoted}
    found: dict[int, int] = {}
    for line in award_lines:
        lead = days.get((line.quote_id, line.quote_revision, line.rfq_line_id))
        if lead is not None:
            found[line.id] = int(lead)
    return found
