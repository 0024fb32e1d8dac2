"""The user's notifications: the inbox (``/notifications``) and what they choose to receive
(``/account/notifications``). Every query is narrowed to the viewer, so another user's notice is never
listed, and marking one is a 404 (``notifications.service.mark_read``).

Every handler is a plain ``def`` (run in FastAPI's thread pool; issue #9, finding 2).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.kit.pagination import MAX_PAGE, PageRequest
from rantai.notifications import service as notifications
from rantai.notifications.kinds import KINDS
from rantai.settings import Settings
from rantai.web.auth import require_viewer
from rantai.web.forms import PostedForm
from rantai.web.requestctx import DbSession, Viewer, get_settings_dep
from rantai.web.templating import render

router = APIRouter()

Order = Literal["unread", "newest"]


def _back(form: FormData) -> str:
    """The inbox page the form was sent from (only its own query: never another address)."""
    page = str(form.get("page", "1"))
    order = "newest" if form.get("order") == "newest" else "unread"
    number = int(page) if page.isascii() and page.isdigit() and 0 < len(page) < 8 else 1
    return f"/notifications?page={number}&order={order}"


@router.get("/notifications")
def inbox(
    request: Request,
    page: int = 1,
    order: Order = "unread",
    db: Session = DbSession,
    settings: Settings = Depends(get_settings_dep),
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    user = viewer.current_user
    request_page = PageRequest(page=min(max(1, page), MAX_PAGE), per_page=settings.page_size_default)
    result = notifications.inbox(db, user.id, request_page, unread_first=order == "unread")
    items = [notifications.shown(item, viewer.locale) for item in result.items]
    return render(
        request, "notifications/index.html", viewer, {"page": result, "items": items, "order": order}
    )


@router.post("/notifications/{notification_id:id}/read")
def mark_read(
    notification_id: int,
    form: FormData = PostedForm,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    notifications.mark_read(db, viewer.current_user.id, notification_id)
    return RedirectResponse(_back(form), status_code=303)


@router.post("/notifications/read-all")
def mark_all_read(
    form: FormData = PostedForm, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    notifications.mark_all_read(db, viewer.current_user.id)
    return RedirectResponse(_back(form), status_code=303)


@router.get("/account/notifications")
def preferences(
    request: Request, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    choices = notifications.preferences(db, viewer.current_user.id)
    return render(request, "notifications/preferences.html", viewer, {"choices": choices})


@router.post("/account/notifications")
def save_preferences(
    request: Request,
    form: FormData = PostedForm,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    """Every kind is on the form, each with two checkboxes; a box left unticked is sent as nothing."""
    chosen = {code: (form.get(f"inbox-{code}") == "on", form.get(f"email-{code}") == "on") for code in KINDS}
    choices = notifications.set_preferences(db, viewer.current_user.id, chosen)
    return render(request, "notifications/preferences.html", viewer, {"choices": choices, "saved": True})
