"""The home page: a dashboard that fits the active organization's type, or the login page."""

from __future__ import annotations

from babel.dates import format_date
from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from rantai.http import DbSession
from rantai.identity.policy import Action, dashboard_kind
from rantai.identity.roles import OrgType, Role
from rantai.kit.money import format_number, format_rupiah
from rantai.sourcing import opportunities
from rantai.sourcing.wording import Vocabulary, describe, short_cert_name
from rantai.suppliers import repository as supplier_repo
from rantai.web.auth import get_viewer, require_action
from rantai.web.requestctx import Viewer
from rantai.web.routes.opportunities import gap_text
from rantai.web.templating import render

router = APIRouter()


@router.get("/")
def home(request: Request, viewer: Viewer = Depends(get_viewer)) -> Response:
    if viewer.user is None:
        target = "/login?expired=1" if viewer.session_expired else "/login"
        return RedirectResponse(target, status_code=303)
    org = viewer.organization
    roles: list[Role] = []
    if org is not None and viewer.actor is not None:
        roles = sorted(viewer.actor.roles.get(org.id, frozenset()), key=list(Role).index)
    return render(
        request,
        "home/dashboard.html",
        viewer,
        {
            "kind": dashboard_kind(viewer.actor, org.id if org else None),
            "org": org,
            "org_type_label": OrgType(org.org_type).label if org else "",
            "roles": roles,
        },
    )


_BABEL = {"id": "id_ID", "en": "en_US"}


@router.get("/supplier/opportunities")
def supplier_opportunities(
    request: Request, db: Session = DbSession, viewer: Viewer = require_action(Action.MANAGE_CATALOG)
) -> Response:
    """The supplier home's opportunities and gaps (loaded into the dashboard by HTMX)."""
    profile = supplier_repo.by_organization(db, viewer.current_org.id)
    found = (
        opportunities.opportunities_for(db, profile.id, actor=viewer.current_actor)
        if profile is not None
        else None
    )
    vocabulary = Vocabulary(db, viewer.locale)
    locale = _BABEL.get(viewer.locale, "id_ID")
    items = []
    for recommendation, shown in found.recommended if found else ():
        line = shown
        items.append(
            {
                "name": line.name,
                "need_id": line.need_id,
                "line_id": line.line_id,
                "buyer": shown.buyer,
                "quantity": f"{format_number(line.quantity, viewer.locale)} {vocabulary.unit(line.unit_code)}"
                if line.quantity
                else "",
                "needed_by": format_date(line.needed_by, "d MMM yyyy", locale=locale)
                if line.needed_by
                else "",
                "budget": format_rupiah(line.budget, viewer.locale) if line.budget else "",
                "certs": [short_cert_name(code) for code in shown.certifications],
                "offer": recommendation.offer.name,
                "reasons": [describe(reason, vocabulary) for reason in recommendation.reasons],
            }
        )
    gaps = [
        {"kind": gap.kind, "text": gap_text(viewer, gap, found.offers if found else {})}
        for gap in (found.gaps if found else ())
    ]
    return render(
        request,
        "home/_opportunities.html",
        viewer,
        {
            "has_profile": profile is not None,
            "items": items,
            "gaps": gaps,
            "open_lines": found.open_lines if found else 0,
        },
    )
