"""Renewing a certificate (issue #13): the new one replaces it where every reader looks, the earlier one
is kept in the history with its scan, the change is audited, and bad input changes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories.suppliers import add_cert, make_supplier

from rantai.audit.models import AuditEvent
from rantai.catalog.models import IndexChange
from rantai.catalog.search_index import offers_of
from rantai.identity.policy import Actor
from rantai.kit.storage import LocalStorage
from rantai.suppliers import repository
from rantai.suppliers import service as suppliers
from rantai.suppliers.errors import ProfileInvalid
from rantai.suppliers.models import Certification, SupplierProfile

PDF = b"%PDF-1.4 sertifikat halal baru"
TODAY = dt.date.today()  # noqa: DTZ011 - the factories date certificates from today too


def _expired(db: Session) -> tuple[SupplierProfile, Actor, Certification]:
    profile, _, actor = make_supplier(db, status="verified")
    add_cert(db, profile, actor, "halal", days_left=-10)
    certification = repository.certifications(db, profile.id)[0]
    return profile, actor, certification


def _data(number: str = "ID-HALAL-2028", until: dt.date | None = None) -> suppliers.CertificationData:
    return suppliers.CertificationData(
        type_code="halal",
        number=number,
        valid_from=TODAY,
        valid_until=until or TODAY + dt.timedelta(days=1460),
    )


def test_renewal_replaces_the_certificate_and_keeps_the_old_one(db: Session, tmp_path: Path) -> None:
    profile, actor, certification = _expired(db)
    storage = LocalStorage(tmp_path)
    old_scan = storage.put(b"%PDF-1.4 lama", suffix=".pdf")
    certification.document_key, certification.document_name = old_scan, "lama.pdf"
    old_number, old_until = certification.number, certification.valid_until
    before = set(db.scalars(select(IndexChange.id)))
    record = suppliers.renew_certification(
        db,
        actor=actor,
        profile=profile,
        certification=certification,
        data=_data(),
        document_name="halal-2028.pdf",
        document=PDF,
        storage=storage,
    )
    assert (certification.number, certification.valid_until, certification.status) == (
        "ID-HALAL-2028",
        TODAY + dt.timedelta(days=1460),
        "pending",
    )
    assert storage.get(certification.document_key or "") == PDF
    assert suppliers.certification_state(certification, TODAY) == "valid"
    history = repository.certification_history(db, profile.id)
    assert [(r.number, r.valid_until, r.document_key) for r in history[certification.id]] == [
        (old_number, old_until, old_scan)
    ]
    assert storage.get(old_scan) == b"%PDF-1.4 lama"  # the earlier scan is kept
    assert record.certification_id == certification.id
    entry = db.scalars(select(AuditEvent).where(AuditEvent.action == "certification.renewed")).one()
    assert (
        entry.details["before"]["number"] == old_number
        and entry.details["after"]["number"] == "ID-HALAL-2028"
    )
    # The matching index is queued, and what it reads is the renewed certificate.
    assert set(db.scalars(select(IndexChange.id))) - before
    facts, _ = offers_of(db, [profile.id])[profile.id]
    assert facts.certificate_end("halal") == (True, TODAY + dt.timedelta(days=1460))


@pytest.mark.parametrize(
    ("data", "document", "field"),
    [
        (_data(number=" "), PDF, "number"),
        (_data(until=TODAY - dt.timedelta(days=30)), PDF, "valid_until"),  # not after the old one
        (_data(), None, "document"),
        (_data(), b"MZ not a scan", "document"),
        (_data(), b"%PDF-" + b"x" * (5 * 1024 * 1024), "document"),
    ],
)
def test_bad_renewal_changes_nothing(
    db: Session, tmp_path: Path, data: suppliers.CertificationData, document: bytes | None, field: str
) -> None:
    profile, actor, certification = _expired(db)
    number = certification.number
    with pytest.raises(ProfileInvalid) as error:
        suppliers.renew_certification(
            db,
            actor=actor,
            profile=profile,
            certification=certification,
            data=data,
            document_name="x.pdf",
            document=document,
            storage=LocalStorage(tmp_path),
        )
    assert error.value.field == field
    assert certification.number == number
    assert repository.certification_history(db, profile.id) == {}
    assert not list(tmp_path.iterdir())  # no file stored


def test_renewable_states() -> None:
    assert [s for s in ("valid", "expiring_60", "expiring_14", "expired") if suppliers.renewable(s)] == [
        "expiring_60",
        "expiring_14",
        "expired",
    ]
