"""Invoices, payments and the tax the buyer withholds.

An invoice covers accepted quantities not invoiced before (``repository.bill``: never more), is numbered
per supplier and year (``INV/<year>/<NIB>/000007``, without gaps), falls due after the PO's payment terms,
and carries its tax as ``orders.tax`` computes it from the rates in force on its date (``ref_tax_rate``),
the supplier's PKP status and PP 55/2022 certificate, and the buyer's collector statuses. The buyer
records payments, full or partial (``PaymentGateway`` is where a gateway can report them later); the
invoice is settled ("Lunas") when cash received + PPN collected by the buyer + tax withheld equals its
total. The supplier is told of each payment at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Protocol

from sqlalchemy.orm import Session

from rantai import audit
from rantai.audit import Event
from rantai.identity.policy import Action, Actor, can
from rantai.kit.clock import WIB, now, today
from rantai.kit.money import format_rupiah
from rantai.kit.text import N_
from rantai.lifecycle import advance
from rantai.orders import notices, repository, tax, track_record
from rantai.orders.errors import (
    MSG_INVOICE_EMPTY,
    MSG_INVOICE_NOT_FOUND,
    MSG_INVOICE_QUANTITY,
    MSG_LINE_UNKNOWN,
    MSG_PAYMENT_AMOUNT,
    MSG_PAYMENT_DATE,
    MSG_PAYMENT_REFERENCE,
    MSG_TAX_SERIAL,
    MSG_WITHHOLDING,
    OrderConflict,
    OrderInvalid,
    OrderNotFound,
)
from rantai.orders.models import Invoice, InvoiceLine, Payment, PurchaseOrder, Withholding
from rantai.orders.purchase_orders import require
from rantai.orders.state import IN_FORCE, INVOICE_LIFECYCLE, InvoiceMove, InvoiceStatus, PoStatus
from rantai.sourcing.rfq import service as rfq_service
from rantai.suppliers import repository as suppliers_repository

MAX_BACKDATE_DAYS = 90
MSG_INVOICE_DATE = N_("The invoice date cannot be in the future or more than %(days)s days ago.")


def get_invoice(session: Session, *, actor: Actor | None, invoice_id: int) -> Invoice:
    found = repository.invoice(session, invoice_id)
    if found is None or not can(actor, Action.VIEW_RECORD, found):
        raise OrderNotFound(MSG_INVOICE_NOT_FOUND)
    return found


def parties_for(session: Session, po: PurchaseOrder, on: dt.date) -> tax.Parties:
    """The tax statuses of a PO's supplier and buyer on a day."""
    supplier = repository.supplier_tax(session, po.supplier_id)
    settings = rfq_service.buyer_settings(session, po.organization_id)
    certificate = bool(
        supplier
        and supplier.final_tax_certificate
        and (supplier.final_tax_valid_until is None or supplier.final_tax_valid_until >= on)
    )
    return tax.Parties(
        supplier_pkp=bool(supplier and supplier.pkp),
        supplier_final_tax=certificate,
        buyer_collects_ppn=settings.ppn_collector,
        buyer_collects_pph22=settings.pph22_collector,
        buyer_withholds_pph23=po.second_language is None,  # a foreign buyer withholds no Indonesian tax
    )


def invoiceable(session: Session, po: PurchaseOrder) -> dict[int, int]:
    """What may be invoiced now, per PO line: accepted and not invoiced before."""
    return {
        line.id: line.accepted_quantity - line.invoiced_quantity
        for line in repository.po_lines(session, po.id)
        if line.accepted_quantity > line.invoiced_quantity
    }


