"""The job's lifecycle: a table of allowed moves, made by ``rantai.lifecycle`` as compare-and-set.

    queued  --claim-->    running   a worker takes it (of two claimants one wins: the version moved)
    running --complete--> done      in the transaction that commits the task's work
    running --fail-->     failed    an error a retry cannot mend
    running --retry-->    queued    an error; attempts are left
    running --expire-->   queued    the reaper: the worker's lease ran out (it died or hangs)
    running --give_up-->  failed    the reaper: the lease ran out on the last attempt
Every move raises the version, so a worker holding an older claim can move it no further.
"""

from __future__ import annotations

from enum import StrEnum

from rantai.kit.errors import Conflict, Invalid, UserError
from rantai.lifecycle import Lifecycle


class JobStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class JobMove(StrEnum):
    CLAIM = "claim"
    COMPLETE = "complete"
    FAIL = "fail"
    RETRY = "retry"
    EXPIRE = "expire"
    GIVE_UP = "give_up"


TRANSITIONS: dict[tuple[JobStatus, JobMove], JobStatus] = {
    (JobStatus.QUEUED, JobMove.CLAIM): JobStatus.RUNNING,
    (JobStatus.RUNNING, JobMove.COMPLETE): JobStatus.DONE,
    (JobStatus.RUNNING, JobMove.FAIL): JobStatus.FAILED,
    (JobStatus.RUNNING, JobMove.RETRY): JobStatus.QUEUED,
    (JobStatus.RUNNING, JobMove.EXPIRE): JobStatus.QUEUED,
    (JobStatus.RUNNING, JobMove.GIVE_UP): JobStatus.FAILED,
}


# Workers, not users, meet these (a lost race is an ordinary outcome for them): not translated.
def _not_allowed(current: JobStatus) -> UserError:
    return Invalid(f"a {current.value} job cannot make that move")


def _taken() -> UserError:
    return Conflict("the job changed meanwhile (another worker or the reaper moved it)")


JOB_LIFECYCLE: Lifecycle[JobStatus, JobMove] = Lifecycle(
    name="job", states=JobStatus, transitions=TRANSITIONS, not_allowed=_not_allowed, conflict=_taken
)
