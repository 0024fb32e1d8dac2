"""Supplier pages: onboarding, the owner's profile and its certificates, and the form pickers. Products
are `products`, the verifier's queue `verification`, the directory and public profiles `directory`. Routes parse and render; rules live in the services and policy."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.catalog import directory
from rantai.catalog import repository as catalog_repo
from rantai.catalog.suggest import suggest
from rantai.db import all_or_nothing
from rantai.identity.policy import Action
from rantai.kit.clock import now
from rantai.kit.errors import UserError
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_
from rantai.reference import repository as ref
from rantai.suppliers import checklist, repository
from rantai.suppliers import service as suppliers
from rantai.suppliers.errors import MSG_NOT_FOUND, SupplierNotFound
from rantai.suppliers.inputs import parse_certification, parse_profile
from rantai.suppliers.models import SupplierProfile
from rantai.suppliers.state import ProfileStatus
from rantai.tabular.cells import LegalForm
from rantai.web.auth import get_viewer, require_action, require_viewer
from rantai.web.downloads import content_disposition
from rantai.web.forms import PostedForm, chosen_file, read_upload, text_fields
from rantai.web.requestctx import DbSession, Viewer
from rantai.web.templating import render

router = APIRouter()

CERT_STATE_LABELS = {
    "valid": N_("Valid"),
    "expiring_60": N_("Expires within 60 days"),
    "expiring_14": N_("Expires within 14 days"),
    "expired": N_("Expired"),
}
LEGAL_FORM_LABELS = {
    "perorangan": "Perorangan",
    "ud": "UD",
    "cv": "CV",
    "firma": "Firma",
    "pt": "PT",
    "pt_perorangan": "PT Perorangan",
    "koperasi": "Koperasi",
}


def my_profile(db: Session, viewer: Viewer) -> SupplierProfile | None:
    return repository.by_organization(db, viewer.current_org.id)


def region_choices(db: Session, parent: str | None) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in ref.region_children(db, parent)]


def _profile_values(db: Session, profile: SupplierProfile) -> dict[str, str]:
    values = {
        c.name: "" if getattr(profile, c.name) is None else str(getattr(profile, c.name))
        for c in SupplierProfile.__table__.columns
    }
    values["kbli_codes"] = "; ".join(repository.kbli_codes(db, profile.id))
    for flag in ("women_owned", "youth_owned", "export_experience"):
        values[flag] = "1" if getattr(profile, flag) else ""
    return values


def _profile_form(
    request: Request,
    db: Session,
    viewer: Viewer,
    values: dict[str, str],
    *,
    profile: SupplierProfile | None,
    error: UserError | None = None,
) -> Response:
    province = values.get("province_code") or (values.get("kabkota_code", "")[:2] or None)
    if province:
        values.setdefault("province_code", province)
    kabkota = values.get("kabkota_code") or None
    return render(
        request,
        "suppliers/profile_form.html",
        viewer,
        {
            "title": viewer._("Your business profile") if profile is None else viewer._("Edit profile"),
            "action": "/supplier/onboarding" if profile is None else "/supplier/edit",
            "profile": profile,
            "values": values,
            "legal_forms": [(f.value, LEGAL_FORM_LABELS[f.value]) for f in LegalForm],
            "provinces": region_choices(db, None),
            "kabkota": region_choices(db, province) if province else [],
            "kecamatan": region_choices(db, kabkota) if kabkota else [],
            "error": viewer._(error.message, **error.params) if error else None,
            "field": error.field if error else None,
        },
        status_code=error.status_code if error else 200,
    )


ProfileEditor = require_action(Action.EDIT_SUPPLIER_PROFILE)


@router.get("/supplier/onboarding")
def onboarding(request: Request, db: Session = DbSession, viewer: Viewer = ProfileEditor) -> Response:
    if my_profile(db, viewer) is not None:
        return RedirectResponse("/supplier", status_code=303)
    return _profile_form(request, db, viewer, {"business_name": viewer.current_org.name}, profile=None)


@router.post("/supplier/onboarding")
def onboarding_save(
    request: Request, db: Session = DbSession, viewer: Viewer = ProfileEditor, posted: FormData = PostedForm
) -> Response:
    values = text_fields(posted)
    try:
        with all_or_nothing(db):
            data = parse_profile(values)
            profile = suppliers.create_profile(
                db, actor=viewer.current_actor, organization_id=viewer.current_org.id, data=data
            )
            if values.get("then") == "submit":
                suppliers.submit(db, actor=viewer.current_actor, profile=profile)
            directory.refresh(db, [profile.id])
    except UserError as exc:
        return _profile_form(request, db, viewer, values, profile=None, error=exc)
    return RedirectResponse("/supplier", status_code=303)


@router.get("/supplier/edit")
def edit(request: Request, db: Session = DbSession, viewer: Viewer = ProfileEditor) -> Response:
    profile = my_profile(db, viewer)
    if profile is None:
        return RedirectResponse("/supplier/onboarding", status_code=303)
    return _profile_form(request, db, viewer, _profile_values(db, profile), profile=profile)


@router.post("/supplier/edit")
def edit_save(
    request: Request, db: Session = DbSession, viewer: Viewer = ProfileEditor, posted: FormData = PostedForm
) -> Response:
    profile = my_profile(db, viewer)
    if profile is None:
        return RedirectResponse("/supplier/onboarding", status_code=303)
    values = text_fields(posted)
    try:
        with all_or_nothing(db):
            suppliers.update_profile(
                db, actor=viewer.current_actor, profile=profile, data=parse_profile(values)
            )
            if values.get("then") == "submit" and profile.status in ("draft", "rejected"):
                suppliers.submit(db, actor=viewer.current_actor, profile=profile)
            directory.refresh(db, [profile.id])
    except UserError as exc:
        return _profile_form(request, db, viewer, values, profile=profile, error=exc)
    return RedirectResponse("/supplier", status_code=303)


def cert_names(db: Session, viewer: Viewer) -> dict[str, str]:
    return {
        c.code: c.name_id if viewer.locale == "id" else c.name_en for c in ref.list_certification_types(db)
    }


def certifications_shown(db: Session, profile: SupplierProfile) -> list[tuple[Any, str]]:
    today = now().date()
    return [(c, suppliers.certification_state(c, today)) for c in repository.certifications(db, profile.id)]


def _mine(
    request: Request,
    db: Session,
    viewer: Viewer,
    profile: SupplierProfile,
    *,
    notice: str | None = None,
    cert_error: UserError | None = None,
    cert_values: dict[str, str] | None = None,
    doc_error: UserError | None = None,
) -> Response:
    certifications = certifications_shown(db, profile)
    error = cert_error or doc_error
    return render(
        request,
        "suppliers/mine.html",
        viewer,
        {
            "profile": profile,
            "status_label": ProfileStatus(profile.status).label,
            "products": catalog_repo.products_of(db, profile.id, PageRequest(1, 100)),
            "certifications": certifications,
            "expiring": [c for c, state in certifications if state in ("expiring_60", "expiring_14")],
            "renewable": {c.id for c, state in certifications if suppliers.renewable(state)},
            "history": repository.certification_history(db, profile.id),
            "state_labels": CERT_STATE_LABELS,
            "cert_names": cert_names(db, viewer),
            "cert_types": [
                (c.code, c.name_id if viewer.locale == "id" else c.name_en)
                for c in ref.list_certification_types(db)
            ],
            "cert_values": cert_values or {},
            "cert_field": cert_error.field if cert_error else None,
            "cert_error": viewer._(cert_error.message, **cert_error.params) if cert_error else None,
            "notice": notice,
            # Verification evidence (issue #13): the documents submitted and what the verifier asked to fix.
            "documents": repository.documents_of(db, profile.id),
            "document_kinds": list(checklist.DocumentKind),
            "review": repository.latest_review(db, profile.id),
            "check_items": checklist.ITEMS,
            "doc_error": viewer._(doc_error.message, **doc_error.params) if doc_error else None,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/supplier")
def mine(request: Request, db: Session = DbSession, viewer: Viewer = ProfileEditor) -> Response:
    profile = my_profile(db, viewer)
    if profile is None:
        return RedirectResponse("/supplier/onboarding", status_code=303)
    return _mine(request, db, viewer, profile)


@router.post("/supplier/submit")
def submit(request: Request, db: Session = DbSession, viewer: Viewer = ProfileEditor) -> Response:
    profile = my_profile(db, viewer)
    if profile is None:
        return RedirectResponse("/supplier/onboarding", status_code=303)
    suppliers.submit(db, actor=viewer.current_actor, profile=profile)
    return _mine(
        request, db, viewer, profile, notice=viewer._("Sent. A verifier of your region will check it.")
    )


@router.post("/supplier/certifications")
def add_certification(
    request: Request, db: Session = DbSession, viewer: Viewer = ProfileEditor, posted: FormData = PostedForm
) -> Response:
    profile = my_profile(db, viewer)
    if profile is None:
        return RedirectResponse("/supplier/onboarding", status_code=303)
    values, upload = text_fields(posted), chosen_file(posted, "document")
    try:
        with all_or_nothing(db):
            cert = suppliers.add_certification(
                db, actor=viewer.current_actor, profile=profile, data=parse_certification(values)
            )
            if upload is not None:
                data = read_upload(upload, suppliers.MAX_DOCUMENT_BYTES + 1)
                suppliers.attach_document(
                    db,
                    actor=viewer.current_actor,
                    profile=profile,
                    certification=cert,
                    name=upload.filename or "",
                    data=data,
                    storage=request.app.state.storage,
                )
    except UserError as exc:
        return _mine(request, db, viewer, profile, cert_error=exc, cert_values=values)
    return RedirectResponse("/supplier", status_code=303)


# --- renewing a certificate (issue #13) -------------------------------------------------------------


def _own_certification(db: Session, viewer: Viewer, certification_id: int) -> tuple[SupplierProfile, Any]:
    profile = my_profile(db, viewer)
    if profile is None:
        raise SupplierNotFound(MSG_NOT_FOUND)
    return profile, suppliers.own_certification(db, profile, certification_id)


def _renew_form(
    request: Request,
    db: Session,
    viewer: Viewer,
    certification: Any,
    values: dict[str, str],
    error: UserError | None = None,
) -> Response:
    return render(
        request,
        "suppliers/renew_certificate.html",
        viewer,
        {
            "certification": certification,
            "type_name": cert_names(db, viewer).get(certification.type_code, certification.type_code),
            "state": suppliers.certification_state(certification, now().date()),
            "state_labels": CERT_STATE_LABELS,
            "values": values,
            "field": error.field if error else None,
            "error": viewer._(error.message, **error.params) if error else None,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/supplier/certifications/{certification_id:id}/renew")
def renew_certification_form(
    request: Request, certification_id: int, db: Session = DbSession, viewer: Viewer = ProfileEditor
) -> Response:
    _, certification = _own_certification(db, viewer, certification_id)
    return _renew_form(request, db, viewer, certification, {"issuer": certification.issuer or ""})


@router.post("/supplier/certifications/{certification_id:id}/renew")
def renew_certification(
    request: Request,
    certification_id: int,
    db: Session = DbSession,
    viewer: Viewer = ProfileEditor,
    posted: FormData = PostedForm,
) -> Response:
    profile, certification = _own_certification(db, viewer, certification_id)
    values, upload = text_fields(posted), chosen_file(posted, "document")
    try:
        with all_or_nothing(db):
            suppliers.renew_certification(
                db,
                actor=viewer.current_actor,
                profile=profile,
                certification=certification,
                data=parse_certification({**values, "type_code": certification.type_code}),
                document_name=(upload.filename or "") if upload is not None else "",
                document=read_upload(upload, suppliers.MAX_DOCUMENT_BYTES + 1)
                if upload is not None
                else None,
                storage=request.app.state.storage,
            )
            directory.refresh(db, [profile.id])
    except UserError as exc:
        db.expire(certification)
        return _renew_form(request, db, viewer, certification, values, exc)
    return RedirectResponse("/supplier", status_code=303)


@router.get("/certifications/history/{record_id:id}/document")
def earlier_certification_document(
    request: Request, record_id: int, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    """The scan of a certificate a renewal replaced: for the owner and the region's verifiers only, like
    the current one's."""
    record = repository.certification_record(db, record_id)
    profile = repository.by_id(db, record.supplier_id) if record is not None else None
    if (
        record is None
        or profile is None
        or not record.document_key
        or not viewer.can(Action.VIEW_PERSONAL_DATA, profile)
    ):
        raise SupplierNotFound(MSG_NOT_FOUND)
    return Response(
        request.app.state.storage.get(record.document_key),
        media_type=record.document_type or "application/octet-stream",
        headers={
            "Content-Disposition": content_disposition(
                "inline", record.document_name or "", fallback="sertifikat"
            )
        },
    )


