"""API: from an award to money (issue #12). The buyer issues purchase orders from an approved award,
amends or cancels them, records the goods receipt (BAST) and the payments and the slips of the tax it
withholds; the supplier accepts or declines, records its deliveries (surat jalan) and invoices. Anyone
logged in reads a buyer's published days-to-pay.

The endpoints hold no rules: ``rantai.orders`` validates, authorizes (a PO or an invoice the caller's
organization takes no part in is 404; the wrong side's step is 403) and computes the tax.
"""

from __future__ import annotations

import datetime as dt
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
from rantai.orders import days_to_pay, fulfilment, invoices, purchase_orders, reading, repository
from rantai.orders.days_to_pay import DaysToPay
from rantai.orders.models import Invoice, PurchaseOrder
from rantai.orders.state import InvoiceStatus, PoStatus
from rantai.sourcing.rfq import awards
from rantai.suppliers import repository as suppliers_repository

router = APIRouter(tags=["orders"], responses=problem_responses(400, 403, 404, 409))

RATE_PLACES = Decimal("0.0001")  # as stored (NUMERIC(18, 4))


# --- conversions -----------------------------------------------------------------------------------------


def _po_summary(
    request: Request, po: PurchaseOrder, buyers: dict[int, str], suppliers: dict[int, str]
) -> dict[str, Any]:
    return {
        "id": po.id,
        "number": po.number,
        "status": po.status,
        "status_label": translate(api_locale(request), PoStatus(po.status).label),
        "buyer_organization_id": po.organization_id,
        "buyer": buyers.get(po.organization_id),
        "supplier_id": po.supplier_id,
        "supplier_name": suppliers.get(po.supplier_id),
        "currency": po.currency,
        "total": po.total,
        "revision": po.revision,
        "issued_at": po.issued_at,
    }


def _invoice_summary(
    request: Request,
    invoice: Invoice,
    *,
    overdue: bool,
    outstanding: int,
    po_number: str,
    buyers: dict[int, str],
    suppliers: dict[int, str],
) -> dict[str, Any]:
    return {
        "id": invoice.id,
        "number": invoice.number,
        "po_id": invoice.po_id,
        "po_number": po_number,
        "buyer_organization_id": invoice.organization_id,
        "buyer": buyers.get(invoice.organization_id),
        "supplier_id": invoice.supplier_id,
        "supplier_name": suppliers.get(invoice.supplier_id),
        "status": invoice.status,
        "status_label": translate(api_locale(request), InvoiceStatus(invoice.status).label),
        "overdue": overdue,
        "currency": invoice.currency,
        "issued_on": invoice.issued_on,
        "due_on": invoice.due_on,
        "total": invoice.total,
        "cash_due": invoice.cash_due,
        "cash_received": invoice.cash_received,
        "outstanding": outstanding,
        "settled_on": invoice.settled_on,
    }


def _invoice_out(
    request: Request,
    shown: reading.InvoiceShown,
    po: PurchaseOrder,
    buyers: dict[int, str],
    suppliers: dict[int, str],
) -> InvoiceOut:
    invoice = shown.invoice
    tax = invoices.tax_of(invoice)
    return InvoiceOut(
        **_invoice_summary(
            request,
            invoice,
            overdue=shown.overdue,
            outstanding=shown.outstanding,
            po_number=po.number,
            buyers=buyers,
            suppliers=suppliers,
        ),
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
            withheld=shown.withheld,
        ),
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
            for _, line in shown.lines
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


def _actions(page: reading.PoPage) -> list[str]:
    """The steps the caller's side may take now, as ``orders.reading`` (the policy) says."""
    steps = {
        "accept": page.may_accept,
        "decline": page.may_decline,
        "amend": page.may_amend,
        "cancel": page.may_cancel,
        "deliveries": page.may_ship,
        "receipts": page.may_receive,
        "invoices": page.may_invoice,
    }
    return [step for step, allowed in steps.items() if allowed]


def _days_to_pay(figures: DaysToPay, organization_id: int, on: dt.date) -> DaysToPayOut:
    return DaysToPayOut(
        organization_id=organization_id,
        as_of=on,
        invoices=figures.invoices,
        settled=figures.settled,
        average_days=figures.average_days,
        on_time_rate=figures.on_time_rate,
        overdue_share=figures.overdue_share,
    )


