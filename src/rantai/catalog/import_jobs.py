"""Import jobs: a stored upload imported by the worker, with progress another process can read.

It lives in catalog because it runs both imports (suppliers below, products here) and catalog is the
layer above suppliers. ``create_job`` (the web's upload) writes the import's row and a durable job
(``rantai.jobs``); ``run_job`` is that job's task (declared in ``catalog.tasks``).

The import reads and checks every row first, then writes them: all-or-nothing in one transaction,
valid-rows in batches that each commit (so SQLite's write lock is free between them). The import's
outcome and the end of the durable job commit in the last (or only) writing transaction, so a worker
killed at any point leaves the job to be run again once its lease runs out, and the retry completes it
once: an all-or-nothing attempt killed wrote nothing, a valid-rows one kept whole batches, which the
retry finds unchanged (an upsert by NIB). A job that ended is never run again. Progress is not written to the database while it runs: it goes to a small JSON file under
``<data_dir>/jobs/`` that any process can read; the import's row gets the outcome at the end.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from rantai import jobs
from rantai.catalog import directory
from rantai.catalog.bulk import import_products
from rantai.db import begin_writing, transaction
from rantai.identity import repository as identity_repo
from rantai.identity import service as identity
from rantai.kit.clock import now
from rantai.kit.errors import UserError
from rantai.kit.text import N_
from rantai.suppliers import repository
from rantai.suppliers.bulk import import_suppliers
from rantai.suppliers.models import ImportJob
from rantai.tabular.batches import ImportMode, ImportOutcome, ReadyToWrite, batched
from rantai.tabular.reading import open_table
from rantai.tabular.records import RowError
from rantai.tabular.report import write_report_csv

log = logging.getLogger(__name__)
MSG_FAILED = N_("Something went wrong on our side. Nothing was saved. Try again later; quote the request id.")
MSG_ROLLED_BACK = N_(
    "Nothing was imported: %(n)s rows have problems and the mode is all-or-nothing. Download the report, "
    "fix those rows and import the file again."
)
MSG_STOPPED = N_(
    "The import stopped before it finished (the server was restarted or the work was interrupted). "
    "Nothing from this file was saved. Import the file again."
)
KINDS = ("suppliers", "products")
JOB_KIND = "catalog.import"  # the durable job's kind (rantai.jobs)
Translate = Callable[[str, dict[str, Any]], str]


def jobs_dir(data_dir: Path) -> Path:
    path = data_dir / "jobs"
    path.mkdir(parents=True, exist_ok=True)
    return path


def uploads_dir(data_dir: Path) -> Path:
    path = data_dir / "uploads"
    path.mkdir(parents=True, exist_ok=True)
    return path


def create_job(
    session: Session,
    *,
    kind: str,
    mode: ImportMode,
    file_name: str,
    file_key: str,
    organization_id: int,
    user_id: int,
    locale: str,
) -> ImportJob:
    """The import's row and its durable job, in the caller's transaction: the worker gets the job when it
    commits. ``locale``: the language of the messages the import leaves on its row."""
    job = ImportJob(
        kind=kind,
        mode=mode.value,
        file_name=file_name[:200],
        file_key=file_key,
        organization_id=organization_id,
        user_id=user_id,
    )
    session.add(job)
    session.flush()
    jobs.enqueue(session, JOB_KIND, {"import_job_id": job.id, "locale": locale})
    return job


def _remove_upload(data_dir: Path, key: str | None) -> None:
    """Uploads are kept only while their job needs them (issue #9, finding 18)."""
    if key:
        (uploads_dir(data_dir) / Path(key).name).unlink(missing_ok=True)


def progress_path(data_dir: Path, job_id: int) -> Path:
    return jobs_dir(data_dir) / f"{job_id}.json"


def errors_path(data_dir: Path, job_id: int) -> Path:
    return jobs_dir(data_dir) / f"{job_id}-errors.csv"


def read_progress(data_dir: Path, job_id: int) -> int | None:
    try:
        return int(json.loads(progress_path(data_dir, job_id).read_text())["rows"])
    except (OSError, ValueError, KeyError):
        return None


def _write_progress(data_dir: Path, job_id: int, rows: int) -> None:
    # Write then rename, so a reader never sees half a file.
    target = progress_path(data_dir, job_id)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps({"rows": rows}))
    os.replace(temporary, target)


def count_rows(path: Path) -> int | None:
    """Data rows of a CSV (lines minus the header), for a progress bar; None for XLSX."""
    if path.suffix.lower() != ".csv" and not path.name.lower().endswith(".csv"):
        return None
    with path.open("rb") as handle:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b""))
    return max(0, lines - 1)