@router.get("/supplier/export")
def export(db: Session = DbSession, viewer: Viewer = ProfileEditor) -> Response:
    profile = my_profile(db, viewer)
    if profile is None:
        raise SupplierNotFound(MSG_NOT_FOUND)
    data = suppliers.export_own_data(db, actor=viewer.current_actor, profile=profile)
    body = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Response(
        body,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="rantai-{profile.nib}.json"'},
    )


@router.post("/supplier/erase")
def erase(request: Request, db: Session = DbSession, viewer: Viewer = ProfileEditor) -> Response:
    profile = my_profile(db, viewer)
    if profile is None:
        raise SupplierNotFound(MSG_NOT_FOUND)
    suppliers.erase_personal_data(db, actor=viewer.current_actor, profile=profile)
    return _mine(request, db, viewer, profile, notice=viewer._(suppliers.RETAINED_NOTE))


# --- pickers (HTMX fragments) -------------------------------------------------------------------


@router.get("/regions/options")
def region_options(
    request: Request,
    level: int = 2,
    province_code: str | None = None,
    kabkota_code: str | None = None,
    viewer: Viewer = Depends(get_viewer),
    db: Session = DbSession,
) -> Response:
    parent = province_code if level == 2 else kabkota_code
    options = region_choices(db, parent) if parent else []
    return render(request, "suppliers/_region_options.html", viewer, {"options": options})


@router.get("/kbli/suggest")
def kbli_suggest(
    request: Request, what: str = "", viewer: Viewer = Depends(require_viewer), db: Session = DbSession
) -> Response:
    return render(
        request, "suppliers/_kbli_suggestions.html", viewer, {"suggestions": suggest(db, what[:200], "kbli")}
    )
