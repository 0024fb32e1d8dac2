"""What the order pages show (issue #12), read for one viewer: a PO with its lines, versions,
deliveries, receipts (BAST), invoices and payments, which steps the viewer's side may take, and the
buyer's days-to-pay beside it for the supplier; the lists of orders and invoices. Every read is
authorized (``get_po`` / ``get_invoice``, or the readable queries), and the sides are asked of the
policy (``may_run`` / ``may_fulfil``), so the doors only draw what this module hands them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from rantai.identity import repository as identity_repository
from rantai.identity.policy import Actor
from rantai.identity.roles import BUYER_TYPES, OrgType
from rantai.kit.clock import today
from rantai.kit.pagination import Page, PageRequest
from rantai.orders import repository
from rantai.orders.days_to_pay import DaysToPay, days_to_pay, published
from rantai.orders.errors import MSG_BUYER_NOT_FOUND, MSG_INVOICE_NOT_FOUND, OrderNotFound
from rantai.orders.models import (
    Delivery,
    Invoice,
    InvoiceLine,
    Payment,
    PurchaseOrder,
    PurchaseOrderLine,
    PurchaseOrderRevision,
    Receipt,
    ReceiptLine,
    Withholding,
)
from rantai.orders.purchase_orders import may_fulfil, may_run
from rantai.orders.state import (
    IN_FORCE,
    INVOICE_STATUS_LABELS,
    OVERDUE_LABEL,
    PO_LIFECYCLE,
    InvoiceStatus,
    PoMove,
    PoStatus,
    is_overdue,
)
from rantai.suppliers import repository as suppliers_repository

OPEN_INVOICES = (InvoiceStatus.UNPAID.value, InvoiceStatus.PARTLY_PAID.value)


@dataclass(frozen=True, slots=True)
class LineShown:
    line: PurchaseOrderLine

    @property
    def left_to_ship(self) -> int:
        """What may still be shipped: ordered, less what was shipped and not rejected."""
        return max(0, self.line.quantity - (self.line.delivered_quantity - self.line.rejected_quantity))

    @property
    def waiting_receipt(self) -> int:
        """Shipped units the buyer has not accepted or rejected yet."""
        return max(
            0, self.line.delivered_quantity - self.line.accepted_quantity - self.line.rejected_quantity
        )

    @property
    def invoiceable(self) -> int:
        return max(0, self.line.accepted_quantity - self.line.invoiced_quantity)


@dataclass(frozen=True, slots=True)
class DeliveryShown:
    delivery: Delivery
    lines: list[tuple[PurchaseOrderLine, int]]


@dataclass(frozen=True, slots=True)
class ReceiptShown:
    receipt: Receipt
    delivery_number: str | None
    lines: list[tuple[PurchaseOrderLine, ReceiptLine]]


@dataclass(frozen=True, slots=True)
class InvoiceShown:
    invoice: Invoice
    lines: list[tuple[PurchaseOrderLine | None, InvoiceLine]]
    payments: Sequence[Payment]
    withholdings: Sequence[Withholding]
    overdue: bool
    runs: bool  # the viewer acts for the buyer (records payments and slips)

    @property
    def may_pay(self) -> bool:
        return self.runs and self.invoice.status != InvoiceStatus.PAID

    @property
    def outstanding(self) -> int:
        """Cash still due to the supplier (the tax the buyer withholds or collects is not cash due)."""
        return max(0, self.invoice.cash_due - self.invoice.cash_received)

    @property
    def withheld(self) -> int:
        return self.invoice.ppn_collected_by_buyer + self.invoice.pph22 + self.invoice.pph23

    @property
    def paid(self) -> bool:
        return self.invoice.status == InvoiceStatus.PAID

    @property
    def status_label(self) -> str:
        return OVERDUE_LABEL if self.overdue else INVOICE_STATUS_LABELS[InvoiceStatus(self.invoice.status)]


@dataclass(frozen=True, slots=True)
class PoPage:
    po: PurchaseOrder
    buyer_name: str
    supplier_name: str
    lines: list[LineShown]
    revisions: Sequence[PurchaseOrderRevision]
    deliveries: list[DeliveryShown]
    receipts: list[ReceiptShown]
    invoices: list[InvoiceShown]
    runs: bool  # the viewer acts for the buyer
    fulfils: bool  # the viewer acts for the supplier
    moves: frozenset[PoMove] = field(default_factory=frozenset)
    supplier_pkp: bool = False
    buyer_pays: DaysToPay | None = None  # shown to the supplier

    @property
    def in_force(self) -> bool:
        return PoStatus(self.po.status) in IN_FORCE

    @property
    def may_accept(self) -> bool:
        return self.fulfils and PoMove.ACCEPT in self.moves

    @property
    def may_decline(self) -> bool:
        return self.fulfils and PoMove.DECLINE in self.moves

    @property
    def may_amend(self) -> bool:
        return self.runs and PoMove.AMEND in self.moves

    @property
    def may_cancel(self) -> bool:
        nothing_shipped = not any(s.line.delivered_quantity for s in self.lines)
        return self.runs and PoMove.CANCEL in self.moves and nothing_shipped

    @property
    def may_ship(self) -> bool:
        return self.fulfils and self.in_force and any(s.left_to_ship for s in self.lines)

    @property
    def may_receive(self) -> bool:
        return self.runs and self.in_force and any(s.waiting_receipt for s in self.lines)

    @property
    def may_invoice(self) -> bool:
        status = PoStatus(self.po.status)
        open_ = status in IN_FORCE or status is PoStatus.COMPLETED
        return self.fulfils and open_ and any(s.invoiceable for s in self.lines)

    @property
    def deliveries_waiting(self) -> list[Delivery]:
        return [d.delivery for d in self.deliveries if d.delivery.status != "received"]


def _names(session: Session, po: PurchaseOrder) -> tuple[str, str]:
    orgs = repository.organization_names(session, [po.organization_id])
    supplier = suppliers_repository.business_names(session, [po.supplier_id])
    return orgs.get(po.organization_id, ""), supplier.get(po.supplier_id, "")


def buyer_days_to_pay(session: Session, po: PurchaseOrder, on: dt.date | None = None) -> DaysToPay | None:
    """How fast the PO's buyer pays (None: no invoice yet)."""
    return days_to_pay(session, on=on or today(), organization_ids=[po.organization_id]).get(
        po.organization_id
    )


