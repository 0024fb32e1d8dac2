"""Who is logged in (from the session cookie) and the CSRF check that guards every form."""

from __future__ import annotations

import hmac
import logging
from functools import partial
from typing import Any

from fastapi import BackgroundTasks, Depends, Request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from rantai.db import transaction
from rantai.identity import repository as identity_repo
from rantai.identity import service as identity
from rantai.identity.policy import Action
from rantai.kit.errors import Forbidden
from rantai.kit.text import N_
from rantai.notifications import service as notifications
from rantai.settings import Settings
from rantai.web.requestctx import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    DbSession,
    LoginRequired,
    OrgRef,
    Viewer,
    get_settings_dep,
    request_locale,
)


class CsrfFailed(Forbidden):
    code = "csrf-failed"


MSG_CSRF = N_(
    "This form has expired or did not come from Rantai. Reload the page and send it again; nothing was saved."
)
MSG_SESSION_EXPIRED = N_("Your session has ended. Log in again to continue.")

log = logging.getLogger(__name__)


def get_viewer(
    request: Request,
    background: BackgroundTasks,
    db: Session = DbSession,
    settings: Settings = Depends(get_settings_dep),
) -> Viewer:
    """The current viewer; anonymous when there is no valid session cookie.

    Reading who is looking writes nothing: the session's sliding expiry, when due, is extended after the
    page is sent, in a transaction of its own (`_touch_session`), so a page view never waits for the
    write lock nor fails because another request holds it (issue #9, finding 3)."""
    locale = request_locale(request)
    token = request.cookies.get(SESSION_COOKIE)
    viewer = Viewer(locale=locale)
    if token:
        resolved = identity.resolve_session(
            db, token, max_age_seconds=settings.session_max_age_seconds, touch=False
        )
        if resolved is None:
            viewer.session_expired = True
        else:
            web_session, user = resolved
            if request.cookies.get("rantai_lang") not in ("id", "en"):
                viewer.locale = user.locale if user.locale in ("id", "en") else locale
            # One read of the memberships gives both the menus' organizations and the policy's actor.
            pairs = identity_repo.memberships_with_orgs(db, user.id)
            orgs: dict[int, OrgRef] = {}
            for _membership, org in pairs:
                orgs.setdefault(org.id, OrgRef.of(org))
            viewer.user = user
            viewer.name = user.full_name
            viewer.web_session = web_session
            viewer.count_unread = partial(_count_unread, db, user.id)
            viewer.actor = identity.actor_of(user, pairs)
            viewer.organizations = tuple(orgs.values())
            active = web_session.active_organization_id
            viewer.organization = orgs.get(active) if active else None
            if viewer.organization is None and viewer.organizations:
                viewer.organization = viewer.organizations[0]
            if identity.session_touch_due(web_session):
                background.add_task(
                    _touch_session,
                    request.app.state.session_factory,
                    token,
                    settings.session_max_age_seconds,
                )
    request.state.viewer = viewer
    return viewer


def _count_unread(db: Session, user_id: int) -> int:
    """The header's unread count, read in the request's transaction while it is open (an error page
    drawn after it ended shows none rather than open another)."""
    return notifications.unread_count(db, user_id) if db.in_transaction() else 0


def _touch_session(factory: sessionmaker[Session], token: str, max_age_seconds: int) -> None:
    """Extend a session's sliding expiry after its page was sent. A database busy with another writer
    skips it (on SQLite a deferred transaction that read cannot wait to write: it fails at once), and the
    next page view tries again; the page itself has been answered either way."""
    try:
        with transaction(factory) as session:
            identity.touch_session(session, token, max_age_seconds=max_age_seconds)
    except OperationalError as error:
        log.info("session expiry not extended (%s); the next page view tries again", error.orig)


async def require_viewer(viewer: Viewer = Depends(get_viewer)) -> Viewer:
    # async: it only looks at the viewer, so it runs on the event loop instead of taking a thread.
    if viewer.user is None:
        raise LoginRequired(MSG_SESSION_EXPIRED if viewer.session_expired else N_("Log in to continue."))
    return viewer


def require_action(action: Action) -> Any:
    """A dependency that lets the request through only when the policy allows ``action`` on the
    viewer's active organization."""

    async def check(viewer: Viewer = Depends(require_viewer)) -> Viewer:  # the policy is pure: no thread
        if not viewer.can(action):
            raise Forbidden(N_("Your role does not allow this. Ask your organization's administrator."))
        return viewer

    return Depends(check)


async def csrf_protect(request: Request) -> None:
    """Double-submit check on every state-changing browser request: the form field (or the
    ``X-CSRF-Token`` header HTMX sends) must equal the CSRF cookie. Runs before any handler writes."""
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    cookie = request.cookies.get(CSRF_COOKIE, "")
    sent = request.headers.get("x-csrf-token", "")
    if not sent:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else ""
    if not cookie or not sent or not hmac.compare_digest(cookie, sent):
        raise CsrfFailed(MSG_CSRF)
