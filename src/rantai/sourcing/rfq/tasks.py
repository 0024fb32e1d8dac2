"""RFQ work the worker runs: closing RFQs at their deadline (the scheduler), and finding every eligible
supplier of a published RFQ.

- ``sourcing.rfq_deadlines`` (signal, swept every minute): deadlines pass by the scheduler, never by the
  next request (issue #11); closing is idempotent (a compare-and-set per RFQ).
- ``sourcing.rfq_publish`` (durable): the matcher's eligible suppliers of each line become invitations.
- ``sourcing.award_outcome`` (durable): the winners and the other bidders of an approved award are told,
  after the award committed; the notices and the job's end commit together, so each is told once.
"""

from __future__ import annotations

from rantai import jobs
from rantai.db import transaction
from rantai.sourcing.rfq import awards, eligible, service
from rantai.sourcing.rfq.notices import DEADLINE_SIGNAL, OUTCOME_JOB, PUBLISH_JOB


@jobs.signal(DEADLINE_SIGNAL)
def close_due(context: jobs.Context) -> None:
    with transaction(context.factory, write=True) as session:
        service.close_due(session)


@jobs.task(PUBLISH_JOB, max_attempts=3)
def publish(attempt: jobs.Attempt) -> None:
    with transaction(attempt.context.factory, write=True) as session:
        eligible.publish(session, attempt.context.data_dir, int(attempt.payload["rfq_id"]))
        attempt.complete(session)


@jobs.task(OUTCOME_JOB, max_attempts=5)
def tell_outcome(attempt: jobs.Attempt) -> None:
    with transaction(attempt.context.factory, write=True) as session:
        awards.tell_outcome(session, int(attempt.payload["award_id"]))
        attempt.complete(session)
