"""The job queue at a glance, for the operator's home (issue #13)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from rantai.jobs import repository
from rantai.jobs.models import Job
from rantai.kit.clock import now


def test_queue_health_counts_each_status_and_lists_the_latest_failures(db: Session) -> None:
    before = repository.queue_health(db)
    moment = now()
    db.add_all(
        [
            Job(
                kind="catalog.import", payload={}, status="queued", created_at=moment - dt.timedelta(hours=2)
            ),
            Job(kind="catalog.import", payload={}, status="running"),
            Job(kind="catalog.import", payload={}, status="done", finished_at=moment),
            Job(
                kind="orders.render_document",
                payload={},
                status="failed",
                error="old",
                finished_at=moment - dt.timedelta(days=1),
            ),
            Job(
                kind="orders.render_document",
                payload={},
                status="failed",
                error="font missing",
                finished_at=moment,
            ),
        ]
    )
    db.flush()
    health = repository.queue_health(db, failures=1)
    assert (health.queued, health.running, health.failed) == (
        before.queued + 1,
        before.running + 1,
        before.failed + 2,
    )
    assert health.oldest_queued_at is not None and health.oldest_queued_at <= moment - dt.timedelta(hours=2)
    assert [job.error for job in health.latest_failures] == ["font missing"]
