"""Every query on the job row. Status moves go through ``rantai.lifecycle`` (the table in ``state``): a
compare-and-set on the version and the status, then a look at the row count; a lost race answers False.

A claim raises ``version``; the later moves of that attempt say which version they hold, so a worker
whose lease was taken from it (the reaper queued the job again, another worker claimed it) changes
nothing: its last transaction, the one that would have committed the task's work, is rolled back.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session

from rantai.jobs.models import Job
from rantai.jobs.state import JOB_LIFECYCLE, JobMove, JobStatus
from rantai.kit.clock import now
from rantai.kit.errors import UserError
from rantai.lifecycle import advance

QUEUED, RUNNING, DONE, FAILED = (status.value for status in JobStatus)
FINISHED = (DONE, FAILED)


@dataclass(frozen=True, slots=True)
class Claim:
    """A won claim: the job as the worker holds it. ``version`` is its fencing token."""

    job_id: int
    kind: str
    payload: dict[str, Any]
    version: int
    attempt: int
    max_attempts: int


def add(
    session: Session, *, kind: str, payload: dict[str, Any], max_attempts: int, claim_by: dt.datetime
) -> Job:
    job = Job(kind=kind, payload=payload, max_attempts=max_attempts, lease_until=claim_by)
    session.add(job)
    session.flush()
    return job


def get(session: Session, job_id: int) -> Job | None:
    return session.get(Job, job_id)


def move(
    session: Session, job_id: int, job_move: JobMove, *, version: int | None = None, **values: Any
) -> bool:
    """Make ``job_move`` if the job is still where the table allows it (and still at ``version`` when
    given), setting ``values`` in the same statement; False when another move came first."""
    job = session.get(Job, job_id, populate_existing=True)
    if job is None:
        return False
    try:
        advance(session, job, JOB_LIFECYCLE, job_move, expected_version=version, values=values)
    except UserError:
        return False
    return True


def claim(session: Session, job_id: int, *, lease_until: dt.datetime) -> Claim | None:
    """Take a queued job for this worker; None when it is not queued (another worker has it, or it ended)."""
    job = session.get(Job, job_id, populate_existing=True)
    if job is None or job.status != QUEUED:
        return None
    values = {"attempts": job.attempts + 1, "lease_until": lease_until, "started_at": now(), "error": None}
    try:
        advance(session, job, JOB_LIFECYCLE, JobMove.CLAIM, values=values)
    except UserError:
        return None
    return Claim(job.id, job.kind, dict(job.payload or {}), job.version, job.attempts, job.max_attempts)


def renew(session: Session, claim: Claim, *, lease_until: dt.datetime) -> bool:
    """Extend the lease of a job this worker still holds; False when it lost it."""
    result = session.execute(
        update(Job)
        .where(Job.id == claim.job_id, Job.status == RUNNING, Job.version == claim.version)
        .values(lease_until=lease_until)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


def complete(session: Session, claim: Claim) -> bool:
    return move(
        session, claim.job_id, JobMove.COMPLETE, version=claim.version, lease_until=None, finished_at=now()
    )


def fail(session: Session, claim: Claim, error: str) -> bool:
    return move(
        session,
        claim.job_id,
        JobMove.FAIL,
        version=claim.version,
        lease_until=None,
        finished_at=now(),
        error=error[:4000],
    )


def retry_later(session: Session, claim: Claim, error: str, *, claim_by: dt.datetime) -> bool:
    return move(
        session, claim.job_id, JobMove.RETRY, version=claim.version, lease_until=claim_by, error=error[:4000]
    )


def expired(
    session: Session, *, at: dt.datetime, limit: int = 500, all_queued: bool = False
) -> Sequence[Job]:
    """Jobs whose lease ran out: running ones whose worker stopped renewing, queued ones nobody claimed
    (their message was lost: the queue was down when it was sent, or its storage was wiped). With
    ``all_queued``, every queued job, claimed in time or not (a worker starting: jobs written where no
    queue was attached, by the command line or the demo's seeding, were never sent)."""
    late = and_(Job.status.in_((QUEUED, RUNNING)), Job.lease_until < at)
    return session.scalars(
        select(Job)
        .where(or_(late, Job.status == QUEUED) if all_queued else late)
        .order_by(Job.id)
        .limit(limit)
    ).all()


def wait_longer(session: Session, job_id: int, *, version: int, claim_by: dt.datetime) -> bool:
    """Give a queued job whose message is sent again another grace period to be claimed."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == QUEUED, Job.version == version)
        .values(lease_until=claim_by)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class QueueHealth:
    """The job queue at a glance (the operator's home): jobs per status, the oldest one waiting, and
    the latest failures with their error."""

    queued: int
    running: int
    failed: int
    oldest_queued_at: dt.datetime | None
    latest_failures: Sequence[Job]


def queue_health(session: Session, *, failures: int = 5) -> QueueHealth:
    counts = dict(
        session.execute(select(Job.status, func.count()).where(Job.status != DONE).group_by(Job.status)).all()
    )
    oldest = session.scalar(select(func.min(Job.created_at)).where(Job.status == QUEUED))
    failed = session.scalars(
        select(Job)
        .where(Job.status == FAILED)
        .order_by(Job.finished_at.desc(), Job.id.desc())
        .limit(failures)
    ).all()
    return QueueHealth(
        queued=int(counts.get(QUEUED, 0)),
        running=int(counts.get(RUNNING, 0)),
        failed=int(counts.get(FAILED, 0)),
        oldest_queued_at=oldest,
        latest_failures=failed,
    )
