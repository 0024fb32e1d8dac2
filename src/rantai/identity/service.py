"""Identity use cases: accounts, memberships, login and sessions, API tokens. Services flush, never commit."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.orm import Session

from rantai import audit
from rantai.audit import Event
from rantai.identity import notices, repository, throttle
from rantai.identity.errors import (
    MSG_BAD_LOGIN,
    MSG_INACTIVE,
    MSG_LOCKED,
    AccountLocked,
    EmailTaken,
    InvalidCredentials,
    NotAMember,
    TokenNotFound,
    WrongCurrentPassword,
)
from rantai.identity.mail import Mail, Mailer
from rantai.identity.models import ApiToken, Membership, Organization, User, WebSession
from rantai.identity.passwords import (
    DUMMY_HASH,
    check_password,
    hash_password,
    needs_rehash,
    verify_password,
)
from rantai.identity.policy import Action, Actor, OrgScope, can
from rantai.identity.roles import OrgType, Role
from rantai.identity.throttle import Attempt, LoginLimits
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


def _clean_name(value: str) -> str:
    return " ".join(value.split())


def _account_input(
    *, email: str, full_name: str, password: str, details: Sequence[str] = ()
) -> tuple[str, str]:
    """The checked email and name of a new account; raises before anything is looked up or written."""
    address = normalize_email(email)
    name = _clean_name(full_name)
    if not name:
        raise Invalid(N_("Enter the person's full name."), field="full_name")
    check_password(password, email=address, details=(name, *details))
    return address, name


def _organization_name(name: str) -> str:
    clean = _clean_name(name)
    if not clean:
        raise Invalid(N_("Enter the organization's name."), field="name")
    return clean


def create_organization(
    session: Session,
    *,
    name: str,
    org_type: OrgType,
    region_code: str | None = None,
    actor_user_id: int | None = None,
) -> Organization:
    clean = _organization_name(name)
    org = Organization(name=clean[:200], org_type=org_type.value, region_code=region_code)
    session.add(org)
    session.flush()
    details = {"name": org.name, "org_type": org.org_type}
    audit.record(session, Event.ORGANIZATION_CREATED, org.id, [org.id], by=actor_user_id, details=details)
    return org


def create_user(
    session: Session,
    *,
    email: str,
    full_name: str,
    password: str,
    locale: str = "id",
    actor_user_id: int | None = None,
    organization_names: Sequence[str] = (),
) -> User:
    """An account made by an operator or a builder (the CLI, the demo). ``organization_names`` are the
    organizations the person will join, which their password must not contain."""
    address, name = _account_input(
        email=email, full_name=full_name, password=password, details=organization_names
    )
    if repository.user_by_email(session, address) is not None:
        raise EmailTaken(N_("An account with this email already exists."), field="email")
    user = User(email=address, full_name=name[:200], password_hash=hash_password(password), locale=locale)
    session.add(user)
    session.flush()
    audit.record(session, Event.USER_CREATED, user.id, by=actor_user_id, details={"email": address})
    return user


@dataclass(frozen=True, slots=True)
class Registration:
    """What a self-registration did. ``user`` is None when the email already had an account: nothing
    was created and the address got a mail saying so. The door shows the same page either way, so the
    page does not tell a stranger which emails have accounts (issue #9, finding 7)."""

    user: User | None
    organization: Organization | None


MAIL_WELCOME = (
    N_("Your Rantai account is ready"),
    N_(
        "Welcome to Rantai. An account for %(organization)s has been created with this email address. "
        "Log in with it to complete your business profile."
    ),
)
MAIL_ALREADY_REGISTERED = (
    N_("Someone tried to register on Rantai with your email"),
    N_(
        "Someone, perhaps you, tried to create a new Rantai account with this email address. It already "
        "has an account, so nothing was changed. If it was you, log in with your existing password; if "
        "you forgot it, choose 'Forgot your password?' on the login page. If it was not you, ignore this "
        "message."
    ),
)


def register_owner(
    session: Session,
    *,
    full_name: str,
    email: str,
    password: str,
    organization_name: str,
    org_type: OrgType,
    mailer: Mailer,
    locale: str = "id",
) -> Registration:
    """Self-registration of a business owner: a new organization with the new user as its owner.

    Every field is checked before the email is looked up, so a mistake is reported the same way for a
    new and a known email. A known email creates nothing; its owner is told by mail. Both paths hash the
    password once, so they take about the same time.
    """
    if org_type not in (OrgType.UMKM, OrgType.KOPERASI):
        raise Invalid(N_("Only an UMKM or a cooperative can register itself here."), field="org_type")
    try:
        org_name = _organization_name(organization_name)
    except Invalid as exc:
        raise Invalid(exc.message, field="organization_name") from None
    address, _name = _account_input(email=email, full_name=full_name, password=password, details=(org_name,))
    existing = repository.user_by_email(session, address)
    if existing is not None:
        hash_password(password)  # the work the other path does, so the time taken tells nothing
        audit.record(session, Event.USER_REGISTRATION_REPEATED, existing.id, by=None)
        subject, body = MAIL_ALREADY_REGISTERED
        mailer.send(Mail(to=existing.email, subject=subject, body=body, locale=existing.locale))
        return Registration(None, None)
    user = create_user(
        session,
        email=address,
        full_name=full_name,
        password=password,
        locale=locale,
        organization_names=(org_name,),
    )
    org = create_organization(session, name=org_name, org_type=org_type, actor_user_id=user.id)
    add_membership(session, user=user, organization=org, role=Role.OWNER, actor_user_id=user.id)
    subject, body = MAIL_WELCOME
    mailer.send(
        Mail(to=user.email, subject=subject, body=body, locale=user.locale, params={"organization": org.name})
    )
    return Registration(user, org)


def add_membership(
    session: Session, *, user: User, organization: Organization, role: Role, actor_user_id: int | None = None
) -> Membership:
    if repository.membership_exists(session, user_id=user.id, organization_id=organization.id, role=role):
        raise Invalid(N_("This person already has that role."), field="role")
    membership = Membership(user_id=user.id, organization_id=organization.id, role=role.value)
    session.add(membership)
    session.flush()
    granted = {"role": role.value}
    audit.record(
        session, Event.MEMBERSHIP_ADDED, user.id, [organization.id], by=actor_user_id, details=granted
    )
    return membership


def actor_for(session: Session, user: User, *, only_organization_id: int | None = None) -> Actor:
    """The policy's view of a user: their roles per organization, optionally narrowed to one."""
    return actor_of(
        user, repository.memberships_with_orgs(session, user.id), only_organization_id=only_organization_id
    )


def actor_of(
    user: User,
    memberships: Iterable[tuple[Membership, Organization]],
    *,
    only_organization_id: int | None = None,
) -> Actor:
    """`actor_for` from the user's memberships already read (`repository.memberships_with_orgs`)."""
    roles: dict[int, set[Role]] = {}
    types: dict[int, OrgType] = {}
    regions: dict[int, str | None] = {}
    for membership, org in memberships:
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
    session: Session,
    *,
    email: str,
    password: str,
    client_address: str,
    limits: LoginLimits,
    ready_to_write: Callable[[Session], None] | None = None,
) -> LoginOutcome:
    """Check an email and password from a client address, under the login throttle (``throttle``).

    An unknown email, a wrong password and a locked attempt do the same work (one password hash, the
    same throttle reads and writes) and an unknown email gets the same message as a wrong password, so
    neither the page nor the time it takes tells whether an email has an account (issue #9, finding 7).
    """
    attempt = Attempt.of(client_address, email)
    user = repository.user_by_email(session, email)
    # Hash first, whatever happens next: a refused attempt must cost what a checked one does.
    password_ok = verify_password(user.password_hash if user else DUMMY_HASH, password)
    if ready_to_write is not None:
        # The hash is done: only now take the write lock (SQLite), for the throttle and the session.
        ready_to_write(session)
    minutes = throttle.locked_minutes(session, attempt)
    if minutes is not None:
        return LoginOutcome(None, AccountLocked(MSG_LOCKED, minutes=minutes))
    if user is None or not password_ok:
        return LoginOutcome(None, _count_failure(session, attempt, limits, user))
    if not user.is_active:
        return LoginOutcome(None, InvalidCredentials(MSG_INACTIVE))
    throttle.count_success(session, attempt, limits)
    user.last_login_at = now()
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return LoginOutcome(user, None)