def run_import(
    session: Session,
    *,
    kind: str,
    path: Path,
    file_name: str,
    mode: ImportMode,
    organization_id: int,
    user_id: int,
    progress: Callable[[int], None] | None = None,
    ready_to_write: ReadyToWrite | None = begin_writing,
) -> ImportOutcome:
    """Import one file as the given user in the given organization (the CLI and the job runner share it).

    The session should begin as a reader: the rows are read and checked first, then ``ready_to_write``
    (by default: commit what was read, begin as a writer) comes before anything is written.
    """
    user = identity_repo.user_by_id(session, user_id)
    actor = identity.actor_for(session, user) if user is not None else None
    importer = import_suppliers if kind == "suppliers" else import_products
    with open_table(path, filename=file_name) as table:
        outcome = importer(
            session,
            table,
            actor=actor,
            importer_organization_id=organization_id,
            mode=mode,
            progress=progress,
            ready_to_write=ready_to_write,
        )
    if kind == "suppliers" and not outcome.rolled_back:
        # New or renamed suppliers must be found by name in the directory (the product import refreshes
        # the suppliers it touches itself).
        for chunk in batched(outcome.touched_supplier_ids, 1000):
            directory.refresh(session, chunk)
    return outcome


def run_job(attempt: jobs.Attempt, translate: Translate) -> None:
    """The durable job's task: import the stored upload and record the outcome.

    Runs again after a crash (the job's lease): the import's row then says "running" from the killed
    attempt, whose transaction wrote nothing, so the retry starts over. An error in the file ends the job
    (a retry would find the same); an unexpected error is raised, for the job to be retried."""
    factory, data_dir = attempt.context.factory, attempt.context.data_dir
    job_id = int(attempt.payload["import_job_id"])
    with transaction(factory, write=True) as session:
        job = repository.import_job(session, job_id)
        if job is None or job.status not in ("queued", "running"):
            attempt.complete(session)  # deleted, or ended by an earlier attempt: nothing left to do
            return
        job.status, job.started_at = "running", now()
        kind, mode, key, name = job.kind, ImportMode(job.mode), job.file_key or "", job.file_name
        org_id, user_id = job.organization_id or 0, job.user_id or 0
    progress_path(data_dir, job_id).unlink(missing_ok=True)
    writing = False

    def ready_to_write(session: Session) -> None:
        nonlocal writing
        begin_writing(session)
        writing = True

    try:
        # Begins as a reader; run_import begins writing once every row is checked, and the outcome is
        # recorded (and the durable job ended) in that writing transaction.
        with transaction(factory) as session:
            outcome = run_import(
                session,
                kind=kind,
                path=uploads_dir(data_dir) / key,
                file_name=name,
                mode=mode,
                organization_id=org_id,
                user_id=user_id,
                progress=lambda rows: _write_progress(data_dir, job_id, rows),
                ready_to_write=ready_to_write,
            )
            if writing:
                _record(session, data_dir, job_id, outcome, translate)
                attempt.complete(session)
        if not writing:  # nothing was to be written (a bad file in all-or-nothing mode): only the outcome
            with transaction(factory, write=True) as session:
                _record(session, data_dir, job_id, outcome, translate)
                attempt.complete(session)
    except UserError as exc:
        with transaction(factory, write=True) as session:
            _fail(session, job_id, translate(exc.message, exc.params))
            attempt.fail(session, exc.message)
    _remove_upload(data_dir, key)


def give_up(session: Session, data_dir: Path, job_id: int, translate: Translate) -> None:
    """The durable job failed for good (its attempts went wrong or its worker kept dying): say so on the
    import's row, in the transaction that fails the job. No attempt saved anything."""
    job = repository.import_job(session, job_id)
    if job is not None and job.status in ("queued", "running"):
        _fail(session, job_id, translate(MSG_STOPPED, {}))
        _remove_upload(data_dir, job.file_key)


def _fail(session: Session, job_id: int, message: str) -> None:
    session.execute(
        update(ImportJob)
        .where(ImportJob.id == job_id, ImportJob.status.in_(("queued", "running")))
        .values(status="failed", error=message, finished_at=now())
        .execution_options(synchronize_session=False)
    )


def _record(
    session: Session, data_dir: Path, job_id: int, outcome: ImportOutcome, translate: Translate
) -> None:
    job = repository.import_job(session, job_id)
    if job is None:
        return
    job.finished_at = now()
    job.status = "done"
    job.rows_total = job.rows_done = outcome.rows
    job.rows_failed = outcome.rejected_rows
    job.inserted, job.updated, job.unchanged = outcome.inserted, outcome.updated, outcome.unchanged
    problems: list[RowError] = [*outcome.warnings, *outcome.errors]
    if problems:
        with errors_path(data_dir, job_id).open("wb") as out:
            write_report_csv(problems, out, translate=translate)
        job.errors_key = errors_path(data_dir, job_id).name
    if outcome.rolled_back:
        job.error = translate(MSG_ROLLED_BACK, {"n": outcome.rejected_rows})
