"""The queue: huey on an embedded SQLite file by default, on Redis in production; and sending to it after
a commit.

``enqueue(session, kind, payload)`` adds the job row in the caller's transaction and sends its id when
that transaction commits (never before: a worker must find the row). ``signal_after_commit`` does the
same for a signal. The queue a session sends to is the one ``attach`` gave its session factory; a
session without one (the command line, a test's own session) sends nothing, and its jobs wait for the
reaper, its signals for the sweep, or for ``InlineQueue.run_pending``.

A message lost between the commit and the queue (the process died, Redis was down) is not a lost job:
the row stays queued, and past its claim-by time the reaper sends it again.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path
from typing import Any, Protocol

from huey import Huey, RedisHuey, SqliteHuey, crontab
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from rantai.jobs import repository, runner
from rantai.jobs.models import Job
from rantai.jobs.tasks import SIGNALS, Context
from rantai.kit.clock import now

log = logging.getLogger(__name__)
QUEUE_KEY = "rantai.jobs.queue"
_JOBS_KEY = "rantai.jobs.to_send"
_SIGNALS_KEY = "rantai.jobs.signals_to_send"
DEFAULT_MAX_ATTEMPTS = 3


class Queue(Protocol):
    def push(self, job_id: int, *, delay: float = 0.0) -> None: ...

    def signal(self, name: str) -> None: ...


def attach(factory: sessionmaker[Session], queue: Queue) -> None:
    """Sessions made by ``factory`` send their jobs and signals to ``queue`` when they commit."""
    info = dict(factory.kw.get("info") or {})
    info[QUEUE_KEY] = queue
    factory.configure(info=info)


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    claim_within_seconds: float = 600.0,
) -> Job:
    """Add a job in the session's transaction; it is sent to the queue when that transaction commits."""
    job = repository.add(
        session,
        kind=kind,
        payload=payload or {},
        max_attempts=max_attempts,
        claim_by=now() + dt.timedelta(seconds=claim_within_seconds),
    )
    session.info.setdefault(_JOBS_KEY, []).append(job.id)
    return job


def signal_after_commit(session: Session, name: str) -> None:
    """Send the signal ``name`` once the session's transaction commits."""
    session.info.setdefault(_SIGNALS_KEY, set()).add(name)


@event.listens_for(Session, "after_commit")
def _send(session: Session) -> None:
    # SQLAlchemy sends ``after_commit`` when a savepoint is released too (``begin_nested``, as every door's
    # ``db.all_or_nothing`` does): nothing is committed then, and a worker taking the job at once would
    # not find its row yet (jobs were seen to wait for the reaper so: bench/order_flow.py). Only the
    # outermost transaction's commit sends.
    if session.in_nested_transaction():
        return
    jobs: list[int] = session.info.pop(_JOBS_KEY, [])
    signals: set[str] = session.info.pop(_SIGNALS_KEY, set())
    queue: Queue | None = session.info.get(QUEUE_KEY)
    if queue is None:
        return
    for job_id in jobs:
        try:
            queue.push(job_id)
        except Exception:  # the reaper sends it again once its claim-by time has passed
            log.warning("job %s committed but not sent to the queue", job_id, exc_info=True)
    for name in sorted(signals):
        try:
            queue.signal(name)
        except Exception:  # the sweep catches up within a minute
            log.warning("signal %s not sent to the queue", name, exc_info=True)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session: Session, previous: SessionTransaction) -> None:
    # Only the outermost transaction's rollback undoes the rows; a savepoint's leaves the rest to send.
    if previous.parent is None:
        session.info.pop(_JOBS_KEY, None)
        session.info.pop(_SIGNALS_KEY, None)


def make_huey(url: str, data_dir: Path) -> Huey:
    """huey on Redis when ``url`` is given (redis://host:port/db), else on a SQLite file in the data
    directory (``jobs/queue.db``): no server to run on one machine."""
    if url:
        return RedisHuey("rantai", url=url, results=False)
    path = data_dir / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return SqliteHuey("rantai", filename=str(path / "queue.db"), results=False)


