"""The buyer's RFQ pages (issue #11): the list, the builder that makes a draft from a need, the status
page (before the deadline the number of quotes only), sending, answering questions, amending and
cancelling. Routes parse and render; the RFQ services decide and the policy authorizes.
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
from rantai.kit.clock import WIB, now
from rantai.kit.errors import UserError
from rantai.kit.money import format_number
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_
from rantai.reference import repository as ref
from rantai.sourcing import service as sourcing
from rantai.sourcing.models import Need
from rantai.sourcing.rfq import awards, inputs, quotes, reading, service
from rantai.sourcing.rfq.errors import MSG_RFQ_NOT_FOUND, RfqNotFound
from rantai.sourcing.rfq.models import Rfq
from rantai.sourcing.rfq.service import CURRENCIES, INCOTERMS
from rantai.sourcing.rfq.state import RFQ_LIFECYCLE, RfqMove, RfqStatus
from rantai.web.auth import require_action, require_viewer
from rantai.web.forms import PostedForm, posted_version, text_fields
from rantai.web.requestctx import DbSession, Viewer
from rantai.web.routes.needs import error_text
from rantai.web.templating import render

router = APIRouter()

RfqBuyer = require_action(Action.CREATE_NEED)
PER_PAGE = 20
DEFAULT_DAYS = 7  # the builder's suggested deadline: a week ahead, 14:00 WIB
NOTICES = {
    "made": N_("The request is saved as a draft. Check it, then send it to the suppliers."),
    "sent": N_("Sent: the invited suppliers are told and may quote until the deadline."),
    "amended": N_("The amendment is sent to the suppliers; quotes given before it are to be confirmed."),
    "answered": N_("The answer is shown to every invited supplier."),
    "cancelled": N_("The request is cancelled; the suppliers are told why."),
    "invited": N_("Invited. Once the request is sent they are told and may quote."),
}
MSG_SETTINGS_SAVED = N_("Saved. New requests for quotations use these settings when they are sent.")


def _local(moment: dt.datetime) -> str:
    """A stored UTC moment as a ``datetime-local`` value in WIB."""
    return moment.astimezone(WIB).strftime("%Y-%m-%dT%H:%M")


def _unit_names(db: Session, viewer: Viewer) -> dict[str, str]:
    return {u.code: u.name_id if viewer.locale == "id" else u.name_en for u in ref.list_units(db)}


def _viewer_rfq(db: Session, viewer: Viewer, rfq_id: int) -> Rfq:
    return service.get_rfq(db, actor=viewer.actor, rfq_id=rfq_id)


# --- the list --------------------------------------------------------------------------------------------


@router.get("/rfqs")
def index(
    request: Request,
    q: str = "",
    status: str = "",
    page: int = 1,
    db: Session = DbSession,
    viewer: Viewer = RfqBuyer,
) -> Response:
    status = status if status in {s.value for s in RfqStatus} else ""
    result = service.buyer_rfqs_page(
        db,
        actor=viewer.current_actor,
        organization_id=viewer.current_org.id,
        page=PageRequest(max(1, min(page, 10_000)), PER_PAGE),
        status=status or None,
        text=q.strip()[:200] or None,
    )
    filters = {"q": q, "status": status}
    return render(
        request,
        "rfqs/index.html",
        viewer,
        {
            "page": result,
            "counts": reading.quote_counts(db, actor=viewer.actor, rfqs=result.items),
            "values": filters,
            "filtered": bool(q.strip() or status),
            "statuses": [(s.value, viewer._(s.label)) for s in RfqStatus],
            "status_labels": {s.value: s.label for s in RfqStatus},
            "query_prefix": "/rfqs?" + urlencode({k: v for k, v in filters.items() if v}) + "&",
        },
    )


# --- the builder: a draft RFQ from a need --------------------------------------------------------------


def _builder(
    request: Request,
    db: Session,
    viewer: Viewer,
    need: Need,
    *,
    values: dict[str, str],
    ticked: set[int],
    error: UserError | None = None,
) -> Response:
    lines = service.lines_from_need(db, need)
    units = _unit_names(db, viewer)
    return render(
        request,
        "rfqs/new.html",
        viewer,
        {
            "need": need,
            "action": f"/needs/{need.id}/rfq/new",
            "values": values,
            "lines": [
                {
                    "key": f"line-{line.need_line_id}",
                    "name": line.name,
                    "unit": units.get(line.unit_code or "", line.unit_code or ""),
                    "hps": line.hps,
                }
                for line in lines
            ],
            "suppliers": reading.invitable_suppliers(db, actor=viewer.actor, need=need),
            "ticked": ticked,
            "currencies": [(c, c) for c in CURRENCIES],
            "incoterms": [(c, c) for c in INCOTERMS],
            "global_open": bool(values.get("incoterm") or values.get("currency", "IDR") != "IDR"),
            "error": error_text(viewer, error),
            "field": error.field if error else None,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/needs/{need_id:id}/rfq/new")
def new(request: Request, need_id: int, db: Session = DbSession, viewer: Viewer = RfqBuyer) -> Response:
    need = sourcing.get_need(db, actor=viewer.actor, need_id=need_id)
    suggested = (now().astimezone(WIB) + dt.timedelta(days=DEFAULT_DAYS)).replace(
        hour=14, minute=0, second=0, microsecond=0
    )
    values = {"title": need.title, "deadline": _local(suggested), "currency": "IDR"}
    for line in service.lines_from_need(db, need):
        values[f"line-{line.need_line_id}-include"] = "1"
        values[f"line-{line.need_line_id}-quantity"] = format_number(line.quantity, viewer.locale)
    ticked = set(service.shortlisted_supplier_ids(db, need))
    return _builder(request, db, viewer, need, values=values, ticked=ticked)


@router.post("/needs/{need_id:id}/rfq/new")
def create(
    request: Request,
    need_id: int,
    db: Session = DbSession,
    viewer: Viewer = RfqBuyer,
    posted: FormData = PostedForm,
) -> Response:
    need = sourcing.get_need(db, actor=viewer.actor, need_id=need_id)
    values = text_fields(posted)
    supplier_ids = [v for v in posted.getlist("supplier_ids") if isinstance(v, str)]
    ticked = {int(v) for v in supplier_ids if v.isascii() and v.isdigit() and len(v) <= 9}
    try:
        with all_or_nothing(db):
            data = inputs.parse_rfq(values, supplier_ids, service.lines_from_need(db, need))
            rfq = service.create_rfq(db, actor=viewer.actor, need=need, data=data)
    except UserError as exc:
        return _builder(request, db, viewer, need, values=values, ticked=ticked, error=exc)
    return RedirectResponse(f"/rfqs/{rfq.id}?done=made", status_code=303)


# --- the status page --------------------------------------------------------------------------------------


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
    status = RfqStatus(rfq.status)
    lines = reading.lines(db, actor=viewer.actor, rfq=rfq)
    running = service.is_buyer_of(viewer.actor, rfq)
    moves = {m for m in RfqMove if running and RFQ_LIFECYCLE.target(status, m) is not None}
    amend_values = {"deadline": _local(rfq.deadline)} | {
        f"line-{line.id}-quantity": format_number(line.quantity, viewer.locale) for line in lines
    }
    if form == "amend" and values:
        amend_values |= values
    return render(
        request,
        "rfqs/detail.html",
        viewer,
        {
            "rfq": rfq,
            "status_label": status.label,
            "lines": lines,
            "units": _unit_names(db, viewer),
            "quote_count": quotes.quote_count(db, actor=viewer.actor, rfq=rfq),
            "sealed": quotes.is_sealed(rfq),
            "awards": awards.awards_shown(db, actor=viewer.actor, rfq=rfq),
            "may_award": running and status is RfqStatus.EVALUATION,
            "to_invite": reading.more_to_invite(db, actor=viewer.actor, rfq=rfq)
            if running and status in (RfqStatus.DRAFT, RfqStatus.OPEN)
            else [],
            "invitations": reading.invitations(db, actor=viewer.actor, rfq=rfq),
            "amendments": reading.amendments(db, actor=viewer.actor, rfq=rfq),
            "questions": service.questions(db, actor=viewer.actor, rfq=rfq),
            "may_send": RfqMove.SEND in moves,
            "may_amend": RfqMove.AMEND in moves,
            "may_cancel": RfqMove.CANCEL in moves,
            "may_answer": RfqMove.AMEND in moves,  # questions are answered while the RFQ is open
            "amend_values": amend_values,
            "answer_values": values if form == "answer" and values else {},
            "form": form,
            "notice": notice,
            "error": error_text(viewer, error),
            "field": error.field if error else None,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/rfqs/{rfq_id:id}")
def detail(
    request: Request,
    rfq_id: int,
    done: str = "",
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    rfq = _viewer_rfq(db, viewer, rfq_id)
    if not viewer.can(Action.VIEW_RECORD, rfq):
        # An invited supplier following a link meant for buyers: its own page of the RFQ.
        return RedirectResponse(f"/invitations/{rfq.id}", status_code=303)
    notice = viewer._(NOTICES[done]) if done in NOTICES else None
    return _detail(request, db, viewer, rfq, notice=notice)


def _buyer_rfq(db: Session, viewer: Viewer, rfq_id: int) -> Rfq:
    """An RFQ the viewer's organization runs; an invited supplier is told it is not found."""
    rfq = _viewer_rfq(db, viewer, rfq_id)
    if not viewer.can(Action.VIEW_RECORD, rfq):
        raise RfqNotFound(MSG_RFQ_NOT_FOUND)
    return rfq


