"""Import jobs: a stored upload imported in the background, with progress another process can read.

It lives in catalog because it runs both imports (suppliers below, products here) and catalog is the
layer above suppliers.

The import reads and checks every row first, then writes them in one transaction (all-or-nothing needs
it; on SQLite that transaction holds the write lock, for the writing only). Progress is not written to the
database while it runs: it goes to a small JSON file under ``<data_dir>/jobs/`` that any worker process
can read; the job row gets the outcome at the end.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

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
# A process beats for every job it holds (queued or running) this often; a job whose beat is older than
# STALE_AFTER belongs to a process that died, so it ends as failed instead of "running" forever (issue #9,
# finding 8).
BEAT_SECONDS = 5.0
STALE_AFTER = dt.timedelta(seconds=90)
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
) -> ImportJob:
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
    return job


def beat_path(data_dir: Path, job_id: int) -> Path:
    return jobs_dir(data_dir) / f"{job_id}.beat"


class _Beats:
    """The jobs this process holds, and one daemon thread that touches their beat files."""

    def __init__(self) -> None:
        self._held: set[Path] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def hold(self, path: Path) -> None:
        path.touch()
        with self._lock:
            self._held.add(path)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="rantai-job-beat", daemon=True)
                self._thread.start()

    def release(self, path: Path) -> None:
        with self._lock:
            self._held.discard(path)
        path.unlink(missing_ok=True)

    def _run(self) -> None:
        while True:
            time.sleep(BEAT_SECONDS)
            with self._lock:
                held = list(self._held)
            for path in held:
                try:
                    path.touch()
                except OSError:  # the data directory went away: the job will fail on its own
                    log.warning("could not touch job beat %s", path)


_beats = _Beats()


def hold(data_dir: Path, job_id: int) -> None:
    """Say that this process has the job (call when it is queued): it beats until ``run_job`` ends."""
    _beats.hold(beat_path(data_dir, job_id))


def last_sign_of_life(data_dir: Path, job: ImportJob) -> dt.datetime:
    """When the process holding the job last showed it was alive (its beat, else when the job began)."""
    try:
        return dt.datetime.fromtimestamp(beat_path(data_dir, job.id).stat().st_mtime, tz=dt.UTC)
    except FileNotFoundError:
        return job.started_at or job.created_at


def settle_if_stale(session: Session, data_dir: Path, job: ImportJob, translate: Translate) -> bool:
    """End a queued or running job whose process has died as failed, with a message saying what to do.

    A compare-and-set on the status, so a job that finished meanwhile is left alone. True when it ended.
    The import's transaction died with its process, so nothing of it was saved; the upload is removed.
    """
    if job.status not in ("queued", "running") or now() - last_sign_of_life(data_dir, job) < STALE_AFTER:
        return False
    message = translate(MSG_STOPPED, {})
    ended = session.execute(
        update(ImportJob)
        .where(ImportJob.id == job.id, ImportJob.status == job.status)
        .values(status="failed", error=message, finished_at=now())
        .execution_options(synchronize_session=False)
    )
    if ended.rowcount != 1:  # type: ignore[attr-defined]
        return False
    log.warning("import job %s had no sign of life since %s; ended as failed", job.id, job.started_at)
    session.refresh(job)
    _remove_upload(data_dir, job.file_key)
    beat_path(data_dir, job.id).unlink(missing_ok=True)
    return True


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


def run_job(factory: sessionmaker[Session], job_id: int, data_dir: Path, translate: Translate) -> None:
    """Run a queued job to the end. Never raises: a failure is recorded on the job for its page.
    Whatever happens, the upload is removed and the job's beat stops."""
    _beats.hold(beat_path(data_dir, job_id))
    key: str | None = None
    try:
        key = _run_job(factory, job_id, data_dir, translate)
    finally:
        _beats.release(beat_path(data_dir, job_id))
        _remove_upload(data_dir, key)


def _run_job(factory: sessionmaker[Session], job_id: int, data_dir: Path, translate: Translate) -> str | None:
    with transaction(factory, write=True) as session:
        job = repository.import_job(session, job_id)
        if job is None or job.status != "queued":
            return None
        job.status, job.started_at = "running", now()
        kind, mode, key, name = job.kind, ImportMode(job.mode), job.file_key or "", job.file_name
        org_id, user_id = job.organization_id or 0, job.user_id or 0
    outcome: ImportOutcome | None = None
    failure: str | None = None
    try:
        # Begins as a reader; run_import begins writing once every row is checked.
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
            )
    except UserError as exc:
        failure = translate(exc.message, exc.params)
    except Exception:
        log.exception("import job %s failed", job_id)
        failure = translate(MSG_FAILED, {})
    with transaction(factory, write=True) as session:
        job = repository.import_job(session, job_id)
        if job is None:
            return key
        job.finished_at = now()
        if outcome is None:
            job.status, job.error = "failed", failure
            return key
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
    return key