def create_invoice(
    session: Session,
    *,
    actor: Actor | None,
    po: PurchaseOrder,
    quantities: dict[int, int] | None = None,
    issued_on: dt.date | None = None,
    tax_invoice_serial: str | None = None,
) -> Invoice:
    """The supplier invoices accepted quantities not invoiced before (all of them unless ``quantities``
    names PO line id -> quantity)."""
    require(actor, Action.FULFIL_ORDER, po)
    if PoStatus(po.status) not in IN_FORCE | {PoStatus.COMPLETED}:
        raise OrderInvalid(MSG_INVOICE_EMPTY, field="po")
    day = issued_on or today()
    if day > today() or day < today() - dt.timedelta(days=MAX_BACKDATE_DAYS):
        raise OrderInvalid(MSG_INVOICE_DATE, field="issued_on", days=MAX_BACKDATE_DAYS)
    lines = {line.id: line for line in repository.po_lines(session, po.id)}
    open_ = invoiceable(session, po)
    wanted = {i: q for i, q in (quantities if quantities is not None else open_).items() if q}
    if not wanted:
        raise OrderInvalid(MSG_INVOICE_EMPTY, field="quantities")
    for line_id, quantity in wanted.items():
        if line_id not in lines:
            raise OrderInvalid(MSG_LINE_UNKNOWN, field=f"line-{line_id}-quantity")
        left = open_.get(line_id, 0)
        if not isinstance(quantity, int) or not 1 <= quantity <= left:
            raise OrderInvalid(
                MSG_INVOICE_QUANTITY, field=f"line-{line_id}-quantity", line=lines[line_id].line_no, left=left
            )
    parties = parties_for(session, po, day)
    serial = (tax_invoice_serial or "").strip().replace(".", "").replace("-", "") or None
    if parties.supplier_pkp and (serial is None or not serial.isdigit() or len(serial) not in (16, 17)):
        raise OrderInvalid(MSG_TAX_SERIAL, field="tax_invoice_serial")
    priced = [
        tax.Line(
            amount=q * lines[i].unit_price,
            ppn=tax.PpnTreatment(lines[i].ppn_treatment),
            nature=tax.Nature(lines[i].nature),
        )
        for i, q in wanted.items()
    ]
    computed = tax.compute(priced, parties, repository.rates_on(session, day))
    settings = rfq_service.buyer_settings(session, po.organization_id)
    profile = suppliers_repository.by_id(session, po.supplier_id)
    year = now().astimezone(WIB).year
    with session.begin_nested():
        for line_id, quantity in wanted.items():
            if not repository.bill(session, line_id, quantity):
                raise OrderConflict(
                    MSG_INVOICE_QUANTITY,
                    field=f"line-{line_id}-quantity",
                    line=lines[line_id].line_no,
                    left=0,
                )
        number = repository.take_number(session, f"invoice:{po.supplier_id}", year)
        invoice = Invoice(
            number=f"INV/{year}/{profile.nib if profile else po.supplier_id}/{number:06d}",
            po_id=po.id,
            organization_id=po.organization_id,
            supplier_id=po.supplier_id,
            supplier_organization_id=po.supplier_organization_id,
            status=InvoiceStatus.UNPAID.value,
            currency=po.currency,
            issued_on=day,
            due_on=day + dt.timedelta(days=po.payment_terms_days),
            clock_from=day,
            tax_invoice_serial=serial if parties.supplier_pkp else None,
            buyer_npwp=settings.npwp,
            supplier_pkp=parties.supplier_pkp,
            subtotal=computed.subtotal,
            ppn_base=computed.ppn_base,
            ppn=computed.ppn,
            ppn_collected_by_buyer=computed.ppn_collected_by_buyer,
            pph22=computed.pph22,
            pph23=computed.pph23,
            total=computed.total,
            cash_due=computed.cash_due,
            issued_by_user_id=actor.user_id if actor else None,
        )
        session.add(invoice)
        session.flush()
        session.add_all(
            InvoiceLine(
                invoice_id=invoice.id,
                po_line_id=i,
                quantity=q,
                unit_price=lines[i].unit_price,
                amount=q * lines[i].unit_price,
                ppn_treatment=lines[i].ppn_treatment,
                nature=lines[i].nature,
            )
            for i, q in wanted.items()
        )
        for kind, amount in (
            ("ppn_collected", computed.ppn_collected_by_buyer),
            ("pph22", computed.pph22),
            ("pph23", computed.pph23),
        ):
            if amount:
                session.add(Withholding(invoice_id=invoice.id, kind=kind, amount=amount, recorded_on=day))
        session.flush()
    for line in lines.values():
        session.refresh(line, ["invoiced_quantity"])
    audit.record(
        session,
        Event.INVOICE_ISSUED,
        invoice.id,
        [po.organization_id, po.supplier_organization_id],
        by=actor,
        details={"number": invoice.number, "po": po.id},
        after={
            "total": invoice.total,
            "ppn": invoice.ppn,
            "withheld": computed.withheld,
            "cash_due": invoice.cash_due,
            "due_on": invoice.due_on.isoformat(),
        },
    )
    notices.invoiced(session, po, invoice)
    return invoice


