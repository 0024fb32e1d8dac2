"""The home page: a dashboard that fits the active organization's type, or the login page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from rantai.identity.roles import BUYER_TYPES, SUPPLIER_TYPES, OrgType, Role
from rantai.web.auth import get_viewer
from rantai.web.requestctx import Viewer
from rantai.web.templating import render

router = APIRouter()


def dashboard_kind(org_type: str | None) -> str:
    """Which dashboard an organization type sees."""
    if org_type is None:
        return "none"
    kind = OrgType(org_type)
    if kind in SUPPLIER_TYPES:
        return "supplier"
    if kind in BUYER_TYPES:
        return "buyer"
    return {
        OrgType.LEMBAGA_PEMBIAYAAN: "lender",
        OrgType.KEMENTERIAN_DINAS: "government",
        OrgType.OPERATOR_PLATFORM: "operator",
    }[kind]


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
            "kind": dashboard_kind(org.org_type if org else None),
            "org": org,
            "org_type_label": OrgType(org.org_type).label if org else "",
            "roles": roles,
        },
    )