def _po_out(db: Session, request: Request, caller: ApiCaller, po: PurchaseOrder) -> PoOut:
    page = reading.po_page(db, actor=caller.actor, po=po)
    buyers = {po.organization_id: page.buyer_name}
    suppliers = {po.supplier_id: page.supplier_name}
    return PoOut(
        **_po_summary(request, po, buyers, suppliers),
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
        actions=_actions(page),
        lines=[
            PoLineOut(
                id=s.line.id,
                line_no=s.line.line_no,
                name=s.line.name,
                unit_code=s.line.unit_code,
                quantity=s.line.quantity,
                unit_price=s.line.unit_price,
                amount=s.line.amount,
                ppn_treatment=s.line.ppn_treatment,
                nature=s.line.nature,
                delivered_quantity=s.line.delivered_quantity,
                accepted_quantity=s.line.accepted_quantity,
                rejected_quantity=s.line.rejected_quantity,
                invoiced_quantity=s.line.invoiced_quantity,
                left_to_ship=s.left_to_ship,
                waiting_receipt=s.waiting_receipt,
                invoiceable=s.invoiceable,
            )
            for s in page.lines
        ],
        versions=[
            PoVersionOut(
                revision=v.revision,
                reason=v.reason,
                made_at=v.made_at,
                accepted_at=v.accepted_at,
                content=VersionContentOut.model_validate(v.content or {}),
            )
            for v in page.revisions
        ],
        deliveries=[
            DeliveryOut(
                id=d.delivery.id,
                note_number=d.delivery.number,
                shipped_on=d.delivery.shipped_on,
                note=d.delivery.note,
                status=d.delivery.status,
                recorded_at=d.delivery.recorded_at,
                lines=[DeliveryLineOut(po_line_id=line.id, quantity=quantity) for line, quantity in d.lines],
            )
            for d in page.deliveries
        ],
        receipts=[
            ReceiptOut(
                id=r.receipt.id,
                number=r.receipt.number,
                delivery_id=r.receipt.delivery_id,
                received_on=r.receipt.received_on,
                note=r.receipt.note,
                recorded_at=r.receipt.recorded_at,
                lines=[
                    ReceiptLineOut(
                        po_line_id=line.id, accepted=got.accepted, rejected=got.rejected, reason=got.reason
                    )
                    for line, got in r.lines
                ],
            )
            for r in page.receipts
        ],
        invoices=[
            InvoiceSummaryOut(
                **_invoice_summary(
                    request,
                    i.invoice,
                    overdue=i.overdue,
                    outstanding=i.outstanding,
                    po_number=po.number,
                    buyers=buyers,
                    suppliers=suppliers,
                )
            )
            for i in page.invoices
        ],
        buyer_days_to_pay=(
            None if page.buyer_pays is None else _days_to_pay(page.buyer_pays, po.organization_id, today())
        ),
    )


def _po(db: Session, caller: ApiCaller, po_id: int) -> PurchaseOrder:
    return purchase_orders.get_po(db, actor=caller.actor, po_id=po_id)


def _invoice(db: Session, caller: ApiCaller, invoice_id: int) -> Invoice:
    return invoices.get_invoice(db, actor=caller.actor, invoice_id=invoice_id)


def _invoice_answer(db: Session, request: Request, caller: ApiCaller, invoice: Invoice) -> InvoiceOut:
    po, shown = reading.invoice_page(db, actor=caller.actor, invoice=invoice)
    buyers = repository.organization_names(db, [invoice.organization_id])
    suppliers = suppliers_repository.business_names(db, [invoice.supplier_id])
    return _invoice_out(request, shown, po, buyers, suppliers)


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
    buyers = repository.organization_names(db, [po.organization_id for po in made])
    suppliers = suppliers_repository.business_names(db, [po.supplier_id for po in made])
    return IssuedOut(
        award_id=award.id, items=[PoSummaryOut(**_po_summary(request, po, buyers, suppliers)) for po in made]
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
    listed = reading.orders_list(db, actor=caller.actor, page=paging, status=status)
    return PageOut[PoSummaryOut].of(
        listed.page, lambda po: PoSummaryOut(**_po_summary(request, po, listed.buyers, listed.suppliers))
    )


@router.get(
    "/orders/{po_id}",
    response_model=PoOut,
    summary="A purchase order: lines with their quantities, versions, deliveries, receipts (BAST), invoices",
)
def get_order(
    po_id: PathId, request: Request, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> PoOut:
    return _po_out(db, request, caller, _po(db, caller, po_id))


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
    return _po_out(db, request, caller, po)


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
    return _po_out(db, request, caller, po)


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
    return _po_out(db, request, caller, po)


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
    return _po_out(db, request, caller, po)


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
    return _po_out(db, request, caller, po)


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
    return _po_out(db, request, caller, po)


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
    return _invoice_answer(db, request, caller, invoice)


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
    listed = reading.invoices_list(db, actor=caller.actor, page=paging, status=status, overdue_only=overdue)
    return PageOut[InvoiceSummaryOut].of(
        listed.page,
        lambda row: InvoiceSummaryOut(
            **_invoice_summary(
                request,
                row.invoice,
                overdue=row.overdue,
                outstanding=row.outstanding,
                po_number=row.po_number,
                buyers=listed.buyers,
                suppliers=listed.suppliers,
            )
        ),
    )


@router.get(
    "/invoices/{invoice_id}",
    response_model=InvoiceOut,
    summary="An invoice: its tax, payments, withholdings, what is outstanding, whether it is overdue",
)
def get_invoice(
    invoice_id: PathId, request: Request, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> InvoiceOut:
    return _invoice_answer(db, request, caller, _invoice(db, caller, invoice_id))


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
    return _invoice_answer(db, request, caller, invoice)


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
    return _invoice_answer(db, request, caller, invoice)


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
    return _days_to_pay(figures, organization_id, on)
