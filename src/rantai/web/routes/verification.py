"""The verifier's queue: profiles waiting for verification in the verifier's region, verified or sent
back with a reason. Routes parse and render; rules live in the services and policy.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.catalog import directory
from rantai.identity.policy import Action
from rantai.kit.errors import UserError
from rantai.kit.pagination import PageRequest
from rantai.reference import repository as ref
from rantai.suppliers import repository
from rantai.suppliers import service as suppliers
from rantai.suppliers.errors import MSG_NOT_FOUND, SupplierNotFound
from rantai.suppliers.models import SupplierProfile
from rantai.suppliers.state import ProfileStatus
from rantai.web.auth import require_action
from rantai.web.forms import PostedForm, posted_version, text_fields
from rantai.web.requestctx import DbSession, Viewer
from rantai.web.routes.suppliers import (
    region_choices,
)
from rantai.web.templating import render

router = APIRouter()

# --- verification -------------------------------------------------------------------------------

Verifier = require_action(Action.VERIFY_SUPPLIER)


def _queue(
    request: Request,
    db: Session,
    viewer: Viewer,
    *,
    page: int = 1,
    q: str | None = None,
    province_code: str | None = None,
    status: str = "submitted",
    notice: str | None = None,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    if status not in ("submitted", "rejected", "verified"):
        status = "submitted"
    result = repository.verification_queue(
        db,
        PageRequest(max(1, page), 20),
        actor=viewer.current_actor,
        query=q,
        province_code=province_code or None,
        status=status,
    )
    codes = {p.kabkota_code for p in result.items}
    regions = {code: r.name for code in codes if (r := ref.get_region(db, code)) is not None}
    return render(
        request,
        "suppliers/queue.html",
        viewer,
        {
            "page": result,
            "q": q,
            "regions": regions,
            "notice": notice,
            "error": error,
            "values": {"province_code": province_code or "", "status": status},
            "provinces": region_choices(db, None),
            "statuses": [(s.value, viewer._(s.label)) for s in ProfileStatus if s is not ProfileStatus.DRAFT],
        },
        status_code=status_code,
    )


@router.get("/verification")
def queue(
    request: Request,
    page: int = 1,
    q: str | None = None,
    province_code: str | None = None,
    status: str = "submitted",
    db: Session = DbSession,
    viewer: Viewer = Verifier,
) -> Response:
    return _queue(request, db, viewer, page=page, q=q, province_code=province_code, status=status)


def _profile_or_404(db: Session, profile_id: int) -> SupplierProfile:
    profile = repository.by_id(db, profile_id)
    if profile is None:
        raise SupplierNotFound(MSG_NOT_FOUND)
    return profile


@router.post("/verification/{profile_id:id}/verify")
def verify(
    request: Request,
    profile_id: int,
    db: Session = DbSession,
    viewer: Viewer = Verifier,
    posted: FormData = PostedForm,
) -> Response:
    profile = _profile_or_404(db, profile_id)
    try:
        suppliers.verify(
            db, actor=viewer.current_actor, profile=profile, expected_version=posted_version(posted)
        )
    except UserError as exc:
        return _queue(
            request, db, viewer, error=viewer._(exc.message, **exc.params), status_code=exc.status_code
        )
    directory.refresh(db, [profile.id])
    return _queue(request, db, viewer, notice=viewer._("%(name)s is verified.", name=profile.business_name))


@router.post("/verification/{profile_id:id}/reject")
def reject(
    request: Request,
    profile_id: int,
    db: Session = DbSession,
    viewer: Viewer = Verifier,
    posted: FormData = PostedForm,
) -> Response:
    profile = _profile_or_404(db, profile_id)
    values = text_fields(posted)
    try:
        suppliers.reject(
            db,
            actor=viewer.current_actor,
            profile=profile,
            reason=values.get("reason", ""),
            expected_version=posted_version(posted),
        )
    except UserError as exc:
        return _queue(
            request, db, viewer, error=viewer._(exc.message, **exc.params), status_code=exc.status_code
        )
    return _queue(
        request,
        db,
        viewer,
        notice=viewer._("%(name)s is sent back to its owner.", name=profile.business_name),
    )
