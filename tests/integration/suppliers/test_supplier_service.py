"""Supplier profiles on a real database: creation, size class, verification lifecycle, privacy."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories.identity import make_org, make_user
from tests.factories.suppliers import make_supplier, national_verifier, next_nib, profile_data

from rantai.audit.models import AuditEvent
from rantai.identity.roles import OrgType
from rantai.kit.errors import UserError
from rantai.reference.errors import UnknownKbli, UnknownRegion
from rantai.suppliers import repository
from rantai.suppliers import service as suppliers
from rantai.suppliers.checklist import MANUAL_CHECKS
from rantai.suppliers.errors import (
    MSG_COOPERATIVE_ADDS_MEMBERS,
    MoveNotAllowed,
    NibTaken,
    ProfileInvalid,
    SupplierForbidden,
)


def test_create_fills_province_centroid_and_size(db: Session) -> None:
    profile, _, _ = make_supplier(db, annual_sales=1_200_000_000)
    assert profile.province_code == "32" and profile.kabkota_code == "32.73"
    assert profile.lat is not None and -7.1 < profile.lat < -6.8  # Kota Bandung's centroid
    assert (profile.size_class, profile.size_basis) == ("mikro", "annual_sales")
    assert profile.status == "draft" and profile.primary_kbli == "10794"
    assert [r.size_class for r in repository.size_history(db, profile.id)] == ["mikro"]


def test_size_class_history_records_naik_kelas(db: Session) -> None:
    profile, _, actor = make_supplier(db, annual_sales=1_000_000_000)
    suppliers.update_profile(
        db, actor=actor, profile=profile, data=profile_data(nib=profile.nib, annual_sales=3_000_000_000)
    )
    suppliers.update_profile(
        db, actor=actor, profile=profile, data=profile_data(nib=profile.nib, annual_sales=3_100_000_000)
    )
    assert [r.size_class for r in repository.size_history(db, profile.id)] == ["mikro", "kecil"]
    besar = profile_data(nib=profile.nib, annual_sales=60_000_000_000)
    suppliers.update_profile(db, actor=actor, profile=profile, data=besar)
    assert profile.size_class == "besar"


def test_new_business_is_classified_by_capital(db: Session) -> None:
    profile, _, _ = make_supplier(db, annual_sales=None, business_capital=2_000_000_000)
    assert (profile.size_class, profile.size_basis) == ("kecil", "business_capital")


@pytest.mark.parametrize(
    ("overrides", "error"),
    [
        ({"kabkota_code": "32"}, UnknownRegion),  # a province is not a kab/kota
        ({"kabkota_code": "99.99"}, UnknownRegion),
        ({"kbli_codes": ["92000"]}, UnknownKbli),
        ({"legal_form": "persekutuan_aneh"}, ProfileInvalid),
        ({"business_name": "   "}, ProfileInvalid),
        ({"kecamatan_code": "31.71.01"}, ProfileInvalid),  # a Jakarta kecamatan under Kota Bandung
        ({"cooperative_nib": "1234567890123"}, ProfileInvalid),
    ],
)
def test_bad_profile_input_writes_nothing(
    db: Session, overrides: dict[str, object], error: type[UserError]
) -> None:
    org = make_org(db, OrgType.UMKM)
    from rantai.identity import service as identity  # noqa: PLC0415

    actor = identity.actor_for(db, make_user(db, org))
    with pytest.raises(error):
        suppliers.create_profile(db, actor=actor, organization_id=org.id, data=profile_data(**overrides))
    assert repository.by_organization(db, org.id) is None


def test_nib_is_unique(db: Session) -> None:
    first, _, _ = make_supplier(db)
    with pytest.raises(NibTaken):
        make_supplier(db, nib=first.nib)


def test_only_supplier_orgs_and_their_owners_create_profiles(db: Session) -> None:
    from rantai.identity import service as identity  # noqa: PLC0415

    bumn = make_org(db, OrgType.BUMN)
    owner = make_user(db, bumn)
    with pytest.raises(SupplierForbidden):
        suppliers.create_profile(
            db, actor=identity.actor_for(db, owner), organization_id=bumn.id, data=profile_data()
        )
    umkm = make_org(db, OrgType.UMKM)
    with pytest.raises(SupplierForbidden):
        suppliers.create_profile(
            db, actor=identity.actor_for(db, owner), organization_id=umkm.id, data=profile_data()
        )


def test_verification_lifecycle(db: Session) -> None:
    profile, _, owner = make_supplier(db)
    verifier = national_verifier(db)
    with pytest.raises(MoveNotAllowed):
        suppliers.verify(db, actor=verifier, profile=profile, checked=MANUAL_CHECKS)  # still a draft
    suppliers.submit(db, actor=owner, profile=profile)
    with pytest.raises(ProfileInvalid):
        suppliers.reject(db, actor=verifier, profile=profile, reason="  ")
    suppliers.reject(db, actor=verifier, profile=profile, reason="Foto NIB buram")
    assert (profile.status, profile.status_reason) == ("rejected", "Foto NIB buram")
    suppliers.submit(db, actor=owner, profile=profile)
    suppliers.verify(db, actor=verifier, profile=profile, checked=MANUAL_CHECKS)
    assert profile.status == "verified" and profile.verified_at is not None
    actions = db.scalars(
        select(AuditEvent.action)
        .where(AuditEvent.target_type == "supplier_profile", AuditEvent.target_id == str(profile.id))
        .order_by(AuditEvent.id)
    ).all()
    assert actions == [
        "supplier.created",
        "supplier.submitted",
        "supplier.rejected",
        "supplier.submitted",
        "supplier.verified",
    ]


def test_owner_cannot_verify_and_verifier_must_cover_the_region(db: Session) -> None:
    profile, _, owner = make_supplier(db, status="submitted")
    with pytest.raises(SupplierForbidden):
        suppliers.verify(db, actor=owner, profile=profile, checked=MANUAL_CHECKS)
    with pytest.raises(SupplierForbidden):
        suppliers.verify(
            db, actor=national_verifier(db, "31"), profile=profile, checked=MANUAL_CHECKS
        )  # Jakarta's dinas, Bandung profile
    suppliers.verify(db, actor=national_verifier(db, "32"), profile=profile, checked=MANUAL_CHECKS)
    assert profile.status == "verified"


def test_changing_a_legal_field_sends_a_verified_profile_back(db: Session) -> None:
    profile, _, owner = make_supplier(db, status="verified")
    suppliers.update_profile(
        db, actor=owner, profile=profile, data=profile_data(nib=profile.nib, phone="+6281111111111")
    )
    assert profile.status == "verified"  # contact data is not a legal field
    changed = suppliers.update_profile(
        db,
        actor=owner,
        profile=profile,
        data=profile_data(nib=profile.nib, phone="+6281111111111", business_name="Keripik Bu Sri Jaya"),
    )
    assert changed == ["business_name"] and profile.status == "submitted"


def test_certificate_states(db: Session) -> None:
    profile, _, owner = make_supplier(db)
    today = dt.date(2026, 11, 28)
    cert = suppliers.add_certification(
        db,
        actor=owner,
        profile=profile,
        data=suppliers.CertificationData(
            "halal", "ID32110000123", valid_from=dt.date(2024, 1, 1), valid_until=dt.date(2027, 1, 20)
        ),
    )
    assert suppliers.certification_state(cert, today) == "expiring_60"
    assert suppliers.certification_state(cert, dt.date(2027, 1, 10)) == "expiring_14"
    assert suppliers.certification_state(cert, dt.date(2027, 1, 21)) == "expired"
    assert suppliers.is_valid_on(cert, dt.date(2027, 1, 20)) and not suppliers.is_valid_on(
        cert, dt.date(2027, 1, 21)
    )
    with pytest.raises(ProfileInvalid):
        suppliers.add_certification(
            db, actor=owner, profile=profile, data=suppliers.CertificationData("halal", "ID32110000123")
        )
    with pytest.raises(ProfileInvalid):
        suppliers.add_certification(
            db,
            actor=owner,
            profile=profile,
            data=suppliers.CertificationData(
                "sni", "1", valid_from=dt.date(2026, 1, 2), valid_until=dt.date(2026, 1, 1)
            ),
        )


def test_personal_data_masking_export_and_erasure(db: Session) -> None:
    profile, _, owner = make_supplier(db, status="verified")
    buyer_org = make_org(db, OrgType.BUMN)
    from rantai.identity import service as identity  # noqa: PLC0415

    buyer = identity.actor_for(db, make_user(db, buyer_org))
    assert suppliers.personal_fields_masked(profile, buyer)
    assert suppliers.personal_fields_masked(profile, None)
    assert not suppliers.personal_fields_masked(profile, owner)
    assert suppliers.mask("+6281234567890") == "+62*********90"
    assert suppliers.mask("sri@contoh.co.id") == "s***@contoh.co.id"
    exported = suppliers.export_own_data(db, actor=owner, profile=profile)
    assert exported["profile"]["nib"] == profile.nib and exported["kbli"] == ["10794"]
    suppliers.erase_personal_data(db, actor=owner, profile=profile)
    assert (profile.phone, profile.email, profile.npwp) == (None, None, None)
    assert profile.nib and profile.business_name  # kept as the law requires


def test_a_business_cannot_make_itself_a_member_of_a_cooperative(db: Session) -> None:
    """Found attacking issue #9: any UMKM could link itself to any cooperative from its profile form."""
    coop_profile, _coop_user, _coop_actor = make_supplier(
        db, org_type=OrgType.KOPERASI, legal_form="koperasi", nib=next_nib()
    )
    profile, _user, actor = make_supplier(db, nib=next_nib())
    with pytest.raises(ProfileInvalid) as refused:
        suppliers.update_profile(
            db,
            actor=actor,
            profile=profile,
            data=profile_data(nib=profile.nib, cooperative_nib=coop_profile.nib),
        )
    assert refused.value.message == MSG_COOPERATIVE_ADDS_MEMBERS
    db.refresh(profile)
    assert profile.cooperative_id is None
