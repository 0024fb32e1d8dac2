"""The worker's part of the comparison export: ``sourcing.comparison_export`` (durable) makes the
workbook of a large comparison (more than ``export.EXPORT_NOW_MAX_ROWS`` rows) and writes it under
``<data_dir>/exports/rfq-comparison/<job id>.xlsx``; ``sourcing.comparison_export_cleanup`` (a signal,
swept every minute) deletes the workbooks older than ``export.EXPORT_KEEP``.

It runs as the user who asked, within the RFQ's buyer organization (their memberships read again: a user
who has left it since gets nothing), so ``compare`` applies the same seal and access as the page. The file
is written whole (renamed into place) before the job ends; a retry after a crash writes it again, the same.
"""

from __future__ import annotations

from rantai import jobs
from rantai.db import transaction
from rantai.identity import repository as identity_repository
from rantai.identity import service as identity
from rantai.kit import clock
from rantai.kit.errors import UserError
from rantai.sourcing.rfq import repository
from rantai.sourcing.rfq.comparison import compare
from rantai.sourcing.rfq.errors import MSG_RFQ_NOT_FOUND
from rantai.sourcing.rfq.export import EXPORT_JOB, comparison_xlsx, remove_old_exports, write_export

CLEANUP_SIGNAL = "sourcing.comparison_export_cleanup"


@jobs.task(EXPORT_JOB, max_attempts=3)
def comparison_export(attempt: jobs.Attempt) -> None:
    payload = attempt.payload
    factory, data_dir = attempt.context.factory, attempt.context.data_dir
    locale = str(payload.get("locale") or "id")
    data: bytes | None = None
    error: str | None = None
    with transaction(factory) as session:
        user_id = payload.get("user_id")
        user = identity_repository.user_by_id(session, int(user_id)) if user_id else None
        rfq = repository.rfq(session, int(payload["rfq_id"]))
        if user is None or rfq is None:
            error = MSG_RFQ_NOT_FOUND
        else:
            actor = identity.actor_for(session, user, only_organization_id=rfq.organization_id)
            try:
                data = comparison_xlsx(compare(session, actor=actor, rfq=rfq), locale)
            except UserError as exc:  # no longer allowed, or sealed again (cancelled): a retry cannot mend it
                error = exc.message
    with transaction(factory, write=True) as session:
        if data is None:
            attempt.fail(session, error or MSG_RFQ_NOT_FOUND)
            return
        write_export(data_dir, attempt.claim.job_id, data)
        attempt.complete(session)


@jobs.signal(CLEANUP_SIGNAL)
def remove_old_workbooks(context: jobs.Context) -> None:
    """Delete the prepared workbooks past their keeping time (files only: the jobs stay as history)."""
    remove_old_exports(context.data_dir, now=clock.now())
