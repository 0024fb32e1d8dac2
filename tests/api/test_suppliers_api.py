"""The supplier API: own profile, products, verification, the directory, with the policy and masking."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, make_org, make_user
from tests.factories.suppliers import add_cert, make_supplier, next_nib

from rantai.identity import service as identity
from rantai.identity.models import Organization
from rantai.identity.roles import OrgType, Role
from rantai.kit.clock import today
from rantai.suppliers import repository
from rantai.suppliers.checklist import MANUAL_CHECKS

PROFILE = {
    "business_name": "Sambal Bu Rudy",
    "legal_form": "perorangan",
    "kabkota_code": "35.78",
    "kbli_codes": ["10773"],
    "annual_sales": "Rp 1.200.000.000",
    "phone": "0811 3333 444",
}


def _owner(db: Session) -> dict[str, str]:
    org = make_org(db, OrgType.UMKM)
    return bearer(api_token_for(db, make_user(db, org), org))


def _verifier(db: Session, area: str | None = None) -> dict[str, str]:
    org = identity.create_organization(
        db, name=f"Dinas API {area}", org_type=OrgType.KEMENTERIAN_DINAS, region_code=area
    )
    return bearer(api_token_for(db, make_user(db, org, (Role.VERIFIER,)), org))


def test_owner_creates_submits_and_is_verified(client: TestClient, db: Session) -> None:
    owner = _owner(db)
    created = client.post("/api/v1/supplier", json={**PROFILE, "nib": next_nib()}, headers=owner)
    assert created.status_code == 201, created.text
    body = created.json()
    assert (body["status"], body["size_class"], body["phone"]) == ("draft", "mikro", "+628113333444")
    product = client.post(
        "/api/v1/supplier/products",
        json={
            "name": "Sambal Bawang 150 ml",
            "price_min": 25000,
            "unit_code": "botol",
            "capacity_per_month": 4000,
        },
        headers=owner,
    )
    assert product.status_code == 201
    assert client.post("/api/v1/supplier/submit", headers=owner).json()["status"] == "submitted"

    jakarta = _verifier(db, "31")
    checks = {"checked": sorted(MANUAL_CHECKS)}
    assert (
        client.post(f"/api/v1/suppliers/{body['id']}/verify", json=checks, headers=jakarta).status_code == 403
    )
    jatim = _verifier(db, "35")
    queue = client.get("/api/v1/verification-queue", headers=jatim).json()
    assert body["id"] in [p["id"] for p in queue["items"]]
    # Issue #13: verifying needs every manual item of the checklist ticked.
    partly = client.post(
        f"/api/v1/suppliers/{body['id']}/verify", json={"checked": ["nib_matches"]}, headers=jatim
    )
    assert partly.status_code == 422 and "3" in partly.json()["detail"]
    verified = client.post(f"/api/v1/suppliers/{body['id']}/verify", json=checks, headers=jatim)
    assert verified.json()["status"] == "verified"

    buyer_org = make_org(db, OrgType.BUMN)
    buyer = bearer(api_token_for(db, make_user(db, buyer_org, (Role.PROCUREMENT_OFFICER,)), buyer_org))
    found = client.get(
        "/api/v1/suppliers", params={"text": "sambal", "province_code": "35"}, headers=buyer
    ).json()
    assert [p["business_name"] for p in found["items"]] == ["Sambal Bu Rudy"]
    assert found["items"][0]["phone"] == "+62********44"  # a sole proprietor's phone is personal data
    products = client.get(f"/api/v1/suppliers/{body['id']}/products", headers=buyer).json()
    assert products["items"][0]["name"] == "Sambal Bawang 150 ml"


def test_bad_profile_input_is_a_field_problem(client: TestClient, db: Session) -> None:
    owner = _owner(db)
    response = client.post("/api/v1/supplier", json={**PROFILE, "nib": "12345"}, headers=owner)
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "nib", "message": "NIB harus 13 digit; tertulis 5 digit."}]
    assert client.get("/api/v1/supplier", headers=owner).status_code == 404


def test_unpublished_profiles_are_hidden_from_buyers(client: TestClient, db: Session) -> None:
    pending, _, _ = make_supplier(db, status="submitted")
    buyer_org = make_org(db, OrgType.BUMN)
    buyer = bearer(api_token_for(db, make_user(db, buyer_org), buyer_org))
    assert client.get(f"/api/v1/suppliers/{pending.id}", headers=buyer).status_code == 404
    assert client.get(f"/api/v1/suppliers/{pending.id}", headers=_verifier(db)).status_code == 200


def test_code_suggestions(client: TestClient, db: Session) -> None:
    response = client.get(
        "/api/v1/catalog/suggest", params={"text": "kopi bubuk", "kind": "kbli"}, headers=_owner(db)
    )
    assert response.json()[0]["code"] == "10761"


def test_a_rejection_names_what_to_fix(client: TestClient, db: Session) -> None:
    """Issue #13: the checklist items to fix, a text, or both; neither is a 422 and nothing changes."""
    from rantai.suppliers import repository  # noqa: PLC0415

    profile, _owner, _actor = make_supplier(db, status="submitted")
    verifier = _verifier(db, "32")
    empty = client.post(f"/api/v1/suppliers/{profile.id}/reject", json={}, headers=verifier)
    assert empty.status_code == 422
    db.refresh(profile)
    assert profile.status == "submitted"
    stale = client.post(
        f"/api/v1/suppliers/{profile.id}/reject",
        json={"to_fix": ["npwp_matches"], "version": profile.version + 5},
        headers=verifier,
    )
    assert stale.status_code == 409
    sent_back = client.post(
        f"/api/v1/suppliers/{profile.id}/reject",
        json={"to_fix": ["npwp_matches", "not_an_item"], "version": profile.version},
        headers=verifier,
    )
    assert sent_back.status_code == 200
    assert (sent_back.json()["status"], sent_back.json()["status_reason"]) == (
        "rejected",
        "The NPWP card matches",
    )
    review = repository.latest_review(db, profile.id)
    assert review is not None and review.to_fix == ["npwp_matches"]


