"""The monitoring's background work, run by ``rantai worker`` (issue #15).

- ``analytics.rollup`` (signal, swept every minute): brings the rollup the dashboards read up to date with
  what the audit log and the size-class records say changed since the last run (``rollup.refresh``), or
  rebuilds it whole when it was never built or its last rebuild is a day old (``rollup.rebuild``).
  Idempotent: a refresh re-derives the changed rows from the transaction tables, so a doubled or lost
  signal is harmless, and the sweep bounds how stale the figures get (docs/kpi.md, "Freshness").
"""

from __future__ import annotations

import logging

from rantai import jobs
from rantai.analytics import rollup
from rantai.db import transaction

ROLLUP_SIGNAL = "analytics.rollup"

log = logging.getLogger("rantai.analytics")


@jobs.signal(ROLLUP_SIGNAL)
def keep_rollup(context: jobs.Context) -> None:
    with transaction(context.factory, write=True) as session:
        full = rollup.due_for_rebuild(session)
        report = rollup.rebuild(session) if full else rollup.refresh(session)
    if full or report.orders or report.awards or report.invoices or report.graduations:
        log.info(report.summary())
