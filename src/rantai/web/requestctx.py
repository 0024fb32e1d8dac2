"""Per-request state shared by the web and API doors: the database session, the user, the language."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fastapi import Depends, Request
from sqlalchemy.orm import Session, sessionmaker

from rantai.i18n import DEFAULT_LOCALE, translate
from rantai.identity.models import Organization, User, WebSession
from rantai.identity.policy import Action, Actor, OwnedByOrganization, can
from rantai.settings import Settings

LANG_COOKIE = "rantai_lang"
SESSION_COOKIE = "rantai_session"
CSRF_COOKIE = "rantai_csrf"


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_db(request: Request) -> Iterator[Session]:
    """One transaction per request: commit when the handler returns, roll back when it raises."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function": the commit happens before the response is sent, so a failed commit is an error page
# rather than a success page for a change that was lost.
DbSession = Depends(get_db, scope="function")


@dataclass
class Viewer:
    """Who is looking at this page and in which language."""

    locale: str
    user: User | None = None
    actor: Actor | None = None
    web_session: WebSession | None = None
    organization: Organization | None = None
    organizations: tuple[Organization, ...] = ()
    session_expired: bool = False

    def _(self, message: str, **params: object) -> str:
        return translate(self.locale, message, **params)

    def can(self, action: Action | str, resource: OwnedByOrganization | None = None) -> bool:
        """Ask the policy; ``resource`` defaults to the active organization."""
        if resource is None:
            if self.organization is None:
                return False
            resource = self.organization
        return can(self.actor, Action(action), resource)

    @property
    def organization_id(self) -> int | None:
        return self.organization.id if self.organization else None


def request_locale(request: Request) -> str:
    """The language chosen with the switch (cookie), else the user's saved choice, else Indonesian."""
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in ("id", "en"):
        return cookie
    return DEFAULT_LOCALE


def cookie_secure(settings: Settings, request: Request) -> bool:
    """Whether cookies get the Secure flag: over https (directly or behind a proxy), or as configured."""
    if settings.cookie_secure == "always":
        return True
    if settings.cookie_secure == "never":
        return False
    forwarded = request.headers.get("x-forwarded-proto", "")
    return request.url.scheme == "https" or forwarded.split(",")[0].strip() == "https"
