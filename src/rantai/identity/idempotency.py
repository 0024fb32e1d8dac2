"""Idempotency keys: a repeated request (an API retry with the same ``Idempotency-Key``, a double-clicked
form) is answered with the first result instead of being run again (issue #10, item 6).

A key belongs to a caller (an API token, a logged-in user, or for an anonymous form the browser), so one
caller can never replay another's answer. The doors (``rantai.idempotent``) use it in three steps:

1. ``claim``, in a short transaction of its own committed before the request runs: inserts the key in
   the *running* state (``INSERT ... ON CONFLICT DO NOTHING`` against the unique (caller, key)), so of two
   simultaneous requests with one key exactly one runs; the other finds the row and is told to retry
   (``StillRunning``, 409), or gets the stored answer when the first has finished (``Replay``), or an
   error when the same key came with a different request (``KeyReused``, 422).
2. ``complete``, in the request's own transaction, after the handler: the answer is stored by a
   compare-and-set on the claim's random token, so the created rows and the stored answer commit
   together or not at all. A claim taken over (below) makes ``complete`` fail and the handler's writes
   roll back: no twin even then.
3. ``release`` when the request failed in a way a retry may mend (a 5xx, our fault or a busy database;
   in the browser also a form with errors): the key is deleted and may be used again.

A *running* claim older than ``LEASE`` belongs to a request that died (or whose commit failed): it is
taken over by the next request with that key. That is safe because an answer is stored in the same
transaction as the work, so a claim still *running* means the work never committed.

Keys are kept ``RETENTION`` (24 hours) after their first use; an expired key counts as never used, and
each claim deletes a batch of expired rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import Index, LargeBinary, String, UniqueConstraint, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from rantai.db import Base, table_of
from rantai.kit.clock import now
from rantai.kit.errors import Conflict, Invalid
from rantai.kit.ids import new_token
from rantai.kit.text import N_

RETENTION = dt.timedelta(hours=24)
LEASE = dt.timedelta(minutes=2)
PURGE_BATCH = 100
KEY_MAX = 255
LOCATION_MAX = 2000
CONTENT_TYPE_MAX = 200
RUNNING = "running"
DONE = "done"

MSG_KEY_REUSED = N_(
    "This Idempotency-Key was already used for a different request (another method, address or body). "
    "Send a new key for a new request, or repeat the first request exactly."
)
MSG_FORM_REUSED = N_(
    "This form was already sent with other contents, so nothing was saved. Open the page again to send "
    "a new one."
)
MSG_STILL_RUNNING = N_(
    "A request with this key is still being processed. Wait a moment and retry with the same key."
)
MSG_FORM_RUNNING = N_(
    "This form is still being processed. Wait a moment, then open the page again to see the result."
)
MSG_SECRET_WITHHELD = N_(
    "This request was already done, and its answer held a secret that is shown only once, so it cannot "
    "be shown again. If you did not receive it, revoke what was created and create a new one."
)
MSG_CLAIM_LOST = N_(
    "This request took too long and was started again by a retry with the same key; nothing was saved "
    "by this one. Retry with the same key to get the result."
)


class KeyReused(Invalid):
    status_code = 422
    code = "idempotency-key-reused"


class StillRunning(Conflict):
    code = "idempotency-key-in-use"

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "1"}


class SecretWithheld(Conflict):
    code = "idempotent-answer-withheld"


class ClaimLost(Conflict):
    code = "idempotency-claim-lost"


class IdempotencyKey(Base):
    """One key of one caller: the request it came with (a digest) and, once done, the answer."""

    __tablename__ = "identity_idempotency_key"
    __table_args__ = (
        UniqueConstraint("caller", "key"),
        Index("ix_identity_idempotency_key_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # "token:<api token id>", "user:<user id>" or "browser:<digest of the CSRF cookie>".
    caller: Mapped[str] = mapped_column(String(80))
    key: Mapped[str] = mapped_column(String(KEY_MAX))
    # SHA-256 of the method, path, query and body: the same key with another request is refused.
    fingerprint: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(10))
    # Random per claim: only the request holding the claim can complete or release it.
    claim_token: Mapped[str] = mapped_column(String(32))
    claimed_at: Mapped[dt.datetime] = mapped_column(default=now)
    expires_at: Mapped[dt.datetime] = mapped_column()
    status_code: Mapped[int | None] = mapped_column(default=None)
    content_type: Mapped[str | None] = mapped_column(String(CONTENT_TYPE_MAX), default=None)
    location: Mapped[str | None] = mapped_column(String(LOCATION_MAX), default=None)
    body: Mapped[bytes | None] = mapped_column(LargeBinary, default=None)
    # The answer carried a secret shown once (Cache-Control: no-store): its body was not kept.
    body_withheld: Mapped[bool] = mapped_column(default=False)


@dataclass(frozen=True, slots=True)
class Answer:
    """A response as it is stored and replayed."""

    status_code: int
    content_type: str | None
    location: str | None
    body: bytes
    withheld: bool = False

    @property
    def storable(self) -> bool:
        """Whether the columns hold it (a redirect to a very long address is not kept: the key is
        released instead, so a repeat runs again rather than the request failing)."""
        return len(self.location or "") <= LOCATION_MAX and len(self.content_type or "") <= CONTENT_TYPE_MAX


@dataclass(frozen=True, slots=True)
class Claim:
    """The right to run a request once; held by the request that inserted (or took over) the key."""

    id: int
    token: str


@dataclass(frozen=True, slots=True)
class Replay:
    """The key was used before with the same request: its first answer."""

    answer: Answer


def fingerprint(method: str, path: str, query: str, body: bytes) -> str:
    """The digest of a request. A JSON body is read and written back with sorted keys and no spaces,
    so a client that re-serializes the same object on retry is not refused."""
    try:
        canonical = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
    except ValueError:
        canonical = body
    digest = hashlib.sha256()
    for part in (method.upper().encode(), path.encode(), query.encode()):
        digest.update(part)
        digest.update(b"\0")
    digest.update(canonical)
    return digest.hexdigest()


def _insert_if_absent(session: Session, values: dict[str, object]) -> int | None:
    """Insert the key unless the caller has it already; its new id, or None when it was there. Both
    dialects wait for a concurrent uncommitted insert of the same key and then skip, so exactly one
    wins. (The id comes back by RETURNING: psycopg reports no row count for this statement.)"""
    dialect = session.get_bind().dialect.name
    table = table_of(IdempotencyKey)
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(table)
        .values(values)
        .on_conflict_do_nothing(index_elements=["caller", "key"])
        .returning(table.c.id)
    )
    found = session.execute(statement).scalar_one_or_none()
    return int(found) if found is not None else None


def purge_expired(session: Session, moment: dt.datetime | None = None, *, limit: int = PURGE_BATCH) -> int:
    """Delete up to ``limit`` keys past their retention; returns how many went."""
    moment = moment or now()
    ids = select(IdempotencyKey.id).where(IdempotencyKey.expires_at <= moment).limit(limit)
    result = session.execute(
        delete(IdempotencyKey).where(IdempotencyKey.id.in_(ids)),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _row(session: Session, caller: str, key: str) -> IdempotencyKey | None:
    row = session.execute(
        select(IdempotencyKey).where(IdempotencyKey.caller == caller, IdempotencyKey.key == key)
    ).scalar_one_or_none()
    if row is not None:
        session.expunge(row)  # read as it was; later statements are Core compare-and-sets
    return row


def _stale(row: IdempotencyKey, moment: dt.datetime) -> bool:
    return row.expires_at <= moment or (row.state == RUNNING and row.claimed_at <= moment - LEASE)


def _judge(row: IdempotencyKey, request_fingerprint: str, *, form: bool) -> Replay:
    """The answer for a repeat of a key that is in use (not stale), or the error that says why not."""
    if row.fingerprint != request_fingerprint:
        if form:
            raise KeyReused(MSG_FORM_REUSED)
        raise KeyReused(MSG_KEY_REUSED, field="Idempotency-Key")
    if row.state == RUNNING:
        raise StillRunning(MSG_FORM_RUNNING if form else MSG_STILL_RUNNING)
    if row.body_withheld:
        raise SecretWithheld(MSG_SECRET_WITHHELD)
    return Replay(
        Answer(
            status_code=row.status_code or 200,
            content_type=row.content_type,
            location=row.location,
            body=row.body or b"",
        )
    )


def lookup(
    session: Session,
    *,
    caller: str,
    key: str,
    request_fingerprint: str,
    form: bool = False,
    moment: dt.datetime | None = None,
) -> Replay | None:
    """Read only: the first answer when ``key`` was used with this request, None when the key is free
    (never used, expired, or a stale claim), or the error of ``claim``. Doors ask this first in a
    reading transaction: on SQLite it runs beside a writer, so a repeat that arrives while the first
    request holds the write lock is answered at once instead of queueing behind it."""
    row = _row(session, caller, key)
    if row is None or _stale(row, moment or now()):
        return None
    return _judge(row, request_fingerprint, form=form)


def claim(
    session: Session,
    *,
    caller: str,
    key: str,
    request_fingerprint: str,
    form: bool = False,
    moment: dt.datetime | None = None,
) -> Claim | Replay:
    """Claim ``key`` for ``caller`` (see the module's docstring); the caller commits at once.

    Raises ``KeyReused`` (a different request), ``StillRunning`` (the first is not done) or
    ``SecretWithheld`` (done, but its answer is not kept)."""
    moment = moment or now()
    purge_expired(session, moment)
    token = new_token(16)
    fresh = {
        "fingerprint": request_fingerprint,
        "state": RUNNING,
        "claim_token": token,
        "claimed_at": moment,
        "expires_at": moment + RETENTION,
        "status_code": None,
        "content_type": None,
        "location": None,
        "body": None,
        "body_withheld": False,
    }
    inserted = _insert_if_absent(session, {"caller": caller, "key": key, **fresh})
    if inserted is not None:
        return Claim(id=inserted, token=token)
    row = _row(session, caller, key)
    if row is None:  # deleted (released or purged) between the two statements: a retry inserts it
        raise StillRunning(MSG_FORM_RUNNING if form else MSG_STILL_RUNNING)
    if not _stale(row, moment):
        return _judge(row, request_fingerprint, form=form)
    # Compare-and-set on the claim seen: of two requests taking over the same stale key, one wins.
    taken = session.execute(
        update(IdempotencyKey)
        .where(IdempotencyKey.id == row.id, IdempotencyKey.claim_token == row.claim_token)
        .values(**fresh),
        execution_options={"synchronize_session": False},
    )
    if getattr(taken, "rowcount", 0) == 1:
        return Claim(id=row.id, token=token)
    raise StillRunning(MSG_FORM_RUNNING if form else MSG_STILL_RUNNING)


def complete(session: Session, held: Claim, answer: Answer) -> None:
    """Store the answer of a claimed request, in the request's own transaction. Raises ``ClaimLost``
    when a retry took the claim over: the request's work must then roll back."""
    result = session.execute(
        update(IdempotencyKey)
        .where(
            IdempotencyKey.id == held.id,
            IdempotencyKey.claim_token == held.token,
            IdempotencyKey.state == RUNNING,
        )
        .values(
            state=DONE,
            status_code=answer.status_code,
            content_type=answer.content_type,
            location=answer.location,
            body=None if answer.withheld else answer.body,
            body_withheld=answer.withheld,
        ),
        execution_options={"synchronize_session": False},
    )
    if getattr(result, "rowcount", 0) != 1:
        raise ClaimLost(MSG_CLAIM_LOST)


def release(session: Session, held: Claim) -> None:
    """Forget a claimed key whose request failed in a way a retry may mend."""
    session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.id == held.id,
            IdempotencyKey.claim_token == held.token,
            IdempotencyKey.state == RUNNING,
        ),
        execution_options={"synchronize_session": False},
    )


def count(session: Session, caller: str | None = None) -> int:
    """How many keys are stored (for one caller); for tests and operations."""
    statement = select(func.count()).select_from(IdempotencyKey)
    if caller is not None:
        statement = statement.where(IdempotencyKey.caller == caller)
    return int(session.execute(statement).scalar_one())
