"""Reading the order forms as typed (web pages) into the orders services' arguments.

Field names are the ones the services name in their errors, so a message lands beside its field:
``line-<id>-quantity`` (a delivery, an invoice, an amendment), ``line-<id>-accepted`` / ``-rejected`` /
``-reason`` (a BAST), ``note_number``, ``shipped_on``, ``amount``, ``paid_on``, ``reference``... Numbers
accept the Indonesian way (``1.200``, ``Rp 1.500.000``, ``1,5 juta``); dates are ``YYYY-MM-DD`` (what a
date input sends). An empty quantity is nothing on that line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rantai.kit.clock import today
from rantai.kit.text import N_, ascii_digits, has_control_characters
from rantai.orders.errors import OrderInvalid
from rantai.orders.fulfilment import Received
from rantai.orders.purchase_orders import Amendment
from rantai.tabular import cells

MSG_DATE_FORMAT = N_("Give a date such as 2027-03-31.")
MSG_CONTROL = N_("Remove the invisible control characters (such as NUL) from this text.")
MSG_TERMS = N_("Give the payment terms as a number of days from 0 to 365.")
MSG_PICK = N_("Choose one of the options shown.")
MSG_CERTIFICATE_DATE = N_("Give the certificate's valid-until date, or leave both certificate fields empty.")


def text(values: Mapping[str, str], name: str, *, multiline: bool = False) -> str:
    value = (values.get(name) or "").strip()
    if has_control_characters(value, multiline=multiline):
        raise OrderInvalid(MSG_CONTROL, field=name)
    return value


def day(values: Mapping[str, str], name: str, *, default: dt.date | None = None) -> dt.date:
    raw = (values.get(name) or "").strip()
    if not raw and default is not None:
        return default
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise OrderInvalid(MSG_DATE_FORMAT, field=name) from None


def count(values: Mapping[str, str], name: str) -> int:
    """A whole quantity, 0 when left empty."""
    raw = (values.get(name) or "").strip()
    if not raw:
        return 0
    try:
        return cells.parse_count(raw, minimum=0)
    except cells.CellError as exc:
        raise OrderInvalid(exc.message, field=name, **exc.params) from exc


def rupiah(values: Mapping[str, str], name: str) -> int:
    raw = (values.get(name) or "").strip()
    try:
        return cells.parse_rupiah(raw, minimum=1)
    except cells.CellError as exc:
        raise OrderInvalid(exc.message, field=name, **exc.params) from exc


def quantities(
    values: Mapping[str, str], line_ids: Iterable[int], suffix: str = "quantity"
) -> dict[int, int]:
    """``line-<id>-<suffix>`` of each line, the empty ones left out."""
    found = {line_id: count(values, f"line-{line_id}-{suffix}") for line_id in line_ids}
    return {line_id: q for line_id, q in found.items() if q}


@dataclass(frozen=True, slots=True)
class DeliveryForm:
    note_number: str
    shipped_on: dt.date
    quantities: dict[int, int]
    note: str | None


def parse_delivery(values: Mapping[str, str], line_ids: Iterable[int]) -> DeliveryForm:
    return DeliveryForm(
        note_number=text(values, "note_number"),
        shipped_on=day(values, "shipped_on", default=today()),
        quantities=quantities(values, line_ids),
        note=text(values, "note", multiline=True) or None,
    )


@dataclass(frozen=True, slots=True)
class ReceiptForm:
    received_on: dt.date
    delivery_id: int | None
    lines: dict[int, Received]
    note: str | None


def parse_receipt(values: Mapping[str, str], line_ids: Iterable[int]) -> ReceiptForm:
    lines: dict[int, Received] = {}
    for line_id in line_ids:
        accepted = count(values, f"line-{line_id}-accepted")
        rejected = count(values, f"line-{line_id}-rejected")
        if accepted or rejected:
            reason = text(values, f"line-{line_id}-reason", multiline=True) or None
            lines[line_id] = Received(accepted=accepted, rejected=rejected, reason=reason)
    raw = (values.get("delivery_id") or "").strip()
    if raw and not (ascii_digits(raw) and len(raw) <= 9):
        raise OrderInvalid(MSG_PICK, field="delivery_id")
    return ReceiptForm(
        received_on=day(values, "received_on", default=today()),
        delivery_id=int(raw) if raw else None,
        lines=lines,
        note=text(values, "note", multiline=True) or None,
    )


@dataclass(frozen=True, slots=True)
class InvoiceForm:
    quantities: dict[int, int]
    tax_invoice_serial: str | None


def parse_invoice(values: Mapping[str, str], line_ids: Iterable[int]) -> InvoiceForm:
    return InvoiceForm(
        quantities=quantities(values, line_ids), tax_invoice_serial=text(values, "tax_invoice_serial") or None
    )


def parse_amendment(values: Mapping[str, str], current: Mapping[int, int]) -> Amendment:
    """Only the quantities that change (``current``: PO line id -> the quantity in force)."""
    changed = {}
    for line_id, quantity in current.items():
        name = f"line-{line_id}-quantity"
        if not (values.get(name) or "").strip():
            continue
        typed = count(values, name)
        if typed != quantity:
            changed[line_id] = typed
    raw_terms = (values.get("payment_terms_days") or "").strip()
    terms = None
    if raw_terms:
        if not (ascii_digits(raw_terms) and len(raw_terms) <= 3) or int(raw_terms) > 365:
            raise OrderInvalid(MSG_TERMS, field="payment_terms_days")
        terms = int(raw_terms)
    return Amendment(
        reason=text(values, "reason", multiline=True), quantities=changed, payment_terms_days=terms
    )


@dataclass(frozen=True, slots=True)
class PaymentForm:
    amount: int
    paid_on: dt.date
    reference: str


def parse_payment(values: Mapping[str, str]) -> PaymentForm:
    return PaymentForm(
        amount=rupiah(values, "amount"),
        paid_on=day(values, "paid_on", default=today()),
        reference=text(values, "reference"),
    )


WITHHOLDING_KINDS = ("ppn_collected", "pph22", "pph23")


@dataclass(frozen=True, slots=True)
class SlipForm:
    kind: str
    slip_number: str
    recorded_on: dt.date


def parse_slip(values: Mapping[str, str]) -> SlipForm:
    kind = (values.get("kind") or "").strip()
    if kind not in WITHHOLDING_KINDS:
        raise OrderInvalid(MSG_PICK, field="kind")
    return SlipForm(
        kind=kind,
        slip_number=text(values, "slip_number"),
        recorded_on=day(values, "recorded_on", default=today()),
    )


@dataclass(frozen=True, slots=True)
class TaxForm:
    pkp: bool
    final_tax_certificate: str | None
    final_tax_valid_until: dt.date | None


def parse_supplier_tax(values: Mapping[str, str]) -> TaxForm:
    certificate = text(values, "final_tax_certificate") or None
    raw_until = (values.get("final_tax_valid_until") or "").strip()
    if certificate is None and raw_until:
        raise OrderInvalid(MSG_CERTIFICATE_DATE, field="final_tax_certificate")
    return TaxForm(
        pkp=values.get("pkp") in ("1", "on", "yes"),
        final_tax_certificate=certificate,
        final_tax_valid_until=day(values, "final_tax_valid_until") if raw_until else None,
    )
