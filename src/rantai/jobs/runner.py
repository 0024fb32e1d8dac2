"""Running a job under a lease, and the reaper that hands on jobs whose worker died.

huey (like most queues) drops the task of a worker killed mid-task: the message was taken off the queue
when the task began. The job row is what makes the work durable: a worker claims it (compare-and-set),
renews its lease while it runs, and ends it in the transaction that commits the work. A worker killed
at any point stops renewing; once the lease has run out, the reaper (every minute, and when a worker
starts) queues the job again, and the next claim runs it. The killed attempt's transaction died with
its process, so nothing of it was saved; a retry never finds half a job.
"""

from __future__ import annotations

import logging
import threading
import traceback
from types import TracebackType
from typing import Protocol

from rantai.db import transaction
from rantai.jobs import repository
from rantai.jobs.repository import RUNNING, Claim
from rantai.jobs.state import JobMove
from rantai.jobs.tasks import SIGNALS, TASKS, Attempt, Context, LeaseLost
from rantai.kit.clock import now

log = logging.getLogger(__name__)
RETRY_DELAY_SECONDS = (
    10.0  # times the attempt number: a retry after a failure waits a little longer each time
)


class Sender(Protocol):
    """Where a job's id goes to be run (the queue)."""

    def push(self, job_id: int, *, delay: float = 0.0) -> None: ...


def run(context: Context, job_id: int, sender: Sender | None = None) -> bool:
    """Claim the job and run it; False when it was not there to claim (another worker has it, or it
    ended). Never raises for the task's errors: they are recorded on the job, which is retried or failed."""
    with transaction(context.factory, write=True) as session:
        claim = repository.claim(session, job_id, lease_until=now() + context.lease)
    if claim is None:
        log.info("job %s is not queued (taken or finished); nothing to do", job_id)
        return False
    task = TASKS.get(claim.kind)
    if task is None:
        with transaction(context.factory, write=True) as session:
            repository.fail(session, claim, f"no task of kind {claim.kind!r} is known to this worker")
        log.error("job %s: unknown kind %r", job_id, claim.kind)
        return True
    attempt = Attempt(claim, context)
    log.info("job %s (%s) attempt %s of %s begins", job_id, claim.kind, claim.attempt, claim.max_attempts)
    with _Lease(context, claim):
        try:
            task.run(attempt)
        except LeaseLost:
            log.warning("job %s: lease lost to another worker; this attempt changed nothing", job_id)
            return True
        except Exception as exc:
            log.exception("job %s (%s) attempt %s failed", job_id, claim.kind, claim.attempt)
            _after_error(context, claim, exc, sender)
            return True
    if not attempt.ended:
        with transaction(context.factory, write=True) as session:
            repository.complete(session, claim)
    log.info("job %s (%s) ended", job_id, claim.kind)
    return True


def _after_error(context: Context, claim: Claim, exc: Exception, sender: Sender | None) -> None:
    error = "".join(traceback.format_exception_only(exc)).strip()
    task = TASKS[claim.kind]
    with transaction(context.factory, write=True) as session:
        if claim.attempt < claim.max_attempts:
            if repository.retry_later(session, claim, error, claim_by=now() + context.claim_grace):
                retry = True
            else:
                return
        else:
            retry = False
            if repository.fail(session, claim, error) and task.give_up is not None:
                task.give_up(session, context, claim.payload)
    if retry and sender is not None:
        sender.push(claim.job_id, delay=RETRY_DELAY_SECONDS * claim.attempt)


def reap(context: Context, sender: Sender | None, *, starting: bool = False) -> list[int]:
    """Queue again every job whose lease ran out, fail those that used up their attempts; send the
    queued ones to the queue. ``starting`` (a worker's first reap): send every queued job, also those
    still within their claim-by time, whose message may never have been sent. Returns the ids sent."""
    resend: list[int] = []
    with transaction(context.factory, write=True) as session:
        at = now()
        for job in repository.expired(session, at=at, all_queued=starting):
            claim_by = at + context.claim_grace
            if job.status == RUNNING and job.attempts >= job.max_attempts:
                if repository.move(
                    session,
                    job.id,
                    JobMove.GIVE_UP,
                    version=job.version,
                    lease_until=None,
                    finished_at=at,
                    error="the worker stopped (lease expired); no attempts left",
                ):
                    log.warning("job %s (%s): lease expired on its last attempt; failed", job.id, job.kind)
                    task = TASKS.get(job.kind)
                    if task is not None and task.give_up is not None:
                        task.give_up(session, context, dict(job.payload or {}))
                continue
            if job.status == RUNNING:
                moved = repository.move(
                    session,
                    job.id,
                    JobMove.EXPIRE,
                    version=job.version,
                    lease_until=claim_by,
                    error="the worker stopped (lease expired); queued again",
                )
                if moved:
                    log.warning("job %s (%s): lease expired; queued again", job.id, job.kind)
            else:
                moved = repository.wait_longer(session, job.id, version=job.version, claim_by=claim_by)
            if moved:
                resend.append(job.id)
    if sender is not None:
        for job_id in resend:
            sender.push(job_id)
    return resend


def sweep(context: Context) -> None:
    """Run every signal that asked to be swept (the periodic catch-up of lost signals)."""
    for item in SIGNALS.values():
        if item.sweep:
            try:
                item.run(context)
            except Exception:
                log.exception("sweep %s failed", item.name)


class _Lease:
    """Renews a claimed job's lease from a thread while the task runs."""

    def __init__(self, context: Context, claim: Claim) -> None:
        self._context = context
        self._claim = claim
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"rantai-lease-{claim.job_id}", daemon=True)

    def __enter__(self) -> None:
        self._thread.start()

    def __exit__(
        self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        every = self._context.lease.total_seconds() / 3
        while not self._stop.wait(every):
            try:
                # On SQLite this waits while the task's own write transaction holds the lock; the reaper
                # waits the same way, and that transaction ends the job, so the lease cannot be lost to it.
                with transaction(self._context.factory, write=True) as session:
                    kept = repository.renew(session, self._claim, lease_until=now() + self._context.lease)
            except Exception:
                log.warning("job %s: could not renew its lease", self._claim.job_id, exc_info=True)
                continue
            if not kept:
                if not self._stop.is_set():
                    log.warning("job %s: lease lost (taken by the reaper)", self._claim.job_id)
                return
