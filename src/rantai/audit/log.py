"""Writing to the audit log: the one helper every domain records its events with.

An entry names its event (``Event``, which says the kind of resource it is about), the resource's id, the user who acted and its parties:
the organizations it concerns, the first being the one whose log it is in (a profile an importer changed
names the business, then the importer; later a purchase order names buyer and supplier). Each party sees
the entry in its own audit log. ``before`` and ``after`` say what the event changed, when it is told.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import insert
from sqlalchemy.orm import Session

from rantai.audit import chain
from rantai.audit.events import Event
from rantai.audit.models import AuditEvent, AuditParty
from rantai.db import bulk_insert, table_of
from rantai.kit.clock import now
from rantai.kit.context import current_request_id


class Acting(Protocol):
    """Who acted, as the policy knows them (``identity.policy.Actor``)."""

    @property
    def user_id(self) -> int | None: ...


# Who acted: an actor, a user id, or None when nobody did (the platform, an anonymous request).
By = Acting | int | None


def user_of(by: By) -> int | None:
    """The id of the user who acted."""
    return by if by is None or isinstance(by, int) else by.user_id


@dataclass(frozen=True, slots=True)
class Entry:
    """One event to record, for ``record_many``."""

    event: Event
    resource_id: int | str | None
    parties: Sequence[int | None] = ()
    by: By = None
    details: dict[str, Any] = field(default_factory=dict)
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None


def parties_of(parties: Iterable[int | None]) -> list[int]:
    """The organizations named, in order, each once (an unknown one, None, is left out)."""
    return list(dict.fromkeys(party for party in parties if party is not None))


def record(
    session: Session,
    event: Event,
    resource_id: int | str | None,
    parties: Sequence[int | None] = (),
    *,
    by: By,
    details: dict[str, Any] | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one entry (flushed, so it has its id) about ``event.resource_type`` number ``resource_id``.
    ``parties``: the organizations it concerns, the
    first being the one whose log it is in; none for an entry of the platform's own log. ``by``: who
    acted (an actor or a user id; None for nobody)."""
    named = parties_of(parties)
    entry = AuditEvent(
        action=event.value,
        target_type=event.resource_type.value,
        target_id=None if resource_id is None else str(resource_id),
        actor_user_id=user_of(by),
        organization_id=named[0] if named else None,
        details=details or {},
        before=before,
        after=after,
        request_id=current_request_id.get(),
        chain_key=chain.chain_key(named[0] if named else None),
    )
    session.add(entry)
    session.flush()
    chain.remember(session, [entry.id])
    if named:
        session.add_all(AuditParty(event_id=entry.id, organization_id=org) for org in named)
        session.flush()
    return entry


def record_many(session: Session, entries: Iterable[Entry]) -> int:
    """Append many entries with bulk statements (an import records one per profile it changed);
    returns how many."""
    moment, request_id = now(), current_request_id.get()
    rows: list[dict[str, Any]] = []
    named: list[list[int]] = []
    for entry in entries:
        parties = parties_of(entry.parties)
        named.append(parties)
        rows.append(
            {
                "occurred_at": moment,
                "actor_user_id": user_of(entry.by),
                "organization_id": parties[0] if parties else None,
                "action": entry.event.value,
                "target_type": entry.event.resource_type.value,
                "target_id": None if entry.resource_id is None else str(entry.resource_id),
                "details": entry.details,
                "before_state": entry.before,
                "after_state": entry.after,
                "request_id": request_id,
                "note": None,
                "chain_key": chain.chain_key(parties[0] if parties else None),
                "chain_seq": None,
                "prev_hash": None,
                "entry_hash": None,
            }
        )
    if not rows:
        return 0
    ids = _insert_returning_ids(session, rows)
    chain.remember(session, ids)
    party_rows = [
        {"event_id": event_id, "organization_id": org}
        for event_id, parties in zip(ids, named, strict=True)
        for org in parties
    ]
    bulk_insert(session, AuditParty, party_rows)
    return len(rows)


def _insert_returning_ids(session: Session, rows: list[dict[str, Any]]) -> list[int]:
    """Insert entries, their new ids in the rows' order. ``db.bulk_insert``'s PostgreSQL path sends arrays
    per column, which psycopg cannot make of JSON values; SQLAlchemy's batched INSERT ... RETURNING can."""
    if session.get_bind().dialect.name != "postgresql":
        return bulk_insert(session, AuditEvent, rows, return_ids=True)
    table = table_of(AuditEvent)
    statement = insert(table).returning(table.c.id, sort_by_parameter_order=True)
    return [int(event_id) for event_id in session.scalars(statement, rows)]
