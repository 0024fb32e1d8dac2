"""Identity use cases: accounts, memberships, login and sessions, API tokens. Services flush, never commit."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from math import ceil

from sqlalchemy.orm import Session

from rantai.identity import audit, repository
from rantai.identity.errors import (
    MSG_BAD_LOGIN,
    MSG_INACTIVE,
    MSG_LOCKED,
    AccountLocked,
    EmailTaken,
    InvalidCredentials,
    NotAMember,
    TokenNotFound,
    WeakPassword,
)
from rantai.identity.models import ApiToken, Membership, Organization, User, WebSession
from rantai.identity.passwords import (
    DUMMY_HASH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from rantai.identity.policy import Action, Actor, OrgScope, can
from rantai.identity.roles import OrgType, Role
from rantai.kit.clock import now
from rantai.kit.errors import Forbidden, Invalid
from rantai.kit.ids import new_token, token_digest
from rantai.kit.text import N_

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
API_TOKEN_PREFIX = "rnt_"  # noqa: S105 - a public prefix that makes leaked tokens easy to scan for


def normalize_email(email: str) -> str:
    value = email.strip().lower()
    if not _EMAIL_RE.match(value) or len(value) > 254:
        raise Invalid(N_("Enter a valid email address, like nama@contoh.co.id."), field="email")
    return value


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(
            N_("The password must have at least %(min)d characters."),
            field="password",
            min=MIN_PASSWORD_LENGTH,
        )


def create_organization(
    session: Session,
    *,
    name: str,
    org_type: OrgType,
    region_code: str | None = None,
    actor_user_id: int | None = None,
) -> Organization:
    clean = " ".join(name.split())
    if not clean:
        raise Invalid(N_("Enter the organization's name."), field="name")
    org = Organization(name=clean[:200], org_type=org_type.value, region_code=region_code)
    session.add(org)
    session.flush()
    audit.record(
        session,
        action="organization.created",
        target_type="organization",
        target_id=org.id,
        actor_user_id=actor_user_id,
        organization_id=org.id,
        details={"name": org.name, "org_type": org.org_type},
    )
    return org


def create_user(
    session: Session,
    *,
    email: str,
    full_name: str,
    password: str,
    locale: str = "id",
    actor_user_id: int | None = None,
) -> User:
    address = normalize_email(email)
    name = " ".join(full_name.split())
    if not name:
        raise Invalid(N_("Enter the person's full name."), field="full_name")
    _check_password(password)
    if repository.user_by_email(session, address) is not None:
        raise EmailTaken(N_("An account with this email already exists."), field="email")
    user = User(email=address, full_name=name[:200], password_hash=hash_password(password), locale=locale)
    session.add(user)
    session.flush()
    audit.record(
        session,
        action="user.created",
        target_type="user",
        target_id=user.id,
        actor_user_id=actor_user_id,
        organization_id=None,
        details={"email": address},
    )
    return user


def register_owner(
    session: Session,
    *,
    full_name: str,
    email: str,
    password: str,
    organization_name: str,
    org_type: OrgType,
    locale: str = "id",
) -> tuple[User, Organization]:
    """Self-registration of a business owner: a new organization with the new user as its owner."""
    if org_type not in (OrgType.UMKM, OrgType.KOPERASI):
        raise Invalid(N_("Only an UMKM or a cooperative can register itself here."), field="org_type")
    user = create_user(session, email=email, full_name=full_name, password=password, locale=locale)
    org = create_organization(session, name=organization_name, org_type=org_type, actor_user_id=user.id)
    add_membership(session, user=user, organization=org, role=Role.OWNER, actor_user_id=user.id)
    return user, org


def add_membership(
    session: Session, *, user: User, organization: Organization, role: Role, actor_user_id: int | None = None
) -> Membership:
    if repository.membership_exists(session, user_id=user.id, organization_id=organization.id, role=role):
        raise Invalid(N_("This person already has that role."), field="role")
    membership = Membership(user_id=user.id, organization_id=organization.id, role=role.value)
    session.add(membership)
    session.flush()
    audit.record(
        session,
        action="membership.added",
        target_type="user",
        target_id=user.id,
        actor_user_id=actor_user_id,
        organization_id=organization.id,
        details={"role": role.value},
    )
    return membership


def actor_for(session: Session, user: User, *, only_organization_id: int | None = None) -> Actor:
    """The policy's view of a user: their roles per organization, optionally narrowed to one."""
    roles: dict[int, set[Role]] = {}
    types: dict[int, OrgType] = {}
    regions: dict[int, str | None] = {}
    for membership, org in repository.memberships_with_orgs(session, user.id):
        if only_organization_id is not None and org.id != only_organization_id:
            continue
        roles.setdefault(org.id, set()).add(Role(membership.role))
        types[org.id] = OrgType(org.org_type)
        regions[org.id] = org.region_code
    return Actor(
        user_id=user.id,
        roles={k: frozenset(v) for k, v in roles.items()},
        org_types=types,
        org_regions=regions,
    )


