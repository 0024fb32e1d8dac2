"""Durable background work: the job queue, leases on job rows, the reaper and the scheduler (issue #10).

Domains declare their work in a ``tasks`` module (``@task`` for durable jobs, ``@signal`` for idempotent
sweeps) and send it with ``enqueue`` / ``signal_after_commit``; ``rantai worker`` (``rantai.worker``) runs
it. The queue is huey: SQLite under ``RANTAI_DATA_DIR`` by default, Redis with ``RANTAI_JOBS_URL``. The
job row (``models.Job``) and its lease make a job survive a killed worker; see ``runner``.
Knows nothing of any domain.
"""

from rantai.jobs.queue import (
    HueyQueue,
    InlineQueue,
    Queue,
    QueueLater,
    attach,
    enqueue,
    make_huey,
    queue_for,
    signal_after_commit,
)
from rantai.jobs.tasks import Attempt, Context, LeaseLost, signal, task

__all__ = [
    "Attempt",
    "Context",
    "HueyQueue",
    "InlineQueue",
    "LeaseLost",
    "Queue",
    "QueueLater",
    "attach",
    "enqueue",
    "make_huey",
    "queue_for",
    "signal",
    "signal_after_commit",
    "task",
]