def own_days_to_pay(session: Session, organization_id: int, on: dt.date | None = None) -> DaysToPay | None:
    return days_to_pay(session, on=on or today(), organization_ids=[organization_id]).get(organization_id)


def invoice_shown(
    session: Session,
    actor: Actor | None,
    invoice: Invoice,
    po: PurchaseOrder,
    lines_by_id: dict[int, PurchaseOrderLine] | None = None,
) -> InvoiceShown:
    by_id = (
        lines_by_id
        if lines_by_id is not None
        else {line.id: line for line in repository.po_lines(session, po.id)}
    )
    return InvoiceShown(
        invoice=invoice,
        lines=[(by_id.get(row.po_line_id), row) for row in repository.invoice_lines(session, invoice.id)],
        payments=repository.payments_of(session, invoice.id),
        withholdings=repository.withholdings_of(session, invoice.id),
        overdue=is_overdue(invoice.status, invoice.due_on, today()),
        runs=may_run(actor, po),
    )


def po_page(session: Session, *, actor: Actor | None, po: PurchaseOrder) -> PoPage:
    """Everything the PO page shows, for a viewer ``get_po`` let through."""
    lines = list(repository.po_lines(session, po.id))
    by_id = {line.id: line for line in lines}
    deliveries = repository.deliveries_of(session, po.id)
    shipped: dict[int, list[tuple[PurchaseOrderLine, int]]] = defaultdict(list)
    for row in repository.delivery_lines_of(session, [d.id for d in deliveries]):
        shipped[row.delivery_id].append((by_id[row.po_line_id], row.quantity))
    numbers = {d.id: d.number for d in deliveries}
    receipts = repository.receipts_of(session, po.id)
    received: dict[int, list[tuple[PurchaseOrderLine, ReceiptLine]]] = defaultdict(list)
    for got in repository.receipt_lines_of(session, [r.id for r in receipts]):
        received[got.receipt_id].append((by_id[got.po_line_id], got))
    runs, fulfils = may_run(actor, po), may_fulfil(actor, po)
    supplier_tax = repository.supplier_tax(session, po.supplier_id)
    buyer_name, supplier_name = _names(session, po)
    return PoPage(
        po=po,
        buyer_name=buyer_name,
        supplier_name=supplier_name,
        lines=[LineShown(line) for line in lines],
        revisions=repository.revisions_of(session, po.id),
        deliveries=[DeliveryShown(d, shipped[d.id]) for d in deliveries],
        receipts=[
            ReceiptShown(r, numbers.get(r.delivery_id) if r.delivery_id else None, received[r.id])
            for r in receipts
        ],
        invoices=[
            invoice_shown(session, actor, i, po, by_id) for i in repository.invoices_of(session, po.id)
        ],
        runs=runs,
        fulfils=fulfils,
        moves=frozenset(PO_LIFECYCLE.moves_from(PoStatus(po.status))),
        supplier_pkp=bool(supplier_tax and supplier_tax.pkp),
        buyer_pays=buyer_days_to_pay(session, po) if fulfils else None,
    )


