"""API dependencies: the bearer token, the actor it stands for, paging parameters."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from fastapi import BackgroundTasks, Depends, Query, Request
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from rantai.db import transaction
from rantai.http import DbSession, get_settings_dep
from rantai.identity import service as identity
from rantai.identity.models import ApiToken, User
from rantai.identity.policy import Actor
from rantai.kit.errors import Unauthorized
from rantai.kit.pagination import MAX_PAGE, PageRequest
from rantai.kit.text import N_
from rantai.settings import Settings


@dataclass(frozen=True, slots=True)
class ApiCaller:
    token: ApiToken
    user: User
    actor: Actor

    @property
    def organization_id(self) -> int:
        return self.token.organization_id


log = logging.getLogger(__name__)


def _touch_token(factory: sessionmaker[Session], token_id: int) -> None:
    """Record the token's use after the answer was sent, in a transaction of its own. A database busy with
    another writer skips it (the next call tries again); the call itself was answered either way."""
    try:
        with transaction(factory, write=True) as session:
            identity.touch_api_token(session, token_id)
    except OperationalError as error:
        log.info("API token use not recorded (%s); the next call tries again", error.orig)


def api_caller(request: Request, background: BackgroundTasks, db: Session = DbSession) -> ApiCaller:
    """The caller behind ``Authorization: Bearer <token>``. Cookies are never accepted here, which is
    why the API needs no CSRF token."""
    header = request.headers.get("authorization", "")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized(N_("Send a valid API token in the Authorization header: 'Bearer <token>'."))
    resolved = identity.resolve_api_token(db, secret.strip())
    if resolved is None:
        raise Unauthorized(N_("This API token is unknown, expired or revoked. Ask for a new one."))
    token, user, actor = resolved
    if identity.token_touch_due(token):
        background.add_task(_touch_token, request.app.state.session_factory, token.id)
    return ApiCaller(token=token, user=user, actor=actor)


def page_request(
    page: int = Query(1, ge=1, le=MAX_PAGE, description="Page number, starting at 1."),
    per_page: int | None = Query(
        None, ge=1, le=1000, description="Items per page (default 25; more than 100 gives 100)."
    ),
    settings: Settings = Depends(get_settings_dep),
) -> PageRequest:
    size = min(per_page or settings.page_size_default, settings.page_size_max)
    return PageRequest(page=page, per_page=size)
