"""The job row's lifecycle: claims as compare-and-set, leases, retries, the reaper, sending after commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from rantai import jobs
from rantai.db import transaction
from rantai.jobs import repository, runner
from rantai.jobs.models import Job
from rantai.jobs.tasks import SIGNALS, TASKS
from rantai.kit.clock import now

RAN: list[tuple[str, Any]] = []


@pytest.fixture(autouse=True)
def _test_tasks() -> Iterator[None]:
    """Tasks of this module's own kinds, registered for its tests only."""
    RAN.clear()

    @jobs.task("test.ok")
    def ok(attempt: jobs.Attempt) -> None:
        with transaction(attempt.context.factory, write=True) as session:
            RAN.append(("ok", attempt.payload))
            attempt.complete(session)

    def gave_up(_session: Session, _context: jobs.Context, payload: dict[str, Any]) -> None:
        RAN.append(("gave up", payload))

    @jobs.task("test.broken", max_attempts=2, give_up=gave_up)
    def broken(attempt: jobs.Attempt) -> None:
        RAN.append(("broken", attempt.number))
        raise RuntimeError("it went wrong")

    @jobs.signal("test.signal")
    def swept(_context: jobs.Context) -> None:
        RAN.append(("signal", None))

    yield
    for kind in ("test.ok", "test.broken"):
        TASKS.pop(kind, None)
    SIGNALS.pop("test.signal", None)


@pytest.fixture
def queue(session_factory: sessionmaker[Session], tmp_path: Path) -> jobs.InlineQueue:
    context = jobs.Context(session_factory, tmp_path, dt.timedelta(seconds=30))
    inline = jobs.InlineQueue(context)
    jobs.attach(session_factory, inline)
    return inline


def _job(db: Session, job_id: int) -> Job:
    db.expire_all()
    found = db.get(Job, job_id)
    assert found is not None
    return found


def test_one_claim_wins_and_a_finished_job_is_never_claimed_again(db: Session) -> None:
    job = jobs.enqueue(db, "test.ok", {"n": 1})
    lease = now() + dt.timedelta(seconds=30)
    first = repository.claim(db, job.id, lease_until=lease)
    assert first is not None and (first.attempt, first.payload) == (1, {"n": 1})
    assert repository.claim(db, job.id, lease_until=lease) is None  # a second worker gets nothing
    assert repository.complete(db, first)
    assert repository.claim(db, job.id, lease_until=lease) is None
    assert (_job(db, job.id).status, _job(db, job.id).attempts) == ("done", 1)


def test_a_worker_whose_lease_was_taken_cannot_complete(db: Session, queue: jobs.InlineQueue) -> None:
    job = jobs.enqueue(db, "test.ok")
    stale = repository.claim(db, job.id, lease_until=now() - dt.timedelta(seconds=1))
    assert stale is not None
    assert runner.reap(queue.context, queue) == [job.id]  # its worker stopped renewing
    assert _job(db, job.id).status == "queued"
    fresh = repository.claim(db, job.id, lease_until=now() + dt.timedelta(seconds=30))
    assert fresh is not None and fresh.version > stale.version
    assert not repository.renew(db, stale, lease_until=now() + dt.timedelta(seconds=30))
    assert not repository.complete(db, stale)  # the old worker's end changes nothing
    assert repository.complete(db, fresh)
    assert (_job(db, job.id).status, _job(db, job.id).attempts) == ("done", 2)


def test_the_reaper_leaves_live_leases_and_fails_jobs_out_of_attempts(
    db: Session, queue: jobs.InlineQueue
) -> None:
    live = jobs.enqueue(db, "test.ok")
    assert repository.claim(db, live.id, lease_until=now() + dt.timedelta(seconds=30)) is not None
    last = jobs.enqueue(db, "test.broken", {"n": 2}, max_attempts=1)
    assert repository.claim(db, last.id, lease_until=now() - dt.timedelta(seconds=1)) is not None
    lost = jobs.enqueue(db, "test.ok", claim_within_seconds=-1)  # its message never reached a worker
    assert sorted(runner.reap(queue.context, queue)) == [lost.id]
    assert _job(db, live.id).status == "running"
    assert _job(db, last.id).status == "failed" and RAN == [("gave up", {"n": 2})]
    assert _job(db, lost.id).status == "queued" and _job(db, lost.id).lease_until > now()  # type: ignore[operator]
    queue.run_pending()
    assert _job(db, lost.id).status == "done"


def test_a_starting_worker_sends_every_queued_job_and_leaves_running_ones(
    db: Session, queue: jobs.InlineQueue
) -> None:
    written = jobs.enqueue(db, "test.ok", {"n": 3})  # by a session with no queue: never sent
    live = jobs.enqueue(db, "test.ok")
    assert repository.claim(db, live.id, lease_until=now() + dt.timedelta(seconds=30)) is not None
    assert runner.reap(queue.context, queue) == []  # a periodic reap waits for the claim-by time
    assert runner.reap(queue.context, queue, starting=True) == [written.id]
    queue.run_pending()
    assert _job(db, written.id).status == "done" and RAN == [("ok", {"n": 3})]
    assert _job(db, live.id).status == "running"


def test_a_released_savepoint_sends_nothing_before_the_commit(
    session_factory: sessionmaker[Session], queue: jobs.InlineQueue
) -> None:
    # SQLAlchemy calls after_commit when a savepoint is released too; a job sent then reached the worker
    # before its row was committed, and waited for the reaper (found by bench/order_flow.py).
    with transaction(session_factory, write=True) as session:
        with session.begin_nested():
            job = jobs.enqueue(session, "test.ok", {"n": 4})
        with session.begin_nested():
            jobs.signal_after_commit(session, "test.signal")
        assert (queue.jobs, queue.signals) == ([], [])
    assert (queue.jobs, queue.signals) == ([job.id], ["test.signal"])


def test_an_error_is_retried_then_given_up(db: Session, queue: jobs.InlineQueue) -> None:
    job = jobs.enqueue(db, "test.broken", {"n": 3}, max_attempts=2)
    assert runner.run(queue.context, job.id, queue)
    row = _job(db, job.id)
    assert (row.status, row.attempts, queue.jobs) == ("queued", 1, [job.id])  # sent again, with a delay
    assert "it went wrong" in (row.error or "")
    queue.run_pending()
    row = _job(db, job.id)
    assert (row.status, row.attempts) == ("failed", 2)
    assert RAN == [("broken", 1), ("broken", 2), ("gave up", {"n": 3})]


def test_jobs_and_signals_are_sent_when_the_transaction_commits(
    session_factory: sessionmaker[Session], queue: jobs.InlineQueue
) -> None:
    def rolled_back() -> None:
        with transaction(session_factory) as session:
            jobs.enqueue(session, "test.ok", {"n": "rolled back"})
            jobs.signal_after_commit(session, "test.signal")
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        rolled_back()
    assert (queue.jobs, queue.signals) == ([], [])
    with transaction(session_factory) as session:
        job = jobs.enqueue(session, "test.ok", {"n": 4})
        jobs.signal_after_commit(session, "test.signal")
        assert queue.jobs == []  # not before the commit: a worker must find the row
    assert (queue.jobs, queue.signals) == ([job.id], ["test.signal"])
    assert queue.run_pending() == 2
    assert RAN == [("ok", {"n": 4}), ("signal", None)]
