"""Claims through the API (issue #9, finding 1): the same rules as the claim pages."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, make_org, make_user
from tests.factories.suppliers import import_file, importer, next_nib, supplier_row

from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role
from rantai.suppliers import repository

EN = {"Accept-Language": "en"}


def _imported_nib(db: Session) -> str:
    org, actor = importer(db, OrgType.BUMN)
    nib = next_nib()
    import_file(db, org, actor, [supplier_row(nib, "Keripik Bu Sri")])
    return nib


def _verifier(db: Session, area: str) -> dict[str, str]:
    dinas = identity.create_organization(
        db, name=f"Dinas API {area}", org_type=OrgType.KEMENTERIAN_DINAS, region_code=area
    )
    return bearer(api_token_for(db, make_user(db, dinas, (Role.VERIFIER,)), dinas))


def test_a_business_claims_and_a_verifier_of_its_region_approves(client: TestClient, db: Session) -> None:
    nib = _imported_nib(db)
    business = make_org(db, OrgType.UMKM)
    owner = bearer(api_token_for(db, make_user(db, business, (Role.OWNER,)), business))
    sent = client.post(
        "/api/v1/supplier/claims", json={"nib": nib, "evidence": "Telepon di OSS"}, headers=owner
    )
    assert sent.status_code == 201, sent.text
    claim = sent.json()
    assert (claim["nib"], claim["status"]) == (nib, "pending")
    assert [c["id"] for c in client.get("/api/v1/supplier/claims", headers=owner).json()] == [claim["id"]]

    elsewhere = _verifier(db, "35")
    assert client.get("/api/v1/claims", headers=elsewhere).json()["total"] == 0
    assert client.post(f"/api/v1/claims/{claim['id']}/approve", headers=elsewhere).status_code == 404

    here = _verifier(db, "32")
    assert [c["id"] for c in client.get("/api/v1/claims", headers=here).json()["items"]] == [claim["id"]]
    approved = client.post(f"/api/v1/claims/{claim['id']}/approve", headers=here)
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    profile = repository.by_nib(db, nib)
    assert profile is not None and profile.organization_id == business.id
    again = client.post(f"/api/v1/claims/{claim['id']}/reject", json={"reason": "x"}, headers={**here, **EN})
    assert again.status_code == 409


def test_bad_claims_are_problems_and_change_nothing(client: TestClient, db: Session) -> None:
    nib = _imported_nib(db)
    business = make_org(db, OrgType.UMKM)
    owner = bearer(api_token_for(db, make_user(db, business, (Role.OWNER,)), business))
    for body in ({"nib": "9.12E+12", "evidence": "x"}, {"nib": nib, "evidence": ""}, {"nib": nib}):
        assert client.post("/api/v1/supplier/claims", json=body, headers=owner).status_code == 422
    unknown = client.post(
        "/api/v1/supplier/claims", json={"nib": next_nib(), "evidence": "OSS"}, headers={**owner, **EN}
    )
    assert unknown.status_code == 422 and unknown.headers["content-type"] == "application/problem+json"
    assert repository.pending_claim_of(db, business.id) is None
    buyer = make_org(db, OrgType.BUMN)
    officer = bearer(api_token_for(db, make_user(db, buyer, (Role.PROCUREMENT_OFFICER,)), buyer))
    assert client.get("/api/v1/claims", headers=officer).status_code == 403
    refused = client.post("/api/v1/supplier/claims", json={"nib": nib, "evidence": "OSS"}, headers=officer)
    assert refused.status_code == 403
