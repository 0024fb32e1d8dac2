"""The audit log's hash chains: tampering shows, and writers of different organizations never wait for
each other (issue #10).

One chain per organization (``org:<id>``, the organization whose log an entry is in), and one for the
platform's own entries (``platform``). An entry is written unsealed during its transaction; when the
transaction commits (``before_commit``), ``seal`` takes, per chain
the transaction touched, that chain's head row (``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite the one
writer holds the database), numbers the new entries in id order after the head, and stores in each the
previous entry's hash and its own: SHA-256 over a canonical JSON of its fields, its parties and the
previous hash. The head lock is held from then to the commit, so two transactions of one organization
queue for the moment of their commits only, and two of different organizations not at all.

Sealing is the one UPDATE the append-only trigger lets through: it sets the seal columns of an entry that
has none, once. ``verify`` walks every chain and names the first entry that does not hold.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Row, bindparam, event, func, select, tuple_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.orm.attributes import set_committed_value

from rantai.audit.models import AuditChainHead, AuditEvent, AuditParty
from rantai.db import table_of
from rantai.kit.text import N_

PLATFORM_CHAIN = "platform"
GENESIS = "0" * 64  # the "previous hash" of a chain's first entry
_PENDING = "rantai.audit.unsealed"  # session.info key: ids of entries this transaction wrote
_CHUNK = 1000

# The fields an entry's hash covers, as stored. Never change what they mean: old entries were sealed so.
_EVENT = table_of(AuditEvent)
_FIELDS = (
    "id",
    "chain_key",
    "chain_seq",
    "occurred_at",
    "actor_user_id",
    "organization_id",
    "action",
    "target_type",
    "target_id",
    "details",
    "before_state",
    "after_state",
    "request_id",
    "note",
)


def chain_key(organization_id: int | None) -> str:
    """The chain an entry of this organization's log goes in."""
    return PLATFORM_CHAIN if organization_id is None else f"org:{organization_id}"


def _canonical(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="microseconds")
    return value


def entry_hash(fields: Mapping[str, Any], parties: Sequence[int], previous: str) -> str:
    """SHA-256 (hex) of an entry's fields, its parties (sorted) and the previous entry's hash, as compact
    JSON with sorted keys. Used by the migration that sealed the entries written before chains, too."""
    document = {name: _canonical(fields[name]) for name in _FIELDS}
    document["parties"] = sorted(parties)
    document["prev_hash"] = previous
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def remember(session: Session, event_ids: Iterable[int]) -> None:
    """Entries this transaction wrote, to be sealed when it commits."""
    session.info.setdefault(_PENDING, []).extend(event_ids)


@event.listens_for(Session, "before_commit")
def _seal_before_commit(session: Session) -> None:
    # A savepoint's release fires this too: its entries are sealed with the rest when the transaction
    # itself commits, so the chain's lock is held for the commit only.
    if session.info.get(_PENDING) and not session.in_nested_transaction():
        seal(session)


