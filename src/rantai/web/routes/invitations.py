"""The supplier's side of RFQs (issue #11): the invitations list and one invitation's page: its lines and
deadline, the questions and answers (never who asked), asking, the quote form (built for a 360 px
phone: stacked fields, no wide table), its own quote with the revisions kept, and withdrawing.
Routes parse and render; the RFQ services decide and the policy authorizes.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.db import all_or_nothing
from rantai.identity.policy import Action
from rantai.kit.clock import WIB
from rantai.kit.errors import UserError
from rantai.kit.money import format_number
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_
from rantai.reference import repository as ref
from rantai.sourcing.rfq import awards, inputs, quotes, reading, service
from rantai.sourcing.rfq.models import Rfq
from rantai.sourcing.rfq.quotes import MAX_ATTACHMENT_BYTES
from rantai.sourcing.rfq.state import QuoteStatus, RfqStatus
from rantai.web.auth import require_action, require_viewer
from rantai.web.forms import PostedForm, chosen_file, posted_version, read_upload, text_fields
from rantai.web.requestctx import DbSession, Viewer
from rantai.web.routes.needs import error_text
from rantai.web.templating import render

router = APIRouter(prefix="/invitations")

Quoter = require_action(Action.MANAGE_CATALOG)
PER_PAGE = 20
VALID_DAYS = 30  # the quote form suggests validity until a month after the deadline
NOTICES = {
    "quoted": N_("Your quote is sent. You may revise it until the deadline; the buyer sees it only then."),
    "asked": N_("Your question is sent. The answer is shown here to every invited supplier."),
    "withdrawn": N_("Your quote is withdrawn. You may give it again until the deadline."),
    "extended": N_("Your quote's validity is extended. Its prices, quantities and lead times are unchanged."),
}


@router.get("")
def index(
    request: Request,
    q: str = "",
    status: str = "",
    page: int = 1,
    db: Session = DbSession,
    viewer: Viewer = Quoter,
) -> Response:
    status = status if status in {s.value for s in RfqStatus} - {RfqStatus.DRAFT.value} else ""
    result = service.supplier_rfqs_page(
        db,
        actor=viewer.actor,
        page=PageRequest(max(1, min(page, 10_000)), PER_PAGE),
        status=status or None,
        text=q.strip()[:200] or None,
    )
    filters = {"q": q, "status": status}
    return render(
        request,
        "invitations/index.html",
        viewer,
        {
            "page": result,
            "values": filters,
            "filtered": bool(q.strip() or status),
            "statuses": [(s.value, viewer._(s.label)) for s in RfqStatus if s is not RfqStatus.DRAFT],
            "status_labels": {s.value: s.label for s in RfqStatus},
            "query_prefix": "/invitations?" + urlencode({k: v for k, v in filters.items() if v}) + "&",
        },
    )


def _invited_rfq(db: Session, viewer: Viewer, rfq_id: int) -> Rfq:
    """An RFQ that reaches the viewer's business as a supplier (anyone else: not found)."""
    rfq = service.get_rfq(db, actor=viewer.actor, rfq_id=rfq_id)
    service.acting_supplier(viewer.actor, db, rfq)
    return rfq


def _quote_values(viewer: Viewer, rfq: Rfq, own: quotes.OwnQuote | None) -> dict[str, str]:
    """The quote form as last given (a revision starts from it), or blank with suggestions."""
    if own is None or own.quote.status != QuoteStatus.SUBMITTED:
        until = rfq.deadline.astimezone(WIB).date() + dt.timedelta(days=VALID_DAYS)
        return {"valid_until": until.isoformat()}
    values = {"valid_until": own.quote.valid_until.isoformat(), "notes": own.quote.notes or ""}
    for line in own.lines:
        key = f"line-{line.rfq_line_id}"
        price = str(line.unit_price) if rfq.currency == "IDR" else f"{line.unit_price / 100:.2f}"
        values[f"{key}-unit_price"] = price
        values[f"{key}-quantity"] = format_number(line.quantity, viewer.locale)
        values[f"{key}-lead_time_days"] = str(line.lead_time_days)
        values[f"{key}-notes"] = line.notes or ""
    return values


