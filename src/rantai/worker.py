"""The background worker's door: loads every domain's tasks and runs the queue (``rantai worker``).

It runs huey's consumer (threads, ``RANTAI_JOBS_WORKERS``) over the queue ``RANTAI_JOBS_URL`` names,
with the periodic tasks: the reaper (jobs whose worker died go back on the queue) and the sweeps (lost
signals caught up), both every minute. Before it takes any job it reaps once, so jobs that a killed
worker held are run again as soon as a worker is back and their lease has run out, and every queued job
is sent (also those written where no queue was attached, such as the demo's seeding).
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from rantai import jobs
from rantai.db import make_engine, make_session_factory
from rantai.jobs import runner
from rantai.logging import configure_logging
from rantai.settings import Settings

# Every domain's task module: importing it registers its tasks (a new domain with tasks adds its own).
from rantai.analytics import tasks as analytics_tasks  # noqa: F401  # isort: skip
from rantai.catalog import tasks as catalog_tasks  # noqa: F401  # isort: skip
from rantai.documents import tasks as document_tasks  # noqa: F401  # isort: skip
from rantai.notifications import tasks as notification_tasks  # noqa: F401  # isort: skip
from rantai.sourcing import tasks as sourcing_tasks  # noqa: F401  # isort: skip
from rantai.sourcing.rfq import tasks as rfq_tasks  # noqa: F401  # isort: skip
from rantai.sourcing.rfq import export_tasks as rfq_export_tasks  # noqa: F401  # isort: skip

log = logging.getLogger("rantai.worker")
# An idle consumer polls the embedded queue this often at most (Redis blocks on its list instead), so a
# signal sent after a commit is picked up well within the index's 2 s freshness.
POLL_SECONDS = 0.2


def context_for(settings: Settings) -> jobs.Context:
    factory = make_session_factory(make_engine(settings.database_url))
    return jobs.Context(factory, Path(settings.data_dir), dt.timedelta(seconds=settings.jobs_lease_seconds))


def run(settings: Settings) -> None:
    """Run the worker until it is stopped (SIGINT: let running jobs end; SIGTERM: stop now, their leases
    run out and the reaper hands them on)."""
    configure_logging(settings.log_level)
    context = context_for(settings)
    queue = jobs.queue_for(settings.jobs_url, Path(settings.data_dir))
    queue.bind(context)
    jobs.attach(context.factory, queue)  # jobs and signals a task sends go to the same queue
    sent = runner.reap(context, queue, starting=True)
    if sent:
        log.info("jobs queued again at start: %s", sent)
    consumer = queue.huey.create_consumer(
        workers=settings.jobs_workers,
        worker_type="thread",
        periodic=True,
        initial_delay=0.05,
        backoff=1.5,
        max_delay=POLL_SECONDS,
    )
    log.info("worker: %s threads on %s", settings.jobs_workers, settings.jobs_url or "the embedded queue")
    consumer.run()