class HueyQueue:
    """The production queue. Sends from any process; runs the tasks in the process ``bind`` was called
    in (the worker)."""

    def __init__(self, huey: Huey) -> None:
        self.huey = huey
        self._context: Context | None = None
        self._run = huey.task(name="rantai.job", retries=0)(self._run_job)
        self._signal = huey.task(name="rantai.signal", retries=0)(self._run_signal)
        huey.periodic_task(crontab(minute="*"), name="rantai.reap")(self._reap)
        huey.periodic_task(crontab(minute="*"), name="rantai.sweep")(self._sweep)

    def bind(self, context: Context) -> None:
        self._context = context

    def push(self, job_id: int, *, delay: float = 0.0) -> None:
        if delay > 0:
            self._run.schedule(args=(job_id,), delay=delay)
        else:
            self._run(job_id)

    def signal(self, name: str) -> None:
        self._signal(name)

    def _bound(self) -> Context:
        if self._context is None:
            raise RuntimeError("this process sends jobs but does not run them (see rantai.worker)")
        return self._context

    def _run_job(self, job_id: int) -> None:
        runner.run(self._bound(), job_id, self)

    def _run_signal(self, name: str) -> None:
        found = SIGNALS.get(name)
        if found is None:
            log.error("no signal %r is known to this worker", name)
            return
        found.run(self._bound())

    def _reap(self) -> None:
        runner.reap(self._bound(), self)

    def _sweep(self) -> None:
        runner.sweep(self._bound())


_QUEUES: dict[tuple[str, Path], HueyQueue] = {}


def queue_for(url: str, data_dir: Path) -> HueyQueue:
    """This process's queue for these settings (one huey instance each)."""
    key = (url, Path(data_dir).resolve())
    if key not in _QUEUES:
        _QUEUES[key] = HueyQueue(make_huey(url, key[1]))
    return _QUEUES[key]


class QueueLater:
    """The queue for these settings, made when the first job or signal is sent: a web process starts
    (and answers /readyz "not writable") even when the data directory cannot hold the queue's file."""

    def __init__(self, url: str, data_dir: Path) -> None:
        self._url = url
        self._data_dir = Path(data_dir)

    def push(self, job_id: int, *, delay: float = 0.0) -> None:
        queue_for(self._url, self._data_dir).push(job_id, delay=delay)

    def signal(self, name: str) -> None:
        queue_for(self._url, self._data_dir).signal(name)


class InlineQueue:
    """Runs jobs and signals in this process: at once (``immediate``), or when ``run_pending`` is called.

    For tests (deterministic, no sleeping) and single-process tools; the same runner and leases as the
    worker, so what a test proves about a job holds for the worker."""

    def __init__(self, context: Context, *, immediate: bool = False) -> None:
        self.context = context
        self.immediate = immediate
        self.jobs: list[int] = []
        self.signals: list[str] = []
        self._running = False

    def push(self, job_id: int, *, delay: float = 0.0) -> None:  # noqa: ARG002 - no clock inline
        self.jobs.append(job_id)
        if self.immediate:
            self.run_pending()

    def signal(self, name: str) -> None:
        if name not in self.signals:
            self.signals.append(name)
        if self.immediate:
            self.run_pending()

    def run_pending(self) -> int:
        """Run what was sent, including what running it sends; returns how many ran."""
        if self._running:  # sent by the work being run: the loop below picks it up
            return 0
        self._running = True
        try:
            return self._drain()
        finally:
            self._running = False

    def _drain(self) -> int:
        ran = 0
        while self.jobs or self.signals:
            if self.jobs:
                runner.run(self.context, self.jobs.pop(0), self)
            else:
                name = self.signals.pop(0)
                found = SIGNALS.get(name)
                if found is not None:
                    found.run(self.context)
            ran += 1
        return ran
