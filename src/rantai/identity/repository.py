"""Every identity query lives here."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    case,
    delete,
    false,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from rantai.db import table_of
from rantai.identity.models import (
    ApiToken,
    LoginThrottle,
    MemberInvitation,
    Membership,
    Organization,
    PasswordReset,
    User,
    WebSession,
)
from rantai.identity.policy import Action, Actor, Party, reach


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email.strip().lower())).one_or_none()


def user_by_id(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def organization_by_id(session: Session, organization_id: int) -> Organization | None:
    return session.get(Organization, organization_id)


def organization_readable(
    actor: Actor | None, action: Action = Action.VIEW_ORGANIZATION
) -> ColumnElement[bool]:
    """The organizations where ``actor`` may ``action`` (issue #10: reads authorized in the query)."""
    owners = reach(actor, action).organizations(Party.OWNER)
    return Organization.id.in_(sorted(owners)) if owners else false()


def readable_organizations(
    actor: Actor | None, action: Action = Action.VIEW_ORGANIZATION
) -> Select[Organization]:
    return select(Organization).where(organization_readable(actor, action))


def organization_by_name(session: Session, name: str) -> Organization | None:
    return session.scalars(select(Organization).where(Organization.name == name)).first()


# Made once: every page view runs it, and building a statement costs about as much as running it on
# SQLite (issue #9: server CPU per page). Same SQL as built in place.
_MEMBERSHIPS_WITH_ORGS = (
    select(Membership, Organization)
    .join(Organization, Organization.id == Membership.organization_id)
    .where(Membership.user_id == bindparam("user_id"), Organization.is_active.is_(True))
    .order_by(Membership.id)
)


def memberships_with_orgs(session: Session, user_id: int) -> Sequence[tuple[Membership, Organization]]:
    """The user's roles with their (active) organizations, oldest membership first."""
    rows = session.execute(_MEMBERSHIPS_WITH_ORGS, {"user_id": user_id})
    return [(m, o) for m, o in rows]


def membership_exists(session: Session, *, user_id: int, organization_id: int, role: str) -> bool:
    stmt = select(Membership.id).where(
        Membership.user_id == user_id,
        Membership.organization_id == organization_id,
        Membership.role == role,
    )
    return session.scalar(stmt) is not None


def members_of(session: Session, organization_id: int) -> Sequence[tuple[User, list[str]]]:
    """Users of an organization with their roles there, by name."""
    rows = session.execute(
        select(User, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.organization_id == organization_id)
        .order_by(User.full_name, Membership.id)
    )
    grouped: dict[int, tuple[User, list[str]]] = {}
    for user, role in rows:
        grouped.setdefault(user.id, (user, []))[1].append(role)
    return list(grouped.values())


def web_session_by_digest(session: Session, digest: str) -> WebSession | None:
    return session.scalars(select(WebSession).where(WebSession.token_digest == digest)).one_or_none()


_WEB_SESSION_AND_USER = (  # made once, as `_MEMBERSHIPS_WITH_ORGS`
    select(WebSession, User)
    .join(User, User.id == WebSession.user_id)
    .where(WebSession.token_digest == bindparam("digest"))
)


def web_session_and_user(session: Session, digest: str) -> tuple[WebSession, User] | None:
    """A browser session with its user, in one query (every page view asks for both)."""
    row = session.execute(_WEB_SESSION_AND_USER, {"digest": digest}).one_or_none()
    return (row[0], row[1]) if row is not None else None


def end_other_web_sessions(
    session: Session, *, user_id: int, keep_id: int | None, moment: dt.datetime
) -> int:
    """Revoke every live browser session of a user except ``keep_id``; returns how many were ended."""
    stmt = update(WebSession).where(WebSession.user_id == user_id, WebSession.revoked_at.is_(None))
    if keep_id is not None:
        stmt = stmt.where(WebSession.id != keep_id)
    result = session.execute(stmt.values(revoked_at=moment), execution_options={"synchronize_session": False})
    return int(getattr(result, "rowcount", 0) or 0)


# --- login throttles -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ThrottleState:
    """A throttle row as plain values (read without the ORM, so a second read never sees a stale object)."""

    scope: str
    key_digest: str
    failures: int
    locked_until: dt.datetime | None
    last_success_at: dt.datetime | None


def login_throttles(session: Session, keys: Sequence[tuple[str, str]]) -> dict[str, ThrottleState]:
    """The throttle rows of the given (scope, key digest) pairs, by scope."""
    if not keys:
        return {}
    rows = session.execute(
        select(
            LoginThrottle.scope,
            LoginThrottle.key_digest,
            LoginThrottle.failures,
            LoginThrottle.locked_until,
            LoginThrottle.last_success_at,
        ).where(or_(*(and_(LoginThrottle.scope == s, LoginThrottle.key_digest == k) for s, k in keys)))
    )
    return {row.scope: ThrottleState(*row) for row in rows}


def _upsert(session: Session, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that can take ON CONFLICT DO UPDATE (both databases have it, with the same meaning)."""
    if session.get_bind().dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def count_login_failure(
    session: Session,
    *,
    scope: str,
    key_digest: str,
    moment: dt.datetime,
    window_start: dt.datetime,
    threshold: int,
    lock_until: dt.datetime,
) -> int:
    """Add one failure to a throttle row in one atomic statement (concurrent failures both count), locking
    it until ``lock_until`` when the count reaches ``threshold``. Failures older than ``window_start``
    are forgotten. Returns the new count."""
    table = table_of(LoginThrottle)
    stale = or_(table.c.last_failure_at.is_(None), table.c.last_failure_at < window_start)
    failures = case((stale, 1), else_=table.c.failures + 1)
    insert = _upsert(session, table).values(
        scope=scope,
        key_digest=key_digest,
        failures=1,
        last_failure_at=moment,
        locked_until=lock_until if threshold <= 1 else None,
        updated_at=moment,
    )
    statement = insert.on_conflict_do_update(
        index_elements=[table.c.scope, table.c.key_digest],
        set_={
            "failures": failures,
            "last_failure_at": moment,
            "locked_until": case((failures >= threshold, lock_until), else_=table.c.locked_until),
            "updated_at": moment,
        },
    ).returning(table.c.failures)
    return int(session.execute(statement).scalar_one())


def record_login_success(
    session: Session, *, pair: tuple[str, str], account: tuple[str, str], moment: dt.datetime
) -> None:
    """A login succeeded: the address-and-email pair is cleared and remembered as a known address; the
    email's own count is cleared. The address's count is left alone: an attacker who holds one account
    must not be able to wipe their address's failures by logging into it."""
    table = table_of(LoginThrottle)
    insert = _upsert(session, table).values(
        scope=pair[0], key_digest=pair[1], failures=0, last_success_at=moment, updated_at=moment
    )
    session.execute(
        insert.on_conflict_do_update(
            index_elements=[table.c.scope, table.c.key_digest],
            set_={"failures": 0, "locked_until": None, "last_success_at": moment, "updated_at": moment},
        )
    )
    session.execute(
        update(table)
        .where(table.c.scope == account[0], table.c.key_digest == account[1])
        .values(failures=0, locked_until=None, updated_at=moment)
    )


def prune_login_throttles(
    session: Session, *, failures_before: dt.datetime, known_before: dt.datetime, limit: int
) -> int:
    """Delete at most ``limit`` throttle rows that no longer matter: failure counts whose window has
    passed (with no known-address mark), and known-address marks too old to count."""
    table = table_of(LoginThrottle)
    stale = or_(
        and_(table.c.last_success_at.is_(None), table.c.updated_at < failures_before),
        table.c.updated_at < known_before,
    )
    # SKIP LOCKED (PostgreSQL; SQLite has one writer anyway): rows another login is counting are left for
    # later instead of waited for, so two logins' clean-ups never wait on or deadlock with each other.
    ids = (
        select(table.c.id)
        .where(stale)
        .order_by(table.c.updated_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    result = session.execute(delete(table).where(table.c.id.in_(ids)))
    return int(getattr(result, "rowcount", 0) or 0)


def api_token_by_digest(session: Session, digest: str) -> ApiToken | None:
    return session.scalars(select(ApiToken).where(ApiToken.token_digest == digest)).one_or_none()


def api_token_by_id(session: Session, token_id: int) -> ApiToken | None:
    return session.get(ApiToken, token_id)


def api_tokens_of(session: Session, organization_id: int) -> Sequence[ApiToken]:
    return session.scalars(
        select(ApiToken).where(ApiToken.organization_id == organization_id).order_by(ApiToken.id.desc())
    ).all()


def active_memberships_in(
    session: Session, organization_ids: Sequence[int]
) -> Sequence[tuple[int, str, str, int, str, str]]:
    """``(user id, email, locale, organization id, its type, role)`` of every active user's membership in
    the active organizations named: whom to notify (``identity.recipients``)."""
    if not organization_ids:
        return []
    rows = session.execute(
        select(User.id, User.email, User.locale, Organization.id, Organization.org_type, Membership.role)
        .join(Membership, Membership.user_id == User.id)
        .join(Organization, Organization.id == Membership.organization_id)
        .where(
            Membership.organization_id.in_(sorted(set(organization_ids))),
            User.is_active.is_(True),
            Organization.is_active.is_(True),
        )
        .order_by(User.id)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def names_of_users(session: Session, user_ids: Collection[int]) -> dict[int, str]:
    """The full names of users by id (for pages naming who did what: the audit log in words)."""
    if not user_ids:
        return {}
    rows = session.execute(select(User.id, User.full_name).where(User.id.in_(set(user_ids))))
    return {row.id: row.full_name for row in rows}


# --- password resets and invitations (issue #13) -----------------------------------------------------


def password_reset_by_digest(session: Session, digest: str) -> PasswordReset | None:
    return session.scalars(select(PasswordReset).where(PasswordReset.token_digest == digest)).first()


def use_up_password_resets(session: Session, *, user_id: int, moment: dt.datetime) -> None:
    """Mark every unused reset link of a user as used (one reset voids the others)."""
    session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None))
        .values(used_at=moment)
        .execution_options(synchronize_session=False)
    )


def invitation_by_digest(session: Session, digest: str) -> MemberInvitation | None:
    return session.scalars(select(MemberInvitation).where(MemberInvitation.token_digest == digest)).first()


def invitation_by_id(session: Session, invitation_id: int) -> MemberInvitation | None:
    return session.get(MemberInvitation, invitation_id)


def open_invitations(
    session: Session, organization_id: int, *, email: str | None = None, role: str | None = None
) -> Sequence[MemberInvitation]:
    """An organization's invitations neither accepted nor revoked (expired ones included), newest first;
    optionally those of one email and role."""
    stmt = select(MemberInvitation).where(
        MemberInvitation.organization_id == organization_id,
        MemberInvitation.accepted_at.is_(None),
        MemberInvitation.revoked_at.is_(None),
    )
    if email is not None:
        stmt = stmt.where(MemberInvitation.email == email)
    if role is not None:
        stmt = stmt.where(MemberInvitation.role == role)
    return session.scalars(stmt.order_by(MemberInvitation.id.desc())).all()
