"""The organization's own administration: members, API tokens, audit log, and the user's password.

Every handler is a plain ``def`` (run in FastAPI's thread pool, so the database never blocks the event
loop; issue #9, finding 2).
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.audit import repository as audit_repo
from rantai.audit import wording
from rantai.audit.models import AuditEvent
from rantai.db import all_or_nothing
from rantai.identity import invitations
from rantai.identity import repository as identity_repo
from rantai.identity import service as identity
from rantai.identity.mail import Mailer
from rantai.identity.policy import Action, grantable_roles
from rantai.identity.roles import Role, role_label
from rantai.kit.errors import Invalid, UserError
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_
from rantai.settings import Settings
from rantai.web.auth import require_action, require_viewer
from rantai.web.requestctx import DbSession, Viewer, get_settings_dep
from rantai.web.routes.auth import client_address, get_mailer, login_limits, set_session_cookie
from rantai.web.templating import render

router = APIRouter(prefix="/account")

ViewerMembers = require_action(Action.VIEW_ORGANIZATION)
ViewerTokens = require_action(Action.MANAGE_API_TOKENS)
ViewerAudit = require_action(Action.VIEW_AUDIT_LOG)


ViewerInvites = require_action(Action.MANAGE_MEMBERS)


def _members_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    *,
    values: dict[str, str] | None = None,
    error: UserError | None = None,
    notice: str | None = None,
) -> Response:
    """The members, and for those who manage them the invitation form and the pending invitations."""
    rows = identity_repo.members_of(db, viewer.current_org.id)
    people = [(user, [Role(r) for r in roles]) for user, roles in rows]
    manages = viewer.can(Action.MANAGE_MEMBERS)
    org_id = viewer.current_org.id
    return render(
        request,
        "account/members.html",
        viewer,
        {
            "people": people,
            "manages": manages,
            "invitations": invitations.pending_of(db, actor=viewer.current_actor, organization_id=org_id)
            if manages
            else [],
            "roles": [(r.value, viewer._(r.label)) for r in grantable_roles(viewer.current_actor, org_id)],
            "values": values or {},
            "error": viewer._(error.message, **error.params) if error else None,
            "field": error.field if error else None,
            "notice": notice,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("/members")
def members(request: Request, db: Session = DbSession, viewer: Viewer = ViewerMembers) -> Response:
    return _members_page(request, db, viewer)


@router.post("/members/invite")
def invite_member(
    request: Request,
    email: str = Form(""),
    role: str = Form(""),
    db: Session = DbSession,
    mailer: Mailer = Depends(get_mailer),
    viewer: Viewer = ViewerInvites,
) -> Response:
    """Invite an email with a role (issue #13); the invitee gets a link by email."""
    try:
        with all_or_nothing(db):
            invitation = invitations.invite(
                db,
                actor=viewer.current_actor,
                inviter=viewer.current_user,
                organization_id=viewer.current_org.id,
                email=email,
                role=role,
                mailer=mailer,
            )
    except UserError as exc:
        return _members_page(request, db, viewer, values={"email": email, "role": role}, error=exc)
    notice = viewer._(N_("An invitation is on its way to %(email)s."), email=invitation.email)
    return _members_page(request, db, viewer, notice=notice)


@router.post("/members/invitations/{invitation_id:id}/revoke")
def revoke_invitation(
    request: Request, invitation_id: int, db: Session = DbSession, viewer: Viewer = ViewerInvites
) -> Response:
    invitations.revoke(
        db, actor=viewer.current_actor, organization_id=viewer.current_org.id, invitation_id=invitation_id
    )
    return _members_page(request, db, viewer, notice=viewer._(N_("The invitation is revoked.")))


def _tokens_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    *,
    new_secret: str | None = None,
    error: str | None = None,
    name: str = "",
    status_code: int = 200,
) -> Response:
    tokens = identity_repo.api_tokens_of(db, viewer.current_org.id)
    return render(
        request,
        "account/tokens.html",
        viewer,
        {"tokens": tokens, "new_secret": new_secret, "error": error, "name": name},
        status_code=status_code,
    )