@event.listens_for(Session, "after_transaction_end")
def _forget_when_the_transaction_ends(session: Session, transaction: SessionTransaction) -> None:
    # Rolled back (a savepoint's rollback leaves the others of its transaction to seal): gone.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def seal(session: Session) -> int:
    """Link the entries this transaction wrote into their chains; returns how many it sealed."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return 0
    session.flush()
    rows = _unsealed(session, sorted(set(pending)))
    if not rows:
        return 0
    parties = _parties(session, [row.id for row in rows])
    by_chain: dict[str, list[Row[Any]]] = {}
    for row in rows:
        by_chain.setdefault(row.chain_key, []).append(row)
    heads = _lock_heads(session, sorted(by_chain))
    seals: list[dict[str, Any]] = []
    moved: list[dict[str, Any]] = []
    for key in sorted(by_chain):
        seq, previous = heads[key]
        for row in by_chain[key]:  # in id order: the order they were written in this transaction
            seq += 1
            fields = {**row._mapping, "chain_seq": seq}
            digest = entry_hash(fields, parties.get(row.id, []), previous)
            seals.append({"b_id": row.id, "b_seq": seq, "b_prev": previous, "b_hash": digest})
            previous = digest
        moved.append({"b_key": key, "b_seq": seq, "b_hash": previous})
    session.execute(
        update(_EVENT)
        .where(_EVENT.c.id == bindparam("b_id"), _EVENT.c.entry_hash.is_(None))
        .values(chain_seq=bindparam("b_seq"), prev_hash=bindparam("b_prev"), entry_hash=bindparam("b_hash")),
        seals,
    )
    head = table_of(AuditChainHead)
    session.execute(
        update(head)
        .where(head.c.chain_key == bindparam("b_key"))
        .values(last_seq=bindparam("b_seq"), last_hash=bindparam("b_hash")),
        moved,
    )
    _show_seals(session, seals)
    return len(seals)


def _unsealed(session: Session, ids: list[int]) -> list[Row[Any]]:
    columns = [_EVENT.c[name] for name in _FIELDS if name != "chain_seq"]
    found: list[Row[Any]] = []
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        query = select(*columns).where(_EVENT.c.id.in_(chunk), _EVENT.c.entry_hash.is_(None))
        found.extend(session.execute(query))
    return sorted(found, key=lambda row: row.id)


def _parties(session: Session, ids: list[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = {}
    for start in range(0, len(ids), _CHUNK):
        query = select(AuditParty.event_id, AuditParty.organization_id).where(
            AuditParty.event_id.in_(ids[start : start + _CHUNK])
        )
        for event_id, organization_id in session.execute(query):
            found.setdefault(event_id, []).append(organization_id)
    return found


def _lock_heads(session: Session, keys: list[str]) -> dict[str, tuple[int, str]]:
    """The head (last sequence number, last hash) of each chain, locked until the commit. Missing heads
    are made first; both steps go in key order, so two transactions cannot wait for each other."""
    head = table_of(AuditChainHead)
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    heads: dict[str, tuple[int, str]] = {}
    for start in range(0, len(keys), _CHUNK):
        chunk = keys[start : start + _CHUNK]
        fresh = [{"chain_key": key, "last_seq": 0, "last_hash": GENESIS} for key in chunk]
        session.execute(insert(head).values(fresh).on_conflict_do_nothing(index_elements=["chain_key"]))
        query = (
            select(head.c.chain_key, head.c.last_seq, head.c.last_hash)
            .where(head.c.chain_key.in_(chunk))
            .order_by(head.c.chain_key)
            .with_for_update()
        )
        heads.update((key, (seq, digest)) for key, seq, digest in session.execute(query))
    return heads


def _show_seals(session: Session, seals: list[dict[str, Any]]) -> None:
    """Entries loaded in this session show their seal without being read again."""
    by_id = {seal["b_id"]: seal for seal in seals}
    for instance in list(session.identity_map.values()):
        if isinstance(instance, AuditEvent) and instance.id in by_id:
            found = by_id[instance.id]
            set_committed_value(instance, "chain_seq", found["b_seq"])
            set_committed_value(instance, "prev_hash", found["b_prev"])
            set_committed_value(instance, "entry_hash", found["b_hash"])


# --- verification --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Break:
    """The first entry of a chain that does not hold (None: the chain's end), and why: an English
    message id with its parameters, for the door to translate."""

    chain_key: str
    event_id: int | None
    chain_seq: int | None
    reason: str
    params: Mapping[str, Any] = field(default_factory=dict)


MSG_MISSING = N_("entries #%(first)s to #%(last)s are missing before it")
MSG_NOT_LINKED = N_("its previous hash is not the hash of the entry before it")
MSG_ALTERED = N_("it was altered after it was sealed: its hash does not match its content")
MSG_MOVED = N_("it is in another organization's chain")
MSG_END_MISSING = N_("the chain ends at #%(last)s but its head says #%(head)s: its last entries are missing")
MSG_NO_HEAD = N_("the chain has no head: its entries were not sealed by Rantai")
MSG_UNSEALED = N_("it was never sealed")


@dataclass(frozen=True, slots=True)
class Verification:
    entries: int
    chains: int
    breaks: list[Break]

    @property
    def intact(self) -> bool:
        return not self.breaks


def verify(session: Session, *, batch: int = 2000) -> Verification:
    """Check every chain from its first entry to its head; the first break of each chain is reported."""
    heads = {
        key: (seq, digest)
        for key, seq, digest in session.execute(
            select(AuditChainHead.chain_key, AuditChainHead.last_seq, AuditChainHead.last_hash)
        )
    }
    breaks: dict[str, Break] = {}
    seen: dict[str, tuple[int, str, int]] = {}  # chain -> (last seq, last hash, last id)
    entries = 0
    for row, parties in _sealed_in_order(session, batch):
        entries += 1
        key = row.chain_key
        if key in breaks:
            continue
        last_seq, last_hash, _ = seen.get(key, (0, GENESIS, 0))
        problem: tuple[str, dict[str, Any]] | None = None
        if row.chain_seq != last_seq + 1:
            problem = MSG_MISSING, {"first": last_seq + 1, "last": row.chain_seq - 1}
        elif row.prev_hash != last_hash:
            problem = MSG_NOT_LINKED, {}
        elif entry_hash(dict(row._mapping), parties, row.prev_hash) != row.entry_hash:
            problem = MSG_ALTERED, {}
        elif key != chain_key(row.organization_id):
            problem = MSG_MOVED, {}
        if problem:
            breaks[key] = Break(key, row.id, row.chain_seq, *problem)
        seen[key] = (row.chain_seq, row.entry_hash, row.id)
    for key, (head_seq, head_hash) in sorted(heads.items()):
        if key in breaks:
            continue
        last_seq, last_hash, last_id = seen.get(key, (0, GENESIS, 0))
        if (last_seq, last_hash) != (head_seq, head_hash):
            ends = {"last": last_seq, "head": head_seq}
            breaks[key] = Break(key, last_id or None, last_seq, MSG_END_MISSING, ends)
    for key in sorted(set(seen) - set(heads) - set(breaks)):
        breaks[key] = Break(key, seen[key][2], seen[key][0], MSG_NO_HEAD)
    unsealed = session.execute(
        select(_EVENT.c.id, _EVENT.c.chain_key).where(_EVENT.c.entry_hash.is_(None)).order_by(_EVENT.c.id)
    ).first()
    if unsealed is not None:
        key = unsealed.chain_key or "?"
        breaks.setdefault(key, Break(key, unsealed.id, None, MSG_UNSEALED))
        entries += session.scalar(select(func.count()).where(_EVENT.c.entry_hash.is_(None))) or 0
    ordered = sorted(breaks.values(), key=lambda found: found.chain_key)
    return Verification(entries=entries, chains=len(set(seen) | set(heads)), breaks=ordered)


def _sealed_in_order(session: Session, batch: int) -> Iterator[tuple[Row[Any], list[int]]]:
    """Every sealed entry by chain and sequence number, with its parties, read a batch at a time."""
    columns = [_EVENT.c[name] for name in _FIELDS] + [_EVENT.c.prev_hash, _EVENT.c.entry_hash]
    order = (_EVENT.c.chain_key, _EVENT.c.chain_seq)
    query = select(*columns).where(_EVENT.c.entry_hash.is_not(None)).order_by(*order).limit(batch)
    after: tuple[str, int] | None = None
    while True:
        page = query if after is None else query.where(tuple_(*order) > tuple_(*after))
        rows = list(session.execute(page))
        if not rows:
            return
        parties = _parties(session, [row.id for row in rows])
        for row in rows:
            yield row, parties.get(row.id, [])
        after = (rows[-1].chain_key, rows[-1].chain_seq)
