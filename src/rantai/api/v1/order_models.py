"""The request and response bodies of the orders API (``rantai.api.v1.orders``): purchase orders, their
versions, deliveries (surat jalan) and goods receipts (BAST); invoices with their tax, payments and
withholdings; a buyer's published days-to-pay.

Money is an integer in minor units of the order's ``currency`` (whole Rupiah for IDR, cents for USD), never
a float; every body that carries money carries the currency. Dates are ``YYYY-MM-DD``; times ISO 8601 with
their offset (UTC). Lines are named by their PO line id (``lines[].id`` of ``GET /orders/{id}``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rantai.api.v1.types import Count, Id, IsoDate, MultiLine, OneLine, PositiveRupiah
from rantai.kit.ids import MAX_INTEGER
from rantai.orders import fulfilment, purchase_orders
from rantai.orders.fulfilment import Received
from rantai.orders.purchase_orders import Amendment
from rantai.tabular.cells import MAX_COUNT

MAX_LINES = 200
PO_STATUS = "^(issued|accepted|amended|declined|completed|cancelled)$"
INVOICE_STATUS = "^(unpaid|partly_paid|paid)$"
WithholdingKind = Literal["ppn_collected", "pph22", "pph23"]

VERSION_HELP = (
    "The record's version as you read it (GET). When given, the step is refused with 409 if it changed "
    "since, instead of acting on a state you have not seen."
)
Version = Annotated[int, Field(ge=1, le=MAX_INTEGER)]
Quantity = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Reason = Annotated[MultiLine, Field(min_length=1, max_length=purchase_orders.REASON_MAX)]
Note = Annotated[MultiLine, Field(max_length=fulfilment.TEXT_MAX)]


class _HasId(Protocol):
    @property
    def id(self) -> int: ...


L = TypeVar("L", bound=_HasId)


def _distinct(lines: list[L] | None) -> list[L] | None:
    """A line named twice is a mistake to point out (422), not a last-one-wins."""
    if lines is not None and len({line.id for line in lines}) != len(lines):
        raise ValueError("each line at most once")
    return lines


class _Lines(BaseModel):
    @field_validator("lines", check_fields=False)
    @classmethod
    def _each_line_once(cls, lines: list[L] | None) -> list[L] | None:
        return _distinct(lines)


# --- requests --------------------------------------------------------------------------------------------


class VersionIn(BaseModel):
    version: Version | None = Field(None, description=VERSION_HELP)


class ReasonIn(BaseModel):
    """A decline or a cancellation: the other party reads the reason."""

    reason: Reason
    version: Version | None = Field(None, description=VERSION_HELP)


class AmendedLineIn(BaseModel):
    id: Id = Field(description="The PO line's id.")
    quantity: Count = Field(description="The new quantity: not below what was shipped and kept, or invoiced.")


class AmendIn(_Lines):
    """A new version of the PO, which the supplier accepts; the accepted one stays in force meanwhile."""

    reason: Reason
    lines: list[AmendedLineIn] = Field(default_factory=list, max_length=MAX_LINES)
    payment_terms_days: int | None = Field(None, ge=0, le=365, description="New terms; left out: unchanged.")
    version: Version | None = Field(None, description=VERSION_HELP)

    def data(self) -> Amendment:
        return Amendment(
            reason=self.reason,
            quantities={line.id: line.quantity for line in self.lines},
            payment_terms_days=self.payment_terms_days,
        )


class ShippedLineIn(BaseModel):
    id: Id = Field(description="The PO line's id.")
    quantity: Count = Field(description="Units shipped with this note.")


class DeliveryIn(_Lines):
    """A shipment with its delivery note (surat jalan); part of the order is fine."""

    note_number: OneLine = Field(min_length=1, max_length=64, description="The surat jalan number.")
    shipped_on: IsoDate = Field(description="Not in the future.")
    lines: list[ShippedLineIn] = Field(min_length=1, max_length=MAX_LINES)
    note: Note | None = None


class ReceivedLineIn(BaseModel):
    id: Id = Field(description="The PO line's id.")
    accepted: Quantity = 0
    rejected: Quantity = 0
    reason: Note | None = Field(None, description="Why units were rejected (required when any were).")

    def data(self) -> Received:
        return Received(accepted=self.accepted, rejected=self.rejected, reason=self.reason)


class ReceiptIn(_Lines):
    """The goods receipt (BAST): per line what was accepted and rejected of what was shipped."""

    received_on: IsoDate = Field(description="Not in the future.")
    lines: list[ReceivedLineIn] = Field(min_length=1, max_length=MAX_LINES)
    delivery_id: Id | None = Field(None, description="The delivery received, when it is one.")
    note: Note | None = None


class InvoicedLineIn(BaseModel):
    id: Id = Field(description="The PO line's id.")
    quantity: Count = Field(description="Accepted units not invoiced before.")


class InvoiceIn(_Lines):
    """An invoice dated today for accepted quantities not invoiced before; its tax is computed."""

    lines: list[InvoicedLineIn] | None = Field(
        None, min_length=1, max_length=MAX_LINES, description="Left out: everything that may be invoiced."
    )
    tax_invoice_serial: str | None = Field(
        None,
        pattern=r"^[0-9][0-9.\-]{0,31}$",
        max_length=32,
        description="The e-Faktur serial, 16 or 17 digits (dots and dashes allowed); required of a PKP supplier.",
    )

    def quantities(self) -> dict[int, int] | None:
        return None if self.lines is None else {line.id: line.quantity for line in self.lines}


class PaymentIn(BaseModel):
    amount: PositiveRupiah = Field(description="Cash paid, minor units of the invoice's currency.")
    paid_on: IsoDate = Field(description="Not before the invoice, not in the future.")
    reference: OneLine = Field(min_length=1, max_length=100, description="The transfer's reference.")
    version: Version | None = Field(None, description="The invoice's version as you read it. " + VERSION_HELP)


class SlipIn(BaseModel):
    slip_number: OneLine = Field(
        min_length=1, max_length=64, description="The bukti potong / pungut number of the tax withheld."
    )
    recorded_on: IsoDate | None = Field(None, description="The slip's date; left out: today.")


# --- answers ---------------------------------------------------------------------------------------------


class PoLineOut(BaseModel):
    id: int
    line_no: int
    name: str
    unit_code: str | None
    quantity: int
    unit_price: int = Field(description="Minor units of `currency`.")
    amount: int
    ppn_treatment: str = Field(description="standard | exempt | zero")
    nature: str = Field(description="goods | services")
    delivered_quantity: int = Field(description="Shipped so far (rejected units included).")
    accepted_quantity: int
    rejected_quantity: int
    invoiced_quantity: int
    left_to_ship: int = Field(description="What may still be shipped: ordered less shipped and not rejected.")
    waiting_receipt: int = Field(description="Shipped units the buyer has not accepted or rejected yet.")
    invoiceable: int = Field(description="Accepted units not invoiced yet.")


class VersionLineOut(BaseModel):
    model_config = ConfigDict(extra="ignore")

    line_no: int | None = None
    name: str | None = None
    unit_code: str | None = None
    quantity: int | None = None
    unit_price: int | None = None
    amount: int | None = None
    ppn_treatment: str | None = None
    nature: str | None = None


class VersionContentOut(BaseModel):
    """What a version of the PO said, kept as it was."""

    model_config = ConfigDict(extra="ignore")

    number: str | None = None
    currency: str | None = None
    payment_terms_days: int | None = None
    incoterm: str | None = None
    incoterm_place: str | None = None
    total: int | None = None
    lines: list[VersionLineOut] = Field(default_factory=list)


class PoVersionOut(BaseModel):
    revision: int
    reason: str | None = Field(description="Why it was amended (none for the first version).")
    made_at: dt.datetime
    accepted_at: dt.datetime | None
    content: VersionContentOut


class DeliveryLineOut(BaseModel):
    po_line_id: int
    quantity: int


class DeliveryOut(BaseModel):
    id: int
    note_number: str = Field(description="The surat jalan number.")
    shipped_on: dt.date
    note: str | None
    status: str = Field(description="shipped | received")
    recorded_at: dt.datetime
    lines: list[DeliveryLineOut]


class ReceiptLineOut(BaseModel):
    po_line_id: int
    accepted: int
    rejected: int
    reason: str | None


class ReceiptOut(BaseModel):
    id: int
    number: str = Field(description="BAST/<year>/<buyer code>/000001")
    delivery_id: int | None
    received_on: dt.date
    note: str | None
    recorded_at: dt.datetime
    lines: list[ReceiptLineOut]


class InvoiceSummaryOut(BaseModel):
    id: int
    number: str
    po_id: int
    po_number: str
    buyer_organization_id: int
    buyer: str | None
    supplier_id: int
    supplier_name: str | None
    status: str
    status_label: str = Field(description="The status in words, in the client's language.")
    overdue: bool = Field(description="Not paid and past its due date today.")
    currency: str
    issued_on: dt.date
    due_on: dt.date
    total: int
    cash_due: int = Field(
        description="What the buyer pays in cash: the total less tax it withholds or collects."
    )
    cash_received: int
    outstanding: int = Field(description="Cash still to be paid (cash_due less cash_received).")
    settled_on: dt.date | None


class PoSummaryOut(BaseModel):
    id: int
    number: str
    status: str
    status_label: str = Field(description="The status in words, in the client's language.")
    buyer_organization_id: int
    buyer: str | None
    supplier_id: int
    supplier_name: str | None
    currency: str
    total: int = Field(description="Minor units of `currency`, without tax.")
    revision: int
    issued_at: dt.datetime


class DaysToPayOut(BaseModel):
    """How fast a buyer pays, published: from each invoice's date to its settlement, an open invoice
    counting with its age so far."""

    organization_id: int
    as_of: dt.date
    invoices: int
    settled: int
    average_days: float = Field(description="Mean days over all its invoices, settled and open.")
    on_time_rate: float | None = Field(
        description="Of the invoices whose outcome is known, the share settled by the due date (null: none yet)."
    )
    overdue_share: float = Field(description="Of all its invoices, the share open past their due date.")


class PoOut(PoSummaryOut):
    """A purchase order with its lines, every version, its deliveries, receipts (BAST) and invoices."""

    award_id: int | None
    rfq_id: int | None
    accepted_revision: int | None = Field(description="The version the supplier accepted last.")
    idr_rate: Decimal | None = Field(description="Rupiah per unit of `currency` (USD), a decimal as text.")
    payment_terms_days: int
    incoterm: str | None
    incoterm_place: str | None
    second_language: str | None = Field(description="'en': documents are bilingual (a foreign buyer).")
    accepted_at: dt.datetime | None
    declined_at: dt.datetime | None
    decline_reason: str | None
    version: int = Field(description="Bumped by every change; send it back to refuse acting on a stale read.")
    lines: list[PoLineOut]
    versions: list[PoVersionOut]
    deliveries: list[DeliveryOut]
    receipts: list[ReceiptOut]
    invoices: list[InvoiceSummaryOut]
    actions: list[str] = Field(
        description="The steps the caller's side may take now: accept, decline, amend, cancel, deliveries, "
        "receipts, invoices (each the path of its POST)."
    )
    buyer_days_to_pay: DaysToPayOut | None = Field(
        description="How fast the buyer pays, for the supplier's side (null for the buyer, or no invoice yet)."
    )


class IssuedOut(BaseModel):
    """The purchase orders made from an award: one per supplier."""

    award_id: int
    items: list[PoSummaryOut]


class InvoiceLineOut(BaseModel):
    po_line_id: int
    quantity: int
    unit_price: int
    amount: int
    ppn_treatment: str
    nature: str


class TaxOut(BaseModel):
    """The invoice's tax as computed when it was made (rates in force on its date)."""

    subtotal: int = Field(description="The price of the lines, without PPN.")
    ppn_base: int = Field(description="The PPN tax base (DPP).")
    ppn: int
    ppn_collected_by_buyer: int = Field(description="PPN a collector buyer pays to the state itself.")
    pph22: int = Field(description="PPh 22 withheld by the buyer (goods).")
    pph23: int = Field(description="PPh 23 withheld by the buyer (services).")
    total: int = Field(description="Subtotal plus PPN.")
    withheld: int = Field(description="PPN collected plus PPh withheld by the buyer: total less cash_due.")


class PaymentOut(BaseModel):
    id: int
    amount: int
    paid_on: dt.date
    reference: str
    method: str
    recorded_at: dt.datetime


class WithholdingOut(BaseModel):
    kind: str = Field(description="ppn_collected | pph22 | pph23")
    amount: int
    slip_number: str | None = Field(description="The bukti potong / pungut, once the buyer recorded it.")
    recorded_on: dt.date


class InvoiceOut(InvoiceSummaryOut):
    """An invoice with its tax, payments, withholdings and what is still to be paid."""

    tax_invoice_serial: str | None = Field(description="The e-Faktur serial (a PKP supplier).")
    buyer_npwp: str | None
    supplier_pkp: bool
    tax: TaxOut
    version: int = Field(description="Send it back with a payment to refuse acting on a stale read.")
    lines: list[InvoiceLineOut]
    payments: list[PaymentOut]
    withholdings: list[WithholdingOut]