@router.get("/rfqs/{rfq_id:id}/send")
def send_confirmation(
    request: Request, rfq_id: int, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    rfq = _buyer_rfq(db, viewer, rfq_id)
    if RfqStatus(rfq.status) is not RfqStatus.DRAFT:
        return RedirectResponse(f"/rfqs/{rfq.id}", status_code=303)
    invited = reading.invitations(db, actor=viewer.actor, rfq=rfq)
    return render(request, "rfqs/confirm_send.html", viewer, {"rfq": rfq, "invited": invited})


@router.post("/rfqs/{rfq_id:id}/send")
def send(
    request: Request,
    rfq_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    rfq = _buyer_rfq(db, viewer, rfq_id)
    try:
        with all_or_nothing(db):
            service.send(db, actor=viewer.actor, rfq=rfq, expected_version=posted_version(posted))
    except UserError as exc:
        return _detail(request, db, viewer, rfq, error=exc)
    return RedirectResponse(f"/rfqs/{rfq_id}?done=sent", status_code=303)


@router.post("/rfqs/{rfq_id:id}/questions/{question_id:id}/answer")
def answer(
    request: Request,
    rfq_id: int,
    question_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    rfq = _buyer_rfq(db, viewer, rfq_id)
    values = text_fields(posted)
    text = values.get("answer", "")
    try:
        with all_or_nothing(db):
            service.answer(db, actor=viewer.actor, rfq=rfq, question_id=question_id, text=text)
    except UserError as exc:
        return _detail(
            request,
            db,
            viewer,
            rfq,
            error=exc,
            form="answer",
            values={"question_id": str(question_id), "answer": text},
        )
    return RedirectResponse(f"/rfqs/{rfq_id}?done=answered#questions", status_code=303)


@router.post("/rfqs/{rfq_id:id}/amend")
def amend(
    request: Request,
    rfq_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    rfq = _buyer_rfq(db, viewer, rfq_id)
    values = text_fields(posted)
    try:
        with all_or_nothing(db):
            lines = reading.lines(db, actor=viewer.actor, rfq=rfq)
            data = inputs.parse_amendment(values, lines)
            service.amend(db, actor=viewer.actor, rfq=rfq, data=data, expected_version=posted_version(posted))
    except UserError as exc:
        return _detail(request, db, viewer, rfq, error=exc, form="amend", values=values)
    return RedirectResponse(f"/rfqs/{rfq_id}?done=amended", status_code=303)


@router.post("/rfqs/{rfq_id:id}/invite")
def invite(
    request: Request,
    rfq_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    rfq = _buyer_rfq(db, viewer, rfq_id)
    chosen = [v for v in posted.getlist("supplier_ids") if isinstance(v, str) and v.isascii() and v.isdigit()]
    try:
        with all_or_nothing(db):
            service.invite(
                db, actor=viewer.actor, rfq=rfq, supplier_ids=[int(v) for v in chosen if len(v) <= 9]
            )
    except UserError as exc:
        return _detail(request, db, viewer, rfq, error=exc)
    return RedirectResponse(f"/rfqs/{rfq_id}?done=invited#invitations", status_code=303)


def _cancel_page(
    request: Request, viewer: Viewer, rfq: Rfq, *, reason: str = "", error: UserError | None = None
) -> Response:
    return render(
        request,
        "rfqs/confirm_cancel.html",
        viewer,
        {
            "rfq": rfq,
            "values": {"reason": reason},
            "error": error_text(viewer, error),
            "field": error.field if error else None,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/rfqs/{rfq_id:id}/cancel")
def cancel_confirmation(
    request: Request, rfq_id: int, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    rfq = _buyer_rfq(db, viewer, rfq_id)
    return _cancel_page(request, viewer, rfq)


@router.post("/rfqs/{rfq_id:id}/cancel")
def cancel(
    request: Request,
    rfq_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    rfq = _buyer_rfq(db, viewer, rfq_id)
    reason = text_fields(posted).get("reason", "")
    try:
        with all_or_nothing(db):
            service.cancel(
                db, actor=viewer.actor, rfq=rfq, reason=reason, expected_version=posted_version(posted)
            )
    except UserError as exc:
        return _cancel_page(request, viewer, rfq, reason=reason, error=exc)
    return RedirectResponse(f"/rfqs/{rfq_id}?done=cancelled", status_code=303)


# --- the buyer's settings: approvals, payment terms, the PO code, NPWP and tax collector statuses---------------------------------


def _settings_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    *,
    values: dict[str, str] | None = None,
    notice: str | None = None,
    error: UserError | None = None,
) -> Response:
    current = service.buyer_settings(db, viewer.current_org.id)
    shown = values or {
        "approval_above": format_number(current.approval_above, viewer.locale),
        "payment_terms_days": str(current.payment_terms_days),
        "code": current.code or "",
        "npwp": current.npwp or "",
        "ppn_collector": "1" if current.ppn_collector else "",
        "pph22_collector": "1" if current.pph22_collector else "",
    }
    return render(
        request,
        "rfqs/settings.html",
        viewer,
        {
            "settings": current,
            "values": shown,
            "may_change": viewer.can(Action.MANAGE_ORGANIZATION),
            "notice": notice,
            "error": error_text(viewer, error),
            "field": error.field if error else None,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/account/buyer-settings")
def buyer_settings(
    request: Request, saved: str = "", db: Session = DbSession, viewer: Viewer = RfqBuyer
) -> Response:
    notice = viewer._(MSG_SETTINGS_SAVED) if saved else None
    return _settings_page(request, db, viewer, notice=notice)


@router.post("/account/buyer-settings")
def change_buyer_settings(
    request: Request, db: Session = DbSession, viewer: Viewer = RfqBuyer, posted: FormData = PostedForm
) -> Response:
    values = text_fields(posted)
    try:
        with all_or_nothing(db):
            threshold, terms = inputs.parse_buyer_settings(values)
            service.change_buyer_settings(
                db,
                actor=viewer.actor,
                organization_id=viewer.current_org.id,
                approval_above=threshold,
                payment_terms_days=terms,
                orders=inputs.parse_order_settings(values),
            )
    except UserError as exc:
        return _settings_page(request, db, viewer, values=values, error=exc)
    return RedirectResponse("/account/buyer-settings?saved=1", status_code=303)