def _detail(
    request: Request,
    db: Session,
    viewer: Viewer,
    rfq: Rfq,
    *,
    notice: str | None = None,
    error: UserError | None = None,
    form: str = "",
    values: dict[str, str] | None = None,
) -> Response:
    own = quotes.own_quote(db, actor=viewer.actor, rfq=rfq)
    quote_values = _quote_values(viewer, rfq, own)
    if form == "quote" and values:
        quote_values = values
    units = {u.code: u.name_id if viewer.locale == "id" else u.name_en for u in ref.list_units(db)}
    return render(
        request,
        "invitations/detail.html",
        viewer,
        {
            "rfq": rfq,
            "status_label": RfqStatus(rfq.status).label,
            "lines": reading.lines(db, actor=viewer.actor, rfq=rfq),
            "units": units,
            "amendments": reading.amendments(db, actor=viewer.actor, rfq=rfq),
            "questions": service.questions(db, actor=viewer.actor, rfq=rfq),
            "open": quotes.is_open_for_quotes(rfq),
            "own": own,
            "own_lines": {line.rfq_line_id: line for line in own.lines} if own else {},
            "revisions": quotes.own_revisions(db, actor=viewer.actor, rfq=rfq),
            "attachments": reading.own_attachments(db, actor=viewer.actor, rfq=rfq),
            "outcome": awards.outcome_for_supplier(db, actor=viewer.actor, rfq=rfq),
            "quote_values": quote_values,
            "question_values": values if form == "question" and values else {},
            "values": values or {},
            "max_mb": MAX_ATTACHMENT_BYTES // (1024 * 1024),
            "form": form,
            "notice": notice,
            "error": error_text(viewer, error),
            "field": error.field if error else None,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/{rfq_id:id}")
def detail(
    request: Request,
    rfq_id: int,
    done: str = "",
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    rfq = _invited_rfq(db, viewer, rfq_id)
    notice = viewer._(NOTICES[done]) if done in NOTICES else None
    return _detail(request, db, viewer, rfq, notice=notice)


@router.post("/{rfq_id:id}/questions")
def ask(
    request: Request,
    rfq_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    rfq = _invited_rfq(db, viewer, rfq_id)
    values = text_fields(posted)
    try:
        with all_or_nothing(db):
            service.ask(db, actor=viewer.actor, rfq=rfq, question=values.get("question", ""))
    except UserError as exc:
        return _detail(request, db, viewer, rfq, error=exc, form="question", values=values)
    return RedirectResponse(f"/invitations/{rfq_id}?done=asked#questions", status_code=303)


@router.post("/{rfq_id:id}/quote")
def submit_quote(
    request: Request,
    rfq_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    rfq = _invited_rfq(db, viewer, rfq_id)
    values = text_fields(posted)
    upload = chosen_file(posted, "attachment")
    try:
        with all_or_nothing(db):
            lines = reading.lines(db, actor=viewer.actor, rfq=rfq)
            data = inputs.parse_quote(values, lines, rfq.currency)
            quotes.submit(db, actor=viewer.actor, rfq=rfq, data=data, expected_version=posted_version(posted))
            if upload is not None:
                quotes.attach(
                    db,
                    actor=viewer.actor,
                    rfq=rfq,
                    name=upload.filename or "",
                    data=read_upload(upload, MAX_ATTACHMENT_BYTES + 1),
                    storage=request.app.state.storage,
                )
    except UserError as exc:
        return _detail(request, db, viewer, rfq, error=exc, form="quote", values=values)
    return RedirectResponse(f"/invitations/{rfq_id}?done=quoted#own-quote", status_code=303)


@router.get("/{rfq_id:id}/withdraw")
def withdraw_confirmation(
    request: Request, rfq_id: int, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    rfq = _invited_rfq(db, viewer, rfq_id)
    own = quotes.own_quote(db, actor=viewer.actor, rfq=rfq)
    if own is None or own.quote.status != QuoteStatus.SUBMITTED:
        return RedirectResponse(f"/invitations/{rfq_id}", status_code=303)
    return render(request, "invitations/confirm_withdraw.html", viewer, {"rfq": rfq, "own": own})


@router.post("/{rfq_id:id}/withdraw")
def withdraw(
    request: Request,
    rfq_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    rfq = _invited_rfq(db, viewer, rfq_id)
    try:
        with all_or_nothing(db):
            quotes.withdraw(db, actor=viewer.actor, rfq=rfq, expected_version=posted_version(posted))
    except UserError as exc:
        return _detail(request, db, viewer, rfq, error=exc)
    return RedirectResponse(f"/invitations/{rfq_id}?done=withdrawn", status_code=303)


@router.post("/{rfq_id:id}/validity")
def extend_validity(
    request: Request,
    rfq_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    """The supplier extends how long its quote stays valid while the buyer evaluates."""
    rfq = _invited_rfq(db, viewer, rfq_id)
    values = text_fields(posted)
    try:
        with all_or_nothing(db):
            until = inputs.validity_day(values)
            quotes.extend_validity(
                db, actor=viewer.actor, rfq=rfq, valid_until=until, expected_version=posted_version(posted)
            )
    except UserError as exc:
        return _detail(request, db, viewer, rfq, error=exc, form="validity", values=values)
    return RedirectResponse(f"/invitations/{rfq_id}?done=extended#own-quote", status_code=303)
