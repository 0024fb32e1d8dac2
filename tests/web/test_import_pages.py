"""Bulk import through the browser door: templates, upload, the job page, the error report."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in, make_org, make_user

from rantai.catalog import import_jobs
from rantai.i18n import translate
from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role
from rantai.jobs import InlineQueue, repository, runner
from rantai.jobs.models import Job
from rantai.kit.clock import now
from rantai.settings import Settings
from rantai.suppliers.models import ImportJob

CSV = (
    "nib;nama_usaha;bentuk_usaha;kode_wilayah;kbli;omzet_tahunan\r\n"
    "9130000000011;Keripik Web Satu;UD;32.73;10794;500000000\r\n"
    "9130000000022;Keripik Web Dua;UD;Kota Bandung;10794;600000000\r\n"
    "9.13E+12;Rusak;UD;32.73;10794;1\r\n"
)


def _dinas_admin(db: Session, client: TestClient) -> None:
    dinas = identity.create_organization(
        db, name="Dinas Web", org_type=OrgType.KEMENTERIAN_DINAS, region_code="32"
    )
    log_in(client, make_user(db, dinas, (Role.ADMIN,)))


def test_templates_download(client: TestClient, db: Session) -> None:
    _dinas_admin(db, client)
    csv = client.get("/imports/template/suppliers.csv")
    assert csv.status_code == 200 and "nib" in csv.content.decode("utf-8-sig").splitlines()[0]
    xlsx = client.get("/imports/template/products.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_upload_runs_the_job_and_reports_bad_rows(client: TestClient, db: Session) -> None:
    _dinas_admin(db, client)
    response = client.post(
        "/imports",
        data={"kind": "suppliers", "mode": "valid_rows", "csrf_token": csrf_of(client)},
        files={"file": ("pemasok.csv", CSV.encode("utf-8"), "text/csv")},
    )
    assert response.status_code == 200
    assert 'data-status="done"' in response.text
    assert 'data-testid="inserted">2<' in response.text and 'data-testid="failed">1<' in response.text
    job_url = str(response.url)
    report = client.get(job_url + "/errors.csv").content.decode("utf-8-sig")
    assert "notasi ilmiah" in report and "4;nib;" in report
    workbook = client.get(job_url + "/errors.xlsx")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    # Polling (HTMX) gets only the fragment.
    assert "<html" not in client.get(job_url, headers={"HX-Request": "true"}).text


def test_bad_upload_is_explained(client: TestClient, db: Session) -> None:
    _dinas_admin(db, client)
    no_file = client.post(
        "/imports", data={"kind": "suppliers", "mode": "valid_rows", "csrf_token": csrf_of(client)}
    )
    assert no_file.status_code == 422 and 'id="e-file"' in no_file.text
    wrong = client.post(
        "/imports",
        data={"kind": "suppliers", "mode": "valid_rows", "csrf_token": csrf_of(client)},
        files={"file": ("foto.jpg", b"\xff\xd8", "image/jpeg")},
    )
    assert wrong.status_code == 422 and "foto.jpg" in wrong.text


def test_import_page_needs_a_right_and_jobs_are_private(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db, make_org(db, OrgType.LEMBAGA_PEMBIAYAAN)))
    assert client.get("/imports").status_code == 403
    assert client.get("/imports/1").status_code == 404


def test_the_upload_is_removed_once_the_job_ends(client: TestClient, db: Session, settings: Settings) -> None:
    _dinas_admin(db, client)
    response = client.post(
        "/imports",
        data={"kind": "suppliers", "mode": "valid_rows", "csrf_token": csrf_of(client)},
        files={"file": ("pemasok.csv", CSV.encode("utf-8"), "text/csv")},
    )
    assert 'data-status="done"' in response.text
    assert list(import_jobs.uploads_dir(settings.data_dir).iterdir()) == []


def test_the_upload_only_queues_the_job(client: TestClient, db: Session, job_queue: InlineQueue) -> None:
    """Issue #10: the web process sends the import to the worker and runs nothing itself."""
    _dinas_admin(db, client)
    job_queue.immediate = False  # no worker yet
    response = client.post(
        "/imports",
        data={"kind": "suppliers", "mode": "valid_rows", "csrf_token": csrf_of(client)},
        files={"file": ("pemasok.csv", CSV.encode("utf-8"), "text/csv")},
    )
    assert 'data-status="queued"' in response.text
    row = db.scalars(select(Job).order_by(Job.id.desc())).first()
    assert row is not None and row.status == "queued" and job_queue.jobs == [row.id]
    assert job_queue.run_pending() >= 1
    assert 'data-status="done"' in client.get(str(response.url)).text


def test_a_job_whose_worker_died_is_run_again_once(
    client: TestClient, db: Session, settings: Settings, job_queue: InlineQueue
) -> None:
    """Issue #9, finding 8 and issue #10: a job killed mid-way is not left "running"; once its lease has
    run out the reaper queues it again, and the retry imports the file once."""
    _dinas_admin(db, client)
    job_queue.immediate = False
    response = client.post(
        "/imports",
        data={"kind": "suppliers", "mode": "valid_rows", "csrf_token": csrf_of(client)},
        files={"file": ("pemasok.csv", CSV.encode("utf-8"), "text/csv")},
    )
    row = db.scalars(select(Job).order_by(Job.id.desc())).first()
    assert row is not None
    # A worker claims it and dies at once: its lease is never renewed.
    claimed = repository.claim(db, row.id, lease_until=now() - dt.timedelta(seconds=1))
    assert claimed is not None
    import_row = db.scalars(select(ImportJob).order_by(ImportJob.id.desc())).first()
    assert import_row is not None
    import_row.status = "running"
    db.flush()
    job_queue.jobs.clear()
    assert 'data-status="running"' in client.get(str(response.url)).text
    assert runner.reap(job_queue.context, job_queue) == [row.id]
    job_queue.run_pending()
    page = client.get(str(response.url)).text
    assert 'data-status="done"' in page
    db.refresh(row)
    db.refresh(import_row)
    assert (row.status, row.attempts) == ("done", 2)
    assert import_row.inserted == 2  # imported once, by the retry
    assert list(import_jobs.uploads_dir(settings.data_dir).iterdir()) == []


def test_a_job_out_of_attempts_ends_as_failed(
    client: TestClient, db: Session, settings: Settings, job_queue: InlineQueue
) -> None:
    _dinas_admin(db, client)
    job_queue.immediate = False
    response = client.post(
        "/imports",
        data={"kind": "suppliers", "mode": "valid_rows", "csrf_token": csrf_of(client)},
        files={"file": ("pemasok.csv", CSV.encode("utf-8"), "text/csv")},
    )
    row = db.scalars(select(Job).order_by(Job.id.desc())).first()
    assert row is not None
    row.attempts = row.max_attempts - 1
    db.flush()
    assert repository.claim(db, row.id, lease_until=now() - dt.timedelta(seconds=1)) is not None
    job_queue.jobs.clear()
    assert runner.reap(job_queue.context, job_queue) == []
    page = client.get(str(response.url)).text
    assert 'data-status="failed"' in page
    assert translate("id", import_jobs.MSG_STOPPED) in page
    db.refresh(row)
    assert row.status == "failed"
    assert list(import_jobs.uploads_dir(settings.data_dir).iterdir()) == []
