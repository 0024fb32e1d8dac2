"""Login, logout, registration, language switch and switching the active organization.

Every handler here is a plain ``def``: FastAPI runs it in its thread pool, so the database and the
password hash never block the event loop (issue #9, finding 2). A form the handler reads whole is parsed
by an ``async`` dependency, which is where awaiting belongs.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from rantai.db import all_or_nothing, begin_writing
from rantai.http import ReadFirstDbSession
from rantai.identity import service as identity
from rantai.identity.errors import MSG_BAD_LOGIN, AccountLocked, InvalidCredentials
from rantai.identity.mail import Mailer, OutboxMailer
from rantai.identity.roles import OrgType
from rantai.identity.throttle import LoginLimits
from rantai.kit.errors import Invalid, UserError
from rantai.kit.text import N_
from rantai.settings import Settings
from rantai.web.auth import MSG_SESSION_EXPIRED, get_viewer, require_viewer
from rantai.web.requestctx import (
    LANG_COOKIE,
    SESSION_COOKIE,
    DbSession,
    Viewer,
    cookie_secure,
    get_settings_dep,
    request_locale,
)
from rantai.web.templating import render

router = APIRouter()

MSG_REGISTERED = N_(
    "Thank you. If this email was new to Rantai, your business account has been created: log in below "
    "with the password you just chose. If the email already had an account, nothing was changed: log in "
    "with that account's password."
)


def client_address(request: Request, settings: Settings) -> str:
    """The address a request came from, for the login throttle. Without trusted proxies it is the
    connection's peer and X-Forwarded-For is ignored (anyone can write that header); behind
    ``trusted_proxy_count`` proxies it is the entry that many places from the right of the header,
    the one the outermost trusted proxy appended."""
    peer = request.client.host if request.client else "unknown"
    hops = settings.trusted_proxy_count
    if hops == 0:
        return peer
    entries = [
        entry.strip()
        for header in request.headers.getlist("x-forwarded-for")
        for entry in header.split(",")
        if entry.strip()
    ]
    if not entries:
        return peer
    return entries[-hops] if len(entries) >= hops else entries[0]


def login_limits(settings: Settings) -> LoginLimits:
    return LoginLimits(
        per_address_and_email=settings.login_max_failures,
        per_address=settings.login_address_max_failures,
        per_email=settings.login_email_max_failures,
        lockout_seconds=settings.login_lockout_seconds,
    )


def get_mailer(request: Request, db: Session = DbSession) -> Mailer:
    """The mail backend set on the application (``app.state.mailer``, tests), else the email outbox of
    the request's transaction."""
    mailer: Mailer | None = getattr(request.app.state, "mailer", None)
    return mailer if mailer is not None else OutboxMailer(db)


def set_session_cookie(response: Response, token: str, request: Request, settings: Settings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=cookie_secure(settings, request),
        path="/",
    )


def safe_next(value: str | None) -> str:
    """Only local paths: an open redirect would let a phishing link bounce through Rantai's login."""
    if value and value.startswith("/") and not value.startswith("//") and "\\" not in value:
        return value
    return "/"


@router.get("/login")
def login_form(
    request: Request, next: str | None = None, expired: int = 0, viewer: Viewer = Depends(get_viewer)
) -> Response:
    if viewer.user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    notice = viewer._(MSG_SESSION_EXPIRED) if expired or viewer.session_expired else None
    return render(
        request, "auth/login.html", viewer, {"next": safe_next(next), "notice": notice, "email": ""}
    )


