"""Issue #9, finding 1: a business claims the profile an import made for it, and a verifier of its region
checks the claim (a public NIB is no proof). On approval the profile moves into the business's own
organization and its importer can no longer change it."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from tests.factories.suppliers import (
    business_owner,
    import_file,
    importer,
    make_supplier,
    national_verifier,
    next_nib,
    supplier_row,
)

from rantai.audit.models import AuditEvent
from rantai.identity import repository as identity_repo
from rantai.identity import service as identity
from rantai.identity.models import Organization
from rantai.identity.policy import Actor
from rantai.identity.roles import OrgType, Role
from rantai.suppliers import claims, repository
from rantai.suppliers import service as suppliers
from rantai.suppliers.errors import (
    MSG_CLAIM_ALREADY_CLAIMED,
    MSG_CLAIM_COOPERATIVE,
    MSG_CLAIM_DECIDED,
    MSG_CLAIM_EVIDENCE,
    MSG_CLAIM_HAS_PROFILE,
    MSG_CLAIM_NO_PROFILE,
    MSG_CLAIM_NOT_FOUND,
    MSG_CLAIM_OWN,
    MSG_CLAIM_PENDING,
    MSG_CLAIM_REASON,
    MSG_IMPORT_NOT_MANAGED,
    ClaimConflict,
    ClaimInvalid,
    ClaimNotFound,
    SupplierForbidden,
)
from rantai.suppliers.models import SupplierClaim, SupplierProfile
from rantai.suppliers.state import CLAIM_LIFECYCLE, CLAIM_TRANSITIONS, ClaimMove, ClaimStatus

EVIDENCE = "Nomor telepon di OSS 0812-3456-7890; silakan kunjungi Jl. Braga 1."


def _imported(db: Session, **cells: str) -> tuple[SupplierProfile, Organization, Actor]:
    org, actor = importer(db, OrgType.BUMN)
    nib = next_nib()
    import_file(db, org, actor, [supplier_row(nib, "Keripik Bu Sri", telepon="0812-3456-7890", **cells)])
    profile = repository.by_nib(db, nib)
    assert profile is not None
    return profile, org, actor


def _log(db: Session, organization_id: int) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent).where(AuditEvent.organization_id == organization_id).order_by(AuditEvent.id)
        )
    )


def test_claim_approved_moves_the_profile_to_the_business(db: Session) -> None:
    profile, importer_org, importer_actor = _imported(db)
    shell = profile.organization_id
    business, _, owner = business_owner(db)
    claim = claims.request_claim(
        db, actor=owner, organization_id=business.id, nib=profile.nib, evidence=EVIDENCE
    )
    assert (claim.status, claim.claimant_user_id) == ("pending", owner.user_id)

    verifier = national_verifier(db, "32")
    moved = claims.approve_claim(db, actor=verifier, claim=claim)
    assert moved.id == profile.id
    assert (moved.organization_id, moved.managed_by_organization_id) == (business.id, business.id)
    assert moved.claimed_at is not None and claim.status == "approved" and claim.decided_by_user_id
    former = identity_repo.organization_by_id(db, shell)
    assert former is not None and former.is_active is False

    # The business now edits its profile; the importer can no longer change it.
    owner = identity.actor_for(db, identity_repo.user_by_id(db, owner.user_id))  # type: ignore[arg-type]
    data = suppliers.ProfileData(
        business_name="Keripik Bu Sri Asli", legal_form="ud", nib=profile.nib, kabkota_code="32.73"
    )
    assert "business_name" in suppliers.update_profile(db, actor=owner, profile=moved, data=data)
    refused = import_file(db, importer_org, importer_actor, [supplier_row(profile.nib, "Diambil Lagi")])
    assert [e.message for e in refused.errors] == [MSG_IMPORT_NOT_MANAGED]
    assert suppliers.personal_fields_masked(moved, importer_actor)

    # Every step is in the business's log; the importer learns it no longer manages the profile.
    actions = [e.action for e in _log(db, business.id)]
    assert actions[-3:-1] == ["supplier.claim_requested", "supplier.claim_approved"]
    approved = next(e for e in _log(db, business.id) if e.action == "supplier.claim_approved")
    verifier_org = next(iter(verifier.roles))
    assert approved.details["actor_organization_id"] == verifier_org
    assert approved.details["former_manager_organization_id"] == importer_org.id
    assert "supplier.created_by_import" in [h["action"] for h in approved.details["earlier"]]
    ended = [e for e in _log(db, importer_org.id) if e.action == "supplier.management_ended"]
    assert [e.target_id for e in ended] == [str(profile.id)]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("unknown", MSG_CLAIM_NO_PROFILE),
        ("registered", MSG_CLAIM_ALREADY_CLAIMED),
        ("no_evidence", MSG_CLAIM_EVIDENCE),
        ("bad_nib", "NIB must have 13 digits; found %(digits)d."),
        ("cooperative", MSG_CLAIM_COOPERATIVE),
    ],
)
def test_claims_that_cannot_be_made(db: Session, case: str, message: str) -> None:
    profile, _, _ = _imported(db)
    registered, _, _ = make_supplier(db)
    coop, _, _ = _imported(db, bentuk_usaha="Koperasi")
    business, _, owner = business_owner(db)
    nib, evidence = {
        "unknown": (next_nib(), EVIDENCE),
        "registered": (registered.nib, EVIDENCE),
        "no_evidence": (profile.nib, "   "),
        "bad_nib": ("12345", EVIDENCE),
        "cooperative": (coop.nib, EVIDENCE),
    }[case]
    with pytest.raises((ClaimInvalid, ClaimConflict)) as raised:
        claims.request_claim(db, actor=owner, organization_id=business.id, nib=nib, evidence=evidence)
    assert raised.value.message == message
    assert repository.claims_of(db, owner, business.id) == []


def test_one_profile_per_organization_and_one_claim_at_a_time(db: Session) -> None:
    first, _, _ = _imported(db)
    second, _, _ = _imported(db)
    own, _, owner = make_supplier(db)
    with pytest.raises(ClaimConflict) as raised:
        claims.request_claim(
            db, actor=owner, organization_id=own.organization_id, nib=first.nib, evidence=EVIDENCE
        )
    assert raised.value.message == MSG_CLAIM_HAS_PROFILE

    business, _, claimant = business_owner(db)
    claim = claims.request_claim(
        db, actor=claimant, organization_id=business.id, nib=first.nib, evidence=EVIDENCE
    )
    with pytest.raises(ClaimConflict) as raised:
        claims.request_claim(
            db, actor=claimant, organization_id=business.id, nib=second.nib, evidence=EVIDENCE
        )
    assert (raised.value.message, raised.value.params) == (MSG_CLAIM_PENDING, {"nib": first.nib})
    claims.withdraw_claim(db, actor=claimant, claim=claim)
    assert claim.status == "withdrawn"
    assert claims.request_claim(
        db, actor=claimant, organization_id=business.id, nib=second.nib, evidence=EVIDENCE
    )


def test_only_the_business_owner_claims(db: Session) -> None:
    profile, _, _ = _imported(db)
    business, _, _ = business_owner(db)
    viewer = identity.actor_for(db, _member(db, business, Role.VIEWER))
    with pytest.raises(SupplierForbidden):
        claims.request_claim(
            db, actor=viewer, organization_id=business.id, nib=profile.nib, evidence=EVIDENCE
        )
    bumn, bumn_actor = importer(db, OrgType.BUMN)
    with pytest.raises((SupplierForbidden, ClaimInvalid)):
        claims.request_claim(
            db, actor=bumn_actor, organization_id=bumn.id, nib=profile.nib, evidence=EVIDENCE
        )


def _member(db: Session, org: Organization, role: Role) -> object:
    from tests.factories.identity import make_user  # noqa: PLC0415

    return make_user(db, org, (role,))


def test_only_a_verifier_of_the_region_decides_and_never_for_their_own_business(db: Session) -> None:
    profile, _, _ = _imported(db)  # in Kota Bandung, 32.73
    business, _, owner = business_owner(db)
    claim = claims.request_claim(
        db, actor=owner, organization_id=business.id, nib=profile.nib, evidence=EVIDENCE
    )
    elsewhere = national_verifier(db, "33")
    with pytest.raises(ClaimNotFound) as raised:
        claims.decidable_claim(db, actor=elsewhere, claim_id=claim.id)
    assert raised.value.message == MSG_CLAIM_NOT_FOUND
    with pytest.raises(ClaimNotFound):
        claims.approve_claim(db, actor=elsewhere, claim=claim)
    with pytest.raises(ClaimNotFound):
        claims.approve_claim(db, actor=owner, claim=claim)
    in_region = repository.claim_queue(db, _page(), actor=national_verifier(db, "32"))
    assert [c.id for c, _ in in_region.items] == [claim.id]
    assert repository.claim_queue(db, _page(), actor=elsewhere).items == []

    # A verifier who is also a member of the claimant's organization steps aside.
    dinas = identity.create_organization(
        db, name="Dinas Jabar", org_type=OrgType.KEMENTERIAN_DINAS, region_code="32"
    )
    from tests.factories.identity import make_user  # noqa: PLC0415

    both = make_user(db, dinas, (Role.VERIFIER,))
    identity.add_membership(db, user=both, organization=business, role=Role.ADMIN)
    with pytest.raises(SupplierForbidden) as forbidden:
        claims.approve_claim(db, actor=identity.actor_for(db, both), claim=claim)
    assert forbidden.value.message == MSG_CLAIM_OWN
    assert claim.status == "pending" and profile.claimed_at is None


def _page() -> object:
    from rantai.kit.pagination import PageRequest  # noqa: PLC0415

    return PageRequest(1, 20)


def test_rejection_needs_a_reason_and_a_decided_claim_stays_decided(db: Session) -> None:
    profile, _, _ = _imported(db)
    business, _, owner = business_owner(db)
    claim = claims.request_claim(
        db, actor=owner, organization_id=business.id, nib=profile.nib, evidence=EVIDENCE
    )
    verifier = national_verifier(db, "32.73")
    with pytest.raises(ClaimInvalid) as raised:
        claims.reject_claim(db, actor=verifier, claim=claim, reason="  ")
    assert raised.value.message == MSG_CLAIM_REASON and claim.status == "pending"
    claims.reject_claim(db, actor=verifier, claim=claim, reason="Nomor telepon di OSS tidak menjawab")
    assert (claim.status, claim.reason) == ("rejected", "Nomor telepon di OSS tidak menjawab")
    with pytest.raises(ClaimConflict) as conflict:
        claims.approve_claim(db, actor=verifier, claim=claim)
    assert conflict.value.message == MSG_CLAIM_DECIDED
    db.refresh(profile)
    assert profile.claimed_at is None and profile.organization_id != business.id
    rejected = [e for e in _log(db, business.id) if e.action == "supplier.claim_rejected"]
    assert rejected[0].details["reason"] == "Nomor telepon di OSS tidak menjawab"
    # The business may try again with better proof.
    assert claims.request_claim(
        db, actor=owner, organization_id=business.id, nib=profile.nib, evidence=EVIDENCE
    )


def test_a_decision_made_meanwhile_is_not_overwritten(db: Session) -> None:
    """Compare-and-set: a request that read the claim while it waited (its copy says pending) cannot
    overwrite what another verifier decided in the meantime."""
    profile, _, _ = _imported(db)
    business, _, owner = business_owner(db)
    claim = claims.request_claim(
        db, actor=owner, organization_id=business.id, nib=profile.nib, evidence=EVIDENCE
    )
    # Another request rejects it; this session's copy of the claim still says "pending".
    db.execute(
        update(SupplierClaim).where(SupplierClaim.id == claim.id).values(status="rejected", reason="Ditolak"),
        execution_options={"synchronize_session": False},
    )
    assert claim.status == "pending"
    with pytest.raises(ClaimConflict) as raised:
        claims.approve_claim(db, actor=national_verifier(db, "32"), claim=claim)
    assert raised.value.message == MSG_CLAIM_DECIDED
    db.refresh(claim)
    assert (claim.status, claim.reason) == ("rejected", "Ditolak")
    db.refresh(profile)
    assert profile.claimed_at is None and profile.organization_id != business.id


def test_approving_one_claim_closes_the_others_on_the_profile(db: Session) -> None:
    profile, _, _ = _imported(db)
    real, _, real_owner = business_owner(db)
    fake, _, fake_owner = business_owner(db)
    fake_claim = claims.request_claim(
        db, actor=fake_owner, organization_id=fake.id, nib=profile.nib, evidence="Saya tahu NIB-nya"
    )
    real_claim = claims.request_claim(
        db, actor=real_owner, organization_id=real.id, nib=profile.nib, evidence=EVIDENCE
    )
    claims.approve_claim(db, actor=national_verifier(db, None), claim=real_claim)
    db.refresh(fake_claim)
    assert fake_claim.status == "superseded"
    assert [e.action for e in _log(db, fake.id)][-1] == "supplier.claim_superseded"
    with pytest.raises(ClaimConflict) as raised:
        claims.request_claim(
            db, actor=fake_owner, organization_id=fake.id, nib=profile.nib, evidence=EVIDENCE
        )
    assert raised.value.message == MSG_CLAIM_ALREADY_CLAIMED


def test_claim_lifecycle_table() -> None:
    assert CLAIM_TRANSITIONS == {
        (ClaimStatus.PENDING, ClaimMove.APPROVE): ClaimStatus.APPROVED,
        (ClaimStatus.PENDING, ClaimMove.REJECT): ClaimStatus.REJECTED,
        (ClaimStatus.PENDING, ClaimMove.WITHDRAW): ClaimStatus.WITHDRAWN,
        (ClaimStatus.PENDING, ClaimMove.SUPERSEDE): ClaimStatus.SUPERSEDED,
    }
    for status in ClaimStatus:
        if status is not ClaimStatus.PENDING:
            assert all(CLAIM_LIFECYCLE.target(status, move) is None for move in ClaimMove)
