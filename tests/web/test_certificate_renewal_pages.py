"""Renewing an expired certificate from the owner's page (issue #13)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in
from tests.factories.suppliers import add_cert, make_supplier

from rantai.kit.clock import today
from rantai.suppliers import repository

PDF = b"%PDF-1.4 sertifikat halal baru"


def test_owner_renews_an_expired_certificate(client: TestClient, db: Session) -> None:
    profile, owner, actor = make_supplier(db, status="verified")
    add_cert(db, profile, actor, "halal", days_left=-5)
    add_cert(db, profile, actor, "spp_irt", days_left=900)
    expired = next(c for c in repository.certifications(db, profile.id) if c.type_code == "halal")
    valid = next(c for c in repository.certifications(db, profile.id) if c.type_code == "spp_irt")
    log_in(client, owner)
    page = client.get("/supplier").text
    assert f'href="/supplier/certifications/{expired.id}/renew"' in page
    assert f'href="/supplier/certifications/{valid.id}/renew"' not in page  # nothing to renew yet

    form = client.get(f"/supplier/certifications/{expired.id}/renew")
    assert form.status_code == 200 and expired.number in form.text
    until = today().replace(year=today().year + 4)
    missing = client.post(
        f"/supplier/certifications/{expired.id}/renew",
        data={"csrf_token": csrf_of(client), "number": "ID-HALAL-BARU", "valid_until": until.isoformat()},
    )
    assert missing.status_code == 422 and 'id="e-document"' in missing.text
    assert 'value="ID-HALAL-BARU"' in missing.text  # what was typed is kept
    saved = client.post(
        f"/supplier/certifications/{expired.id}/renew",
        data={"csrf_token": csrf_of(client), "number": "ID-HALAL-BARU", "valid_until": until.isoformat()},
        files={"document": ("halal.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    db.refresh(expired)
    assert (expired.number, expired.valid_until) == ("ID-HALAL-BARU", until)
    page = client.get("/supplier").text
    assert (
        'data-testid="certificate-history"' in page
        and f'href="/supplier/certifications/{expired.id}/renew"' not in page
    )
    record = repository.certification_history(db, profile.id)[expired.id][0]
    assert record.number in page


def test_another_business_cannot_renew(client: TestClient, db: Session) -> None:
    profile, _, actor = make_supplier(db)
    add_cert(db, profile, actor, "halal", days_left=-5)
    certification = repository.certifications(db, profile.id)[0]
    _, stranger, _ = make_supplier(db)
    log_in(client, stranger)
    assert client.get(f"/supplier/certifications/{certification.id}/renew").status_code == 404
    posted = client.post(
        f"/supplier/certifications/{certification.id}/renew",
        data={"csrf_token": csrf_of(client), "number": "X", "valid_until": "2040-01-01"},
        files={"document": ("halal.pdf", PDF, "application/pdf")},
    )
    assert posted.status_code == 404
    db.refresh(certification)
    assert certification.number != "X"
