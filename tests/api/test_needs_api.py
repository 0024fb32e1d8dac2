"""The needs API: record, change, move and list needs; who may; and each line's shortlist explained."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, make_org, make_user
from tests.factories.suppliers import add_cert, add_product, make_supplier

from rantai.identity.roles import OrgType, Role
from rantai.sourcing.models import Need, NeedLine
from rantai.suppliers.models import SupplierProfile

EN = {"Accept-Language": "en"}


# Private builders: tests/factories/sourcing.py is being written alongside.
def _buyer(
    db: Session, org_type: OrgType = OrgType.BUMN, role: Role = Role.PROCUREMENT_OFFICER
) -> dict[str, str]:
    org = make_org(db, org_type)
    return bearer(api_token_for(db, make_user(db, org, (role,)), org))


def _line(**values: Any) -> dict[str, Any]:
    line: dict[str, Any] = {
        "name": "Keripik singkong balado 250 g",
        "quantity": 5000,
        "unit_code": "bungkus",
        "delivery_kabkota_code": "32.73",
        "budget": 75_000_000,
        "certifications": ["halal"],
    }
    line.update(values)
    return line


def _need(**values: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Kudapan rapat triwulan",
        "reference": "RUP-2026-001",
        "lines": [_line()],
    }
    body.update(values)
    return body


def _count(db: Session, model: type[Need] | type[NeedLine]) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def _create(client: TestClient, headers: dict[str, str], **values: Any) -> dict[str, Any]:
    response = client.post("/api/v1/needs", json=_need(**values), headers=headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


# --- CRUD and lifecycle ----------------------------------------------------------------------------


def test_a_buyer_records_reads_changes_and_lists_a_need(client: TestClient, db: Session) -> None:
    buyer = _buyer(db)
    created = _create(
        client,
        buyer,
        lines=[_line(), _line(name="Air mineral 600 ml", quantity=200, unit_code="dus", certifications=[])],
    )
    assert (created["status"], created["source"], created["reference"]) == ("draft", "api", "RUP-2026-001")
    assert [(line["line_no"], line["name"]) for line in created["lines"]] == [
        (1, "Keripik singkong balado 250 g"),
        (2, "Air mineral 600 ml"),
    ]
    first = created["lines"][0]
    assert (first["certifications"], first["umkm_only"], first["budget"]) == (["halal"], True, 75_000_000)

    fetched = client.get(f"/api/v1/needs/{created['id']}", headers=buyer).json()
    assert fetched == created

    changed = client.put(
        f"/api/v1/needs/{created['id']}",
        json=_need(title="Kudapan rapat tahunan", lines=[_line(quantity=8000, umkm_only=False)]),
        headers=buyer,
    )
    assert changed.status_code == 200, changed.text
    body = changed.json()
    assert body["title"] == "Kudapan rapat tahunan"
    assert [(line["quantity"], line["umkm_only"]) for line in body["lines"]] == [(8000, False)]
    assert body["lines"][0]["id"] == first["id"]  # line 1 kept its row (and its decisions)

    _create(client, buyer, title="Seragam batik", lines=[_line(name="Kemeja batik", budget=10_000_000)])
    listed = client.get("/api/v1/needs", params={"sort": "title"}, headers=buyer).json()
    assert [n["title"] for n in listed["items"]] == ["Kudapan rapat tahunan", "Seragam batik"]
    assert (listed["total"], listed["page"], listed["pages"]) == (2, 1, 1)
    assert [(n["lines"], n["budget_total"]) for n in listed["items"]] == [(1, 75_000_000), (1, 10_000_000)]

    found = client.get("/api/v1/needs", params={"q": "batik"}, headers=buyer).json()
    assert [n["title"] for n in found["items"]] == ["Seragam batik"]
    paged = client.get("/api/v1/needs", params={"per_page": 1, "page": 2, "sort": "title"}, headers=buyer)
    assert [n["title"] for n in paged.json()["items"]] == ["Seragam batik"]


def test_the_lifecycle_moves_and_refuses_what_the_table_forbids(client: TestClient, db: Session) -> None:
    buyer = _buyer(db)
    need_id = _create(client, buyer)["id"]
    published = client.post(f"/api/v1/needs/{need_id}/publish", headers=buyer).json()
    assert (published["status"], published["published_at"] is not None) == ("open", True)
    assert client.get("/api/v1/needs", params={"status": "open"}, headers=buyer).json()["total"] == 1
    assert client.get("/api/v1/needs", params={"status": "draft"}, headers=buyer).json()["total"] == 0

    again = client.post(f"/api/v1/needs/{need_id}/publish", headers={**buyer, **EN})
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert again.json()["type"] == "urn:rantai:problem:need-move-not-allowed"
    assert again.json()["detail"].startswith("A need that is 'Open to suppliers' cannot")

    assert client.post(f"/api/v1/needs/{need_id}/close", headers=buyer).json()["status"] == "closed"
    refused = client.put(f"/api/v1/needs/{need_id}", json=_need(title="Diubah"), headers={**buyer, **EN})
    assert refused.status_code == 409
    assert client.get(f"/api/v1/needs/{need_id}", headers=buyer).json()["title"] == "Kudapan rapat triwulan"
    assert client.post(f"/api/v1/needs/{need_id}/reopen", headers=buyer).json()["status"] == "draft"
    assert client.post(f"/api/v1/needs/{need_id}/cancel", headers=buyer).json()["status"] == "cancelled"


def test_a_change_made_from_a_stale_read_is_refused(client: TestClient, db: Session) -> None:
    """Issue #9, finding 10: a save made from an older read must not overwrite a newer one."""
    buyer = _buyer(db)
    read = _create(client, buyer)
    first = client.put(
        f"/api/v1/needs/{read['id']}",
        json={**_need(title="Perubahan pertama"), "version": read["version"]},
        headers=buyer,
    )
    assert first.status_code == 200 and first.json()["version"] > read["version"]
    stale = client.put(
        f"/api/v1/needs/{read['id']}",
        json={**_need(title="Dari bacaan lama"), "version": read["version"]},
        headers={**buyer, **EN},
    )
    assert stale.status_code == 409
    assert stale.json()["type"] == "urn:rantai:problem:need-changed"
    assert "Someone saved this need after you opened it" in stale.json()["detail"]
    assert client.get(f"/api/v1/needs/{read['id']}", headers=buyer).json()["title"] == "Perubahan pertama"


