"""Per-request state of the browser door: who is looking (the viewer), in which language, cookies."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request

from rantai.http import DbSession, get_settings_dep
from rantai.i18n import DEFAULT_LOCALE, translate
from rantai.identity.models import Organization, User, WebSession
from rantai.identity.policy import Action, Actor, OwnedByOrganization, can
from rantai.kit.errors import Forbidden, UserError
from rantai.kit.text import N_
from rantai.settings import Settings

__all__ = ["DbSession", "get_settings_dep"]  # re-exported for the web routes

LANG_COOKIE = "rantai_lang"
SESSION_COOKIE = "rantai_session"
CSRF_COOKIE = "rantai_csrf"


class LoginRequired(UserError):
    """Raised by pages that need a login; the web door turns it into a redirect to the login page."""

    status_code = 401
    code = "login-required"


@dataclass(frozen=True, slots=True)
class OrgRef:
    """A plain copy of an organization for menus and the policy. Plain, so that an error page drawn after
    the request's transaction was rolled back never touches an expired ORM object."""

    id: int
    name: str
    org_type: str

    @property
    def organization_id(self) -> int:
        return self.id

    @classmethod
    def of(cls, org: Organization) -> OrgRef:
        return cls(id=org.id, name=org.name, org_type=org.org_type)


@dataclass
class Viewer:
    """Who is looking at this page and in which language."""

    locale: str
    user: User | None = None
    name: str = ""
    actor: Actor | None = None
    web_session: WebSession | None = None
    organization: OrgRef | None = None
    organizations: tuple[OrgRef, ...] = ()
    session_expired: bool = False
    # Counts the viewer's unread notifications when the page header is drawn (set by ``web.auth``): one
    # indexed read, and none at all for a page that draws no header (an HTMX fragment).
    count_unread: Callable[[], int] | None = None

    def unread_notifications(self) -> int:
        return self.count_unread() if self.count_unread is not None else 0

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

    # The accessors below narrow the optional fields for routes that already required a login.
    @property
    def current_user(self) -> User:
        if self.user is None:
            raise LoginRequired(N_("Log in to continue."))
        return self.user

    @property
    def current_actor(self) -> Actor:
        if self.actor is None:
            raise LoginRequired(N_("Log in to continue."))
        return self.actor

    @property
    def current_session(self) -> WebSession:
        if self.web_session is None:
            raise LoginRequired(N_("Log in to continue."))
        return self.web_session

    @property
    def current_org(self) -> OrgRef:
        if self.organization is None:
            raise Forbidden(N_("You are not part of any organization yet."))
        return self.organization


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
