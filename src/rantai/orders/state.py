"""The lifecycles of a purchase order and an invoice, as explicit tables of allowed transitions (moved by
``rantai.lifecycle.advance``, a compare-and-set). Never queries the database.

- A PO is issued to its supplier, which accepts or declines it. An amendment makes a new version that
  waits for the supplier's acceptance (the accepted version stays in force meanwhile). A PO whose every
  line is accepted and invoiced in full is completed; the buyer may cancel one nothing was received on.
- An invoice is unpaid, partly paid, or paid ("Lunas"); overdue is not a state but a reading: unpaid or
  partly paid past its due date (``is_overdue``).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from rantai.kit.text import N_
from rantai.lifecycle import Lifecycle
from rantai.orders.errors import (
    MSG_INVOICE_CHANGED,
    MSG_INVOICE_MOVE,
    MSG_PO_CHANGED,
    MSG_PO_MOVE,
    OrderConflict,
)


class PoStatus(StrEnum):
    ISSUED = "issued"  # waiting for the supplier
    ACCEPTED = "accepted"
    AMENDED = "amended"  # a new version waits for the supplier; the accepted one is in force
    DECLINED = "declined"
    COMPLETED = "completed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return PO_STATUS_LABELS[self]


PO_STATUS_LABELS: dict[PoStatus, str] = {
    PoStatus.ISSUED: N_("Waiting for the supplier"),
    PoStatus.ACCEPTED: N_("Accepted"),
    PoStatus.AMENDED: N_("Amended: waiting for the supplier"),
    PoStatus.DECLINED: N_("Declined"),
    PoStatus.COMPLETED: N_("Completed"),
    PoStatus.CANCELLED: N_("Cancelled"),
}


class PoMove(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"
    AMEND = "amend"
    COMPLETE = "complete"
    CANCEL = "cancel"


PO_TRANSITIONS: dict[tuple[PoStatus, PoMove], PoStatus] = {
    (PoStatus.ISSUED, PoMove.ACCEPT): PoStatus.ACCEPTED,
    (PoStatus.ISSUED, PoMove.DECLINE): PoStatus.DECLINED,
    (PoStatus.ISSUED, PoMove.AMEND): PoStatus.ISSUED,
    (PoStatus.ACCEPTED, PoMove.AMEND): PoStatus.AMENDED,
    (PoStatus.AMENDED, PoMove.AMEND): PoStatus.AMENDED,
    (PoStatus.AMENDED, PoMove.ACCEPT): PoStatus.ACCEPTED,
    (PoStatus.ACCEPTED, PoMove.COMPLETE): PoStatus.COMPLETED,
    (PoStatus.ISSUED, PoMove.CANCEL): PoStatus.CANCELLED,
    (PoStatus.DECLINED, PoMove.CANCEL): PoStatus.CANCELLED,
    (PoStatus.ACCEPTED, PoMove.CANCEL): PoStatus.CANCELLED,
}

# Where goods move (deliveries, receipts, invoices): an accepted version is in force.
IN_FORCE = frozenset({PoStatus.ACCEPTED, PoStatus.AMENDED})

PO_LIFECYCLE: Lifecycle[PoStatus, PoMove] = Lifecycle(
    name="purchase_order",
    states=PoStatus,
    transitions=PO_TRANSITIONS,
    not_allowed=lambda current: OrderConflict(MSG_PO_MOVE, status=current.label),
    conflict=lambda: OrderConflict(MSG_PO_CHANGED),
)


class InvoiceStatus(StrEnum):
    UNPAID = "unpaid"
    PARTLY_PAID = "partly_paid"
    PAID = "paid"  # Lunas

    @property
    def label(self) -> str:
        return INVOICE_STATUS_LABELS[self]


INVOICE_STATUS_LABELS: dict[InvoiceStatus, str] = {
    InvoiceStatus.UNPAID: N_("Unpaid"),
    InvoiceStatus.PARTLY_PAID: N_("Partly paid"),
    InvoiceStatus.PAID: N_("Paid (Lunas)"),
}
OVERDUE_LABEL = N_("Overdue")


class InvoiceMove(StrEnum):
    PAY_PART = "pay_part"
    SETTLE = "settle"


INVOICE_TRANSITIONS: dict[tuple[InvoiceStatus, InvoiceMove], InvoiceStatus] = {
    (InvoiceStatus.UNPAID, InvoiceMove.PAY_PART): InvoiceStatus.PARTLY_PAID,
    (InvoiceStatus.PARTLY_PAID, InvoiceMove.PAY_PART): InvoiceStatus.PARTLY_PAID,
    (InvoiceStatus.UNPAID, InvoiceMove.SETTLE): InvoiceStatus.PAID,
    (InvoiceStatus.PARTLY_PAID, InvoiceMove.SETTLE): InvoiceStatus.PAID,
}

INVOICE_LIFECYCLE: Lifecycle[InvoiceStatus, InvoiceMove] = Lifecycle(
    name="invoice",
    states=InvoiceStatus,
    transitions=INVOICE_TRANSITIONS,
    not_allowed=lambda current: OrderConflict(MSG_INVOICE_MOVE, status=current.label),
    conflict=lambda: OrderConflict(MSG_INVOICE_CHANGED),
)


def is_overdue(status: str, due_on: dt.date, on: dt.date) -> bool:
    """Unpaid or partly paid after its due date."""
    return status != InvoiceStatus.PAID and on > due_on