def test_owner_renews_an_expired_certificate_through_the_api(client: TestClient, db: Session) -> None:
    profile, owner, actor = make_supplier(db, status="verified")
    add_cert(db, profile, actor, "halal", days_left=-5)
    expired = repository.certifications(db, profile.id)[0]
    org = db.get(Organization, profile.organization_id)
    assert org is not None
    headers = bearer(api_token_for(db, owner, org))
    url = f"/api/v1/supplier/certifications/{expired.id}/renew"
    until = today().replace(year=today().year + 4)
    scan = {"document": ("halal.pdf", b"%PDF-1.4 sertifikat halal baru", "application/pdf")}

    missing = client.post(
        url, data={"number": "ID-HALAL-BARU", "valid_until": until.isoformat()}, headers=headers
    )
    assert missing.status_code == 422 and "document" in missing.text
    earlier = client.post(
        url, data={"number": "ID-HALAL-BARU", "valid_until": "2020-01-01"}, files=scan, headers=headers
    )
    assert earlier.status_code == 422 and earlier.json()["detail"]
    db.refresh(expired)
    assert expired.number != "ID-HALAL-BARU"  # a refused renewal changes nothing

    renewed = client.post(
        url, data={"number": "ID-HALAL-BARU", "valid_until": until.isoformat()}, files=scan, headers=headers
    )
    assert renewed.status_code == 200, renewed.text
    assert (renewed.json()["number"], renewed.json()["valid_until"]) == ("ID-HALAL-BARU", until.isoformat())
    db.refresh(expired)
    assert expired.status == "pending"  # a verifier looks at the new certificate
    assert repository.certification_history(db, profile.id)[expired.id][0].valid_until < today()

    stranger = _owner(db)  # another business: as if the certificate did not exist
    assert (
        client.post(
            url, data={"number": "X", "valid_until": "2040-01-01"}, files=scan, headers=stranger
        ).status_code
        == 404
    )
