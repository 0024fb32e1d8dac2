"""Supplier pages: onboarding, the owner's profile, products and certificates, the verifier's queue, the
buyers' directory and public profiles. Routes parse and render; rules live in the services and policy."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.catalog import directory
from rantai.catalog import repository as catalog_repo
from rantai.catalog import service as catalog
from rantai.catalog.errors import ProductInvalid
from rantai.catalog.suggest import suggest
from rantai.db import all_or_nothing
from rantai.identity.policy import Action
from rantai.kit.clock import now
from rantai.kit.errors import Invalid, UserError
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_
from rantai.reference import repository as ref
from rantai.suppliers import repository
from rantai.suppliers import service as suppliers
from rantai.suppliers.errors import MSG_NOT_FOUND, SupplierNotFound
from rantai.suppliers.inputs import parse_certification, parse_profile
from rantai.suppliers.models import SupplierProfile
from rantai.suppliers.state import ProfileStatus
from rantai.tabular import cells
from rantai.tabular.cells import LegalForm
from rantai.web.auth import get_viewer, require_action, require_viewer
from rantai.web.downloads import content_disposition
from rantai.web.forms import PostedForm, chosen_file, posted_version, read_upload, text_fields
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


def _my_profile(db: Session, viewer: Viewer) -> SupplierProfile | None:
    return repository.by_organization(db, viewer.current_org.id)


def _regions(db: Session, parent: str | None) -> list[tuple[str, str]]:
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
            "provinces": _regions(db, None),
            "kabkota": _regions(db, province) if province else [],
            "kecamatan": _regions(db, kabkota) if kabkota else [],
            "error": viewer._(error.message, **error.params) if error else None,
            "field": error.field if error else None,
        },
        status_code=error.status_code if error else 200,
    )


ProfileEditor = require_action(Action.EDIT_SUPPLIER_PROFILE)


@router.get("/supplier/onboarding")
def onboarding(request: Request, db: Session = DbSession, viewer: Viewer = ProfileEditor) -> Response:
    if _my_profile(db, viewer) is not None:
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
    profile = _my_profile(db, viewer)
    if profile is None:
        return RedirectResponse("/supplier/onboarding", status_code=303)
    return _profile_form(request, db, viewer, _profile_values(db, profile), profile=profile)


@router.post("/supplier/edit")
def edit_save(
    request: Request, db: Session = DbSession, viewer: Viewer = ProfileEditor, posted: FormData = PostedForm
) -> Response:
    profile = _my_profile(db, viewer)
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


def _cert_names(db: Session, viewer: Viewer) -> dict[str, str]:
    return {
        c.code: c.name_id if viewer.locale == "id" else c.name_en for c in ref.list_certification_types(db)
    }


def _certifications(db: Session, profile: SupplierProfile) -> list[tuple[Any, str]]:
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
) -> Response:
    certifications = _certifications(db, profile)
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
            "state_labels": CERT_STATE_LABELS,
            "cert_names": _cert_names(db, viewer),
            "cert_types": [
                (c.code, c.name_id if viewer.locale == "id" else c.name_en)
                for c in ref.list_certification_types(db)
            ],
            "cert_values": cert_values or {},
            "cert_field": cert_error.field if cert_error else None,
            "cert_error": viewer._(cert_error.message, **cert_error.params) if cert_error else None,
            "notice": notice,
        },
        status_code=cert_error.status_code if cert_error else 200,
    )


@router.get("/supplier")
def mine(request: Request, db: Session = DbSession, viewer: Viewer = ProfileEditor) -> Response:
    profile = _my_profile(db, viewer)
    if profile is None:
        return RedirectResponse("/supplier/onboarding", status_code=303)
    return _mine(request, db, viewer, profile)


@router.post("/supplier/submit")
def submit(request: Request, db: Session = DbSession, viewer: Viewer = ProfileEditor) -> Response:
    profile = _my_profile(db, viewer)
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
    profile = _my_profile(db, viewer)
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


@router.get("/supplier/export")
def export(db: Session = DbSession, viewer: Viewer = ProfileEditor) -> Response:
    profile = _my_profile(db, viewer)
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
    profile = _my_profile(db, viewer)
    if profile is None:
        raise SupplierNotFound(MSG_NOT_FOUND)
    suppliers.erase_personal_data(db, actor=viewer.current_actor, profile=profile)
    return _mine(request, db, viewer, profile, notice=viewer._(suppliers.RETAINED_NOTE))


# --- products --------------------------------------------------------------------------------------

CatalogEditor = require_action(Action.MANAGE_CATALOG)


def _product_form(
    request: Request, db: Session, viewer: Viewer, values: dict[str, str], error: UserError | None = None
) -> Response:
    return render(
        request,
        "suppliers/product_form.html",
        viewer,
        {
            "values": values,
            "categories": [
                (c.code, c.name_id if viewer.locale == "id" else c.name_en)
                for c in catalog_repo.categories(db)
            ],
            "units": [
                (u.code, u.name_id if viewer.locale == "id" else u.name_en) for u in ref.list_units(db)
            ],
            "error": viewer._(error.message, **error.params) if error else None,
            "field": error.field if error else None,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/supplier/products/new")
def new_product(request: Request, db: Session = DbSession, viewer: Viewer = CatalogEditor) -> Response:
    if _my_profile(db, viewer) is None:
        return RedirectResponse("/supplier/onboarding", status_code=303)
    return _product_form(request, db, viewer, {})


def _int(values: dict[str, str], name: str) -> int | None:
    raw = values.get(name, "").strip()
    if not raw:
        return None
    try:
        if name.startswith("price"):
            return cells.parse_rupiah(raw)
        return cells.parse_count(raw, minimum=0 if name == "lead_time_days" else 1)
    except cells.CellError as exc:
        raise ProductInvalid(exc.message, field=name, **exc.params) from exc


@router.post("/supplier/products/new")
def create_product(
    request: Request, db: Session = DbSession, viewer: Viewer = CatalogEditor, posted: FormData = PostedForm
) -> Response:
    profile = _my_profile(db, viewer)
    if profile is None:
        return RedirectResponse("/supplier/onboarding", status_code=303)
    values, upload = text_fields(posted), chosen_file(posted, "photo")
    try:
        with all_or_nothing(db):
            data = catalog.ProductData(
                name=values.get("name", ""),
                description=values.get("description") or None,
                category_code=values.get("category_code") or None,
                unit_code=values.get("unit_code") or None,
                kbli_code=values.get("kbli_code") or None,
                hs_code=values.get("hs_code") or None,
                price_min=_int(values, "price_min"),
                price_max=_int(values, "price_max"),
                moq=_int(values, "moq"),
                capacity_per_month=_int(values, "capacity_per_month"),
                lead_time_days=_int(values, "lead_time_days"),
            )
            product = catalog.create_product(db, actor=viewer.current_actor, profile=profile, data=data)
            if upload is not None:
                catalog.add_photo(
                    db,
                    actor=viewer.current_actor,
                    profile=profile,
                    product=product,
                    name=upload.filename or "",
                    data=read_upload(upload, catalog.MAX_PHOTO_BYTES + 1),
                    storage=request.app.state.storage,
                )
            directory.refresh(db, [profile.id])
    except UserError as exc:
        return _product_form(request, db, viewer, values, exc)
    return RedirectResponse("/supplier", status_code=303)


@router.post("/supplier/products/{product_id:id}/archive")
def archive_product(product_id: int, db: Session = DbSession, viewer: Viewer = CatalogEditor) -> Response:
    profile = _my_profile(db, viewer)
    if profile is None:
        raise SupplierNotFound(MSG_NOT_FOUND)
    product = catalog.get_product(db, profile=profile, product_id=product_id)
    catalog.set_active(db, actor=viewer.current_actor, profile=profile, product=product, active=False)
    directory.refresh(db, [profile.id])
    return RedirectResponse("/supplier", status_code=303)


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
    options = _regions(db, parent) if parent else []
    return render(request, "suppliers/_region_options.html", viewer, {"options": options})


@router.get("/kbli/suggest")
def kbli_suggest(
    request: Request, what: str = "", viewer: Viewer = Depends(require_viewer), db: Session = DbSession
) -> Response:
    return render(
        request, "suppliers/_kbli_suggestions.html", viewer, {"suggestions": suggest(db, what[:200], "kbli")}
    )


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
            "provinces": _regions(db, None),
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


# --- directory and public profiles ---------------------------------------------------------------


@router.get("/directory")
def directory_page(
    request: Request,
    text: str = "",
    province_code: str = "",
    kabkota_code: str = "",
    kbli_code: str = "",
    size_class: str = "",
    certification_type: str = "",
    valid_on: str = "",
    min_capacity: str = "",
    include_unverified: str = "",
    page: int = 1,
    db: Session = DbSession,
    viewer: Viewer = Depends(get_viewer),
) -> Response:
    values = {
        "text": text,
        "province_code": province_code,
        "kabkota_code": kabkota_code,
        "kbli_code": kbli_code,
        "size_class": size_class,
        "certification_type": certification_type,
        "valid_on": valid_on,
        "min_capacity": min_capacity,
        "include_unverified": include_unverified,
    }
    error: UserError | None = None
    try:
        on = dt.date.fromisoformat(valid_on) if valid_on else now().date()
        capacity = cells.parse_count(min_capacity, minimum=1) if min_capacity.strip() else None
    except (ValueError, cells.CellError) as exc:
        on, capacity = now().date(), None
        message = (
            exc.message
            if isinstance(exc, cells.CellError)
            else N_("Enter a date like 2026-03-31; found %(value)s.")
        )
        params = exc.params if isinstance(exc, cells.CellError) else {"value": valid_on}
        error = Invalid(
            message, field="valid_on" if not isinstance(exc, cells.CellError) else "min_capacity", **params
        )
    # Unverified profiles are listed only where the policy lets the viewer see them (its own, and its
    # verifiers' regions): the directory's query decides, not this page.
    unverified = bool(include_unverified)
    query = directory.DirectoryQuery(
        text=text[:200],
        province_code=province_code or None,
        kabkota_code=kabkota_code or None,
        kbli_code=kbli_code.strip() or None,
        size_class=size_class or None,
        certification_type=certification_type or None,
        certification_valid_on=on,
        min_capacity=capacity,
        verified_only=not unverified,
    )
    result = directory.search(db, query, PageRequest(max(1, page), 20), actor=viewer.actor)
    codes = {p.kabkota_code for p in result.items}
    regions = {code: r.name for code in codes if (r := ref.get_region(db, code)) is not None}
    prefix = "/directory?" + urlencode({k: v for k, v in values.items() if v}) + "&"
    return render(
        request,
        "suppliers/directory.html",
        viewer,
        {
            "page": result,
            "values": values,
            "regions": regions,
            "provinces": _regions(db, None),
            "kabkota": _regions(db, province_code) if province_code else [],
            "size_classes": [("mikro", "Mikro"), ("kecil", "Kecil"), ("menengah", "Menengah")],
            "cert_types": [
                (c.code, c.name_id if viewer.locale == "id" else c.name_en)
                for c in ref.list_certification_types(db)
            ],
            "query_prefix": prefix,
            "error": viewer._(error.message, **error.params) if error else None,
            "field": error.field if error else None,
            "can_verify": viewer.can(Action.VERIFY_SUPPLIER),
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/suppliers/{profile_id:id}")
def public_profile(
    request: Request, profile_id: int, db: Session = DbSession, viewer: Viewer = Depends(get_viewer)
) -> Response:
    profile = repository.by_id(db, profile_id)
    # A profile the viewer may not see is reported as missing, so its existence is not disclosed.
    if profile is None or not viewer.can(Action.VIEW_SUPPLIER_PROFILE, profile):
        raise SupplierNotFound(MSG_NOT_FOUND)
    masked = suppliers.personal_fields_masked(profile, viewer.actor)
    region = ref.get_region(db, profile.kabkota_code)
    products = catalog_repo.products_of(db, profile.id, PageRequest(1, 50))
    return render(
        request,
        "suppliers/public.html",
        viewer,
        {
            "profile": profile,
            "status_label": ProfileStatus(profile.status).label,
            "region_name": region.name if region else profile.kabkota_code,
            "npwp": suppliers.mask(profile.npwp) if masked else profile.npwp,
            "phone": suppliers.mask(profile.phone) if masked else profile.phone,
            "email": suppliers.mask(profile.email) if masked else profile.email,
            "kbli": repository.kbli_codes(db, profile.id),
            "products": products,
            "photos": catalog_repo.photos_of(db, [p.id for p in products.items]),
            "cert_names": _cert_names(db, viewer),
            "certifications": _certifications(db, profile),
            "state_labels": CERT_STATE_LABELS,
        },
    )


@router.get("/certifications/{certification_id:id}/document")
def certification_document(
    request: Request, certification_id: int, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    """The scanned certificate, for the owner and the verifiers of the supplier's region only."""
    cert = repository.certification_by_id(db, certification_id)
    profile = repository.by_id(db, cert.supplier_id) if cert is not None else None
    if (
        cert is None
        or profile is None
        or not cert.document_key
        or not viewer.can(Action.VIEW_PERSONAL_DATA, profile)
    ):
        raise SupplierNotFound(MSG_NOT_FOUND)
    data = request.app.state.storage.get(cert.document_key)
    return Response(
        data,
        media_type=cert.document_type or "application/octet-stream",
        headers={
            "Content-Disposition": content_disposition(
                "inline", cert.document_name or "", fallback="sertifikat"
            )
        },
    )