def tax_of(invoice: Invoice) -> tax.InvoiceTax:
    """The invoice's tax as it was computed when it was made."""
    return tax.InvoiceTax(
        subtotal=invoice.subtotal,
        ppn_base=invoice.ppn_base,
        ppn=invoice.ppn,
        ppn_collected_by_buyer=invoice.ppn_collected_by_buyer,
        pph22=invoice.pph22,
        pph23=invoice.pph23,
    )


class PaymentGateway(Protocol):
    """Where a payment gateway plugs in later: it reports a payment it made, and ``record_payment`` is
    called with its reference and ``method="gateway:<name>"``."""

    name: str

    def reference_of(self, invoice: Invoice) -> str: ...


def record_payment(
    session: Session,
    *,
    actor: Actor | None,
    invoice: Invoice,
    amount: int,
    paid_on: dt.date,
    reference: str,
    method: str = "transfer",
    expected_version: int | None = None,
) -> Payment:
    """The buyer records cash paid, in full or in part; the invoice moves to partly paid or paid
    (compare-and-set) and the supplier is told at once."""
    po = repository.po(session, invoice.po_id)
    if po is None:
        raise OrderNotFound(MSG_INVOICE_NOT_FOUND)
    require(actor, Action.RUN_PURCHASE, po)
    left = invoice.cash_due - invoice.cash_received
    if not isinstance(amount, int) or not 1 <= amount <= left:
        raise OrderInvalid(MSG_PAYMENT_AMOUNT, field="amount", left=format_rupiah(max(0, left)))
    cleaned = (reference or "").strip()[:100]
    if not cleaned:
        raise OrderInvalid(MSG_PAYMENT_REFERENCE, field="reference")
    if paid_on < invoice.issued_on or paid_on > today():
        raise OrderInvalid(MSG_PAYMENT_DATE, field="paid_on", date=invoice.issued_on.strftime("%d-%m-%Y"))
    settles = tax_of(invoice).is_settled(invoice.cash_received + amount)
    move = InvoiceMove.SETTLE if settles else InvoiceMove.PAY_PART
    current = InvoiceStatus(invoice.status)
    with session.begin_nested():
        if not repository.add_cash(session, invoice.id, amount):
            raise OrderConflict(MSG_PAYMENT_AMOUNT, field="amount", left=format_rupiah(max(0, left)))
        values: dict[str, object] = {"cash_received": invoice.cash_received + amount}
        if settles:
            values["settled_on"] = paid_on
        advance(session, invoice, INVOICE_LIFECYCLE, move, expected_version=expected_version, values=values)
        payment = Payment(
            invoice_id=invoice.id,
            amount=amount,
            paid_on=paid_on,
            reference=cleaned,
            method=method[:32],
            recorded_by_user_id=actor.user_id if actor else None,
        )
        session.add(payment)
        session.flush()
    if settles:
        track_record.invoice_settled(session, po)
    audit.record(
        session,
        Event(f"invoice.{move.value}"),
        invoice.id,
        [invoice.organization_id, invoice.supplier_organization_id],
        by=actor,
        details={"payment": payment.id, "amount": amount, "reference": cleaned},
        before={"status": current.value},
        after={"status": invoice.status, "cash_received": invoice.cash_received},
    )
    notices.paid(session, po, invoice, format_rupiah(amount))
    return payment


def record_slip(
    session: Session,
    *,
    actor: Actor | None,
    invoice: Invoice,
    kind: str,
    slip_number: str,
    recorded_on: dt.date,
) -> Withholding:
    """The buyer records the slip (bukti potong/pungut) of a tax it withheld or collected."""
    po = repository.po(session, invoice.po_id)
    if po is None:
        raise OrderNotFound(MSG_INVOICE_NOT_FOUND)
    require(actor, Action.RUN_PURCHASE, po)
    row = next((w for w in repository.withholdings_of(session, invoice.id) if w.kind == kind), None)
    cleaned = (slip_number or "").strip()[:64]
    if row is None or not cleaned:
        raise OrderInvalid(MSG_WITHHOLDING, field="slip_number")
    before = {"slip_number": row.slip_number}
    row.slip_number = cleaned
    row.recorded_on = recorded_on
    row.recorded_by_user_id = actor.user_id if actor else None
    session.flush()
    audit.record(
        session,
        Event.WITHHOLDING_RECORDED,
        invoice.id,
        [invoice.organization_id, invoice.supplier_organization_id],
        by=actor,
        details={"kind": kind},
        before=before,
        after={"slip_number": cleaned},
    )
    return row
