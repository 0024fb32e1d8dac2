"""Members invited by email from the web (issue #13): an organization's administrator invites an email
with a role; the invitee opens the emailed link and joins, setting a password when the email has no
account yet, or accepting while logged in to the account it has. Invitations expire after
``INVITATION_VALID_FOR`` and can be revoked. Which roles may be given is the policy's
(``policy.grantable_roles``). The link's token is random; only its SHA-256 digest is stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from rantai import audit
from rantai.audit import Event
from rantai.identity import repository
from rantai.identity.errors import EmailTaken
from rantai.identity.mail import Mail, Mailer
from rantai.identity.models import MemberInvitation, Organization, User
from rantai.identity.policy import Action, Actor, OrgScope, can, grantable_roles
from rantai.identity.roles import Role
from rantai.identity.service import add_membership, create_user, normalize_email
from rantai.kit.clock import now
from rantai.kit.errors import Forbidden, Invalid, NotFound
from rantai.kit.ids import new_token, token_digest
from rantai.kit.text import N_

INVITATION_VALID_FOR = dt.timedelta(days=7)
JOIN_PATH = "/join/"

MSG_NOT_ALLOWED = N_("You may not manage the members of this organization.")
MSG_ROLE = N_("Choose a role from the list.")
MSG_ALREADY_MEMBER = N_("%(email)s is already a member with that role.")
MSG_LINK_DEAD = N_(
    "This invitation cannot be used: it has expired, was revoked or was accepted already. Ask whoever "
    "invited you for a new one."
)
MSG_OTHER_ACCOUNT = N_(
    "This invitation is for %(email)s. Log out, then log in with that account (or open the link while "
    "logged out) to accept it."
)
MSG_HAS_ACCOUNT = N_("%(email)s already has a Rantai account: log in with it to accept the invitation.")
MSG_NOT_FOUND = N_("There is no such invitation here.")
MAIL_INVITED = (
    N_("You are invited to join %(organization)s on Rantai"),
    N_(
        "%(inviter)s invites you to join %(organization)s on Rantai as %(role)s. Open the link below within "
        "7 days to accept. If you do not know them, ignore this message."
    ),
)


@dataclass(frozen=True, slots=True)
class InvitationShown:
    """An invitation as the members page lists it."""

    id: int
    email: str
    role_label: str  # an English message id
    created_at: dt.datetime
    expires_at: dt.datetime


def _require(actor: Actor | None, organization_id: int) -> None:
    if not can(actor, Action.MANAGE_MEMBERS, OrgScope(organization_id)):
        raise Forbidden(MSG_NOT_ALLOWED)


def invite(
    session: Session,
    *,
    actor: Actor,
    inviter: User,
    organization_id: int,
    email: str,
    role: str,
    mailer: Mailer,
) -> MemberInvitation:
    """Invite ``email`` into ``organization`` with ``role``; a pending invitation of the same email and
    role is replaced (its link stops working), so "send again" is inviting again."""
    _require(actor, organization_id)
    organization = repository.organization_by_id(session, organization_id)
    if organization is None:
        raise NotFound(MSG_NOT_FOUND)
    address = normalize_email(email)
    try:
        chosen = Role(role)
    except ValueError:
        raise Invalid(MSG_ROLE, field="role") from None
    if chosen not in grantable_roles(actor, organization.id):
        raise Invalid(MSG_ROLE, field="role")
    existing = repository.user_by_email(session, address)
    if existing is not None and repository.membership_exists(
        session, user_id=existing.id, organization_id=organization.id, role=chosen
    ):
        raise Invalid(MSG_ALREADY_MEMBER, field="email", email=address)
    moment = now()
    for old in repository.open_invitations(session, organization.id, email=address, role=chosen.value):
        old.revoked_at = moment
    token = new_token()
    invitation = MemberInvitation(
        organization_id=organization.id,
        email=address,
        role=chosen.value,
        token_digest=token_digest(token),
        invited_by_user_id=inviter.id,
        expires_at=moment + INVITATION_VALID_FOR,
    )
    session.add(invitation)
    session.flush()
    details = {"email": address, "role": chosen.value, "invitation": invitation.id}
    audit.record(session, Event.MEMBER_INVITED, organization.id, [organization.id], by=actor, details=details)
    subject, body = MAIL_INVITED
    locale = existing.locale if existing is not None else inviter.locale
    mailer.send(
        Mail(
            to=address,
            subject=subject,
            body=body,
            locale=locale,
            params={"organization": organization.name, "inviter": inviter.full_name, "role": chosen.label},
            link=JOIN_PATH + token,
        )
    )
    return invitation


def pending_of(session: Session, *, actor: Actor | None, organization_id: int) -> list[InvitationShown]:
    """The organization's invitations still waiting (not accepted, revoked nor expired), newest first."""
    _require(actor, organization_id)
    moment = now()
    rows = [r for r in repository.open_invitations(session, organization_id) if r.expires_at > moment]
    return [InvitationShown(r.id, r.email, Role(r.role).label, r.created_at, r.expires_at) for r in rows]


