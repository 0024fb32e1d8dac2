"""Awarding an RFQ and approving awards (issue #11): the award form (per line, per supplier quantities
prefilled with the lowest offer; the exception reason asked when the UMKM reservation check refuses),
the approver's queue and one award's page with approve and reject. Routes parse and render;
``rfq.awards`` decides (over-awarding, the reservation, separation of duties) and the policy authorizes.
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
from rantai.sourcing.rfq import awards, comparison, service
from rantai.sourcing.rfq.awards import AwardPart
from rantai.sourcing.rfq.comparison import Comparison
from rantai.sourcing.rfq.errors import AwardInvalid
from rantai.sourcing.rfq.models import Rfq
from rantai.sourcing.rfq.state import AwardStatus
from rantai.tabular import cells
from rantai.web.auth import require_action, require_viewer
from rantai.web.forms import PostedForm, posted_version, text_fields
from rantai.web.requestctx import DbSession, Viewer
from rantai.web.routes.needs import error_text
from rantai.web.templating import render

router = APIRouter()

Approver = require_action(Action.APPROVE_AWARD)
PER_PAGE = 20
MSG_PART_QUANTITY = N_("Give the quantity as a whole number, or leave it empty.")
DECIDED = {
    "approved": N_("The award is approved; the suppliers are told."),
    "rejected": N_("The award is rejected; its quantities are open to award again."),
}


def _prefilled(compared: Comparison) -> dict[str, str]:
    """Each line's lowest offer, for as much as it offered and the line still has to award."""
    values: dict[str, str] = {}
    for line in compared.lines:
        left = line.line.quantity - line.line.awarded_quantity
        lowest = next((c for c in line.cells if c.is_lowest), None)
        if lowest is not None and left > 0:
            values[f"part-{line.line.id}-{lowest.supplier_id}"] = str(min(lowest.quantity, left))
    return values


def _parts(values: dict[str, str]) -> list[AwardPart]:
    parts: list[AwardPart] = []
    for name, raw in values.items():
        pieces = name.split("-")
        if (
            len(pieces) != 3
            or pieces[0] != "part"
            or not all(ascii_digits(p) and len(p) <= 9 for p in pieces[1:])
        ):
            continue
        text = raw.strip()
        if not text:
            continue
        try:
            quantity = cells.parse_count(text, minimum=1)
        except cells.CellError:
            raise AwardInvalid(MSG_PART_QUANTITY, field=name) from None
        parts.append(AwardPart(int(pieces[1]), int(pieces[2]), quantity))
    return parts


def _form(
    request: Request,
    db: Session,
    viewer: Viewer,
    rfq: Rfq,
    *,
    values: dict[str, str] | None = None,
    error: UserError | None = None,
) -> Response:
    compared = comparison.compare(db, actor=viewer.actor, rfq=rfq)
    field = error.field if error else None
    return render(
        request,
        "rfqs/award.html",
        viewer,
        {
            "rfq": rfq,
            "comparison": compared,
            "values": values if values is not None else _prefilled(compared),
            "awards": awards.awards_shown(db, actor=viewer.actor, rfq=rfq),
            "ask_exception": field == "exception_reason" or bool((values or {}).get("exception_reason")),
            "error": error_text(viewer, error),
            "field": field,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/rfqs/{rfq_id:id}/award")
def award_form(
    request: Request, rfq_id: int, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    rfq = service.get_rfq(db, actor=viewer.actor, rfq_id=rfq_id)
    return _form(request, db, viewer, rfq)


@router.post("/rfqs/{rfq_id:id}/award")
def make_award(
    request: Request,
    rfq_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    rfq = service.get_rfq(db, actor=viewer.actor, rfq_id=rfq_id)
    values = text_fields(posted)
    try:
        with all_or_nothing(db):
            award = awards.make_award(
                db,
                actor=viewer.actor,
                rfq=rfq,
                parts=_parts(values),
                exception_reason=values.get("exception_reason") or None,
            )
    except UserError as exc:
        return _form(request, db, viewer, rfq, values=values, error=exc)
    return RedirectResponse(f"/rfqs/{rfq_id}/award?made={award.id}#awards", status_code=303)


# --- approvals ------------------------------------------------------------------------------------------


@router.get("/approvals")
def approvals(
    request: Request, page: int = 1, db: Session = DbSession, viewer: Viewer = Approver
) -> Response:
    result = awards.approvals_page(
        db, actor=viewer.actor, page=PageRequest(max(1, min(page, 10_000)), PER_PAGE)
    )
    return render(request, "approvals/index.html", viewer, {"page": result, "query_prefix": "/approvals?"})


def _decision_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    award_id: int,
    *,
    notice: str | None = None,
    error: UserError | None = None,
    reason: str = "",
) -> Response:
    award = awards.get_award(db, actor=viewer.actor, award_id=award_id)
    rfq = service.get_rfq(db, actor=viewer.actor, rfq_id=award.rfq_id)
    shown = next(a for a in awards.awards_shown(db, actor=viewer.actor, rfq=rfq) if a.award.id == award.id)
    return render(
        request,
        "approvals/detail.html",
        viewer,
        {
            "award": award,
            "shown": shown,
            "rfq": rfq,
            "waiting": AwardStatus(award.status) is AwardStatus.PENDING_APPROVAL,
            "may_decide": viewer.can(Action.APPROVE_AWARD, award),
            "values": {"reason": reason},
            "notice": notice,
            "error": error_text(viewer, error),
            "field": error.field if error else None,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/approvals/{award_id:id}")
def approval(
    request: Request,
    award_id: int,
    done: str = "",
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    notice = viewer._(DECIDED[done]) if done in DECIDED else None
    return _decision_page(request, db, viewer, award_id, notice=notice)


@router.post("/approvals/{award_id:id}/approve")
def approve(
    request: Request,
    award_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    award = awards.get_award(db, actor=viewer.actor, award_id=award_id)
    try:
        with all_or_nothing(db):
            awards.approve(db, actor=viewer.actor, award=award, expected_version=posted_version(posted))
    except UserError as exc:
        return _decision_page(request, db, viewer, award_id, error=exc)
    return RedirectResponse(f"/approvals/{award_id}?done=approved", status_code=303)


@router.post("/approvals/{award_id:id}/reject")
def reject(
    request: Request,
    award_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    posted: FormData = PostedForm,
) -> Response:
    award = awards.get_award(db, actor=viewer.actor, award_id=award_id)
    reason = text_fields(posted).get("reason", "")
    try:
        with all_or_nothing(db):
            awards.reject(
                db, actor=viewer.actor, award=award, reason=reason, expected_version=posted_version(posted)
            )
    except UserError as exc:
        return _decision_page(request, db, viewer, award_id, error=exc, reason=reason)
    return RedirectResponse(f"/approvals/{award_id}?done=rejected", status_code=303)
