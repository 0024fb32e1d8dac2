"""The claim pages (issue #9): a business owner claims the profile an import made for their business; a
verifier of its region approves it after a confirmation page, or rejects it with a reason."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in, make_org, make_user
from tests.factories.suppliers import import_file, importer, next_nib, supplier_row

from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role
from rantai.suppliers import repository
from rantai.suppliers.models import SupplierProfile

EVIDENCE = "Telepon di OSS 0812-3456-7890, alamat Jl. Braga 1"


def _imported(db: Session) -> SupplierProfile:
    org, actor = importer(db, OrgType.BUMN)
    nib = next_nib()
    import_file(db, org, actor, [supplier_row(nib, "Keripik Bu Sri", telepon="0812-3456-7890")])
    profile = repository.by_nib(db, nib)
    assert profile is not None
    return profile


def _verifier(db: Session, area: str) -> object:
    dinas = identity.create_organization(
        db, name=f"Dinas {area}", org_type=OrgType.KEMENTERIAN_DINAS, region_code=area
    )
    return make_user(db, dinas, (Role.VERIFIER,))


def test_claim_then_approve_after_confirmation(client: TestClient, db: Session) -> None:
    profile = _imported(db)
    business = make_org(db, OrgType.UMKM)
    owner = make_user(db, business, (Role.OWNER,))
    log_in(client, owner)
    form = client.get("/supplier/claim")
    assert form.status_code == 200 and 'data-testid="claim-form"' in form.text

    # Without the CSRF token nothing is recorded.
    refused = client.post("/supplier/claim", data={"nib": profile.nib, "evidence": EVIDENCE})
    assert refused.status_code == 403 and repository.pending_claim_of(db, business.id) is None

    sent = client.post(
        "/supplier/claim", data={"nib": profile.nib, "evidence": EVIDENCE, "csrf_token": csrf_of(client)}
    )
    assert sent.status_code == 200 and 'data-testid="pending-claim"' in sent.text
    claim = repository.pending_claim_of(db, business.id)
    assert claim is not None and claim.evidence == EVIDENCE

    client.cookies.clear()
    log_in(client, _verifier(db, "32"))  # type: ignore[arg-type]
    queue = client.get("/verification/claims")
    assert queue.status_code == 200 and profile.nib in queue.text and EVIDENCE in queue.text
    assert "+6281234567890" in queue.text  # the verifier of the region sees the number to call

    # The approve button leads to a confirmation page; a post without the confirmation changes nothing.
    confirm = client.get(f"/verification/claims/{claim.id}/approve")
    assert confirm.status_code == 200 and 'data-testid="confirm-claim"' in confirm.text
    unconfirmed = client.post(
        f"/verification/claims/{claim.id}/approve",
        data={"csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    assert unconfirmed.status_code == 303 and repository.pending_claim_of(db, business.id) is not None
    done = client.post(
        f"/verification/claims/{claim.id}/approve", data={"csrf_token": csrf_of(client), "confirm": "yes"}
    )
    assert done.status_code == 200 and "Keripik Bu Sri" in done.text
    db.refresh(profile)
    assert profile.organization_id == business.id

    client.cookies.clear()
    log_in(client, owner)
    mine = client.get("/supplier")
    assert mine.status_code == 200 and profile.nib in mine.text


def test_reject_needs_a_reason_and_the_business_sees_it(client: TestClient, db: Session) -> None:
    profile = _imported(db)
    business = make_org(db, OrgType.UMKM)
    owner = make_user(db, business, (Role.OWNER,))
    log_in(client, owner)
    client.post(
        "/supplier/claim", data={"nib": profile.nib, "evidence": EVIDENCE, "csrf_token": csrf_of(client)}
    )
    claim = repository.pending_claim_of(db, business.id)
    assert claim is not None

    client.cookies.clear()
    log_in(client, _verifier(db, "32.73"))  # type: ignore[arg-type]
    empty = client.post(
        f"/verification/claims/{claim.id}/reject", data={"csrf_token": csrf_of(client), "reason": " "}
    )
    assert empty.status_code == 422 and 'role="alert"' in empty.text
    db.refresh(claim)
    assert claim.status == "pending"
    rejected = client.post(
        f"/verification/claims/{claim.id}/reject",
        data={"csrf_token": csrf_of(client), "reason": "Nomor di OSS tidak menjawab"},
    )
    assert rejected.status_code == 200
    db.refresh(claim)
    assert claim.status == "rejected"

    client.cookies.clear()
    log_in(client, owner)
    page = client.get("/supplier/claim").text
    assert "Nomor di OSS tidak menjawab" in page and 'data-testid="claim-form"' in page


def test_bad_claims_are_explained_and_verifiers_elsewhere_see_nothing(
    client: TestClient, db: Session
) -> None:
    profile = _imported(db)
    business = make_org(db, OrgType.UMKM)
    owner = make_user(db, business, (Role.OWNER,))
    log_in(client, owner)
    unknown = next_nib()
    client.cookies.set("rantai_lang", "en")
    page = client.post(
        "/supplier/claim", data={"nib": unknown, "evidence": EVIDENCE, "csrf_token": csrf_of(client)}
    )
    assert page.status_code == 422 and f"There is no profile with NIB {unknown} to claim" in page.text
    assert f'value="{unknown}"' in page.text  # what was typed is kept
    client.post(
        "/supplier/claim", data={"nib": profile.nib, "evidence": EVIDENCE, "csrf_token": csrf_of(client)}
    )
    claim = repository.pending_claim_of(db, business.id)
    assert claim is not None

    client.cookies.clear()
    log_in(client, _verifier(db, "33"))  # type: ignore[arg-type]
    assert profile.nib not in client.get("/verification/claims").text
    assert client.get(f"/verification/claims/{claim.id}/approve").status_code == 404
    approve = client.post(
        f"/verification/claims/{claim.id}/approve", data={"csrf_token": csrf_of(client), "confirm": "yes"}
    )
    assert approve.status_code == 404
    db.refresh(claim)
    assert claim.status == "pending"

    # Buyers have no claim pages at all.
    client.cookies.clear()
    log_in(client, make_user(db, make_org(db, OrgType.BUMN), (Role.PROCUREMENT_OFFICER,)))
    assert client.get("/supplier/claim").status_code == 403
    assert client.get("/verification/claims").status_code == 403


def test_the_claimant_withdraws(client: TestClient, db: Session) -> None:
    profile = _imported(db)
    business = make_org(db, OrgType.UMKM)
    log_in(client, make_user(db, business, (Role.OWNER,)))
    client.post(
        "/supplier/claim", data={"nib": profile.nib, "evidence": EVIDENCE, "csrf_token": csrf_of(client)}
    )
    claim = repository.pending_claim_of(db, business.id)
    assert claim is not None
    page = client.post(f"/supplier/claim/{claim.id}/withdraw", data={"csrf_token": csrf_of(client)})
    assert page.status_code == 200 and 'data-testid="claim-form"' in page.text
    db.refresh(claim)
    assert claim.status == "withdrawn"


def test_the_claim_pages_are_linked_where_their_users_look(client: TestClient, db: Session) -> None:
    """A business without a profile finds the claim from the onboarding form; a verifier finds the claims
    from the verification queue; both links lead to pages they may open."""
    owner = make_user(db, make_org(db, OrgType.UMKM), (Role.OWNER,))
    log_in(client, owner)
    onboarding = client.get("/supplier/onboarding")
    assert 'data-testid="claim-hint"' in onboarding.text and 'href="/supplier/claim"' in onboarding.text
    assert client.get("/supplier/claim").status_code == 200

    client.cookies.clear()
    log_in(client, _verifier(db, "32"))  # type: ignore[arg-type]
    queue = client.get("/verification")
    assert 'href="/verification/claims"' in queue.text
    assert client.get("/verification/claims").status_code == 200
