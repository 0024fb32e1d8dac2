"""Login, logout, language switch and switching the active organization."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from rantai.identity import service as identity
from rantai.identity.errors import MSG_BAD_LOGIN, InvalidCredentials
from rantai.identity.roles import OrgType
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
)
from rantai.web.templating import render

router = APIRouter()


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
    db: Session = DbSession,
    settings: Settings = Depends(get_settings_dep),
    viewer: Viewer = Depends(get_viewer),
) -> Response:
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
        max_failures=settings.login_max_failures,
        lockout_seconds=settings.login_lockout_seconds,
    )
    if outcome.user is None:
        error = outcome.error or InvalidCredentials(MSG_BAD_LOGIN)
        # The failure counter must persist even though the login failed: commit it here.
        db.commit()
        return render(
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
    token, _web_session = identity.start_session(
        db,
        user=outcome.user,
        max_age_seconds=settings.session_max_age_seconds,
        user_agent=request.headers.get("user-agent"),
    )
    response = RedirectResponse(safe_next(next), status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_max_age_seconds,
        httponly=True,
        samesite="lax",
        secure=cookie_secure(settings, request),
        path="/",
    )
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


@router.post("/register")
async def register(
    request: Request,
    db: Session = DbSession,
    settings: Settings = Depends(get_settings_dep),
    viewer: Viewer = Depends(get_viewer),
) -> Response:
    """Self-registration of an UMKM or cooperative owner; logs them in and starts the onboarding."""
    form = await request.form()
    values = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        org_type = OrgType(values.get("org_type", ""))
        user, _org = identity.register_owner(
            db,
            full_name=values.get("full_name", ""),
            email=values.get("email", ""),
            password=values.get("password", ""),
            organization_name=values.get("organization_name", ""),
            org_type=org_type,
            locale=viewer.locale,
        )
    except ValueError:
        error: UserError = Invalid(N_("Choose the kind of business."), field="org_type")
    except UserError as exc:
        error = exc
    else:
        token, _web_session = identity.start_session(
            db,
            user=user,
            max_age_seconds=settings.session_max_age_seconds,
            user_agent=request.headers.get("user-agent"),
        )
        response = RedirectResponse("/supplier/onboarding", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            token,
            max_age=settings.session_max_age_seconds,
            httponly=True,
            samesite="lax",
            secure=cookie_secure(settings, request),
            path="/",
        )
        return response
    db.rollback()
    values.pop("password", None)
    return render(
        request,
        "auth/register.html",
        viewer,
        {"values": values, "error": viewer._(error.message, **error.params), "field": error.field},
        status_code=error.status_code,
    )
