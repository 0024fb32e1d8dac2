"""Joining an organization through an emailed invitation (issue #13): ``/join/<token>``. A new email
sets its name and password; an email with an account accepts while logged in to it. Rules live in
``identity.invitations``; the token is the proof, so the page is public."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from rantai.db import all_or_nothing
from rantai.identity import invitations
from rantai.kit.errors import Invalid, UserError
from rantai.kit.text import N_
from rantai.web.auth import get_viewer
from rantai.web.requestctx import DbSession, Viewer
from rantai.web.templating import render

router = APIRouter()

_NO_REFERRER = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def _page(
    request: Request,
    db: Session,
    viewer: Viewer,
    token: str,
    *,
    error: UserError | None = None,
    values: dict[str, str] | None = None,
) -> Response:
    opened = invitations.open_link(db, token)
    message = error or (None if opened is not None else Invalid(invitations.MSG_LINK_DEAD))
    page = render(
        request,
        "auth/join.html",
        viewer,
        {
            "token": token,
            "opened": opened,
            "role_label": opened.role.label if opened else "",
            "same_user": opened is not None
            and viewer.user is not None
            and viewer.user.email == opened.invitation.email,
            "values": values or {},
            "error": viewer._(message.message, **message.params) if message else None,
            "field": error.field if error else None,
        },
        status_code=(error.status_code if error else 200) if opened else 410,
    )
    page.headers.update(_NO_REFERRER)
    return page


@router.get("/join/{token}")
def join_form(
    request: Request, token: str, db: Session = DbSession, viewer: Viewer = Depends(get_viewer)
) -> Response:
    return _page(request, db, viewer, token)


@router.post("/join/{token}")
def join(
    request: Request,
    token: str,
    full_name: str = Form(""),
    password: str = Form(""),
    confirm_password: str = Form(""),
    db: Session = DbSession,
    viewer: Viewer = Depends(get_viewer),
) -> Response:
    try:
        with all_or_nothing(db):
            if viewer.user is not None:
                invitations.accept_as(db, token=token, user=viewer.user)
            else:
                if password != confirm_password:
                    raise Invalid(N_("The two new passwords are not the same."), field="confirm_password")
                user = invitations.accept_new(db, token=token, full_name=full_name, password=password)
    except UserError as exc:
        return _page(request, db, viewer, token, error=exc, values={"full_name": full_name})
    if viewer.user is not None:
        return RedirectResponse("/", status_code=303)
    page = render(
        request,
        "auth/login.html",
        viewer,
        {
            "next": "/",
            "email": user.email,
            "notice": viewer._(N_("Welcome! Your account is ready: log in with the password you chose.")),
        },
    )
    page.headers.update(_NO_REFERRER)
    return page