def revoke(session: Session, *, actor: Actor, organization_id: int, invitation_id: int) -> None:
    """Revoke a pending invitation of the organization (another organization's is reported missing)."""
    _require(actor, organization_id)
    invitation = repository.invitation_by_id(session, invitation_id)
    if invitation is None or invitation.organization_id != organization_id:
        raise NotFound(MSG_NOT_FOUND)
    if invitation.revoked_at is None and invitation.accepted_at is None:
        invitation.revoked_at = now()
        session.flush()
        details = {"email": invitation.email, "role": invitation.role, "invitation": invitation.id}
        audit.record(
            session,
            Event.MEMBER_INVITATION_REVOKED,
            organization_id,
            [organization_id],
            by=actor,
            details=details,
        )


@dataclass(frozen=True, slots=True)
class Opened:
    """What the link leads to: the invitation, its organization, and whether its email has an account."""

    invitation: MemberInvitation
    organization: Organization
    has_account: bool

    @property
    def role(self) -> Role:
        return Role(self.invitation.role)


def open_link(session: Session, token: str) -> Opened | None:
    """The live invitation behind a link, or None when it is unknown, expired, revoked or accepted."""
    invitation = repository.invitation_by_digest(session, token_digest(token))
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= now()
    ):
        return None
    organization = repository.organization_by_id(session, invitation.organization_id)
    if organization is None or not organization.is_active:
        return None
    return Opened(invitation, organization, repository.user_by_email(session, invitation.email) is not None)


def _opened(session: Session, token: str) -> Opened:
    opened = open_link(session, token)
    if opened is None:
        raise Invalid(MSG_LINK_DEAD, field="token")
    return opened


def accept_as(session: Session, *, token: str, user: User) -> Opened:
    """The logged-in ``user`` accepts: the invitation must be for their email."""
    opened = _opened(session, token)
    if user.email != opened.invitation.email:
        raise Invalid(MSG_OTHER_ACCOUNT, field="token", email=opened.invitation.email)
    _join(session, opened, user)
    return opened


def accept_new(session: Session, *, token: str, full_name: str, password: str) -> User:
    """A new person accepts: their account is made with the invited email and the password they chose."""
    opened = _opened(session, token)
    if opened.has_account:
        raise Invalid(MSG_HAS_ACCOUNT, field="token", email=opened.invitation.email)
    try:
        user = create_user(
            session,
            email=opened.invitation.email,
            full_name=full_name,
            password=password,
            organization_names=(opened.organization.name,),
        )
    except EmailTaken:
        raise Invalid(MSG_HAS_ACCOUNT, field="token", email=opened.invitation.email) from None
    _join(session, opened, user)
    return user


def _join(session: Session, opened: Opened, user: User) -> None:
    invitation = opened.invitation
    if not repository.membership_exists(
        session, user_id=user.id, organization_id=invitation.organization_id, role=opened.role
    ):
        add_membership(
            session,
            user=user,
            organization=opened.organization,
            role=opened.role,
            actor_user_id=invitation.invited_by_user_id,
        )
    invitation.accepted_at = now()
    invitation.accepted_by_user_id = user.id
    session.flush()
    details = {"invitation": invitation.id, "role": invitation.role}
    audit.record(
        session,
        Event.MEMBER_INVITATION_ACCEPTED,
        invitation.organization_id,
        [invitation.organization_id],
        by=user.id,
        details=details,
    )
