"""Suppliers find work (issue #13): every open need line offered to the supplier, searched and filtered,
and a need's page as a supplier sees it, with why the supplier fits each line or what it lacks.

Routes parse and render; ``sourcing.opportunities`` finds and explains, the policy decides what is offered
(``Action.SEE_OPPORTUNITY``, in the query).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai import matching
from rantai.catalog import repository as catalog_repo
from rantai.identity.policy import Action
from rantai.kit.errors import UserError
from rantai.kit.money import format_number, format_rupiah
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_, ascii_digits
from rantai.reference import repository as ref
from rantai.settings import Settings
from rantai.sourcing import opportunities, repository
from rantai.sourcing.wording import Vocabulary, describe, short_cert_name
from rantai.suppliers import repository as supplier_repo
from rantai.web.auth import require_action
from rantai.web.requestctx import DbSession, Viewer, get_settings_dep
from rantai.web.routes.needs import error_text
from rantai.web.templating import render

router = APIRouter()

# Open needs are offered to whoever manages a supplier's catalog (the rule's public right).
Supplier = require_action(Action.MANAGE_CATALOG)
PER_PAGE = 20
SORTS = {
    "newest": N_("Newest first"),
    "deadline": N_("Nearest deadline first"),
    "value": N_("Highest value first"),
    "fit": N_("Best fit first"),
}
DUE_LABELS = {7: N_("Within 7 days"), 30: N_("Within 30 days"), 90: N_("Within 90 days")}


def gap_text(viewer: Viewer, gap: matching.Gap, offers: dict[str, str]) -> str:
    """One gap in words. A gap whose lines have no budget says no value: unknown is not Rp0."""
    value = format_rupiah(gap.value, viewer.locale) if gap.value else ""
    if gap.kind == "cert" and gap.code:
        if value:
            return viewer._(
                "A valid %(cert)s certificate would open %(lines)s more needs worth %(value)s.",
                cert=short_cert_name(gap.code),
                lines=gap.lines,
                value=value,
            )
        return viewer._(
            "A valid %(cert)s certificate would open %(lines)s more needs (value not stated).",
            cert=short_cert_name(gap.code),
            lines=gap.lines,
        )
    if gap.kind == "capacity":
        params = {
            "product": offers.get(gap.offer_id or "", ""),
            "capacity": format_number(gap.needed_per_month or 0, viewer.locale),
            "lines": gap.lines,
        }
        if value:
            return viewer._(
                "Raising the capacity of %(product)s to %(capacity)s a month would open %(lines)s more needs "
                "worth %(value)s.",
                value=value,
                **params,
            )
        return viewer._(
            "Raising the capacity of %(product)s to %(capacity)s a month would open %(lines)s more needs "
            "(value not stated).",
            **params,
        )
    if value:
        return viewer._(
            "Getting your profile verified would open %(lines)s needs worth %(value)s.",
            lines=gap.lines,
            value=value,
        )
    return viewer._(
        "Getting your profile verified would open %(lines)s needs (value not stated).", lines=gap.lines
    )


def _card(
    viewer: Viewer, vocabulary: Vocabulary, item: opportunities.BrowsedLine, regions: dict[str, str]
) -> dict[str, Any]:
    line = item.line
    return {
        "need_id": line.need_id,
        "line_id": line.line_id,
        "name": line.name,
        "title": line.title,
        "buyer": line.buyer,
        "quantity": f"{format_number(line.quantity, viewer.locale)} {vocabulary.unit(line.unit_code)}"
        if line.quantity
        else "",
        "needed_by": line.needed_by,
        "budget": line.budget,
        "place": regions.get(line.delivery_kabkota_code or "", ""),
        "certs": [short_cert_name(code) for code in line.certifications],
        "offer": item.fit.offer.name if item.fit else None,
    }


def _region_names(db: Session, codes: set[str]) -> dict[str, str]:
    return {code: r.name for code in codes if (r := ref.get_region(db, code)) is not None}


@router.get("/opportunities")
def index(
    request: Request,
    q: str = "",
    province_code: str = "",
    min_value: str = "",
    max_value: str = "",
    due_within: str = "",
    fits: str = "",
    product: str = "",
    sort: str = "",
    page: int = 1,
    db: Session = DbSession,
    viewer: Viewer = Supplier,
) -> Response:
    """Every open need line offered to the supplier, newest first, with search words and filters."""
    values = {
        "q": q[:200],
        "province_code": province_code[:20],
        "min_value": min_value[:40],
        "max_value": max_value[:40],
        "due_within": due_within if due_within in {str(d) for d in DUE_LABELS} else "",
        "fits": "1" if fits else "",
        "product": product if ascii_digits(product) and len(product) <= 9 else "",
        "sort": sort if sort in SORTS else "",
    }
    profile = supplier_repo.by_organization(db, viewer.current_org.id)
    error: UserError | None = None
    try:
        wanted = opportunities.read_filter(
            text=q,
            province_code=province_code,
            min_value=min_value,
            max_value=max_value,
            due_within=due_within,
            sort=sort,
        )
    except UserError as exc:
        error, wanted = exc, opportunities.read_filter()
    found = opportunities.browse(
        db,
        actor=viewer.current_actor,
        supplier_id=profile.id if profile is not None else None,
        wanted=wanted,
        page=PageRequest(max(1, page), PER_PAGE),
        fits_only=bool(fits) and profile is not None,
        product_id=int(values["product"]) if values["product"] else None,
    )
    vocabulary = Vocabulary(db, viewer.locale)
    regions = _region_names(
        db, {i.line.delivery_kabkota_code for i in found.page.items if i.line.delivery_kabkota_code}
    )
    shown = {k: v for k, v in values.items() if v}
    filtered = any(v for k, v in values.items() if k != "sort")
    return render(
        request,
        "opportunities/index.html",
        viewer,
        {
            "page": found.page,
            "cards": [_card(viewer, vocabulary, item, regions) for item in found.page.items],
            "fitting": found.fitting,
            "has_profile": profile is not None,
            "products": [
                (str(p.id), p.name)
                for p in (
                    catalog_repo.products_of(db, profile.id, PageRequest(1, 100)).items
                    if profile is not None
                    else []
                )
            ],
            "values": values,
            "filtered": filtered,
            "provinces": [(r.code, r.name) for r in ref.region_children(db, None)],
            "due_choices": [(str(days), viewer._(label)) for days, label in DUE_LABELS.items()],
            "sorts": [
                (key, viewer._(label)) for key, label in SORTS.items() if key != "fit" or profile is not None
            ],
            "query_prefix": "/opportunities?" + urlencode(shown) + ("&" if shown else ""),
            "error": error_text(viewer, error),
            "field": error.field if error else None,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/opportunities/{need_id:id}")
def detail(
    request: Request,
    need_id: int,
    db: Session = DbSession,
    viewer: Viewer = Supplier,
    settings: Settings = Depends(get_settings_dep),
) -> Response:
    """An open need as a supplier sees it: each line, and why the supplier fits it or what it lacks."""
    offered = opportunities.offered_need_for(
        db,
        actor=viewer.current_actor,
        organization_id=viewer.current_org.id,
        need_id=need_id,
        data_dir=settings.data_dir,
        newcomer_slots=settings.newcomer_slots,
    )
    need, lines, fit, certs = offered.need, offered.lines, offered.fit, offered.certifications
    vocabulary = Vocabulary(db, viewer.locale)
    regions = _region_names(db, {line.delivery_kabkota_code for line in lines if line.delivery_kabkota_code})
    shown = []
    for line in lines:
        line_fit = fit.get(line.id)
        shown.append(
            {
                "line": line,
                "quantity": f"{format_number(line.quantity, viewer.locale)} {vocabulary.unit(line.unit_code)}"
                if line.quantity
                else "",
                "place": regions.get(line.delivery_kabkota_code or "", ""),
                "certs": [vocabulary.cert(code) for code in certs.get(line.id, [])],
                "fit": line_fit,
                "reasons": [describe(r, vocabulary) for r in line_fit.reasons] if line_fit else [],
                "lacks": [describe(r, vocabulary) for r in line_fit.lacks] if line_fit else [],
            }
        )
    return render(
        request,
        "opportunities/detail.html",
        viewer,
        {
            "need": need,
            "buyer": repository.buyer_name(db, need.organization_id),
            "lines": shown,
            "has_profile": offered.has_profile,
            "total": sum(line.budget for line in lines if line.budget is not None),
            "unknown_values": sum(1 for line in lines if line.budget is None),
        },
    )
