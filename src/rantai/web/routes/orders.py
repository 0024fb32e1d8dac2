"""Purchase order pages (issue #12), for both sides: the list of POs, one PO with its versions,
deliveries, receipts (BAST), invoices and payments; the supplier accepts or declines, ships and invoices,
the buyer amends, cancels and records the BAST; POs issued from an approved award. Beside the PO the
supplier sees how fast the buyer pays. Routes parse and render; the orders services decide and the policy
authorizes (``orders.reading`` says which steps the viewer's side may take).
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.db import all_or_nothing
from rantai.kit.clock import today
from rantai.kit.errors import UserError
from rantai.kit.money import format_number
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_
from rantai.orders import fulfilment, inputs, invoices, purchase_orders, reading
from rantai.orders.days_to_pay import DaysToPay
from rantai.orders.models import PurchaseOrder
from rantai.orders.state import PoStatus
from rantai.reference import repository as ref
from rantai.sourcing.rfq import awards
from rantai.web.auth import require_viewer
from rantai.web.forms import PostedForm, posted_version, text_fields
from rantai.web.requestctx import DbSession, Viewer
from rantai.web.routes.needs import error_text
from rantai.web.templating import render

router = APIRouter()

PER_PAGE = 20
NOTICES = {
    "issued": N_("The purchase orders are issued; each supplier is told and accepts or declines."),
    "accepted": N_("You accepted the purchase order. Ship against it and record each delivery note."),
    "declined": N_("You declined the purchase order; the buyer is told why."),
    "amended": N_(
        "The new version is sent to the supplier, who accepts it; the earlier versions stay readable."
    ),
    "cancelled": N_("The purchase order is cancelled; the supplier is told why."),
    "shipped": N_("The delivery is recorded; the buyer is told to expect it."),
    "received": N_("The goods receipt (BAST) is recorded; the supplier may invoice what you accepted."),
    "invoiced": N_("The invoice is sent to the buyer; its due date follows the payment terms."),
}
FORMS = ("amend", "ship", "receive", "invoice")


def unit_names(db: Session, viewer: Viewer) -> dict[str, str]:
    return {u.code: u.name_id if viewer.locale == "id" else u.name_en for u in ref.list_units(db)}


def pays_in_words(viewer: Viewer, pays: DaysToPay | None) -> str | None:
    """A buyer's days-to-pay as a sentence: 'on average 34 days, 72% on time, 10% past due'."""
    if pays is None:
        return None
    days = format_number(round(pays.average_days), viewer.locale)
    overdue = round(pays.overdue_share * 100)
    if pays.on_time_rate is None:
        return viewer._(
            N_("on average %(days)s days, %(overdue)s%% past due (%(n)s invoices)"),
            days=days,
            overdue=overdue,
            n=pays.invoices,
        )
    return viewer._(
        N_("on average %(days)s days, %(on_time)s%% on time, %(overdue)s%% past due (%(n)s invoices)"),
        days=days,
        on_time=round(pays.on_time_rate * 100),
        overdue=overdue,
        n=pays.invoices,
    )


# --- the list ----------------------------------------------------------------------------------------------


