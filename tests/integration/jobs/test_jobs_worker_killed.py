"""Issue #10: a worker killed (SIGKILL) in the middle of an import leaves the job to be retried, and the
retry completes it once; on each queue backend (the embedded SQLite queue, Redis) and each database.

The first worker is the real ``rantai worker`` with one change made by this test: the import's write
step, once it has written every row (uncommitted), says so and waits, so the kill lands mid-transaction
at a known point. The second worker is ``rantai worker`` as shipped.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.factories.identity import make_user

from rantai import jobs
from rantai.catalog import import_jobs
from rantai.db import make_engine, make_session_factory, transaction
from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role
from rantai.jobs.models import Job
from rantai.kit.clock import now
from rantai.suppliers.models import ImportJob, SupplierProfile
from rantai.tabular.batches import ImportMode

SRC = Path(__file__).resolve().parents[3] / "src"
# The local Redis; nothing is deleted there: a message left by an earlier run names a job this run's
# database does not hold as queued, and a worker drops it.
REDIS_URL = os.environ.get("RANTAI_TEST_REDIS_URL", "redis://127.0.0.1:6379/1")
ROWS = 300
LEASE_SECONDS = 3
# The first worker: `rantai worker`, with the import's write step stopping after it wrote every row.
_STALLED_WORKER = """
import sys, time
from pathlib import Path
from rantai.tabular import batches as bulk
written = bulk.write_staged

def stall(*args, **kwargs):
    result = written(*args, **kwargs)
    Path(sys.argv[1]).write_text("written")
    time.sleep(600)
    return result

bulk.write_staged = stall
from rantai.cli.main import app
app(["worker"])
"""


@pytest.fixture(params=["sqlite-queue", "redis-queue"])
def jobs_url(request: pytest.FixtureRequest) -> Iterator[str]:
    if request.param == "sqlite-queue":
        yield ""
        return
    redis = pytest.importorskip("redis")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis at 127.0.0.1:6379")
    client.close()
    yield REDIS_URL


def _csv() -> bytes:
    lines = ["nib;nama_usaha;bentuk_usaha;kode_wilayah;kbli;omzet_tahunan"]
    lines += [f"91{n:011d};Usaha Uji {n};UD;32.73;10794;500000000" for n in range(1, ROWS + 1)]
    return ("\r\n".join(lines) + "\r\n").encode()


def _env(database_url: str, data_dir: Path, jobs_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(SRC),
        "RANTAI_DATABASE_URL": database_url,
        "RANTAI_DATA_DIR": str(data_dir),
        "RANTAI_JOBS_URL": jobs_url,
        "RANTAI_JOBS_LEASE_SECONDS": str(LEASE_SECONDS),
        "RANTAI_JOBS_WORKERS": "2",
    }


def _wait(check: object, seconds: float, what: str, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the worker ended (code {process.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def test_a_killed_import_is_retried_and_completes_once(
    committed_url: str, jobs_url: str, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    engine = make_engine(committed_url)
    factory = make_session_factory(engine)
    jobs.attach(factory, jobs.queue_for(jobs_url, data_dir))  # what the web process does
    key = f"{uuid.uuid4().hex}.csv"
    import_jobs.uploads_dir(data_dir).joinpath(key).write_bytes(_csv())
    with transaction(factory, write=True) as session:
        dinas = identity.create_organization(
            session, name="Dinas Uji Pekerja", org_type=OrgType.KEMENTERIAN_DINAS, region_code="32"
        )
        user = make_user(session, dinas, (Role.ADMIN,))
        before = session.scalar(select(func.count()).select_from(SupplierProfile)) or 0
        imported = import_jobs.create_job(
            session,
            kind="suppliers",
            mode=ImportMode.ALL_OR_NOTHING,
            file_name="pemasok.csv",
            file_key=key,
            organization_id=dinas.id,
            user_id=user.id,
            locale="id",
        )
    import_id = imported.id
    with transaction(factory) as session:
        job_id = session.scalars(
            select(Job.id).where(Job.kind == import_jobs.JOB_KIND).order_by(Job.id.desc())
        ).first()
    assert job_id is not None

    def job() -> Job:
        with transaction(factory) as session:
            found = session.get(Job, job_id)
            assert found is not None
            return found

    def import_row() -> ImportJob:
        with transaction(factory) as session:
            found = session.get(ImportJob, import_id)
            assert found is not None
            return found

    env = _env(committed_url, data_dir, jobs_url)
    flag = tmp_path / "written.flag"
    first = subprocess.Popen([sys.executable, "-c", _STALLED_WORKER, str(flag)], env=env)  # noqa: S603
    try:
        _wait(flag.exists, 300, "the first worker to write the rows", first)
        assert (job().status, job().attempts, import_row().status) == ("running", 1, "running")
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    # Killed mid-transaction: nothing of the import is there, and the job still says running.
    with transaction(factory) as session:
        assert (session.scalar(select(func.count()).select_from(SupplierProfile)) or 0) == before
    assert job().status == "running"

    # Once its lease has run out, a new worker's reaper queues it again, and the retry runs it.
    lease_until = job().lease_until
    assert lease_until is not None
    _wait(lambda: now() > lease_until + dt.timedelta(seconds=0.5), LEASE_SECONDS + 5, "the lease to run out")
    second = subprocess.Popen([sys.executable, "-m", "rantai.cli.main", "worker"], env=env)
    try:
        _wait(lambda: job().status in ("done", "failed"), 300, "the retry to end", second)
    finally:
        second.send_signal(signal.SIGINT)
        try:
            second.wait(timeout=30)
        except subprocess.TimeoutExpired:
            second.kill()
            second.wait()
    ended, outcome = job(), import_row()
    assert (ended.status, ended.attempts) == ("done", 2)
    assert (outcome.status, outcome.inserted, outcome.rows_total) == ("done", ROWS, ROWS)
    with transaction(factory) as session:
        assert (session.scalar(select(func.count()).select_from(SupplierProfile)) or 0) == before + ROWS
    assert not import_jobs.uploads_dir(data_dir).joinpath(key).exists()
    engine.dispose()
