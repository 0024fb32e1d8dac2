"""A buyer's profile (issue #12): its name and kind and how fast it pays, for anyone logged in — the
days-to-pay every supplier should know before it quotes (aggregate figures only: no invoice, no
supplier). Anything that is not a buyer is not found."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.identity.roles import OrgType
from rantai.orders import reading
from rantai.web.auth import require_viewer
from rantai.web.requestctx import DbSession, Viewer
from rantai.web.routes.orders import pays_in_words
from rantai.web.templating import render

router = APIRouter()


@router.get("/buyers/{organization_id:id}", response_class=HTMLResponse)
def buyer_profile(
    request: Request, organization_id: int, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> HTMLResponse:
    profile = reading.buyer_profile(db, organization_id)
    context = {
        "profile": profile,
        "type_label": OrgType(profile.org_type).label,
        "pays": pays_in_words(viewer, profile.pays) if profile.pays.invoices else None,
    }
    return render(request, "buyers/profile.html", viewer, context)
