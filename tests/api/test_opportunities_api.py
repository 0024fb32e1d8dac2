"""API: a supplier's open opportunities and gaps (issue #4)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, make_org, make_user
from tests.factories.suppliers import add_product, make_supplier

from rantai.identity import service as identity
from rantai.identity.models import Organization
from rantai.identity.roles import OrgType, Role
from rantai.sourcing import service as sourcing
from rantai.sourcing.service import LineData, NeedData
from rantai.sourcing.state import NeedMove


def _open_need(db: Session, line: LineData) -> None:
    org = make_org(db, OrgType.BUMN)
    actor = identity.actor_for(db, make_user(db, org, (Role.PROCUREMENT_OFFICER,)))
    need = sourcing.create_need(
        db, actor=actor, organization_id=org.id, data=NeedData(title=line.name, lines=[line])
    )
    sourcing.move_need(db, actor=actor, need=need, move=NeedMove.PUBLISH)


def test_recommended_lines_and_gaps(client: TestClient, db: Session) -> None:
    profile, owner, actor = make_supplier(db, status="verified")
    add_product(db, profile, actor, "Kaos Polos Katun Combed 30s", unit_code="buah", capacity_per_month=1000)
    _open_need(db, LineData(name="Kaos polos katun", quantity=500, unit_code="buah", budget=30_000_000))
    _open_need(
        db, LineData(name="Kaos polos katun combed", quantity=9000, unit_code="buah", budget=90_000_000)
    )
    _open_need(
        db,
        LineData(
            name="Kaos polos sablon", quantity=100, unit_code="buah", budget=8_000_000, certifications=["sni"]
        ),
    )
    token = api_token_for(db, owner, db.get(Organization, profile.organization_id))  # type: ignore[arg-type]
    body = client.get("/api/v1/opportunities", headers=bearer(token)).json()
    assert body["open_lines"] == 3
    assert [item["name"] for item in body["recommended"]] == ["Kaos polos katun"]
    assert body["recommended"][0]["reasons"][0]["code"] == "matched_offer"
    kinds = {(gap["kind"], gap["code"]): gap for gap in body["gaps"]}
    assert kinds[("cert", "sni")]["value"] == 8_000_000
    capacity = kinds[("capacity", None)]
    assert capacity["lines"] == 1 and capacity["needed_per_month"] > 1000


def test_a_buyer_has_no_opportunities(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    user = make_user(db, org, (Role.OWNER,))
    token = api_token_for(db, user, org)
    response = client.get("/api/v1/opportunities", headers=bearer(token))
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")


def test_a_renamed_buyer_shows_its_new_name(client: TestClient, db: Session) -> None:
    profile, owner, actor = make_supplier(db, status="verified")
    add_product(db, profile, actor, "Kaos Polos Katun Combed 30s", unit_code="buah", capacity_per_month=1000)
    _open_need(db, LineData(name="Kaos polos katun", quantity=500, unit_code="buah", budget=30_000_000))
    token = api_token_for(db, owner, db.get(Organization, profile.organization_id))  # type: ignore[arg-type]
    first = client.get("/api/v1/opportunities", headers=bearer(token)).json()["recommended"][0]
    buyer = db.scalars(select(Organization).where(Organization.name == first["buyer"])).one()
    buyer.name = "PT Nama Baru (Persero)"  # no open need changes with it
    db.flush()
    again = client.get("/api/v1/opportunities", headers=bearer(token)).json()["recommended"][0]
    assert again["buyer"] == "PT Nama Baru (Persero)"


# --- every open line, searched and paged; a need's lines with the caller's fit (issue #13) ----------------


def test_open_lines_are_paged_filtered_and_an_unknown_value_is_null(client: TestClient, db: Session) -> None:
    profile, owner, actor = make_supplier(db, status="verified")
    add_product(db, profile, actor, "Kaos Polos Katun Combed 30s", unit_code="buah", capacity_per_month=1000)
    _open_need(db, LineData(name="Kaos polos katun", quantity=500, unit_code="buah", budget=30_000_000))
    _open_need(db, LineData(name="Kaos polos anak", quantity=50, unit_code="buah"))
    _open_need(db, LineData(name="Meja kantor jati", quantity=5, unit_code="buah", budget=9_000_000))
    token = api_token_for(db, owner, db.get(Organization, profile.organization_id))  # type: ignore[arg-type]
    body = client.get(
        "/api/v1/opportunities/lines", params={"q": "kaos", "per_page": 1}, headers=bearer(token)
    ).json()
    assert body["total"] == 2 and body["pages"] == 2 and len(body["items"]) == 1
    both = client.get("/api/v1/opportunities/lines", params={"q": "kaos"}, headers=bearer(token)).json()
    budgets = {item["name"]: item["budget"] for item in both["items"]}
    assert budgets == {"Kaos polos katun": 30_000_000, "Kaos polos anak": None}
    fitting = client.get("/api/v1/opportunities/lines", params={"fits": "true"}, headers=bearer(token)).json()
    fits = {item["name"]: item for item in fitting["items"]}
    assert "Kaos polos katun" in fits and "Meja kantor jati" not in fits
    assert fits["Kaos polos katun"]["fits_offer_name"] == "Kaos Polos Katun Combed 30s"

    need_id = fits["Kaos polos katun"]["need_id"]
    need = client.get(f"/api/v1/opportunities/needs/{need_id}", headers=bearer(token)).json()
    (line,) = need["lines"]
    assert line["qualifies"] is True and line["reasons"] and not line["lacks"]

    bad = client.get("/api/v1/opportunities/lines", params={"min_value": "banyak"}, headers=bearer(token))
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")


def test_a_need_not_offered_is_not_found(client: TestClient, db: Session) -> None:
    profile, owner, _ = make_supplier(db, status="verified")
    org = make_org(db, OrgType.BUMN)
    officer = identity.actor_for(db, make_user(db, org, (Role.PROCUREMENT_OFFICER,)))
    draft = sourcing.create_need(
        db,
        actor=officer,
        organization_id=org.id,
        data=NeedData(title="Rahasia", lines=[LineData(name="Meja")]),
    )
    token = api_token_for(db, owner, db.get(Organization, profile.organization_id))  # type: ignore[arg-type]
    assert client.get(f"/api/v1/opportunities/needs/{draft.id}", headers=bearer(token)).status_code == 404