# --- login -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoginOutcome:
    """What a login attempt did. A failure still changes the failure counter, so the caller commits it."""

    user: User | None
    error: InvalidCredentials | AccountLocked | None


def authenticate(
    session: Session, *, email: str, password: str, max_failures: int, lockout_seconds: int
) -> LoginOutcome:
    """Check an email and password, counting failures and locking the account after too many."""
    user = repository.user_by_email(session, email)
    moment = now()
    if user is None:
        verify_password(DUMMY_HASH, password)  # same cost as a real check; see passwords.DUMMY_HASH
        return LoginOutcome(None, InvalidCredentials(MSG_BAD_LOGIN))
    if user.locked_until is not None and user.locked_until > moment:
        minutes = max(1, ceil((user.locked_until - moment).total_seconds() / 60))
        return LoginOutcome(None, AccountLocked(MSG_LOCKED, minutes=minutes))
    if not verify_password(user.password_hash, password):
        user.failed_login_count += 1
        if user.failed_login_count >= max_failures:
            user.locked_until = moment + dt.timedelta(seconds=lockout_seconds)
            user.failed_login_count = 0
            audit.record(
                session,
                action="user.locked_out",
                target_type="user",
                target_id=user.id,
                actor_user_id=None,
                organization_id=None,
                details={"until": user.locked_until.isoformat()},
            )
            session.flush()
            return LoginOutcome(None, AccountLocked(MSG_LOCKED, minutes=max(1, lockout_seconds // 60)))
        session.flush()
        return LoginOutcome(None, InvalidCredentials(MSG_BAD_LOGIN))
    if not user.is_active:
        return LoginOutcome(None, InvalidCredentials(MSG_INACTIVE))
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = moment
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return LoginOutcome(user, None)


def start_session(
    session: Session, *, user: User, max_age_seconds: int, user_agent: str | None = None
) -> tuple[str, WebSession]:
    """Open a browser session; returns the cookie value (shown to nobody else) and the row."""
    token = new_token()
    memberships = repository.memberships_with_orgs(session, user.id)
    web_session = WebSession(
        token_digest=token_digest(token),
        user_id=user.id,
        active_organization_id=memberships[0][1].id if memberships else None,
        expires_at=now() + dt.timedelta(seconds=max_age_seconds),
        user_agent=(user_agent or "")[:300] or None,
    )
    session.add(web_session)
    session.flush()
    audit.record(
        session,
        action="user.logged_in",
        target_type="user",
        target_id=user.id,
        actor_user_id=user.id,
        organization_id=web_session.active_organization_id,
    )
    return token, web_session


# Sliding expiry is written at most this often, so that every page view does not cost a write.
_TOUCH_INTERVAL = dt.timedelta(minutes=1)


def resolve_session(session: Session, token: str, *, max_age_seconds: int) -> tuple[WebSession, User] | None:
    """The live session and user behind a cookie value, or None when it is unknown, ended or expired."""
    web_session = repository.web_session_by_digest(session, token_digest(token))
    moment = now()
    if web_session is None or web_session.revoked_at is not None or web_session.expires_at <= moment:
        return None
    user = repository.user_by_id(session, web_session.user_id)
    if user is None or not user.is_active:
        return None
    if moment - web_session.last_seen_at > _TOUCH_INTERVAL:
        web_session.last_seen_at = moment
        web_session.expires_at = moment + dt.timedelta(seconds=max_age_seconds)
        session.flush()
    return web_session, user


def end_session(session: Session, web_session: WebSession) -> None:
    web_session.revoked_at = now()
    session.flush()
    audit.record(
        session,
        action="user.logged_out",
        target_type="user",
        target_id=web_session.user_id,
        actor_user_id=web_session.user_id,
        organization_id=web_session.active_organization_id,
    )


def switch_organization(
    session: Session, web_session: WebSession, actor: Actor, organization_id: int
) -> None:
    if not actor.is_member(organization_id):
        raise NotAMember(N_("You are not a member of that organization."))
    web_session.active_organization_id = organization_id
    session.flush()


def set_locale(session: Session, *, user: User, locale: str) -> None:
    """Remember the user's language (``id`` or ``en``); anything else falls back to Indonesian."""
    chosen = locale if locale in ("id", "en") else "id"
    if user.locale == chosen:
        return
    user.locale = chosen
    session.flush()
    audit.record(
        session,
        action="user.locale_changed",
        target_type="user",
        target_id=user.id,
        actor_user_id=user.id,
        organization_id=None,
        details={"locale": chosen},
    )


def change_password(session: Session, *, user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise Invalid(N_("The current password is wrong."), field="current_password")
    _check_password(new_password)
    user.password_hash = hash_password(new_password)
    session.flush()
    audit.record(
        session,
        action="user.password_changed",
        target_type="user",
        target_id=user.id,
        actor_user_id=user.id,
        organization_id=None,
    )


# --- API tokens ------------------------------------------------------------------------------------


def create_api_token(
    session: Session, *, actor: Actor, user: User, organization_id: int, name: str
) -> tuple[str, ApiToken]:
    """Make a token for one organization. The plain token is returned once and never stored."""
    if not can(actor, Action.MANAGE_API_TOKENS, OrgScope(organization_id)):
        raise Forbidden(N_("You may not manage API tokens of this organization."))
    label = " ".join(name.split())
    if not label:
        raise Invalid(N_("Give the token a name, e.g. the system that will use it."), field="name")
    if len(label) > 100:
        raise Invalid(N_("The name may have at most %(max)d characters."), field="name", max=100)
    secret = API_TOKEN_PREFIX + new_token()
    token = ApiToken(
        name=label,
        prefix=secret[:12],
        token_digest=token_digest(secret),
        organization_id=organization_id,
        user_id=user.id,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        action="api_token.created",
        target_type="api_token",
        target_id=token.id,
        actor_user_id=user.id,
        organization_id=organization_id,
        details={"name": label, "prefix": token.prefix},
    )
    return secret, token


def revoke_api_token(session: Session, *, actor: Actor, token_id: int) -> ApiToken:
    token = repository.api_token_by_id(session, token_id)
    # A token of another organization is reported as missing, so its existence is not disclosed.
    if token is None or not actor.is_member(token.organization_id):
        raise TokenNotFound(N_("That API token does not exist."))
    if not can(actor, Action.MANAGE_API_TOKENS, token):
        raise Forbidden(N_("You may not manage API tokens of this organization."))
    if token.revoked_at is None:
        token.revoked_at = now()
        session.flush()
        audit.record(
            session,
            action="api_token.revoked",
            target_type="api_token",
            target_id=token.id,
            actor_user_id=actor.user_id,
            organization_id=token.organization_id,
            details={"prefix": token.prefix},
        )
    return token


def resolve_api_token(session: Session, secret: str) -> tuple[ApiToken, User, Actor] | None:
    """The live token, its user and the actor narrowed to the token's organization; None when unusable."""
    if not secret.startswith(API_TOKEN_PREFIX):
        return None
    token = repository.api_token_by_digest(session, token_digest(secret))
    moment = now()
    if token is None or token.revoked_at is not None:
        return None
    if token.expires_at is not None and token.expires_at <= moment:
        return None
    user = repository.user_by_id(session, token.user_id)
    if user is None or not user.is_active:
        return None
    actor = actor_for(session, user, only_organization_id=token.organization_id)
    if not actor.is_member(token.organization_id):
        return None  # the user has left the organization: the token dies with the membership
    if token.last_used_at is None or moment - token.last_used_at > _TOUCH_INTERVAL:
        token.last_used_at = moment
        session.flush()
    return token, user, Actor(actor.user_id, actor.roles, actor.org_types, token.id, actor.org_regions)
