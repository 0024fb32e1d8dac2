"""Verification with evidence (issue #13): the owner uploads the NIB print and NPWP card, the verifier
opens the submission, sees the documents, the automatic checks done and the checklist, cannot verify
without ticking it, sends it back naming what to fix, and the owner sees it and is told."""

from __future__ import annotations

from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in, make_org, make_user
from tests.factories.suppliers import add_cert, make_supplier

from rantai.audit.models import AuditEvent
from rantai.i18n import translate
from rantai.identity import service as identity
from rantai.identity.models import User
from rantai.identity.roles import OrgType, Role
from rantai.notifications.models import Notification
from rantai.suppliers import repository
from rantai.suppliers.checklist import ITEMS, MANUAL_CHECKS
from rantai.suppliers.models import SupplierProfile, VerificationReview

NIB_PRINT = b"%PDF-1.4 cetak NIB dari OSS"
NPWP_CARD = b"\x89PNG\r\n\x1a\n kartu NPWP"


def _verifier(db: Session, area: str = "32") -> User:
    org = identity.create_organization(
        db, name=f"Dinas KUKM {area}", org_type=OrgType.KEMENTERIAN_DINAS, region_code=area
    )
    return make_user(db, org, (Role.VERIFIER,))


def _upload(client: TestClient, kind: str, name: str, data: bytes) -> object:
    return client.post(
        "/supplier/documents",
        data={"kind": kind, "csrf_token": csrf_of(client)},
        files={"document": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )


def _submitted_with_documents(client: TestClient, db: Session) -> tuple[SupplierProfile, User]:
    profile, owner, _actor = make_supplier(db, status="submitted", legal_form="pt_perorangan")
    log_in(client, owner)
    assert _upload(client, "nib", "cetak-nib.pdf", NIB_PRINT).status_code == 303  # type: ignore[attr-defined]
    assert _upload(client, "npwp", "npwp.png", NPWP_CARD).status_code == 303  # type: ignore[attr-defined]
    client.cookies.clear()
    db.refresh(profile)
    return profile, owner


def test_owner_uploads_documents_checked_like_certificate_scans(client: TestClient, db: Session) -> None:
    profile, owner, _actor = make_supplier(db, status="submitted")
    log_in(client, owner)
    version = profile.version
    assert _upload(client, "nib", "cetak-nib.pdf", NIB_PRINT).status_code == 303  # type: ignore[attr-defined]
    page = client.get("/supplier")
    assert "cetak-nib.pdf" in page.text
    assert client.get(f"/suppliers/{profile.id}/documents/nib").content == NIB_PRINT
    db.refresh(profile)
    assert profile.version == version + 1  # a decision made on the page before the upload is refused

    bad = _upload(client, "npwp", "npwp.exe", b"MZ\x90\x00")
    assert bad.status_code == 422 and "npwp.exe" in bad.text  # type: ignore[attr-defined]
    too_big = _upload(client, "npwp", "npwp.pdf", b"%PDF-" + b"0" * (5 * 1024 * 1024))
    assert too_big.status_code == 422  # type: ignore[attr-defined]
    unknown_kind = _upload(client, "ktp", "ktp.pdf", NIB_PRINT)
    assert unknown_kind.status_code == 422  # type: ignore[attr-defined]
    assert set(repository.documents_of(db, profile.id)) == {"nib"}  # nothing else saved

    replaced = _upload(client, "nib", "cetak-nib-baru.pdf", b"%PDF-1.7 baru")
    assert replaced.status_code == 303  # type: ignore[attr-defined]
    assert client.get(f"/suppliers/{profile.id}/documents/nib").content == b"%PDF-1.7 baru"
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.target_id == str(profile.id))).all()
    assert actions.count("supplier.document_attached") == 2

    # Another business and a buyer never get the documents; a verifier of the region does.
    for outsider in (make_user(db, make_org(db, OrgType.BUMN)), make_user(db, make_org(db))):
        client.cookies.clear()
        log_in(client, outsider)
        assert client.get(f"/suppliers/{profile.id}/documents/nib").status_code == 404
    client.cookies.clear()
    log_in(client, _verifier(db))
    assert client.get(f"/suppliers/{profile.id}/documents/nib").status_code == 200


def test_verifier_sees_documents_checklist_and_automatic_checks(client: TestClient, db: Session) -> None:
    profile, _owner = _submitted_with_documents(client, db)
    log_in(client, _verifier(db))
    queue = client.get("/verification").text
    assert "PT Perorangan" in queue and "PT_PERORANGAN" not in queue and "pt_perorangan" not in queue
    assert f" · {translate('id', 'Micro')}" in queue and " · mikro" not in queue  # the size in words
    page = client.get(f"/verification/{profile.id}")
    assert page.status_code == 200
    assert "cetak-nib.pdf" in page.text and "npwp.png" in page.text
    assert f"/suppliers/{profile.id}/documents/nib" in page.text
    for code in MANUAL_CHECKS:
        assert f'value="{code}"' in page.text
    for code in ("nib_format", "npwp_check_digit", "region_codes"):
        assert f'data-check="{code}"' in page.text
    assert "PT Perorangan" in page.text and "pt_perorangan" not in page.text

    # A verifier of another region does not find it.
    client.cookies.clear()
    log_in(client, _verifier(db, "31"))
    assert client.get(f"/verification/{profile.id}").status_code == 404


