"""Password reset by email (issue #13): the "Forgot your password?" form and the page the emailed link
opens. Rules live in ``identity.recovery``; both pages are public, and the first answers every email
the same way."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from rantai.db import all_or_nothing
from rantai.identity import recovery
from rantai.identity.mail import Mailer
from rantai.identity.throttle import ResetLimits
from rantai.kit.errors import Invalid, UserError
from rantai.kit.text import N_
from rantai.settings import Settings
from rantai.web.auth import get_viewer
from rantai.web.requestctx import DbSession, Viewer, get_settings_dep
from rantai.web.routes.auth import client_address, get_mailer
from rantai.web.templating import render

router = APIRouter()

MSG_SENT = N_(
    "If an account uses %(email)s, a link to choose a new password is on its way there. It works once, "
    "within an hour. No email? Check the spam folder, or ask again in a few minutes."
)
# The link's token must not leak to another site through the Referer header.
_NO_REFERRER = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


@router.get("/password/forgot")
def forgot_form(request: Request, viewer: Viewer = Depends(get_viewer)) -> Response:
    return render(request, "auth/forgot.html", viewer, {"email": ""})


@router.post("/password/forgot")
def forgot(
    request: Request,
    email: str = Form(""),
    db: Session = DbSession,
    mailer: Mailer = Depends(get_mailer),
    settings: Settings = Depends(get_settings_dep),
    viewer: Viewer = Depends(get_viewer),
) -> Response:
    """The same answer for every well-formed email, known or not, throttled or not."""
    typed = email.strip()
    if "@" not in typed or len(typed) > 254:
        error = viewer._(N_("Enter a valid email address, like nama@contoh.co.id."))
        return render(request, "auth/forgot.html", viewer, {"email": typed, "error": error}, status_code=422)
    recovery.request_reset(
        db, email=typed, client_address=client_address(request, settings), mailer=mailer, limits=ResetLimits()
    )
    return render(
        request, "auth/forgot.html", viewer, {"email": "", "notice": viewer._(MSG_SENT, email=typed)}
    )


@router.get("/password/reset/{token}")
def reset_form(
    request: Request, token: str, db: Session = DbSession, viewer: Viewer = Depends(get_viewer)
) -> Response:
    usable = recovery.link_is_usable(db, token)
    page = render(
        request,
        "auth/reset.html",
        viewer,
        {"token": token, "usable": usable, "error": None if usable else viewer._(recovery.MSG_LINK_INVALID)},
        status_code=200 if usable else 410,
    )
    page.headers.update(_NO_REFERRER)
    return page


@router.post("/password/reset/{token}")
def reset(
    request: Request,
    token: str,
    new_password: str = Form(""),
    confirm_password: str = Form(""),
    db: Session = DbSession,
    viewer: Viewer = Depends(get_viewer),
) -> Response:
    try:
        with all_or_nothing(db):
            if new_password != confirm_password:
                raise Invalid(N_("The two new passwords are not the same."), field="confirm_password")
            user = recovery.reset_password(db, token=token, new_password=new_password)
    except UserError as exc:
        page = render(
            request,
            "auth/reset.html",
            viewer,
            {
                "token": token,
                "usable": exc.field != "token",
                "error": viewer._(exc.message, **exc.params),
                "field": exc.field,
            },
            status_code=exc.status_code,
        )
        page.headers.update(_NO_REFERRER)
        return page
    page = render(
        request,
        "auth/login.html",
        viewer,
        {
            "next": "/",
            "email": user.email,
            "notice": viewer._(N_("Your password is changed. Log in with the new one.")),
        },
    )
    page.headers.update(_NO_REFERRER)
    return page
