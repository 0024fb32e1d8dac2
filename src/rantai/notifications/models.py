"""Notification tables: the in-app inbox, each user's choices, and the email outbox.

The user and organization keys name identity's tables by their names only (this package sits below
identity and imports none of it); the foreign keys keep the rows honest all the same.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rantai.db import Base
from rantai.kit.clock import now


class Notification(Base):
    """One notice in one user's inbox. ``message`` is an English message id and ``params`` fill it: the
    text is worded when it is shown, in the reader's language of that moment."""

    __tablename__ = "notification"
    __table_args__ = (
        # The header's unread count and the inbox's pages read only this index.
        Index("ix_notification_user_read", "user_id", "read_at"),
        Index("ix_notification_user_created", "user_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    # The organization the notice is about, when it is about one (an API token sees only its own's).
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organization.id", ondelete="SET NULL"), default=None
    )
    kind: Mapped[str] = mapped_column(String(64))
    message: Mapped[str] = mapped_column(Text)
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    link: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    read_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class NotificationPreference(Base):
    """A user's choice for one kind; a kind without a row keeps its defaults (``kinds.Kind``)."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(64), primary_key=True)
    inbox: Mapped[bool]
    email: Mapped[bool]
    updated_at: Mapped[dt.datetime] = mapped_column(default=now)


class EmailStatus(StrEnum):
    QUEUED = "queued"  # waiting for delivery (or for its next attempt)
    SENT = "sent"  # accepted by the SMTP server
    WRITTEN = "written"  # email is off: written to RANTAI_DATA_DIR/mail instead, nothing sent
    FAILED = "failed"  # every attempt failed; last_error says why


class OutboxEmail(Base):
    """One email to one address, worded in the recipient's language when it was queued. Written in the
    transaction of the change it tells about, so an email is queued exactly when the change is kept."""

    __tablename__ = "email_outbox"
    __table_args__ = (Index("ix_email_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("user_account.id", ondelete="SET NULL"), default=None, index=True
    )
    kind: Mapped[str | None] = mapped_column(String(64), default=None)
    to_address: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    # A path on Rantai; delivery puts RANTAI_BASE_URL before it, so the address is the one configured then.
    link: Mapped[str | None] = mapped_column(String(500), default=None)
    status: Mapped[str] = mapped_column(String(16), default=EmailStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    # When a queued email may next be tried: its creation, then after each failure a later moment; while
    # a deliverer holds it, the end of that hold (a deliverer that dies leaves it to be tried again).
    next_attempt_at: Mapped[dt.datetime] = mapped_column(default=now)
    sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)
