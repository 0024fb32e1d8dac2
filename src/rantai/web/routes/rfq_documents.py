"""The printed RFQ (issue #11): the request as its invitees receive it, in Bahasa Indonesia with the
buyer's language beside every label when the buyer is foreign. Found by its buyer and its invitees
(``rfq.printing.rfq_content`` asks ``get_rfq``: anyone else is told it does not exist)."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.documents import render
from rantai.sourcing.rfq import printing, service
from rantai.web.auth import require_viewer
from rantai.web.requestctx import DbSession, Viewer

router = APIRouter()

STYLESHEET_HREF = "/print/document.css"


@router.get("/rfqs/{rfq_id:id}/print")
def print_rfq(rfq_id: int, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)) -> HTMLResponse:
    rfq = service.get_rfq(db, actor=viewer.actor, rfq_id=rfq_id)
    content = printing.rfq_content(db, actor=viewer.actor, rfq=rfq)
    back = f"/rfqs/{rfq.id}" if service.is_buyer_of(viewer.actor, rfq) else f"/invitations/{rfq.id}"
    screen = render.Screen(STYLESHEET_HREF, ((back, viewer._("Back to the request")),))
    return HTMLResponse(
        render.html_of(content, screen=screen), headers={"Cache-Control": "private, no-cache"}
    )
