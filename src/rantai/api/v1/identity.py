"""API: who am I, my organization's tokens and audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from rantai.api.problems import api_locale, problem_responses
from rantai.api.v1.deps import ApiCaller, api_caller, page_request
from rantai.api.v1.schemas import PageOut
from rantai.api.v1.types import OneLine, PathId, PlainCode
from rantai.audit import repository as audit_repo
from rantai.audit.models import AuditEvent
from rantai.http import DbSession
from rantai.i18n import translate
from rantai.identity import invitations
from rantai.identity import repository as identity_repo
from rantai.identity import service as identity
from rantai.identity.mail import OutboxMailer
from rantai.identity.models import ApiToken
from rantai.identity.policy import Action, OrgScope, allowed_actions, can
from rantai.identity.roles import role_label
from rantai.kit.errors import Forbidden, NotFound
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_

router = APIRouter(tags=["identity"], responses=problem_responses(400, 403, 404))


class OrganizationOut(BaseModel):
    id: int
    name: str
    org_type: str
    region_code: str | None


class MeOut(BaseModel):
    user_id: int
    email: str
    full_name: str
    organization: OrganizationOut
    roles: list[str]
    allowed_actions: list[str]


class TokenIn(BaseModel):
    name: OneLine = Field(min_length=1, max_length=100, description="What uses the token, e.g. 'ERP SAP'.")


class TokenOut(BaseModel):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


class TokenCreatedOut(TokenOut):
    token: str = Field(description="The secret. Shown only in this response; store it now.")


class AuditEventOut(BaseModel):
    id: int
    occurred_at: dt.datetime
    action: str
    target_type: str
    target_id: str | None
    actor_user_id: int | None
    details: dict[str, Any]
    request_id: str | None


def _token_out(token: ApiToken) -> TokenOut:
    return TokenOut(
        id=token.id,
        name=token.name,
        prefix=token.prefix,
        created_at=token.created_at,
        last_used_at=token.last_used_at,
        revoked_at=token.revoked_at,
    )


def _audit_out(event: AuditEvent) -> AuditEventOut:
    return AuditEventOut(
        id=event.id,
        occurred_at=event.occurred_at,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        actor_user_id=event.actor_user_id,
        details=event.details,
        request_id=event.request_id,
    )


@router.get("/me", response_model=MeOut, summary="The caller: user, organization, roles and allowed actions")
def me(caller: ApiCaller = Depends(api_caller), db: Session = DbSession) -> MeOut:
    org = identity_repo.organization_by_id(db, caller.organization_id)
    if org is None:
        raise NotFound(N_("This organization no longer exists."))
    return MeOut(
        user_id=caller.user.id,
        email=caller.user.email,
        full_name=caller.user.full_name,
        organization=OrganizationOut(
            id=org.id, name=org.name, org_type=org.org_type, region_code=org.region_code
        ),
        roles=sorted(caller.actor.roles.get(org.id, frozenset())),
        allowed_actions=sorted(allowed_actions(caller.actor, org.id)),
    )


def _require(caller: ApiCaller, action: Action) -> None:
    if not can(caller.actor, action, OrgScope(caller.organization_id)):
        raise Forbidden(N_("Your role does not allow this. Ask your organization's administrator."))


@router.get("/tokens", response_model=list[TokenOut], summary="API tokens of the caller's organization")
def list_tokens(caller: ApiCaller = Depends(api_caller), db: Session = DbSession) -> list[TokenOut]:
    _require(caller, Action.MANAGE_API_TOKENS)
    return [_token_out(t) for t in identity_repo.api_tokens_of(db, caller.organization_id)]


@router.post("/tokens", response_model=TokenCreatedOut, status_code=201, summary="Create an API token")
def create_token(
    body: TokenIn, response: Response, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> TokenCreatedOut:
    response.headers["Cache-Control"] = "no-store"  # the secret is shown once: kept by no cache nor replay
    secret, token = identity.create_api_token(
        db, actor=caller.actor, user=caller.user, organization_id=caller.organization_id, name=body.name
    )
    return TokenCreatedOut(**_token_out(token).model_dump(), token=secret)


@router.delete("/tokens/{token_id}", response_model=TokenOut, summary="Revoke an API token")
def revoke_token(
    token_id: PathId, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> TokenOut:
    return _token_out(identity.revoke_api_token(db, actor=caller.actor, token_id=token_id))


@router.get("/audit-events", response_model=PageOut[AuditEventOut], summary="Audit log, newest first")
def audit_events(
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
    paging: PageRequest = Depends(page_request),
) -> PageOut[AuditEventOut]:
    _require(caller, Action.VIEW_AUDIT_LOG)
    page = audit_repo.page_of(db, caller.organization_id, paging)
    return PageOut[AuditEventOut].of(page, _audit_out)


# --- member invitations (issue #13) -----------------------------------------------------------------


class InvitationIn(BaseModel):
    email: OneLine = Field(min_length=3, max_length=254, description="Whom to invite.")
    role: PlainCode = Field(description="The role to give (owner, admin, procurement_officer, ...).")


class InvitationOut(BaseModel):
    id: int
    email: str
    role: str = Field(description="The role's name in the reader's language.")
    created_at: dt.datetime
    expires_at: dt.datetime


@router.get(
    "/member-invitations", response_model=list[InvitationOut], summary="Invitations waiting for an answer"
)
def list_invitations(
    request: Request, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> list[InvitationOut]:
    shown = invitations.pending_of(db, actor=caller.actor, organization_id=caller.organization_id)
    locale = api_locale(request)
    return [
        InvitationOut(
            id=i.id,
            email=i.email,
            role=translate(locale, i.role_label),
            created_at=i.created_at,
            expires_at=i.expires_at,
        )
        for i in shown
    ]


@router.post(
    "/member-invitations",
    response_model=InvitationOut,
    status_code=201,
    summary="Invite an email to join the organization with a role (the link goes by email)",
)
def create_invitation(
    request: Request, body: InvitationIn, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> InvitationOut:
    invitation = invitations.invite(
        db,
        actor=caller.actor,
        inviter=caller.user,
        organization_id=caller.organization_id,
        email=body.email,
        role=body.role,
        mailer=OutboxMailer(db),
    )
    label = role_label(invitation.role) or invitation.role
    return InvitationOut(
        id=invitation.id,
        email=invitation.email,
        role=translate(api_locale(request), label),
        created_at=invitation.created_at,
        expires_at=invitation.expires_at,
    )


@router.delete("/member-invitations/{invitation_id}", status_code=204, summary="Revoke an invitation")
def revoke_invitation(
    invitation_id: PathId, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> Response:
    invitations.revoke(
        db, actor=caller.actor, organization_id=caller.organization_id, invitation_id=invitation_id
    )
    return Response(status_code=204)
