"""Bulk import through the browser door: templates, upload, the job page, the error report."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in, make_org, make_user

from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role

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
