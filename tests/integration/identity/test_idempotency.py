"""Idempotency keys in the database: claim, complete, replay, refuse, release, take over, expire; and two
simultaneous claims of one key on real connections, of which exactly one wins."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from rantai.db import make_engine, make_session_factory, transaction
from rantai.identity import idempotency
from rantai.identity.idempotency import (
    Answer,
    Claim,
    ClaimLost,
    IdempotencyKey,
    KeyReused,
    Replay,
    SecretWithheld,
    StillRunning,
)
from rantai.kit.clock import now

CALLER = "token:1"
CREATED = Answer(
    status_code=201, content_type="application/json", location="/api/v1/needs/7", body=b'{"id":7}'
)


def _claim(db: Session, key: str = "k-1", fp: str = "a" * 64, **kw: object) -> Claim | Replay:
    return idempotency.claim(db, caller=CALLER, key=key, request_fingerprint=fp, **kw)  # type: ignore[arg-type]


def test_a_completed_key_replays_its_first_answer(db: Session) -> None:
    held = _claim(db)
    assert isinstance(held, Claim)
    idempotency.complete(db, held, CREATED)
    again = _claim(db)
    assert again == Replay(CREATED)
    assert idempotency.count(db, CALLER) == 1


def test_the_same_key_with_another_request_is_refused_and_a_running_one_is_busy(db: Session) -> None:
    held = _claim(db)
    assert isinstance(held, Claim)
    with pytest.raises(StillRunning) as running:
        _claim(db)
    assert running.value.headers == {"Retry-After": "1"}
    with pytest.raises(KeyReused) as reused:
        _claim(db, fp="b" * 64)
    assert reused.value.status_code == 422 and reused.value.field == "Idempotency-Key"
    with pytest.raises(KeyReused) as form:
        _claim(db, fp="b" * 64, form=True)
    assert form.value.message == idempotency.MSG_FORM_REUSED


def test_keys_belong_to_their_caller(db: Session) -> None:
    assert isinstance(_claim(db), Claim)
    other = idempotency.claim(db, caller="token:2", key="k-1", request_fingerprint="a" * 64)
    assert isinstance(other, Claim)


def test_a_released_key_runs_again(db: Session) -> None:
    held = _claim(db)
    assert isinstance(held, Claim)
    idempotency.release(db, held)
    assert isinstance(_claim(db), Claim)


def test_an_answer_holding_a_secret_is_not_kept(db: Session) -> None:
    held = _claim(db)
    assert isinstance(held, Claim)
    idempotency.complete(db, held, Answer(201, "application/json", None, b'{"token":"rnt_x"}', withheld=True))
    row = db.query(IdempotencyKey).one()
    assert row.body is None and row.body_withheld
    with pytest.raises(SecretWithheld):
        _claim(db)


def test_a_stale_claim_is_taken_over_and_its_first_holder_cannot_complete(db: Session) -> None:
    first = _claim(db)
    assert isinstance(first, Claim)
    db.execute(update(IdempotencyKey).values(claimed_at=now() - idempotency.LEASE - dt.timedelta(seconds=1)))
    second = _claim(db)
    assert isinstance(second, Claim) and second.id == first.id and second.token != first.token
    with pytest.raises(ClaimLost):
        idempotency.complete(db, first, CREATED)  # its work rolls back with it: no twin
    idempotency.complete(db, second, CREATED)
    assert _claim(db) == Replay(CREATED)


def test_keys_expire_after_24_hours(db: Session) -> None:
    held = _claim(db)
    assert isinstance(held, Claim)
    idempotency.complete(db, held, CREATED)
    later = now() + idempotency.RETENTION + dt.timedelta(seconds=1)
    assert isinstance(_claim(db, fp="c" * 64, moment=later), Claim)  # the old answer is gone
    assert dt.timedelta(hours=24) == idempotency.RETENTION


def test_expired_keys_are_purged(db: Session) -> None:
    for n in range(3):
        assert isinstance(_claim(db, key=f"old-{n}"), Claim)
    assert idempotency.purge_expired(db, now() + idempotency.RETENTION + dt.timedelta(seconds=1)) == 3
    assert idempotency.count(db, CALLER) == 0


def _race(url: str, work: Callable[[Session], object], n: int = 2) -> list[object]:
    """Run ``work`` in ``n`` threads at once, each in its own transaction on its own connection."""
    engine = make_engine(url)
    factory = make_session_factory(engine)
    barrier = threading.Barrier(n)
    results: list[object] = []

    def run() -> None:
        barrier.wait()
        try:
            with transaction(factory, write=True) as session:
                results.append(work(session))
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with transaction(factory) as session:
        results.append(idempotency.count(session, CALLER))
    engine.dispose()
    return results


def test_simultaneous_claims_of_one_key_make_one_row_and_one_winner(committed_url: str) -> None:
    outcomes = _race(
        committed_url,
        lambda s: idempotency.claim(s, caller=CALLER, key="same", request_fingerprint="a" * 64),
        n=4,
    )
    *claims, rows = outcomes
    assert rows == 1
    assert sum(isinstance(o, Claim) for o in claims) == 1
    assert sum(isinstance(o, StillRunning) for o in claims) == 3, claims


def test_an_answer_the_columns_cannot_hold_is_not_kept() -> None:
    long_address = Answer(303, None, "/needs/1?place=" + "x" * idempotency.LOCATION_MAX, b"")
    assert CREATED.storable and not long_address.storable
