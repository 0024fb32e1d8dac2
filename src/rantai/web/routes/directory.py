"""The buyers' supplier directory, public profiles and certificate documents.
Routes parse and render; rules live in the services and policy.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.catalog import directory
from rantai.catalog import repository as catalog_repo
from rantai.identity.policy import Action
from rantai.kit.clock import now
from rantai.kit.errors import Invalid, UserError
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_
from rantai.reference import repository as ref
from rantai.sourcing import service as sourcing
from rantai.sourcing.rfq import service as rfq_service
from rantai.sourcing.wording import short_cert_name
from rantai.suppliers import contacts, repository
from rantai.suppliers.errors import MSG_NOT_FOUND, SupplierNotFound
from rantai.suppliers.models import SupplierProfile
from rantai.suppliers.state import ContactStatus, ProfileStatus
from rantai.tabular import cells
from rantai.web.auth import get_viewer, require_viewer
from rantai.web.downloads import content_disposition
from rantai.web.requestctx import DbSession, Viewer
from rantai.web.routes.suppliers import (
    CERT_STATE_LABELS,
    cert_names,
    certifications_shown,
    region_choices,
)
from rantai.web.templating import render

router = APIRouter()

# With words, the best full-text match comes first (issue #13); without, the order is by name.
DIRECTORY_SORTS = {
    "relevance": N_("Best match first"),
    "name": N_("Name (A-Z)"),
    "newest": N_("Newest verified first"),
}

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
    sort: str = "",
    page: int = 1,
    db: Session = DbSession,
    viewer: Viewer = Depends(get_viewer),
) -> Response:
    sort = sort if sort in DIRECTORY_SORTS else ""
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
        "sort": sort,
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
        sort=sort or "relevance",
    )
    result = directory.search(db, query, PageRequest(max(1, page), 20), actor=viewer.actor)
    facts = directory.row_facts(db, [p.id for p in result.items], text_value=query.text, on=now().date())
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
            "facts": facts,
            "sorts": [(key, viewer._(label)) for key, label in DIRECTORY_SORTS.items()],
            "unit_names": {
                u.code: u.name_id if viewer.locale == "id" else u.name_en for u in ref.list_units(db)
            },
            "provinces": region_choices(db, None),
            "kabkota": region_choices(db, province_code) if province_code else [],
            "size_classes": [("mikro", "Mikro"), ("kecil", "Kecil"), ("menengah", "Menengah")],
            "cert_labels": {code: short_cert_name(code) for f in facts.values() for code in f.certifications},
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


def viewed_profile(db: Session, viewer: Viewer, profile_id: int) -> SupplierProfile:
    """A profile the viewer may see; any other is reported as missing, so its existence is not disclosed."""
    profile = repository.by_id(db, profile_id)
    if profile is None or not viewer.can(Action.VIEW_SUPPLIER_PROFILE, profile):
        raise SupplierNotFound(MSG_NOT_FOUND)
    return profile


def _reach(db: Session, viewer: Viewer, profile: SupplierProfile) -> dict[str, Any]:
    """What a buyer's staff may do from a profile (issue #13): invite it to one of their RFQs, or put it
    on a need's shortlist, and ask for its contact details. Empty for anyone else (the services ask the
    policy)."""
    org = viewer.organization
    if viewer.user is None or org is None or not viewer.can(Action.CREATE_NEED):
        return {"may_reach": False}
    actor = viewer.current_actor
    rfqs = rfq_service.invitable_rfqs(db, actor=actor, organization_id=org.id)
    lines = [] if rfqs else sourcing.shortlistable_lines(db, actor=actor, organization_id=org.id)
    return {
        "may_reach": True,
        "rfqs": rfqs,
        "need_lines": lines,
        "reach_needs": list({need.id: need for need, _ in lines}.values()),
        "standing": contacts.standing_request(db, buyer_organization_id=org.id, profile=profile),
        "contact_labels": {s.value: s.label for s in ContactStatus},
    }


def profile_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    profile: SupplierProfile,
    *,
    notice: str | None = None,
    error: UserError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    region = ref.get_region(db, profile.kabkota_code)
    products = catalog_repo.products_of(db, profile.id, PageRequest(1, 50))
    npwp, phone, email = contacts.masked_contact(db, viewer.actor, profile)
    return render(
        request,
        "suppliers/public.html",
        viewer,
        {
            "profile": profile,
            "status_label": ProfileStatus(profile.status).label,
            "region_name": region.name if region else profile.kabkota_code,
            "npwp": npwp,
            "phone": phone,
            "email": email,
            "contact_shown": contacts.contact_shown(db, viewer.actor, profile),
            "kbli": repository.kbli_codes(db, profile.id),
            "products": products,
            "photos": catalog_repo.photos_of(db, [p.id for p in products.items]),
            "cert_names": cert_names(db, viewer),
            "certifications": certifications_shown(db, profile),
            "state_labels": CERT_STATE_LABELS,
            **_reach(db, viewer, profile),
            "notice": notice,
            "error": viewer._(error.message, **error.params) if error else None,
            "field": error.field if error else None,
            "values": values or {},
        },
        status_code=error.status_code if error else 200,
    )


REACH_NOTICES = {
    "invited": N_("Invited to quote: the business sees the request once it is sent."),
    "shortlisted": N_("Put on the need's shortlist. Request quotations from the need to invite it."),
    "contact": N_("Contact request sent. You will be told when the business answers."),
}


@router.get("/suppliers/{profile_id:id}")
def public_profile(
    request: Request,
    profile_id: int,
    done: str = "",
    db: Session = DbSession,
    viewer: Viewer = Depends(get_viewer),
) -> Response:
    profile = viewed_profile(db, viewer, profile_id)
    notice = viewer._(REACH_NOTICES[done]) if done in REACH_NOTICES else None
    return profile_page(request, db, viewer, profile, notice=notice)


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
