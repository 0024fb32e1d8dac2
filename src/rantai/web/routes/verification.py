"""Verification with evidence (issue #13): the verifier's queue, one submission's review page (facts,
documents, certificates, the checklist with the automatic checks done) and the decisions; the owner's
upload of the NIB print and NPWP card, and the documents themselves for those who may see them. Routes
parse and render; rules live in the services (``suppliers.service``, ``suppliers.checklist``) and policy.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.catalog import directory
from rantai.db import all_or_nothing
from rantai.identity.policy import Action
from rantai.kit.clock import now
from rantai.kit.errors import UserError
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_
from rantai.reference import repository as ref
from rantai.suppliers import checklist, repository
from rantai.suppliers import service as suppliers
from rantai.suppliers.errors import MSG_NOT_FOUND, ProfileInvalid, SupplierNotFound
from rantai.suppliers.models import SupplierProfile
from rantai.suppliers.state import ProfileStatus
from rantai.web.auth import require_action, require_viewer
from rantai.web.downloads import content_disposition
from rantai.web.forms import PostedForm, chosen_file, posted_version, read_upload, text_fields
from rantai.web.requestctx import DbSession, Viewer
from rantai.web.routes import suppliers as supplier_pages
from rantai.web.routes.suppliers import (
    CERT_STATE_LABELS,
    LEGAL_FORM_LABELS,
    ProfileEditor,
    cert_names,
    certifications_shown,
    my_profile,
    region_choices,
)
from rantai.web.templating import render

router = APIRouter()

MSG_CHOOSE_FILE = N_("Choose the file to upload.")
# Size classes in words on these pages (PP 7/2021), not their stored codes.
SIZE_LABELS = {"mikro": N_("Micro"), "kecil": N_("Small"), "menengah": N_("Medium"), "besar": N_("Large")}

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
            "legal_forms": LEGAL_FORM_LABELS,
            "size_labels": SIZE_LABELS,
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


def _region_names(db: Session, profile: SupplierProfile) -> list[str]:
    codes = [profile.desa_code, profile.kecamatan_code, profile.kabkota_code, profile.province_code]
    return [r.name for code in codes if code and (r := ref.get_region(db, code)) is not None]


def _review_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    profile: SupplierProfile,
    *,
    values: dict[str, Any] | None = None,
    error: UserError | None = None,
) -> Response:
    """A submission as the verifier judges it: the facts, the documents, the certificates with their
    scans, the automatic checks done and the manual ones to tick, and the two decisions."""
    certifications = certifications_shown(db, profile)
    automatic = checklist.automatic_results(
        db, profile, [c for c, _state in certifications if c.status != "rejected"], now().date()
    )
    return render(
        request,
        "suppliers/review.html",
        viewer,
        {
            "profile": profile,
            "status_label": ProfileStatus(profile.status).label,
            "legal_form": LEGAL_FORM_LABELS.get(profile.legal_form, profile.legal_form),
            "size_label": SIZE_LABELS.get(profile.size_class or "", profile.size_class),
            "regions": _region_names(db, profile),
            "kbli": repository.kbli_codes(db, profile.id),
            "documents": repository.documents_of(db, profile.id),
            "document_kinds": list(checklist.DocumentKind),
            "certifications": certifications,
            "cert_names": cert_names(db, viewer),
            "state_labels": CERT_STATE_LABELS,
            "manual": [i for i in checklist.CHECKLIST if i.kind is checklist.CheckKind.MANUAL],
            "items": checklist.ITEMS,
            "automatic": automatic,
            "any_failed": bool(checklist.failed(automatic)),
            "review": repository.latest_review(db, profile.id),
            "values": values or {"checked": [], "to_fix": [], "reason": ""},
            "error": viewer._(error.message, **error.params) if error else None,
        },
        status_code=error.status_code if error else 200,
    )


def _reviewable(db: Session, viewer: Viewer, profile_id: int) -> SupplierProfile:
    """The profile, when the viewer may verify it (another region's is reported as missing)."""
    profile = _profile_or_404(db, profile_id)
    if not viewer.can(Action.VERIFY_SUPPLIER, profile):
        raise SupplierNotFound(MSG_NOT_FOUND)
    return profile


@router.get("/verification/{profile_id:id}")
def review(request: Request, profile_id: int, db: Session = DbSession, viewer: Viewer = Verifier) -> Response:
    return _review_page(request, db, viewer, _reviewable(db, viewer, profile_id))


def _posted_decision(posted: FormData) -> dict[str, Any]:
    return {
        "checked": [v for v in posted.getlist("checked") if isinstance(v, str)],
        "to_fix": [v for v in posted.getlist("to_fix") if isinstance(v, str)],
        "reason": text_fields(posted).get("reason", ""),
    }


@router.post("/verification/{profile_id:id}/verify")
def verify(
    request: Request,
    profile_id: int,
    db: Session = DbSession,
    viewer: Viewer = Verifier,
    posted: FormData = PostedForm,
) -> Response:
    profile = _reviewable(db, viewer, profile_id)
    values = _posted_decision(posted)
    try:
        with all_or_nothing(db):
            suppliers.verify(
                db,
                actor=viewer.current_actor,
                profile=profile,
                checked=values["checked"],
                expected_version=posted_version(posted),
            )
            directory.refresh(db, [profile.id])
    except UserError as exc:
        return _review_page(request, db, viewer, profile, values=values, error=exc)
    return _queue(request, db, viewer, notice=viewer._("%(name)s is verified.", name=profile.business_name))


@router.post("/verification/{profile_id:id}/reject")
def reject(
    request: Request,
    profile_id: int,
    db: Session = DbSession,
    viewer: Viewer = Verifier,
    posted: FormData = PostedForm,
) -> Response:
    profile = _reviewable(db, viewer, profile_id)
    values = _posted_decision(posted)
    try:
        with all_or_nothing(db):
            suppliers.reject(
                db,
                actor=viewer.current_actor,
                profile=profile,
                reason=str(values["reason"]),
                to_fix=values["to_fix"],
                checked=values["checked"],
                expected_version=posted_version(posted),
            )
            directory.refresh(db, [profile.id])
    except UserError as exc:
        return _review_page(request, db, viewer, profile, values=values, error=exc)
    return _queue(
        request,
        db,
        viewer,
        notice=viewer._("%(name)s is sent back to its owner.", name=profile.business_name),
    )


@router.get("/suppliers/{profile_id:id}/documents/{kind}")
def profile_document(
    request: Request,
    profile_id: int,
    kind: str,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    """The NIB print or NPWP card, for the profile's members and its region's verifiers only (like a
    certificate's scan: they hold personal data)."""
    profile = repository.by_id(db, profile_id)
    document = repository.documents_of(db, profile_id).get(kind) if profile is not None else None
    if profile is None or document is None or not viewer.can(Action.VIEW_PERSONAL_DATA, profile):
        raise SupplierNotFound(MSG_NOT_FOUND)
    return Response(
        request.app.state.storage.get(document.document_key),
        media_type=document.document_type,
        headers={
            "Content-Disposition": content_disposition("inline", document.document_name, fallback=kind),
            "Cache-Control": "private, no-store",
        },
    )


@router.post("/supplier/documents")
def upload_document(
    request: Request, db: Session = DbSession, viewer: Viewer = ProfileEditor, posted: FormData = PostedForm
) -> Response:
    """The owner sends the NIB print or the NPWP card (checked like a certificate's scan)."""
    profile = my_profile(db, viewer)
    if profile is None:
        return RedirectResponse("/supplier/onboarding", status_code=303)
    upload = chosen_file(posted, "document")
    try:
        if upload is None:
            raise ProfileInvalid(MSG_CHOOSE_FILE, field="document")
        with all_or_nothing(db):
            suppliers.attach_profile_document(
                db,
                actor=viewer.current_actor,
                profile=profile,
                kind=text_fields(posted).get("kind", ""),
                name=upload.filename or "",
                data=read_upload(upload, suppliers.MAX_DOCUMENT_BYTES + 1),
                storage=request.app.state.storage,
            )
    except UserError as exc:
        return supplier_pages._mine(request, db, viewer, profile, doc_error=exc)
    return RedirectResponse("/supplier#documents", status_code=303)