@router.get("/tokens")
def tokens(request: Request, db: Session = DbSession, viewer: Viewer = ViewerTokens) -> Response:
    return _tokens_page(request, db, viewer)


@router.post("/tokens")
def create_token(
    request: Request, name: str = Form(""), db: Session = DbSession, viewer: Viewer = ViewerTokens
) -> Response:
    try:
        with all_or_nothing(db):
            secret, _token = identity.create_api_token(
                db,
                actor=viewer.current_actor,
                user=viewer.current_user,
                organization_id=viewer.current_org.id,
                name=name,
            )
    except UserError as exc:
        return _tokens_page(
            request,
            db,
            viewer,
            error=viewer._(exc.message, **exc.params),
            name=name,
            status_code=exc.status_code,
        )
    page = _tokens_page(request, db, viewer, new_secret=secret)
    page.headers["Cache-Control"] = "no-store"  # the secret is shown once: kept by no cache nor replay
    return page


@router.post("/tokens/{token_id:id}/revoke")
def revoke_token(token_id: int, db: Session = DbSession, viewer: Viewer = ViewerTokens) -> Response:
    identity.revoke_api_token(db, actor=viewer.current_actor, token_id=token_id)
    return RedirectResponse("/account/tokens", status_code=303)


@router.get("/audit")
def audit(request: Request, page: int = 1, db: Session = DbSession, viewer: Viewer = ViewerAudit) -> Response:
    """The organization's audit log in words (issue #13): who did what, by name, in the reader's
    language; the stored codes stay behind each entry's details toggle."""
    result = audit_repo.page_of(db, viewer.current_org.id, PageRequest(page=max(1, page), per_page=25))
    names = identity_repo.names_of_users(db, {e.actor_user_id for e in result.items if e.actor_user_id})
    return render(
        request,
        "account/audit.html",
        viewer,
        {"page": result, "sentences": [_in_words(viewer, entry, names) for entry in result.items]},
    )


def _in_words(viewer: Viewer, entry: AuditEvent, names: dict[int, str]) -> str:
    if entry.actor_user_id is None:
        actor = viewer._(wording.NOBODY)
    else:
        actor = names.get(entry.actor_user_id) or viewer._(N_("user %(id)s"), id=entry.actor_user_id)
    granted = role_label((entry.details or {}).get("role"))
    return viewer._(
        wording.sentence_of(entry.action),
        actor=actor,
        id=entry.target_id or "",
        role=viewer._(granted) if granted else "",
        event=entry.action,
    )


@router.get("/password")
def password_form(request: Request, viewer: Viewer = Depends(require_viewer)) -> Response:
    return render(request, "account/password.html", viewer, {})


@router.post("/password")
def change_password(
    request: Request,
    current_password: str = Form(""),
    new_password: str = Form(""),
    confirm_password: str = Form(""),
    db: Session = DbSession,
    settings: Settings = Depends(get_settings_dep),
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    """Change the password; every other login of the user ends and this browser gets a new session."""
    try:
        with all_or_nothing(db):
            if new_password != confirm_password:
                raise Invalid(N_("The two new passwords are not the same."), field="confirm_password")
            change = identity.change_password(
                db,
                user=viewer.current_user,
                current_password=current_password,
                new_password=new_password,
                client_address=client_address(request, settings),
                limits=login_limits(settings),
                current_session=viewer.web_session,
                max_age_seconds=settings.session_max_age_seconds,
            )
    except UserError as exc:
        return _password_page(request, viewer, exc)
    if change.error is not None:
        db.commit()  # a wrong current password counts as a failed login: keep the count
        return _password_page(request, viewer, change.error)
    page = render(request, "account/password.html", viewer, {"saved": True})
    if change.session_token is not None:
        set_session_cookie(page, change.session_token, request, settings)
    return page


def _password_page(request: Request, viewer: Viewer, error: UserError) -> Response:
    return render(
        request,
        "account/password.html",
        viewer,
        {"error": viewer._(error.message, **error.params), "field": error.field},
        status_code=error.status_code,
    )