@router.get("/catalog/suggest")
def code_suggestions(
    request: Request, name: str = "", viewer: Viewer = Depends(require_viewer), db: Session = DbSession
) -> Response:
    """Top 3 KBLI classes and HS lines for a product name, for the owner to confirm in the product form."""
    text = name[:200]
    return render(
        request,
        "suppliers/_code_suggestions.html",
        viewer,
        {"kbli": suggest(db, text, "kbli"), "hs": suggest(db, text, "hs")},
    )


@router.get("/products/photos/{photo_id:id}")
def product_photo(
    request: Request, photo_id: int, db: Session = DbSession, viewer: Viewer = Depends(get_viewer)
) -> Response:
    """A product photo, visible wherever its supplier's profile is."""
    photo = catalog_repo.photo(db, photo_id)
    product = catalog_repo.product(db, photo.product_id) if photo is not None else None
    profile = repository.by_id(db, product.supplier_id) if product is not None else None
    if photo is None or profile is None or not viewer.can(Action.VIEW_SUPPLIER_PROFILE, profile):
        raise SupplierNotFound(MSG_NOT_FOUND)
    return Response(
        request.app.state.storage.get(photo.storage_key),
        media_type=photo.content_type,
        headers={"Cache-Control": "private, max-age=86400"},
    )
