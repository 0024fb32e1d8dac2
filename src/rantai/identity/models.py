"""Identity tables: organizations, users, memberships, web sessions, API tokens and login throttles (the
audit log is ``rantai.audit``'s)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from rantai.db import Base
from rantai.kit.clock import now


class Organization(Base):
    """A legal entity on the platform: an UMKM, a cooperative, a BUMN, a lender, a ministry office..."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    org_type: Mapped[str] = mapped_column(String(32), index=True)
    # Kemendagri code of the province or kab/kota the organization sits in (a dinas verifies there).
    region_code: Mapped[str | None] = mapped_column(String(13), default=None)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)

    memberships: Mapped[list[Membership]] = relationship(back_populates="organization", lazy="raise")

    @property
    def organization_id(self) -> int:
        """An organization owns itself, so the policy can be asked about it like about anything it owns."""
        return self.id


class User(Base):
    """A person who logs in. Roles come from memberships, never from the user row itself."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    locale: Mapped[str] = mapped_column(String(5), default="id")
    is_active: Mapped[bool] = mapped_column(default=True)
    # Unused since migration 0007 (failures are counted in LoginThrottle); kept so that the previous
    # release keeps running during an upgrade. A later migration drops them.
    failed_login_count: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)

    memberships: Mapped[list[Membership]] = relationship(back_populates="user", lazy="raise")


class Membership(Base):
    """One role of one user in one organization."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "organization_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)

    user: Mapped[User] = relationship(back_populates="memberships", lazy="raise")
    organization: Mapped[Organization] = relationship(back_populates="memberships", lazy="raise")


class WebSession(Base):
    """A browser login. The cookie holds a random token; only its digest is stored."""

    __tablename__ = "web_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    active_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), default=None
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=now)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    user_agent: Mapped[str | None] = mapped_column(String(300), default=None)


class LoginThrottle(Base):
    """Failed logins counted for one key: a client address, an address with a typed email, or an email.

    The key is the SHA-256 digest of what it counts (``identity.throttle``), so the table holds no typed
    emails; the rules are in ``identity.throttle`` and docs/operations.md (issue #9, finding 7).
    """

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("scope", "key_digest"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(16))
    key_digest: Mapped[str] = mapped_column(String(64))
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    locked_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    # Only for an address with an email: when a login with it last succeeded (a known address).
    last_success_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(default=now, index=True)


class ApiToken(Base):
    """A bearer token for the API, scoped to one organization and acting as the user who made it.

    The token is shown once; the database keeps its SHA-256 digest and a short prefix for recognition.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    expires_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class PasswordReset(Base):
    """A password reset link sent by email (issue #13): single use, expiring. The link carries a random
    token; only its SHA-256 digest is stored, so a copy of the table opens no account."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    expires_at: Mapped[dt.datetime]
    used_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class MemberInvitation(Base):
    """An invitation to join an organization with a role, sent by email from the members page (issue
    #13). The link carries a random token whose SHA-256 digest alone is stored; it expires and can be
    revoked. Accepting makes the membership (and, for a new email, the account)."""

    __tablename__ = "member_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(
        ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[str] = mapped_column(String(32))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_user_id: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    expires_at: Mapped[dt.datetime]
    accepted_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    accepted_by_user_id: Mapped[int | None] = mapped_column(default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)