def test_unknown_status_or_sort_is_a_field_problem(client: TestClient, db: Session) -> None:
    response = client.get("/api/v1/needs", params={"status": "won", "sort": "cheapest"}, headers=_buyer(db))
    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"status", "sort"}


# --- validation: a problem naming the field, and nothing written ------------------------------------


def test_a_bad_line_is_a_field_problem_and_writes_nothing(client: TestClient, db: Session) -> None:
    buyer = _buyer(db)
    before = (_count(db, Need), _count(db, NeedLine))
    response = client.post(
        "/api/v1/needs",
        json=_need(lines=[_line(), _line(delivery_kabkota_code="32")]),
        headers={**buyer, **EN},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:rantai:problem:need-invalid"
    assert body["errors"] == [
        {
            "field": "lines-2-delivery_kabkota_code",
            "message": "Line 2: choose the delivery kab/kota from the list ('32' is not a kab/kota code).",
        }
    ]
    assert (_count(db, Need), _count(db, NeedLine)) == before


def test_a_need_without_lines_or_title_is_refused(client: TestClient, db: Session) -> None:
    buyer = {**_buyer(db), **EN}
    no_lines = client.post("/api/v1/needs", json=_need(lines=[]), headers=buyer)
    assert (no_lines.status_code, no_lines.json()["errors"][0]["field"]) == (422, "lines")
    no_title = client.post("/api/v1/needs", json=_need(title="  "), headers=buyer)
    assert no_title.json()["errors"] == [
        {"field": "title", "message": "Give the need a title (for example the package name)."}
    ]
    assert client.get("/api/v1/needs", headers=buyer).json()["total"] == 0


def test_wrong_types_are_reported_per_field_in_indonesian(client: TestClient, db: Session) -> None:
    buyer = _buyer(db)
    response = client.post(
        "/api/v1/needs", json=_need(lines=[_line(quantity="banyak", needed_by="besok")]), headers=buyer
    )
    assert response.status_code == 422
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors["lines.0.quantity"] == "Isi dengan angka."
    assert "lines.0.needed_by" in errors
    assert _count(db, Need) == 0


def test_a_changed_need_with_a_bad_line_keeps_its_old_values(client: TestClient, db: Session) -> None:
    buyer = _buyer(db)
    created = _create(client, buyer)
    response = client.put(
        f"/api/v1/needs/{created['id']}",
        json=_need(title="Baru", lines=[_line(unit_code="gentong")]),
        headers={**buyer, **EN},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lines-1-unit_code"
    assert client.get(f"/api/v1/needs/{created['id']}", headers=buyer).json() == created


# --- who may ---------------------------------------------------------------------------------------


def test_another_organization_sees_nothing(client: TestClient, db: Session) -> None:
    need_id = _create(client, _buyer(db))["id"]
    other = _buyer(db)
    assert client.get(f"/api/v1/needs/{need_id}", headers=other).status_code == 404
    assert client.put(f"/api/v1/needs/{need_id}", json=_need(), headers=other).status_code == 404
    assert client.post(f"/api/v1/needs/{need_id}/publish", headers=other).status_code == 404
    assert client.get("/api/v1/needs", headers=other).json()["total"] == 0


def test_a_supplier_organization_cannot_record_needs(client: TestClient, db: Session) -> None:
    supplier = _buyer(db, OrgType.UMKM, Role.OWNER)
    response = client.post("/api/v1/needs", json=_need(), headers=supplier)
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert _count(db, Need) == 0


def test_a_viewer_reads_but_cannot_change(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    officer = bearer(api_token_for(db, make_user(db, org, (Role.PROCUREMENT_OFFICER,)), org))
    viewer = bearer(api_token_for(db, make_user(db, org, (Role.VIEWER,)), org))
    need_id = _create(client, officer)["id"]
    assert client.get(f"/api/v1/needs/{need_id}", headers=viewer).status_code == 200
    assert client.post(f"/api/v1/needs/{need_id}/publish", headers=viewer).status_code == 403
    assert client.post("/api/v1/needs", json=_need(), headers=viewer).status_code == 403
    assert client.get(f"/api/v1/needs/{need_id}", headers=viewer).json()["status"] == "draft"


def test_no_token_is_401(client: TestClient) -> None:
    response = client.get("/api/v1/needs")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"


# --- a line's shortlist: matches, why (not), decisions -----------------------------------------------


def _suppliers(db: Session) -> dict[str, SupplierProfile]:
    """Three makers of cassava chips, one of them without a halal certificate, one not verified yet; and a
    maker of sambal that matches nothing."""
    found: dict[str, SupplierProfile] = {}
    for key, name, product, status, halal in (
        ("halal", "Keripik Bu Sri", "Keripik Singkong Balado 250 g", "verified", True),
        ("no_cert", "Keripik Pak Joko", "Keripik Singkong Original 250 g", "verified", False),
        ("pending", "Keripik Mbak Ani", "Keripik Singkong Pedas 250 g", "submitted", True),
        ("sambal", "Sambal Bu Rudy", "Sambal Bawang 150 ml", "verified", True),
    ):
        profile, _, actor = make_supplier(db, status=status, business_name=name)
        if halal:
            add_cert(db, profile, actor, "halal")
        add_product(
            db, profile, actor, product, unit_code="bungkus", capacity_per_month=20_000, price_min=9_000
        )
        found[key] = profile
    return found


def _line_of(client: TestClient, headers: dict[str, str]) -> str:
    need = _create(client, headers, lines=[_line(name="Keripik singkong balado", budget=None)])
    return f"/api/v1/needs/{need['id']}/lines/{need['lines'][0]['id']}"


def test_matches_rank_eligible_suppliers_with_reasons_and_say_why_not(
    client: TestClient, db: Session
) -> None:
    suppliers = _suppliers(db)
    buyer = _buyer(db)
    line = _line_of(client, buyer)

    response = client.get(f"{line}/matches", headers={**buyer, **EN})
    assert response.status_code == 200, response.text
    body = response.json()
    assert [m["supplier"]["name"] for m in body["items"]] == ["Keripik Bu Sri"]
    first = body["items"][0]
    assert first["rank"] == 1
    assert first["supplier"]["nib"] == suppliers["halal"].nib
    assert first["supplier"]["kabkota"] == "32.73"
    assert first["offer"]["name"] == "Keripik Singkong Balado 250 g"
    assert 0 < first["score"] <= 1
    assert first["decision"] is None
    reasons = {r["code"]: r for r in first["reasons"]}
    assert reasons["matched_offer"]["params"] == {"name": "Keripik Singkong Balado 250 g"}
    assert reasons["matched_offer"]["text"] == "matches the product Keripik Singkong Balado 250 g"
    assert reasons["cert_valid"]["params"]["code"] == "halal"

    why_not = {e["supplier"]["name"]: [r["code"] for r in e["reasons"]] for e in body["excluded"]}
    assert why_not["Keripik Pak Joko"] == ["cert_missing"]
    # A supplier not verified yet is not disclosed to a buyer, not even under "why not".
    assert "Keripik Mbak Ani" not in why_not
    assert "Sambal Bu Rudy" not in why_not

    # Only verifiers may ask for suppliers not verified yet.
    refused = client.get(f"{line}/matches", params={"include_unverified": True}, headers=buyer)
    assert refused.status_code == 403


def test_a_draft_supplier_cannot_be_decided_on_or_explained(client: TestClient, db: Session) -> None:
    suppliers = _suppliers(db)
    buyer = _buyer(db)
    line = _line_of(client, buyer)
    hidden = suppliers["pending"].id
    decided = client.post(
        f"{line}/decisions", json={"supplier_id": hidden, "decision": "dismissed"}, headers=buyer
    )
    assert decided.status_code == 422
    assert client.get(f"{line}/explanation", params={"supplier_id": hidden}, headers=buyer).status_code == 422


def test_numbers_too_large_for_the_database_are_refused_with_the_limit(
    client: TestClient, db: Session
) -> None:
    buyer = _buyer(db)
    huge = 10**20
    missing = client.get(f"/api/v1/needs/{huge}", headers=buyer)
    assert missing.status_code == 422
    assert missing.json()["errors"] == [{"field": "need_id", "message": "Maksimal 2147483647."}]
    assert client.get(f"/api/v1/needs/{2**31 - 1}", headers=buyer).status_code == 404  # the largest id
    line = _line_of(client, buyer)
    assert client.get(f"{line}/explanation", params={"supplier_id": huge}, headers=buyer).status_code == 422
    too_big = client.post(
        "/api/v1/needs", json={"title": "X", "lines": [_line(quantity=10**19)]}, headers=buyer
    )
    assert too_big.status_code == 422
    assert too_big.json()["errors"][0]["field"] == "lines.0.quantity"
    assert client.get("/api/v1/needs", params={"page": huge}, headers=buyer).status_code == 422


def test_reason_texts_follow_the_request_language(client: TestClient, db: Session) -> None:
    _suppliers(db)
    buyer = _buyer(db)
    line = _line_of(client, buyer)
    english = client.get(f"{line}/matches", headers={**buyer, **EN}).json()["items"][0]["reasons"]
    indonesian = client.get(f"{line}/matches", headers={**buyer, "Accept-Language": "id"}).json()
    assert [r["code"] for r in indonesian["items"][0]["reasons"]] == [r["code"] for r in english]
    # Numbers follow the request's language: 20,000 in English, 20.000 in Indonesian.
    capacity_en = next(r for r in english if r["code"] == "capacity_fits")
    capacity_id = next(r for r in indonesian["items"][0]["reasons"] if r["code"] == "capacity_fits")
    assert capacity_en["params"]["per_month"] == capacity_id["params"]["per_month"] == 20_000
    assert "20,000" in capacity_en["text"]
    assert "20.000" in capacity_id["text"]


def test_explanation_says_why_a_supplier_is_or_is_not_there(client: TestClient, db: Session) -> None:
    suppliers = _suppliers(db)
    buyer = {**_buyer(db), **EN}
    line = _line_of(client, buyer)

    listed = client.get(f"{line}/explanation", params={"nib": suppliers["halal"].nib}, headers=buyer).json()
    assert (listed["included"], listed["rank"], listed["supplier"]["id"]) == (True, 1, suppliers["halal"].id)
    assert "matched_offer" in [r["code"] for r in listed["reasons"]]

    missing = client.get(
        f"{line}/explanation", params={"supplier_id": suppliers["no_cert"].id}, headers=buyer
    ).json()
    assert (missing["included"], missing["rank"]) == (False, None)
    assert [r["code"] for r in missing["reasons"]] == ["cert_missing"]
    assert missing["reasons"][0]["params"] == {"code": "halal"}

    other = client.get(
        f"{line}/explanation", params={"supplier_id": suppliers["sambal"].id}, headers=buyer
    ).json()
    assert [r["code"] for r in other["reasons"]] == ["no_matching_offer"]

    # A profile the buyer may not see (not verified yet) is as unknown as one that does not exist.
    hidden = client.get(f"{line}/explanation", params={"nib": suppliers["pending"].nib}, headers=buyer)
    assert hidden.status_code == 422
    assert hidden.json()["errors"] == [
        {"field": "nib", "message": "There is no supplier with that id or NIB."}
    ]
    unknown = client.get(f"{line}/explanation", params={"nib": "9999999999999"}, headers=buyer)
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == [
        {"field": "nib", "message": "There is no supplier with that id or NIB."}
    ]


def test_decisions_mark_dismiss_and_are_taken_back(client: TestClient, db: Session) -> None:
    suppliers = _suppliers(db)
    buyer = _buyer(db)
    line = _line_of(client, buyer)
    chosen = suppliers["halal"].id

    marked = client.post(
        f"{line}/decisions", json={"supplier_id": chosen, "decision": "shortlisted"}, headers=buyer
    )
    assert marked.json() == {"supplier_id": chosen, "decision": "shortlisted"}
    assert client.get(f"{line}/matches", headers=buyer).json()["items"][0]["decision"] == "shortlisted"

    client.post(f"{line}/decisions", json={"supplier_id": chosen, "decision": "dismissed"}, headers=buyer)
    assert client.get(f"{line}/matches", headers=buyer).json()["items"] == []

    cleared = client.post(f"{line}/decisions", json={"supplier_id": chosen, "decision": None}, headers=buyer)
    assert cleared.json() == {"supplier_id": chosen, "decision": None}
    items = client.get(f"{line}/matches", headers=buyer).json()["items"]
    assert [(m["supplier"]["id"], m["decision"]) for m in items] == [(chosen, None)]

    bad = client.post(f"{line}/decisions", json={"supplier_id": chosen, "decision": "maybe"}, headers=buyer)
    assert (bad.status_code, bad.json()["errors"][0]["field"]) == (422, "decision")
    nobody = client.post(f"{line}/decisions", json={"supplier_id": 10**9, "decision": None}, headers=buyer)
    assert nobody.status_code == 422


def test_a_line_of_another_need_or_organization_is_not_found(client: TestClient, db: Session) -> None:
    buyer = _buyer(db)
    line = _line_of(client, buyer)
    assert client.get(f"{line}/matches", headers=_buyer(db)).status_code == 404
    other_need = _create(client, buyer)["id"]
    line_id = line.rsplit("/", 1)[-1]
    wrong = client.get(f"/api/v1/needs/{other_need}/lines/{line_id}/matches", headers={**buyer, **EN})
    assert wrong.status_code == 404
    assert wrong.json()["detail"] == "There is no such line in this need."
    viewer_org_supplier = _buyer(db, OrgType.UMKM, Role.OWNER)
    assert client.get(f"{line}/matches", headers=viewer_org_supplier).status_code == 404
