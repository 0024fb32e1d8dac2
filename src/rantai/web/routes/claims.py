"""Claim pages (issue #9): a supplier organization's owner asks for the profile an import made for their
business; a verifier of its region approves (after a confirmation page) or rejects with a reason. Routes
parse and render; the rules are in ``suppliers.claims`` and the policy."""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.db import all_or_nothing
from rantai.identity.policy import Action
from rantai.kit.errors import UserError
from rantai.kit.pagination import PageRequest
from rantai.reference import repository as ref
from rantai.suppliers import claims, repository
from rantai.suppliers import service as suppliers
from rantai.suppliers.errors import MSG_CLAIM_NOT_FOUND, ClaimNotFound
from rantai.suppliers.models import SupplierClaim, SupplierProfile
from rantai.suppliers.state import ClaimStatus
from rantai.web.auth import require_action
from rantai.web.forms import PostedForm, text_fields
from rantai.web.requestctx import DbSession, Viewer
from rantai.web.templating import render

router = APIRouter()

ClaimEditor = require_action(Action.EDIT_SUPPLIER_PROFILE)
Verifier = require_action(Action.VERIFY_SUPPLIER)


# --- the business ------------------------------------------------------------------------------------


def _claim_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    *,
    values: dict[str, str] | None = None,
    error: UserError | None = None,
    notice: str | None = None,
) -> Response:
    org_id = viewer.current_org.id
    return render(
        request,
        "claims/claim.html",
        viewer,
        {
            "has_profile": repository.by_organization(db, org_id) is not None,
            "pending": repository.pending_claim_of(db, org_id),
            "claims": repository.claims_of(db, viewer.current_actor, org_id),
            "labels": {s.value: s.label for s in ClaimStatus},
            "values": values or {},
            "error": viewer._(error.message, **error.params) if error else None,
            "field": error.field if error else None,
            "notice": notice,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/supplier/claim")
def claim_form(
    request: Request, sent: str = "", db: Session = DbSession, viewer: Viewer = ClaimEditor
) -> Response:
    notice = viewer._("Sent. A verifier of the business's region will check it and answer here.")
    return _claim_page(request, db, viewer, notice=notice if sent else None)


@router.post("/supplier/claim")
def claim_send(
    request: Request, form: FormData = PostedForm, db: Session = DbSession, viewer: Viewer = ClaimEditor
) -> Response:
    values = text_fields(form)
    try:
        with all_or_nothing(db):
            claims.request_claim(
                db,
                actor=viewer.current_actor,
                organization_id=viewer.current_org.id,
                nib=values.get("nib", ""),
                evidence=values.get("evidence", ""),
            )
    except UserError as exc:
        return _claim_page(request, db, viewer, values=values, error=exc)
    return RedirectResponse("/supplier/claim?sent=1", status_code=303)


@router.post("/supplier/claim/{claim_id:id}/withdraw")
def claim_withdraw(claim_id: int, db: Session = DbSession, viewer: Viewer = ClaimEditor) -> Response:
    # Only a claim of the active organization: any other is not found.
    claim = repository.readable_claim(db, viewer.current_actor.within(viewer.current_org.id), claim_id)
    if claim is None:
        raise ClaimNotFound(MSG_CLAIM_NOT_FOUND)
    claims.withdraw_claim(db, actor=viewer.current_actor, claim=claim)
    return RedirectResponse("/supplier/claim", status_code=303)


# --- the verifier ------------------------------------------------------------------------------------


def _queue(
    request: Request,
    db: Session,
    viewer: Viewer,
    *,
    page: int = 1,
    notice: str | None = None,
    error: UserError | None = None,
    failed_claim: int | None = None,
) -> Response:
    result = repository.claim_queue(db, PageRequest(max(1, page), 20), actor=viewer.actor)
    return render(
        request,
        "claims/queue.html",
        viewer,
        {
            "page": result,
            "rows": _rows(db, viewer, result.items),
            "notice": notice,
            "error": viewer._(error.message, **error.params) if error else None,
            "failed_claim": failed_claim,
        },
        status_code=error.status_code if error else 200,
    )


def _rows(
    db: Session, viewer: Viewer, items: Sequence[tuple[SupplierClaim, SupplierProfile]]
) -> list[dict[str, object]]:
    rows = []
    for row in claims.claim_rows(db, items):
        profile = row.profile
        masked = suppliers.personal_fields_masked(profile, viewer.actor)
        region = ref.get_region(db, profile.kabkota_code)
        rows.append(
            {
                "row": row,
                "region": region.name if region else profile.kabkota_code,
                "phone": suppliers.mask(profile.phone) if masked else profile.phone,
                "email": suppliers.mask(profile.email) if masked else profile.email,
            }
        )
    return rows


@router.get("/verification/claims")
def claim_queue(
    request: Request, page: int = 1, db: Session = DbSession, viewer: Viewer = Verifier
) -> Response:
    return _queue(request, db, viewer, page=page)


@router.get("/verification/claims/{claim_id:id}/approve")
def claim_confirm(
    request: Request, claim_id: int, db: Session = DbSession, viewer: Viewer = Verifier
) -> Response:
    """The confirmation step: what approving does, before it is done."""
    claim, profile = claims.decidable_claim(db, actor=viewer.current_actor, claim_id=claim_id)
    rows = _rows(db, viewer, [(claim, profile)])
    return render(
        request, "claims/confirm.html", viewer, {"item": rows[0], "claim": claim, "profile": profile}
    )


@router.post("/verification/claims/{claim_id:id}/approve")
def claim_approve(
    request: Request,
    claim_id: int,
    form: FormData = PostedForm,
    db: Session = DbSession,
    viewer: Viewer = Verifier,
) -> Response:
    if text_fields(form).get("confirm") != "yes":
        return RedirectResponse(f"/verification/claims/{claim_id}/approve", status_code=303)
    claim, _profile = claims.decidable_claim(db, actor=viewer.current_actor, claim_id=claim_id)
    try:
        with all_or_nothing(db):
            profile = claims.approve_claim(db, actor=viewer.current_actor, claim=claim)
    except UserError as exc:
        return _queue(request, db, viewer, error=exc, failed_claim=claim_id)
    notice = viewer._(
        "The profile of %(name)s now belongs to the business that claimed it.", name=profile.business_name
    )
    return _queue(request, db, viewer, notice=notice)


@router.post("/verification/claims/{claim_id:id}/reject")
def claim_reject(
    request: Request,
    claim_id: int,
    form: FormData = PostedForm,
    db: Session = DbSession,
    viewer: Viewer = Verifier,
) -> Response:
    claim, profile = claims.decidable_claim(db, actor=viewer.current_actor, claim_id=claim_id)
    try:
        with all_or_nothing(db):
            claims.reject_claim(
                db, actor=viewer.current_actor, claim=claim, reason=text_fields(form).get("reason", "")
            )
    except UserError as exc:
        return _queue(request, db, viewer, error=exc, failed_claim=claim_id)
    notice = viewer._(
        "The claim on %(name)s is rejected; the business sees your reason.", name=profile.business_name
    )
    return _queue(request, db, viewer, notice=notice)