def amendable(po_page_: PoPage) -> dict[int, int]:
    """PO line id -> the quantity in force (what an amendment form starts from)."""
    return {s.line.id: s.line.quantity for s in po_page_.lines}


@dataclass(frozen=True, slots=True)
class OrdersList:
    page: Page[PurchaseOrder]
    buyers: dict[int, str]
    suppliers: dict[int, str]


def orders_list(
    session: Session, *, actor: Actor | None, page: PageRequest, status: str | None = None
) -> OrdersList:
    """The POs the actor's organizations issued or received, newest first, with the parties' names."""
    found = repository.pos_page(session, condition=repository.po_readable(actor), page=page, status=status)
    return OrdersList(
        page=found,
        buyers=repository.organization_names(session, [po.organization_id for po in found.items]),
        suppliers=suppliers_repository.business_names(session, [po.supplier_id for po in found.items]),
    )


@dataclass(frozen=True, slots=True)
class InvoiceRow:
    invoice: Invoice
    po_number: str
    overdue: bool

    @property
    def outstanding(self) -> int:
        return max(0, self.invoice.cash_due - self.invoice.cash_received)

    @property
    def status_label(self) -> str:
        return OVERDUE_LABEL if self.overdue else INVOICE_STATUS_LABELS[InvoiceStatus(self.invoice.status)]


@dataclass(frozen=True, slots=True)
class InvoicesList:
    page: Page[InvoiceRow]
    buyers: dict[int, str]
    suppliers: dict[int, str]


def invoices_list(
    session: Session,
    *,
    actor: Actor | None,
    page: PageRequest,
    show: str = "",
    status: str | None = None,
    overdue_only: bool = False,
) -> InvoicesList:
    """The invoices the actor's organizations sent or received, the oldest due first (so the overdue
    ones lead). ``show``: "open" (to pay / to be paid), "paid", or everything; ``status``: one status;
    ``overdue_only``: those overdue today."""
    statuses = OPEN_INVOICES if show == "open" else (InvoiceStatus.PAID.value,) if show == "paid" else None
    day = today()
    found = repository.invoices_page(
        session,
        condition=repository.invoice_readable(actor),
        page=page,
        status=status,
        statuses=statuses,
        overdue_on=day if overdue_only else None,
    )
    pos = {po_id: repository.po(session, po_id) for po_id in {i.po_id for i in found.items}}
    rows = [
        InvoiceRow(
            invoice=i,
            po_number=(po.number if (po := pos.get(i.po_id)) is not None else ""),
            overdue=is_overdue(i.status, i.due_on, day),
        )
        for i in found.items
    ]
    return InvoicesList(
        page=Page(items=rows, total=found.total, page=found.page, per_page=found.per_page),
        buyers=repository.organization_names(session, [i.organization_id for i in found.items]),
        suppliers=suppliers_repository.business_names(session, [i.supplier_id for i in found.items]),
    )


def invoice_page(
    session: Session, *, actor: Actor | None, invoice: Invoice
) -> tuple[PurchaseOrder, InvoiceShown]:
    po = repository.po(session, invoice.po_id)
    if po is None:  # an invoice's PO is deleted with it (ON DELETE CASCADE): only in a race
        raise OrderNotFound(MSG_INVOICE_NOT_FOUND)
    return po, invoice_shown(session, actor, invoice, po)


def po_lines(session: Session, po: PurchaseOrder) -> Sequence[PurchaseOrderLine]:
    """The PO's lines in order (the forms read their quantities by line id)."""
    return repository.po_lines(session, po.id)


@dataclass(frozen=True, slots=True)
class BuyerProfile:
    """A buyer as any logged-in user sees it (issue #12: days-to-pay "shown on the buyer's profile"):
    its name and kind, and how fast it pays (aggregate figures only)."""

    organization_id: int
    name: str
    org_type: str
    pays: DaysToPay
    orders: int  # purchase orders it issued on Rantai


def buyer_profile(session: Session, organization_id: int, on: dt.date | None = None) -> BuyerProfile:
    """A buyer organization's public profile; anything that is not a buyer is not found."""
    org = identity_repository.organization_by_id(session, organization_id)
    if org is None or OrgType(org.org_type) not in BUYER_TYPES:
        raise OrderNotFound(MSG_BUYER_NOT_FOUND)
    pays = published(session, organization_id=organization_id, on=on or today())
    return BuyerProfile(org.id, org.name, org.org_type, pays, repository.orders_issued(session, org.id))