def _index(
    request: Request,
    db: Session,
    viewer: Viewer,
    *,
    status: str = "",
    page: int = 1,
    notice: str | None = None,
    error: UserError | None = None,
) -> Response:
    result = reading.orders_list(
        db, actor=viewer.actor, page=PageRequest(max(1, min(page, 10_000)), PER_PAGE), status=status or None
    )
    return render(
        request,
        "orders/index.html",
        viewer,
        {
            "orders": result,
            "values": {"status": status},
            "filtered": bool(status),
            "statuses": [(s.value, viewer._(s.label)) for s in PoStatus],
            "status_labels": {s.value: s.label for s in PoStatus},
            "query_prefix": "/orders?" + urlencode({"status": status} if status else {}) + "&",
            "notice": notice,
            "error": error_text(viewer, error),
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/orders")
def index(
    request: Request,
    status: str = "",
    page: int = 1,
    done: str = "",
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    status = status if status in {s.value for s in PoStatus} else ""
    notice = viewer._(NOTICES[done]) if done in NOTICES else None
    return _index(request, db, viewer, status=status, page=page, notice=notice)


@router.post("/awards/{award_id:id}/orders")
def issue(
    request: Request,
    award_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    """Purchase orders from an approved award, one per supplier."""
    try:
        with all_or_nothing(db):
            award = awards.get_award(db, actor=viewer.actor, award_id=award_id)
            purchase_orders.issue_for_award(db, actor=viewer.actor, award=award)
    except UserError as exc:
        return _index(request, db, viewer, error=exc)
    return RedirectResponse("/orders?done=issued", status_code=303)


# --- one PO ------------------------------------------------------------------------------------------------


def _po(db: Session, viewer: Viewer, po_id: int) -> PurchaseOrder:
    return purchase_orders.get_po(db, actor=viewer.actor, po_id=po_id)


def _defaults(viewer: Viewer, shown: reading.PoPage) -> dict[str, dict[str, str]]:
    """What each form starts with: everything left to ship, to receive, to invoice; the terms in force."""

    def number(value: int) -> str:
        return format_number(value, viewer.locale)

    day = today().isoformat()
    waiting = shown.deliveries_waiting
    return {
        "amend": {f"line-{s.line.id}-quantity": number(s.line.quantity) for s in shown.lines}
        | {"payment_terms_days": str(shown.po.payment_terms_days)},
        "ship": {"shipped_on": day}
        | {f"line-{s.line.id}-quantity": number(s.left_to_ship) for s in shown.lines if s.left_to_ship},
        "receive": {"received_on": day, "delivery_id": str(waiting[-1].id) if waiting else ""}
        | {f"line-{s.line.id}-accepted": number(s.waiting_receipt) for s in shown.lines if s.waiting_receipt},
        "invoice": {
            f"line-{s.line.id}-quantity": number(s.invoiceable) for s in shown.lines if s.invoiceable
        },
    }


def _detail(
    request: Request,
    db: Session,
    viewer: Viewer,
    po: PurchaseOrder,
    *,
    notice: str | None = None,
    error: UserError | None = None,
    form: str = "",
    values: dict[str, str] | None = None,
) -> Response:
    shown = reading.po_page(db, actor=viewer.actor, po=po)
    forms = _defaults(viewer, shown)
    if form in forms and values is not None:
        forms[form] = values
    field = error.field if error else None
    drawn = {
        "amend": shown.may_amend,
        "ship": shown.may_ship,
        "receive": shown.may_receive,
        "invoice": shown.may_invoice,
    }
    if not drawn.get(form, False):
        form = ""  # the form is not on the page (any more): its error goes atop the page
    return render(
        request,
        "orders/detail.html",
        viewer,
        {
            "shown": shown,
            "po": po,
            "status_label": PoStatus(po.status).label,
            "units": unit_names(db, viewer),
            "forms": forms,
            "form": form,
            "pays": pays_in_words(viewer, shown.buyer_pays),
            "notice": notice,
            "error": error_text(viewer, error),
            "field": field,
            # The message goes beside its field when the form has one by that name, else atop the form.
            "inline": bool(field and values is not None and field in values),
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/orders/{po_id:id}")
def detail(
    request: Request,
    po_id: int,
    done: str = "",
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    po = _po(db, viewer, po_id)
    notice = viewer._(NOTICES[done]) if done in NOTICES else None
    return _detail(request, db, viewer, po, notice=notice)


def _done(po_id: int, done: str, anchor: str = "") -> Response:
    return RedirectResponse(f"/orders/{po_id}?done={done}{anchor}", status_code=303)


@router.post("/orders/{po_id:id}/accept")
def accept(
    request: Request,
    po_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    po = _po(db, viewer, po_id)
    try:
        with all_or_nothing(db):
            purchase_orders.accept(db, actor=viewer.actor, po=po, expected_version=posted_version(posted))
    except UserError as exc:
        return _detail(request, db, viewer, po, error=exc)
    return _done(po_id, "accepted")


def _confirm(
    request: Request,
    viewer: Viewer,
    po: PurchaseOrder,
    step: str,
    *,
    reason: str = "",
    error: UserError | None = None,
) -> Response:
    return render(
        request,
        "orders/confirm.html",
        viewer,
        {
            "po": po,
            "step": step,
            "values": {"reason": reason},
            "error": error_text(viewer, error),
            "field": error.field if error else None,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/orders/{po_id:id}/decline")
def decline_confirmation(
    request: Request, po_id: int, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    return _confirm(request, viewer, _po(db, viewer, po_id), "decline")


@router.post("/orders/{po_id:id}/decline")
def decline(
    request: Request,
    po_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    po = _po(db, viewer, po_id)
    reason = text_fields(posted).get("reason", "")
    try:
        with all_or_nothing(db):
            purchase_orders.decline(
                db, actor=viewer.actor, po=po, reason=reason, expected_version=posted_version(posted)
            )
    except UserError as exc:
        return _confirm(request, viewer, po, "decline", reason=reason, error=exc)
    return _done(po_id, "declined")


@router.get("/orders/{po_id:id}/cancel")
def cancel_confirmation(
    request: Request, po_id: int, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    return _confirm(request, viewer, _po(db, viewer, po_id), "cancel")


@router.post("/orders/{po_id:id}/cancel")
def cancel(
    request: Request,
    po_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    po = _po(db, viewer, po_id)
    reason = text_fields(posted).get("reason", "")
    try:
        with all_or_nothing(db):
            purchase_orders.cancel(
                db, actor=viewer.actor, po=po, reason=reason, expected_version=posted_version(posted)
            )
    except UserError as exc:
        return _confirm(request, viewer, po, "cancel", reason=reason, error=exc)
    return _done(po_id, "cancelled")


@router.post("/orders/{po_id:id}/amend")
def amend(
    request: Request,
    po_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    po = _po(db, viewer, po_id)
    values = text_fields(posted)
    try:
        with all_or_nothing(db):
            current = {line.id: line.quantity for line in reading.po_lines(db, po)}
            data = inputs.parse_amendment(values, current)
            purchase_orders.amend(
                db, actor=viewer.actor, po=po, data=data, expected_version=posted_version(posted)
            )
    except UserError as exc:
        return _detail(request, db, viewer, po, error=exc, form="amend", values=values)
    return _done(po_id, "amended")


@router.post("/orders/{po_id:id}/deliveries")
def ship(
    request: Request,
    po_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    po = _po(db, viewer, po_id)
    values = text_fields(posted)
    try:
        with all_or_nothing(db):
            data = inputs.parse_delivery(values, [line.id for line in reading.po_lines(db, po)])
            fulfilment.record_delivery(
                db,
                actor=viewer.actor,
                po=po,
                note_number=data.note_number,
                shipped_on=data.shipped_on,
                quantities=data.quantities,
                note=data.note,
            )
    except UserError as exc:
        return _detail(request, db, viewer, po, error=exc, form="ship", values=values)
    return _done(po_id, "shipped", "#deliveries")


@router.post("/orders/{po_id:id}/receipts")
def receive(
    request: Request,
    po_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    po = _po(db, viewer, po_id)
    values = text_fields(posted)
    try:
        with all_or_nothing(db):
            data = inputs.parse_receipt(values, [line.id for line in reading.po_lines(db, po)])
            fulfilment.record_receipt(
                db,
                actor=viewer.actor,
                po=po,
                received_on=data.received_on,
                lines_received=data.lines,
                delivery_id=data.delivery_id,
                note=data.note,
            )
    except UserError as exc:
        return _detail(request, db, viewer, po, error=exc, form="receive", values=values)
    return _done(po_id, "received", "#receipts")


@router.post("/orders/{po_id:id}/invoices")
def create_invoice(
    request: Request,
    po_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    po = _po(db, viewer, po_id)
    values = text_fields(posted)
    try:
        with all_or_nothing(db):
            data = inputs.parse_invoice(values, [line.id for line in reading.po_lines(db, po)])
            invoice = invoices.create_invoice(
                db,
                actor=viewer.actor,
                po=po,
                quantities=data.quantities,
                tax_invoice_serial=data.tax_invoice_serial,
            )
    except UserError as exc:
        return _detail(request, db, viewer, po, error=exc, form="invoice", values=values)
    return RedirectResponse(f"/invoices/{invoice.id}?done=invoiced", status_code=303)
