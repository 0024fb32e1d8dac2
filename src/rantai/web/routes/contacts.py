"""Buyers reach suppliers (issue #13): from a supplier's profile, invite it to one of the buyer's RFQs or
put it on a need's shortlist, and ask for its contact details; the contact requests an organization sent
or received, and the supplier's answer.

Routes parse and render; ``suppliers.contacts``, ``sourcing.rfq.service`` and ``sourcing.service`` decide,
and the policy authorizes.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.db import all_or_nothing
from rantai.identity.policy import Action
from rantai.kit.errors import UserError
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_, ascii_digits
from rantai.sourcing import repository as need_repository
from rantai.sourcing import service as sourcing
from rantai.sourcing.errors import MSG_LINE_NOT_FOUND, NeedInvalid
from rantai.sourcing.rfq import service as rfq_service
from rantai.sourcing.rfq.errors import MSG_RFQ_NOT_FOUND, RfqInvalid
from rantai.sourcing.state import Decision
from rantai.suppliers import contacts
from rantai.suppliers.errors import MSG_CONTACT_ANSWERED, ContactInvalid
from rantai.suppliers.state import CONTACT_STATUS_LABELS, ContactMove, ContactStatus
from rantai.web.auth import require_action, require_viewer
from rantai.web.forms import PostedForm, posted_version, text_fields
from rantai.web.requestctx import DbSession, Viewer
from rantai.web.routes.directory import profile_page, viewed_profile
from rantai.web.templating import render

router = APIRouter()

Buyer = require_action(Action.CREATE_NEED)
MOVE_LABELS = {
    ContactMove.ACCEPT: N_("Accept: share our phone and email"),
    ContactMove.DECLINE: N_("Decline"),
    ContactMove.WITHDRAW: N_("Withdraw the request"),
    ContactMove.REVOKE: N_("Stop sharing our contact details"),
}


def _id(value: str) -> int | None:
    return int(value) if ascii_digits(value) and len(value) <= 9 else None


@router.post("/suppliers/{profile_id:id}/invite")
def invite(
    request: Request,
    profile_id: int,
    posted: FormData = PostedForm,
    db: Session = DbSession,
    viewer: Viewer = Buyer,
) -> Response:
    """Invite the supplier into one of the buyer's draft or open RFQs."""
    profile = viewed_profile(db, viewer, profile_id)
    rfq_id = _id(text_fields(posted).get("rfq_id", ""))
    try:
        with all_or_nothing(db):
            rfq = rfq_service.get_rfq(db, actor=viewer.current_actor, rfq_id=rfq_id or 0)
            if not rfq_service.is_buyer_of(viewer.current_actor, rfq):
                raise RfqInvalid(MSG_RFQ_NOT_FOUND, field="rfq_id")
            rfq_service.invite(db, actor=viewer.current_actor, rfq=rfq, supplier_ids=[profile.id])
    except UserError as error:
        return profile_page(request, db, viewer, profile, error=error)
    return RedirectResponse(f"/suppliers/{profile.id}?done=invited", status_code=303)


@router.post("/suppliers/{profile_id:id}/shortlist")
def shortlist(
    request: Request,
    profile_id: int,
    posted: FormData = PostedForm,
    db: Session = DbSession,
    viewer: Viewer = Buyer,
) -> Response:
    """Put the supplier on one of the buyer's need lines' shortlist (when it has no RFQ to invite it to)."""
    profile = viewed_profile(db, viewer, profile_id)
    line_id = _id(text_fields(posted).get("line_id", ""))
    try:
        with all_or_nothing(db):
            line = need_repository.line(db, line_id or 0)
            if line is None:
                raise NeedInvalid(MSG_LINE_NOT_FOUND, field="line_id")
            need = sourcing.get_need(db, actor=viewer.current_actor, need_id=line.need_id)
            sourcing.decide(
                db,
                actor=viewer.current_actor,
                need=need,
                line=line,
                supplier_id=profile.id,
                decision=Decision.SHORTLISTED,
            )
    except UserError as error:
        return profile_page(request, db, viewer, profile, error=error)
    return RedirectResponse(f"/suppliers/{profile.id}?done=shortlisted", status_code=303)


@router.post("/suppliers/{profile_id:id}/contact")
def ask_contact(
    request: Request,
    profile_id: int,
    posted: FormData = PostedForm,
    db: Session = DbSession,
    viewer: Viewer = Buyer,
) -> Response:
    """Ask the supplier for its phone and email, with a message."""
    profile = viewed_profile(db, viewer, profile_id)
    values = text_fields(posted)
    try:
        with all_or_nothing(db):
            contacts.request_contact(
                db,
                actor=viewer.current_actor,
                buyer_organization_id=viewer.current_org.id,
                profile=profile,
                message=values.get("message", ""),
            )
    except UserError as error:
        return profile_page(request, db, viewer, profile, error=error, values=values)
    return RedirectResponse(f"/suppliers/{profile.id}?done=contact", status_code=303)


# --- the requests an organization sent or received ----------------------------------------------------


@router.get("/contact-requests")
def index(
    request: Request,
    status: str = "",
    page: int = 1,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    found = contacts.requests_page(
        db,
        actor=viewer.current_actor,
        organization_id=viewer.current_org.id,
        page=PageRequest(max(1, page), 20),
        status=status or None,
    )
    return render(
        request,
        "contacts/index.html",
        viewer,
        {"page": found, "labels": {s.value: s.label for s in ContactStatus}, "status": status},
    )


def _detail(
    request: Request, db: Session, viewer: Viewer, request_id: int, *, error: UserError | None = None
) -> Response:
    row = contacts.get_request(db, actor=viewer.current_actor, request_id=request_id)
    (shown,) = contacts.rows_of(db, [row])
    return render(
        request,
        "contacts/detail.html",
        viewer,
        {
            "row": shown,
            "status_label": CONTACT_STATUS_LABELS[ContactStatus(row.status)],
            "moves": [(m.value, MOVE_LABELS[m]) for m in contacts.moves_for(viewer.current_actor, row)],
            "error": viewer._(error.message, **error.params) if error else None,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/contact-requests/{request_id:id}")
def detail(
    request: Request, request_id: int, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    return _detail(request, db, viewer, request_id)


@router.post("/contact-requests/{request_id:id}/move")
def move(
    request: Request,
    request_id: int,
    posted: FormData = PostedForm,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    """Accept, decline, withdraw or stop sharing (the buttons the page offered)."""
    row = contacts.get_request(db, actor=viewer.current_actor, request_id=request_id)
    chosen = text_fields(posted).get("move", "")
    try:
        with all_or_nothing(db):
            if chosen not in {m.value for m in ContactMove}:
                raise ContactInvalid(MSG_CONTACT_ANSWERED, field="move")
            contacts.move(
                db,
                actor=viewer.current_actor,
                row=row,
                move=ContactMove(chosen),
                expected_version=posted_version(posted),
            )
    except UserError as error:
        return _detail(request, db, viewer, request_id, error=error)
    return RedirectResponse(f"/contact-requests/{row.id}", status_code=303)
