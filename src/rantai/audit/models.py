"""The audit tables: the append-only log and who each entry concerns.

The migrations add triggers that refuse UPDATE and DELETE on both tables (the one UPDATE allowed seals an
unsealed entry: ``audit.chain``). ``organization_id`` is the
organization whose log the entry is in (the first of its parties); the parties are every organization the
entry concerns, each of which sees it in its own audit log. No foreign key to ``organization``: an entry
outlives what it names.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rantai.db import Base
from rantai.kit.clock import now


class AuditEvent(Base):
    """One entry of the append-only audit log: an event, its resource, its actor and its parties."""

    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_target", "target_type", "target_id"),
        Index("ix_audit_event_chain_key_chain_seq", "chain_key", "chain_seq", unique=True),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[dt.datetime] = mapped_column(default=now, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(default=None, index=True)
    organization_id: Mapped[int | None] = mapped_column(default=None, index=True)
    action: Mapped[str] = mapped_column(String(64))  # an ``events.Event`` value
    target_type: Mapped[str] = mapped_column(String(64))  # a ``events.ResourceType`` value
    target_id: Mapped[str | None] = mapped_column(String(64), default=None)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The resource as it was and as it became, when the event changed it (None when not told).
    before: Mapped[dict[str, Any] | None] = mapped_column("before_state", JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column("after_state", JSON, default=None)
    request_id: Mapped[str | None] = mapped_column(String(64), default=None)
    note: Mapped[str | None] = mapped_column(Text, default=None)
    # The seal (``audit.chain``): the chain of ``organization_id`` ("org:<id>", or "platform"), the entry's
    # number in it, the previous entry's hash and its own. Empty only until its transaction commits.
    chain_key: Mapped[str | None] = mapped_column(String(40), default=None)
    chain_seq: Mapped[int | None] = mapped_column(default=None)
    prev_hash: Mapped[str | None] = mapped_column(String(64), default=None)
    entry_hash: Mapped[str | None] = mapped_column(String(64), default=None)


class AuditParty(Base):
    """An organization an audit entry concerns: it reads the entry in its own log."""

    __tablename__ = "audit_party"
    __table_args__ = (Index("ix_audit_party_organization_id_event_id", "organization_id", "event_id"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("audit_event.id"), primary_key=True)
    organization_id: Mapped[int] = mapped_column(primary_key=True)


class AuditChainHead(Base):
    """The last sealed entry of a chain. Its row is what a sealing transaction locks, one per chain, so
    writers to different organizations' logs never wait for each other; ``verify`` checks the chain ends
    there, so dropping the last entries shows too."""

    __tablename__ = "audit_chain_head"

    chain_key: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_seq: Mapped[int]
    last_hash: Mapped[str] = mapped_column(String(64))