def test_verifying_needs_every_manual_item_and_records_them(client: TestClient, db: Session) -> None:
    profile, _owner = _submitted_with_documents(client, db)
    log_in(client, _verifier(db))
    partly = client.post(
        f"/verification/{profile.id}/verify",
        data={
            "csrf_token": csrf_of(client),
            "checked": ["nib_matches", "npwp_matches"],
            "version": profile.version,
        },
    )
    assert partly.status_code == 422 and "2" in partly.text
    assert 'value="nib_matches" checked' in partly.text  # what was ticked stays ticked
    db.refresh(profile)
    assert profile.status == "submitted"
    assert (
        db.scalars(select(VerificationReview).where(VerificationReview.profile_id == profile.id)).all() == []
    )

    done = client.post(
        f"/verification/{profile.id}/verify",
        data={"csrf_token": csrf_of(client), "checked": sorted(MANUAL_CHECKS), "version": profile.version},
    )
    assert done.status_code == 200
    db.refresh(profile)
    assert profile.status == "verified"
    review = repository.latest_review(db, profile.id)
    assert review is not None and review.decision == "verified"
    assert set(review.checked) == MANUAL_CHECKS and review.automatic["nib_format"] is True
    entry = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "supplier.verified", AuditEvent.target_id == str(profile.id)
        )
    ).one()
    assert set(entry.details["checked"]) == MANUAL_CHECKS


def test_a_failed_automatic_check_blocks_verifying(client: TestClient, db: Session) -> None:
    profile, _owner, _actor = make_supplier(db, status="submitted", npwp="0013000667091000")
    log_in(client, _verifier(db))
    page = client.get(f"/verification/{profile.id}").text
    assert 'data-check="npwp_check_digit"' in page and "✗" in page
    refused = client.post(
        f"/verification/{profile.id}/verify",
        data={"csrf_token": csrf_of(client), "checked": sorted(MANUAL_CHECKS)},
    )
    assert refused.status_code == 422
    db.refresh(profile)
    assert profile.status == "submitted"


def test_rejection_names_what_to_fix_and_the_owner_sees_it(client: TestClient, db: Session) -> None:
    profile, owner = _submitted_with_documents(client, db)
    log_in(client, _verifier(db))
    empty = client.post(f"/verification/{profile.id}/reject", data={"csrf_token": csrf_of(client)})
    assert empty.status_code == 422
    sent_back = client.post(
        f"/verification/{profile.id}/reject",
        data={
            "csrf_token": csrf_of(client),
            "to_fix": ["nib_matches"],
            "checked": ["npwp_matches"],
            "reason": "Nama usaha di cetak NIB berbeda",
            "version": profile.version,
        },
    )
    assert sent_back.status_code == 200
    db.refresh(profile)
    assert profile.status == "rejected" and profile.status_reason == "Nama usaha di cetak NIB berbeda"
    review = repository.latest_review(db, profile.id)
    assert review is not None and (review.to_fix, review.checked) == (["nib_matches"], ["npwp_matches"])
    told = db.scalars(select(Notification).where(Notification.user_id == owner.id)).all()
    assert [n.kind for n in told] == ["supplier.profile_rejected"]
    assert told[0].link == "/supplier"

    client.cookies.clear()
    log_in(client, owner)
    mine = client.get("/supplier").text
    assert 'data-testid="to-fix"' in mine
    assert escape(translate("id", ITEMS["nib_matches"].label)) in mine
    assert "Nama usaha di cetak NIB berbeda" in mine
    # Fixed and sent again: back in the queue.
    client.post("/supplier/submit", data={"csrf_token": csrf_of(client)})
    db.refresh(profile)
    assert profile.status == "submitted"


def test_rejecting_with_items_only_keeps_a_readable_reason(client: TestClient, db: Session) -> None:
    profile, _owner, _actor = make_supplier(db, status="submitted")
    log_in(client, _verifier(db))
    client.post(
        f"/verification/{profile.id}/reject",
        data={"csrf_token": csrf_of(client), "to_fix": ["npwp_matches", "address_plausible"]},
    )
    db.refresh(profile)
    assert profile.status == "rejected"
    assert profile.status_reason == "The NPWP card matches; The address and region are plausible"


def test_a_lapsed_certificate_is_flagged_but_does_not_block(client: TestClient, db: Session) -> None:
    profile, _owner, actor = make_supplier(db, status="submitted")
    add_cert(db, profile, actor, days_left=-3)
    db.flush()
    log_in(client, _verifier(db))
    page = client.get(f"/verification/{profile.id}").text
    assert 'data-check="certificate_dates"' in page and "⚠" in page
    done = client.post(
        f"/verification/{profile.id}/verify",
        data={"csrf_token": csrf_of(client), "checked": sorted(MANUAL_CHECKS)},
    )
    assert done.status_code == 200
    db.refresh(profile)
    assert profile.status == "verified"
