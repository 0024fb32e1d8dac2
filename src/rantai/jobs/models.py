"""The job row: what a durable job is, its status and the lease of the worker running it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from rantai.db import Base
from rantai.kit.clock import now


class Job(Base):
    """One durable job. The queue (huey) only carries its id; this row says whether it still has to run.

    ``status`` moves by the table in ``rantai.jobs.lifecycle``, every move a compare-and-set on the status
    and ``version``: a claim raises the version, so a worker that lost its lease (the reaper handed the
    job to another) cannot complete it, and a finished job is never claimed again. ``lease_until`` is the
    time by which a running job's worker must renew its lease, or a queued job must have been claimed;
    past it, the reaper queues the job again.
    """

    __tablename__ = "job"
    __table_args__ = (Index("ix_job_status_lease_until", "status", "lease_until"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(64))  # the registered task, e.g. "catalog.import"
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued, running, done, failed
    attempts: Mapped[int] = mapped_column(default=0)
    max_attempts: Mapped[int] = mapped_column(default=3)
    lease_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(default=1)
    error: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)
