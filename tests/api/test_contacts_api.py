"""API: a buyer asks a supplier for its contact details; the supplier accepts; only then does the buyer's
profile read carry the phone and email (issue #13)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, make_org, make_user
from tests.factories.suppliers import make_supplier

from rantai.identity.models import Organization
from rantai.identity.roles import OrgType, Role

PHONE = "+6281234567890"


def test_a_contact_request_accepted_shares_the_phone(client: TestClient, db: Session) -> None:
    profile, owner, _ = make_supplier(db, status="verified", legal_form="cv", phone=PHONE)
    business = bearer(api_token_for(db, owner, db.get(Organization, profile.organization_id)))  # type: ignore[arg-type]
    buyer_org = make_org(db, OrgType.BUMN, "PT Pangan Uji (Persero)")
    buyer = bearer(api_token_for(db, make_user(db, buyer_org, (Role.PROCUREMENT_OFFICER,)), buyer_org))

    assert client.get(f"/api/v1/suppliers/{profile.id}", headers=buyer).json()["phone"] != PHONE
    blank = client.post(
        f"/api/v1/suppliers/{profile.id}/contact-requests", json={"message": ""}, headers=buyer
    )
    assert blank.status_code == 422
    sent = client.post(
        f"/api/v1/suppliers/{profile.id}/contact-requests", json={"message": "Butuh keripik"}, headers=buyer
    )
    assert sent.status_code == 201
    body = sent.json()
    assert (body["status"], body["buyer"]) == ("pending", "PT Pangan Uji (Persero)")

    # The buyer cannot accept its own request; the business can, once.
    assert client.post(f"/api/v1/contact-requests/{body['id']}/accept", headers=buyer).status_code == 403
    listed = client.get("/api/v1/contact-requests", params={"status": "pending"}, headers=business).json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    accepted = client.post(f"/api/v1/contact-requests/{body['id']}/accept", headers=business)
    assert accepted.json()["status"] == "accepted"
    again = client.post(f"/api/v1/contact-requests/{body['id']}/decline", headers=business)
    assert again.status_code == 409
    assert again.headers["content-type"].startswith("application/problem+json")

    assert client.get(f"/api/v1/suppliers/{profile.id}", headers=buyer).json()["phone"] == PHONE
    stranger_org = make_org(db, OrgType.BUMN)
    stranger = bearer(
        api_token_for(db, make_user(db, stranger_org, (Role.PROCUREMENT_OFFICER,)), stranger_org)
    )
    assert client.get(f"/api/v1/suppliers/{profile.id}", headers=stranger).json()["phone"] != PHONE
    assert client.get(f"/api/v1/contact-requests/{body['id']}", headers=stranger).status_code == 404


def test_a_supplier_cannot_ask_for_contact_details(client: TestClient, db: Session) -> None:
    profile, _, _ = make_supplier(db, status="verified")
    other, owner, _ = make_supplier(db, status="verified")
    token = bearer(api_token_for(db, owner, db.get(Organization, other.organization_id)))  # type: ignore[arg-type]
    answer = client.post(
        f"/api/v1/suppliers/{profile.id}/contact-requests", json={"message": "Halo"}, headers=token
    )
    assert answer.status_code == 403