@router.post("/login")
def login(
    request: Request,
    email: str = Form(""),
    password: str = Form(""),
    next: str = Form("/"),
    db: Session = ReadFirstDbSession,
    settings: Settings = Depends(get_settings_dep),
) -> Response:
    # Drawn as an anonymous viewer: reading the current session would open the request's writing
    # transaction (a POST's) and hold SQLite's write lock through the password hash.
    viewer = Viewer(locale=request_locale(request))
    if not email.strip() or not password:
        return render(
            request,
            "auth/login.html",
            viewer,
            {
                "next": safe_next(next),
                "email": email,
                "error": viewer._(N_("Enter your email and password.")),
            },
            status_code=422,
        )
    outcome = identity.authenticate(
        db,
        email=email,
        password=password,
        client_address=client_address(request, settings),
        limits=login_limits(settings),
        ready_to_write=begin_writing,
    )
    if outcome.user is None:
        error = outcome.error or InvalidCredentials(MSG_BAD_LOGIN)
        # The failure counters must persist even though the login failed: commit them here.
        db.commit()
        page = render(
            request,
            "auth/login.html",
            viewer,
            {
                "next": safe_next(next),
                "email": email,
                "error": viewer._(error.message, **error.params),
            },
            status_code=error.status_code,
        )
        if isinstance(error, AccountLocked):
            page.headers["Retry-After"] = str(60 * int(error.params.get("minutes", 1)))
        return page
    token, _web_session = identity.start_session(
        db,
        user=outcome.user,
        max_age_seconds=settings.session_max_age_seconds,
        user_agent=request.headers.get("user-agent"),
    )
    response = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(response, token, request, settings)
    if LANG_COOKIE not in request.cookies and outcome.user.locale in ("id", "en"):
        response.set_cookie(LANG_COOKIE, outcome.user.locale, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.post("/logout")
def logout(db: Session = DbSession, viewer: Viewer = Depends(get_viewer)) -> Response:
    if viewer.web_session is not None:
        identity.end_session(db, viewer.web_session)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.post("/lang")
def switch_language(
    locale: str = Form("id"),
    next: str = Form("/"),
    db: Session = DbSession,
    viewer: Viewer = Depends(get_viewer),
) -> Response:
    chosen = locale if locale in ("id", "en") else "id"
    if viewer.user is not None:
        identity.set_locale(db, user=viewer.user, locale=chosen)
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(LANG_COOKIE, chosen, max_age=365 * 86400, samesite="lax", path="/")
    return response


@router.post("/org/switch")
def switch_organization(
    organization_id: int = Form(...),
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    identity.switch_organization(db, viewer.current_session, viewer.current_actor, organization_id)
    return RedirectResponse("/", status_code=303)


@router.get("/register")
def register_form(request: Request, viewer: Viewer = Depends(get_viewer)) -> Response:
    if viewer.user is not None:
        return RedirectResponse("/", status_code=303)
    return render(request, "auth/register.html", viewer, {"values": {"org_type": "umkm"}})


async def register_form_values(request: Request) -> dict[str, str]:
    """The registration form's text fields (awaiting the body here keeps the handler synchronous)."""
    form = await request.form()
    return {key: value for key, value in form.items() if isinstance(value, str)}


@router.post("/register")
def register(
    request: Request,
    values: dict[str, str] = Depends(register_form_values),
    db: Session = DbSession,
    mailer: Mailer = Depends(get_mailer),
    viewer: Viewer = Depends(get_viewer),
) -> Response:
    """Self-registration of an UMKM or cooperative owner.

    A new email and one that already has an account get the same page (the login form with a notice
    that covers both cases), so this form cannot be used to find out who has an account (issue #9,
    finding 7); the owner of a known email is told by mail. The new owner then logs in, and lands on
    the onboarding.
    """
    values.pop("csrf_token", None)
    try:
        org_type = OrgType(values.get("org_type", ""))
        with all_or_nothing(db):
            identity.register_owner(
                db,
                full_name=values.get("full_name", ""),
                email=values.get("email", ""),
                password=values.get("password", ""),
                organization_name=values.get("organization_name", ""),
                org_type=org_type,
                mailer=mailer,
                locale=viewer.locale,
            )
    except ValueError:
        error: UserError = Invalid(N_("Choose the kind of business."), field="org_type")
    except UserError as exc:
        error = exc
    else:
        return render(
            request,
            "auth/login.html",
            viewer,
            {
                "next": "/supplier/onboarding",
                "email": values.get("email", "").strip(),
                "notice": viewer._(MSG_REGISTERED),
            },
        )
    values.pop("password", None)
    return render(
        request,
        "auth/register.html",
        viewer,
        {"values": values, "error": viewer._(error.message, **error.params), "field": error.field},
        status_code=error.status_code,
    )
