"""Invoice pages (issue #12): the list for both sides (the buyer's to pay, overdue first; the supplier's
with their status), one invoice with its tax (DPP, PPN, what the buyer collects and withholds, cash due,
received, outstanding, Lunas), its payments and the slips of the tax withheld; the buyer records payments
and slip numbers. And the supplier's tax status (/account/tax: PKP, PP 55/2022 certificate).
Routes parse and render; the orders services decide and the policy authorizes.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.db import all_or_nothing
from rantai.identity.policy import Action
from rantai.kit.clock import today
from rantai.kit.errors import UserError
from rantai.kit.money import format_number
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_
from rantai.orders import inputs, invoices, reading, supplier_tax
from rantai.orders.models import Invoice
from rantai.web.auth import require_action, require_viewer
from rantai.web.forms import PostedForm, posted_version, text_fields
from rantai.web.requestctx import DbSession, Viewer
from rantai.web.routes.needs import error_text
from rantai.web.routes.orders import pays_in_words, unit_names
from rantai.web.routes.suppliers import my_profile
from rantai.web.templating import render

router = APIRouter()

PER_PAGE = 20
SHOWS = ("open", "paid")
NOTICES = {
    "invoiced": N_("The invoice is sent to the buyer; its due date follows the payment terms."),
    "paid": N_("The payment is recorded; the supplier sees it at once."),
    "slip": N_("The slip number is recorded; the supplier sees it."),
}
MSG_TAX_SAVED = N_("Saved. Invoices made from now on use this tax status; earlier ones keep theirs.")
WITHHOLDING_LABELS = {
    "ppn_collected": N_("PPN collected by the buyer"),
    "pph22": N_("PPh 22 withheld"),
    "pph23": N_("PPh 23 withheld"),
}
SupplierProfileEditor = require_action(Action.EDIT_SUPPLIER_PROFILE)


@router.get("/invoices")
def index(
    request: Request,
    show: str = "",
    page: int = 1,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    show = show if show in SHOWS else ""
    result = reading.invoices_list(
        db, actor=viewer.actor, page=PageRequest(max(1, min(page, 10_000)), PER_PAGE), show=show
    )
    own = reading.own_days_to_pay(db, viewer.current_org.id) if viewer.can(Action.CREATE_NEED) else None
    return render(
        request,
        "orders/invoices.html",
        viewer,
        {
            "invoices": result,
            "values": {"show": show},
            "filtered": bool(show),
            "shows": [("open", viewer._(N_("Not paid yet"))), ("paid", viewer._(N_("Paid (Lunas)")))],
            "query_prefix": f"/invoices?show={show}&" if show else "/invoices?",
            "own_pays": pays_in_words(viewer, own),
        },
    )


def _invoice(db: Session, viewer: Viewer, invoice_id: int) -> Invoice:
    return invoices.get_invoice(db, actor=viewer.actor, invoice_id=invoice_id)


def _detail(
    request: Request,
    db: Session,
    viewer: Viewer,
    invoice: Invoice,
    *,
    notice: str | None = None,
    error: UserError | None = None,
    form: str = "",
    values: dict[str, str] | None = None,
) -> Response:
    po, shown = reading.invoice_page(db, actor=viewer.actor, invoice=invoice)
    forms: dict[str, dict[str, str]] = {
        "pay": {
            "amount": format_number(shown.outstanding, viewer.locale) if shown.outstanding else "",
            "paid_on": today().isoformat(),
        },
        "slip": {"recorded_on": today().isoformat()},
    }
    if form in forms and values is not None:
        forms[form] = values
    field = error.field if error else None
    if not {"pay": shown.may_pay, "slip": shown.runs and bool(shown.withholdings)}.get(form, False):
        form = ""  # the form is not on the page (any more): its error goes atop the page
    return render(
        request,
        "orders/invoice.html",
        viewer,
        {
            "po": po,
            "i": shown,
            "units": unit_names(db, viewer),
            "withholding_labels": WITHHOLDING_LABELS,
            "forms": forms,
            "form": form,
            "slip_kind": (values or {}).get("kind", "") if form == "slip" else "",
            "notice": notice,
            "error": error_text(viewer, error),
            "field": field,
            "inline": bool(field and values is not None and field in values),
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/invoices/{invoice_id:id}")
def detail(
    request: Request,
    invoice_id: int,
    done: str = "",
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    invoice = _invoice(db, viewer, invoice_id)
    notice = viewer._(NOTICES[done]) if done in NOTICES else None
    return _detail(request, db, viewer, invoice, notice=notice)


@router.post("/invoices/{invoice_id:id}/payments")
def pay(
    request: Request,
    invoice_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    invoice = _invoice(db, viewer, invoice_id)
    values = text_fields(posted)
    try:
        with all_or_nothing(db):
            data = inputs.parse_payment(values)
            invoices.record_payment(
                db,
                actor=viewer.actor,
                invoice=invoice,
                amount=data.amount,
                paid_on=data.paid_on,
                reference=data.reference,
                expected_version=posted_version(posted),
            )
    except UserError as exc:
        return _detail(request, db, viewer, invoice, error=exc, form="pay", values=values)
    return RedirectResponse(f"/invoices/{invoice_id}?done=paid#payments", status_code=303)


@router.post("/invoices/{invoice_id:id}/slips")
def record_slip(
    request: Request,
    invoice_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    invoice = _invoice(db, viewer, invoice_id)
    values = text_fields(posted)
    try:
        with all_or_nothing(db):
            data = inputs.parse_slip(values)
            invoices.record_slip(
                db,
                actor=viewer.actor,
                invoice=invoice,
                kind=data.kind,
                slip_number=data.slip_number,
                recorded_on=data.recorded_on,
            )
    except UserError as exc:
        return _detail(request, db, viewer, invoice, error=exc, form="slip", values=values)
    return RedirectResponse(f"/invoices/{invoice_id}?done=slip#tax", status_code=303)


# --- the supplier's tax status -------------------------------------------------------------------------------


def _tax_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    *,
    values: dict[str, str] | None = None,
    notice: str | None = None,
    error: UserError | None = None,
) -> Response:
    profile = my_profile(db, viewer)
    if profile is None:
        return RedirectResponse("/supplier/onboarding", status_code=303)
    current = supplier_tax.tax_status(db, profile)
    shown = values or {
        "pkp": "1" if current.pkp else "",
        "final_tax_certificate": current.final_tax_certificate or "",
        "final_tax_valid_until": current.final_tax_valid_until.isoformat()
        if current.final_tax_valid_until
        else "",
    }
    return render(
        request,
        "orders/tax.html",
        viewer,
        {
            "current": current,
            "values": shown,
            "may_change": supplier_tax.may_change(viewer.actor, profile),
            "notice": notice,
            "error": error_text(viewer, error),
            "field": error.field if error else None,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/account/tax")
def tax_status(
    request: Request, saved: str = "", db: Session = DbSession, viewer: Viewer = SupplierProfileEditor
) -> Response:
    return _tax_page(request, db, viewer, notice=viewer._(MSG_TAX_SAVED) if saved else None)


@router.post("/account/tax")
def change_tax_status(
    request: Request,
    db: Session = DbSession,
    viewer: Viewer = SupplierProfileEditor,
    posted: FormData = PostedForm,
) -> Response:
    values = text_fields(posted)
    profile = my_profile(db, viewer)
    if profile is None:
        return RedirectResponse("/supplier/onboarding", status_code=303)
    try:
        with all_or_nothing(db):
            data = inputs.parse_supplier_tax(values)
            supplier_tax.change_tax_status(
                db,
                actor=viewer.actor,
                profile=profile,
                pkp=data.pkp,
                final_tax_certificate=data.final_tax_certificate,
                final_tax_valid_until=data.final_tax_valid_until,
                today=today(),
            )
    except UserError as exc:
        return _tax_page(request, db, viewer, values=values, error=exc)
    return RedirectResponse("/account/tax?saved=1", status_code=303)
