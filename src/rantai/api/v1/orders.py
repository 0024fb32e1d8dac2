"""API: from an award to money (issue #12). The buyer issues purchase orders from an approved award,
amends or cancels them, records the goods receipt (BAST) and the payments and the slips of the tax it
withholds; the supplier accepts or declines, records its deliveries (surat jalan) and invoices. Anyone
logged in reads a buyer's published days-to-pay.

The endpoints hold no rules: ``rantai.orders`` validates, authorizes (a PO or an invoice the caller's
organization takes no part in is 404; the wrong side's step is 403) and computes the tax.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from rantai.api.problems import api_locale, problem_responses
from rantai.api.v1.deps import ApiCaller, api_caller, page_request
from rantai.api.v1.order_models import (
    INVOICE_STATUS,
    PO_STATUS,
    AmendIn,
    DaysToPayOut,
    DeliveryIn,
    DeliveryLineOut,
    DeliveryOut,
    InvoiceIn,
    InvoiceLineOut,
    InvoiceOut,
    InvoiceSummaryOut,
    IssuedOut,
    PaymentIn,
    PaymentOut,
    PoLineOut,
    PoOut,
    PoSummaryOut,
    PoVersionOut,
    ReasonIn,
    ReceiptIn,
    ReceiptLineOut,
    ReceiptOut,
    SlipIn,
    TaxOut,
    VersionContentOut,
    VersionIn,
    WithholdingKind,
    WithholdingOut,
)
from rantai.api.v1.schemas import PageOut
from rantai.api.v1.types import PathId
from rantai.db import all_or_nothing
from rantai.http import DbSession
from rantai.i18n import translate
from rantai.kit.clock import today
from rantai.kit.pagination import PageRequest
from rantai.orders import days_to_pay, fulfilment, invoices, purchase_orders, repository
from rantai.orders.models import Invoice, PurchaseOrder
from rantai.orders.state import InvoiceStatus, PoStatus, is_overdue
from rantai.sourcing.rfq import awards
from rantai.suppliers import repository as suppliers_repository

router = APIRouter(tags=["orders"], responses=problem_responses(400, 403, 404, 409))

RATE_PLACES = Decimal("0.0001")  # as stored (NUMERIC(18, 4))


# --- conversions -----------------------------------------------------------------------------------------


class _Names:
    """The buyers' and suppliers' names of the records shown, read once."""

    def __init__(self, db: Session, records: Sequence[PurchaseOrder | Invoice]) -> None:
        self.buyers = suppliers_repository.organization_names(
            db, sorted({r.organization_id for r in records})
        )
        self.suppliers = suppliers_repository.business_names(db, sorted({r.supplier_id for r in records}))


def _po_summary(request: Request, po: PurchaseOrder, names: _Names) -> dict[str, Any]:
    return {
        "id": po.id,
        "number": po.number,
        "status": po.status,
        "status_label": translate(api_locale(request), PoStatus(po.status).label),
        "buyer_organization_id": po.organization_id,
        "buyer": names.buyers.get(po.organization_id),
        "supplier_id": po.supplier_id,
        "supplier_name": names.suppliers.get(po.supplier_id),
        "currency": po.currency,
        "total": po.total,
        "revision": po.revision,
        "issued_at": po.issued_at,
    }


def _invoice_summary(request: Request, invoice: Invoice, names: _Names, on: dt.date) -> dict[str, Any]:
    return {
        "id": invoice.id,
        "number": invoice.number,
        "po_id": invoice.po_id,
        "buyer_organization_id": invoice.organization_id,
        "buyer": names.buyers.get(invoice.organization_id),
        "supplier_id": invoice.supplier_id,
        "supplier_name": names.suppliers.get(invoice.supplier_id),
        "status": invoice.status,
        "status_label": translate(api_locale(request), InvoiceStatus(invoice.status).label),
        "overdue": is_overdue(invoice.status, invoice.due_on, on),
        "currency": invoice.currency,
        "issued_on": invoice.issued_on,
        "due_on": invoice.due_on,
        "total": invoice.total,
        "cash_due": invoice.cash_due,
        "cash_received": invoice.cash_received,
        "settled_on": invoice.settled_on,
    }


def _po_out(db: Session, request: Request, po: PurchaseOrder) -> PoOut:
    names = _Names(db, [po])
    deliveries = repository.deliveries_of(db, po.id)
    delivery_lines = repository.delivery_lines(db, [d.id for d in deliveries])
    receipts = repository.receipts_of(db, po.id)
    issued = repository.invoices_of(db, po.id)
    on = today()
    return PoOut(
        **_po_summary(request, po, names),
        award_id=po.award_id,
        rfq_id=po.rfq_id,
        accepted_revision=po.accepted_revision,
        idr_rate=None if po.idr_rate is None else Decimal(po.idr_rate).quantize(RATE_PLACES),
        payment_terms_days=po.payment_terms_days,
        incoterm=po.incoterm,
        incoterm_place=po.incoterm_place,
        second_language=po.second_language,
        accepted_at=po.accepted_at,
        declined_at=po.declined_at,
        decline_reason=po.decline_reason,
        version=po.version,
        lines=[
            PoLineOut(
                id=line.id,
                line_no=line.line_no,
                name=line.name,
                unit_code=line.unit_code,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                ppn_treatment=line.ppn_treatment,
                nature=line.nature,
                delivered_quantity=line.delivered_quantity,
                accepted_quantity=line.accepted_quantity,
                rejected_quantity=line.rejected_quantity,
                invoiced_quantity=line.invoiced_quantity,
            )
            for line in repository.po_lines(db, po.id)
        ],
        versions=[
            PoVersionOut(
                revision=v.revision,
                reason=v.reason,
                made_at=v.made_at,
                accepted_at=v.accepted_at,
                content=VersionContentOut.model_validate(v.content or {}),
            )
            for v in repository.revisions_of(db, po.id)
        ],
        deliveries=[
            DeliveryOut(
                id=d.id,
                note_number=d.number,
                shipped_on=d.shipped_on,
                note=d.note,
                status=d.status,
                recorded_at=d.recorded_at,
                lines=[
                    DeliveryLineOut(po_line_id=line.po_line_id, quantity=line.quantity)
                    for line in delivery_lines.get(d.id, [])
                ],
            )
            for d in deliveries
        ],
        receipts=[
            ReceiptOut(
                id=r.id,
                number=r.number,
                delivery_id=r.delivery_id,
                received_on=r.received_on,
                note=r.note,
                recorded_at=r.recorded_at,
                lines=[
                    ReceiptLineOut(
                        po_line_id=line.po_line_id,
                        accepted=line.accepted,
                        rejected=line.rejected,
                        reason=line.reason,
                    )
                    for line in repository.receipt_lines(db, r.id)
                ],
            )
            for r in receipts
        ],
        invoices=[InvoiceSummaryOut(**_invoice_summary(request, i, names, on)) for i in issued],
    )


def _invoice_out(db: Session, request: Request, invoice: Invoice) -> InvoiceOut:
    shown = invoices.shown(db, invoice)
    po = repository.po(db, invoice.po_id)
    tax = invoices.tax_of(invoice)
    return InvoiceOut(
        **_invoice_summary(request, invoice, _Names(db, [invoice]), today()),
        po_number=po.number if po else "",
        tax_invoice_serial=invoice.tax_invoice_serial,
        buyer_npwp=invoice.buyer_npwp,
        supplier_pkp=invoice.supplier_pkp,
        tax=TaxOut(
            subtotal=tax.subtotal,
            ppn_base=tax.ppn_base,
            ppn=tax.ppn,
            ppn_collected_by_buyer=tax.ppn_collected_by_buyer,
            pph22=tax.pph22,
            pph23=tax.pph23,
            total=invoice.total,
        ),
        outstanding=shown.outstanding,
        version=invoice.version,
        lines=[
            InvoiceLineOut(
                po_line_id=line.po_line_id,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                ppn_treatment=line.ppn_treatment,
                nature=line.nature,
            )
            for line in shown.lines
        ],
        payments=[
            PaymentOut(
                id=p.id,
                amount=p.amount,
                paid_on=p.paid_on,
                reference=p.reference,
                method=p.method,
                recorded_at=p.recorded_at,
            )
            for p in shown.payments
        ],
        withholdings=[
            WithholdingOut(kind=w.kind, amount=w.amount, slip_number=w.slip_number, recorded_on=w.recorded_on)
            for w in shown.withholdings
        ],
    )


def _po(db: Session, caller: ApiCaller, po_id: int) -> PurchaseOrder:
    return purchase_orders.get_po(db, actor=caller.actor, po_id=po_id)


def _invoice(db: Session, caller: ApiCaller, invoice_id: int) -> Invoice:
    return invoices.get_invoice(db, actor=caller.actor, invoice_id=invoice_id)


# --- purchase orders -------------------------------------------------------------------------------------


@router.post(
    "/awards/{award_id}/orders",
    response_model=IssuedOut,
    status_code=201,
    summary="Issue the purchase orders of an approved award (one per supplier; each supplier is told)",
)
def issue_orders(
    award_id: PathId, request: Request, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> IssuedOut:
    award = awards.get_award(db, actor=caller.actor, award_id=award_id)
    with all_or_nothing(db):
        made = purchase_orders.issue_for_award(db, actor=caller.actor, award=award)
    names = _Names(db, made)
    return IssuedOut(
        award_id=award.id, items=[PoSummaryOut(**_po_summary(request, po, names)) for po in made]
    )


@router.get(
    "/orders",
    response_model=PageOut[PoSummaryOut],
    summary="The purchase orders the caller's organization issued or received, newest first",
)
def list_orders(
    request: Request,
    status: str | None = Query(None, pattern=PO_STATUS),
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
    paging: PageRequest = Depends(page_request),
) -> PageOut[PoSummaryOut]:
    page = purchase_orders.buyer_page(db, actor=caller.actor, page=paging, status=status)
    names = _Names(db, page.items)
    return PageOut[PoSummaryOut].of(page, lambda po: PoSummaryOut(**_po_summary(request, po, names)))


@router.get(
    "/orders/{po_id}",
    response_model=PoOut,
    summary="A purchase order: lines with their quantities, versions, deliveries, receipts (BAST), invoices",
)
def get_order(
    po_id: PathId, request: Request, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> PoOut:
    return _po_out(db, request, _po(db, caller, po_id))


@router.post(
    "/orders/{po_id}/accept",
    response_model=PoOut,
    summary="The supplier accepts the purchase order, or its latest amendment",
)
def accept_order(
    po_id: PathId,
    request: Request,
    body: VersionIn | None = None,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> PoOut:
    po = _po(db, caller, po_id)
    with all_or_nothing(db):
        purchase_orders.accept(db, actor=caller.actor, po=po, expected_version=body.version if body else None)
    return _po_out(db, request, po)


@router.post(
    "/orders/{po_id}/decline", response_model=PoOut, summary="The supplier declines the purchase order"
)
def decline_order(
    po_id: PathId,
    body: ReasonIn,
    request: Request,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> PoOut:
    po = _po(db, caller, po_id)
    with all_or_nothing(db):
        purchase_orders.decline(
            db, actor=caller.actor, po=po, reason=body.reason, expected_version=body.version
        )
    return _po_out(db, request, po)


@router.post(
    "/orders/{po_id}/amend",
    response_model=PoOut,
    summary="The buyer amends the purchase order: a new version (quantities, terms) the supplier accepts",
)
def amend_order(
    po_id: PathId,
    body: AmendIn,
    request: Request,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> PoOut:
    po = _po(db, caller, po_id)
    with all_or_nothing(db):
        purchase_orders.amend(db, actor=caller.actor, po=po, data=body.data(), expected_version=body.version)
    return _po_out(db, request, po)


@router.post(
    "/orders/{po_id}/cancel",
    response_model=PoOut,
    summary="The buyer cancels a purchase order nothing was shipped on",
)
def cancel_order(
    po_id: PathId,
    body: ReasonIn,
    request: Request,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> PoOut:
    po = _po(db, caller, po_id)
    with all_or_nothing(db):
        purchase_orders.cancel(
            db, actor=caller.actor, po=po, reason=body.reason, expected_version=body.version
        )
    return _po_out(db, request, po)


@router.post(
    "/orders/{po_id}/deliveries",
    response_model=PoOut,
    status_code=201,
    summary="The supplier records a shipment with its delivery note (surat jalan); partial ones too",
)
def record_delivery(
    po_id: PathId,
    body: DeliveryIn,
    request: Request,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> PoOut:
    po = _po(db, caller, po_id)
    with all_or_nothing(db):
        fulfilment.record_delivery(
            db,
            actor=caller.actor,
            po=po,
            note_number=body.note_number,
            shipped_on=body.shipped_on,
            quantities={line.id: line.quantity for line in body.lines},
            note=body.note,
        )
    return _po_out(db, request, po)


@router.post(
    "/orders/{po_id}/receipts",
    response_model=PoOut,
    status_code=201,
    summary="The buyer records the goods receipt (BAST): accepted and rejected units per line",
)
def record_receipt(
    po_id: PathId,
    body: ReceiptIn,
    request: Request,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> PoOut:
    po = _po(db, caller, po_id)
    with all_or_nothing(db):
        fulfilment.record_receipt(
            db,
            actor=caller.actor,
            po=po,
            received_on=body.received_on,
            lines_received={line.id: line.data() for line in body.lines},
            delivery_id=body.delivery_id,
            note=body.note,
        )
    return _po_out(db, request, po)


@router.post(
    "/orders/{po_id}/invoices",
    response_model=InvoiceOut,
    status_code=201,
    summary="The supplier invoices accepted units not invoiced before; the tax is computed",
)
def create_invoice(
    po_id: PathId,
    request: Request,
    body: InvoiceIn | None = None,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> InvoiceOut:
    po = _po(db, caller, po_id)
    with all_or_nothing(db):
        invoice = invoices.create_invoice(
            db,
            actor=caller.actor,
            po=po,
            quantities=body.quantities() if body else None,
            tax_invoice_serial=body.tax_invoice_serial if body else None,
        )
    return _invoice_out(db, request, invoice)


# --- invoices --------------------------------------------------------------------------------------------


@router.get(
    "/invoices",
    response_model=PageOut[InvoiceSummaryOut],
    summary="The invoices the caller's organization received or issued, those due soonest first",
)
def list_invoices(
    request: Request,
    status: str | None = Query(None, pattern=INVOICE_STATUS),
    overdue: bool = Query(False, description="Only those not paid and past their due date."),
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
    paging: PageRequest = Depends(page_request),
) -> PageOut[InvoiceSummaryOut]:
    page = invoices.invoices_page(db, actor=caller.actor, page=paging, status=status, overdue_only=overdue)
    names = _Names(db, page.items)
    on = today()
    return PageOut[InvoiceSummaryOut].of(
        page, lambda invoice: InvoiceSummaryOut(**_invoice_summary(request, invoice, names, on))
    )


@router.get(
    "/invoices/{invoice_id}",
    response_model=InvoiceOut,
    summary="An invoice: its tax, payments, withholdings, what is outstanding, whether it is overdue",
)
def get_invoice(
    invoice_id: PathId, request: Request, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> InvoiceOut:
    return _invoice_out(db, request, _invoice(db, caller, invoice_id))


@router.post(
    "/invoices/{invoice_id}/payments",
    response_model=InvoiceOut,
    status_code=201,
    summary="The buyer records a payment, full or partial; paid in full the invoice is settled (Lunas)",
)
def record_payment(
    invoice_id: PathId,
    body: PaymentIn,
    request: Request,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> InvoiceOut:
    invoice = _invoice(db, caller, invoice_id)
    with all_or_nothing(db):
        invoices.record_payment(
            db,
            actor=caller.actor,
            invoice=invoice,
            amount=body.amount,
            paid_on=body.paid_on,
            reference=body.reference,
            expected_version=body.version,
        )
    return _invoice_out(db, request, invoice)


@router.post(
    "/invoices/{invoice_id}/withholdings/{kind}",
    response_model=InvoiceOut,
    summary="The buyer records the slip (bukti potong / pungut) of a tax it withheld or collected",
)
def record_slip(
    invoice_id: PathId,
    kind: WithholdingKind,
    body: SlipIn,
    request: Request,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> InvoiceOut:
    invoice = _invoice(db, caller, invoice_id)
    with all_or_nothing(db):
        invoices.record_slip(
            db,
            actor=caller.actor,
            invoice=invoice,
            kind=kind,
            slip_number=body.slip_number,
            recorded_on=body.recorded_on or today(),
        )
    return _invoice_out(db, request, invoice)


# --- days-to-pay -----------------------------------------------------------------------------------------


@router.get(
    "/buyers/{organization_id}/days-to-pay",
    response_model=DaysToPayOut,
    summary="How fast a buyer pays its invoices (published to anyone logged in; the aggregate only)",
)
def buyer_days_to_pay(
    organization_id: PathId, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> DaysToPayOut:
    del caller  # anyone logged in: days-to-pay is published
    on = today()
    figures = days_to_pay.published(db, organization_id=organization_id, on=on)
    return DaysToPayOut(
        organization_id=organization_id,
        as_of=on,
        invoices=figures.invoices,
        settled=figures.settled,
        average_days=figures.average_days,
        on_time_rate=figures.on_time_rate,
        overdue_share=figures.overdue_share,
    )