def _count_failure(
    session: Session, attempt: Attempt, limits: LoginLimits, user: User | None
) -> InvalidCredentials | AccountLocked:
    """Count a failed password check; the error to show (locked when this failure reached a limit)."""
    just_locked = throttle.count_failure(session, attempt, limits)
    if user is not None:
        for scope in just_locked:
            if scope is throttle.Scope.ADDRESS:
                continue  # an address lock is about the address, not this account
            lock = {"scope": scope.value, "address": attempt.address, "minutes": limits.lockout_seconds // 60}
            audit.record(session, Event.USER_LOCKED_OUT, user.id, by=None, details=lock)
    minutes = throttle.locked_minutes(session, attempt)
    if minutes is not None:
        return AccountLocked(MSG_LOCKED, minutes=minutes)
    return InvalidCredentials(MSG_BAD_LOGIN)


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
    audit.record(session, Event.USER_LOGGED_IN, user.id, [web_session.active_organization_id], by=user.id)
    return token, web_session


# Sliding expiry is written at most this often, so that every page view does not cost a write.
_TOUCH_INTERVAL = dt.timedelta(minutes=1)
# A browser session's, at most once every few minutes: page views are many, and on SQLite each write
# waits for the one write lock (issue #9, finding 3).
SESSION_TOUCH_INTERVAL = dt.timedelta(minutes=5)


def resolve_session(
    session: Session, token: str, *, max_age_seconds: int, touch: bool = True
) -> tuple[WebSession, User] | None:
    """The live session and user behind a cookie value, or None when it is unknown, ended or expired.

    With `touch` its sliding expiry is extended here when due; the web door passes False and extends it
    after the page is sent, in a transaction of its own (`touch_session`), so that a page view never
    writes in its own transaction."""
    found = repository.web_session_and_user(session, token_digest(token))
    if found is None:
        return None
    web_session, user = found
    moment = now()
    if web_session.revoked_at is not None or web_session.expires_at <= moment or not user.is_active:
        return None
    if touch:
        _extend(session, web_session, moment, max_age_seconds)
    return web_session, user


def session_touch_due(web_session: WebSession) -> bool:
    """Whether the session's sliding expiry is due to be extended."""
    return now() - web_session.last_seen_at > SESSION_TOUCH_INTERVAL


def touch_session(session: Session, token: str, *, max_age_seconds: int) -> bool:
    """Extend the sliding expiry of the live session behind `token` if it is due (False: not written)."""
    web_session = repository.web_session_by_digest(session, token_digest(token))
    moment = now()
    if web_session is None or web_session.revoked_at is not None or web_session.expires_at <= moment:
        return False
    return _extend(session, web_session, moment, max_age_seconds)


def _extend(session: Session, web_session: WebSession, moment: dt.datetime, max_age_seconds: int) -> bool:
    if moment - web_session.last_seen_at <= SESSION_TOUCH_INTERVAL:
        return False
    web_session.last_seen_at = moment
    web_session.expires_at = moment + dt.timedelta(seconds=max_age_seconds)
    session.flush()
    return True


def end_session(session: Session, web_session: WebSession) -> None:
    web_session.revoked_at = now()
    session.flush()
    user_id, organization_id = web_session.user_id, web_session.active_organization_id
    audit.record(session, Event.USER_LOGGED_OUT, user_id, [organization_id], by=user_id)


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
    audit.record(session, Event.USER_LOCALE_CHANGED, user.id, by=user.id, details={"locale": chosen})


@dataclass(frozen=True, slots=True)
class PasswordChange:
    """What a password change did. ``error`` is a refused current password: it was counted as a failed
    login, which must persist, so it is returned for the caller to commit rather than raised.
    ``session_token`` is the new cookie value of the browser that made the change (its session is
    replaced, like every other session of the user is ended)."""

    error: WrongCurrentPassword | AccountLocked | None
    session_token: str | None = None
    sessions_ended: int = 0


def change_password(
    session: Session,
    *,
    user: User,
    current_password: str,
    new_password: str,
    client_address: str,
    limits: LoginLimits,
    current_session: WebSession | None,
    max_age_seconds: int,
) -> PasswordChange:
    """Change a user's password (issue #9, finding 6).

    The current password is checked under the login throttle: a wrong one counts as a failed login from
    this address, and a locked attempt is refused unchecked. The new password must pass the policy
    (``passwords.check_password``, raised before anything is written). Every other browser session of
    the user ends and the current one is replaced, so whoever knew the old password or held a session
    cookie is logged out; API tokens are left alone (they belong to integrations, not to a browser).
    """
    attempt = Attempt.of(client_address, user.email)
    password_ok = verify_password(user.password_hash, current_password)
    minutes = throttle.locked_minutes(session, attempt)
    if minutes is not None:
        return PasswordChange(AccountLocked(MSG_LOCKED, minutes=minutes))
    if not password_ok:
        counted = _count_failure(session, attempt, limits, user)
        if isinstance(counted, AccountLocked):
            return PasswordChange(counted)
        return PasswordChange(
            WrongCurrentPassword(N_("The current password is wrong."), field="current_password")
        )
    organizations = [org.name for _membership, org in repository.memberships_with_orgs(session, user.id)]
    check_password(new_password, email=user.email, details=(user.full_name, *organizations))
    moment = now()
    user.password_hash = hash_password(new_password)
    ended = repository.end_other_web_sessions(
        session, user_id=user.id, keep_id=current_session.id if current_session else None, moment=moment
    )
    token = None
    if current_session is not None:
        token, _replacement = _replace_session(session, current_session, max_age_seconds=max_age_seconds)
    session.flush()
    audit.record(session, Event.USER_PASSWORD_CHANGED, user.id, by=user.id, details={"sessions_ended": ended})
    notices.password_changed(session, user)
    return PasswordChange(None, token, ended)


def _replace_session(session: Session, old: WebSession, *, max_age_seconds: int) -> tuple[str, WebSession]:
    """End a browser session and open a new one in its place (same organization and browser)."""
    token = new_token()
    moment = now()
    old.revoked_at = moment
    replacement = WebSession(
        token_digest=token_digest(token),
        user_id=old.user_id,
        active_organization_id=old.active_organization_id,
        expires_at=moment + dt.timedelta(seconds=max_age_seconds),
        user_agent=old.user_agent,
    )
    session.add(replacement)
    session.flush()
    return token, replacement


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
    details = {"name": label, "prefix": token.prefix}
    audit.record(session, Event.API_TOKEN_CREATED, token.id, [organization_id], by=user.id, details=details)
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
        details = {"prefix": token.prefix}
        audit.record(
            session, Event.API_TOKEN_REVOKED, token.id, [token.organization_id], by=actor, details=details
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
    return token, user, Actor(actor.user_id, actor.roles, actor.org_types, token.id, actor.org_regions)


def token_touch_due(token: ApiToken) -> bool:
    """Whether a token's last use is old enough to be written again (once a minute at most)."""
    return token.last_used_at is None or now() - token.last_used_at > _TOUCH_INTERVAL


def touch_api_token(session: Session, token_id: int) -> None:
    """Record that a token was used (after its request was answered, in a transaction of its own: reading
    who calls never writes, so a GET never fails because another request holds SQLite's write lock)."""
    session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id)
        .values(last_used_at=now())
        .execution_options(synchronize_session=False)
    )
