"""Issue #9 at the API's edge: numbers beyond their columns, unbounded text, control characters, dates
written as numbers, and the errors the OpenAPI document declares. Each answer is a 422 (or a plain
404/200) in problem+json that names the field and the limit, never a 500."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, make_org, make_user
from tests.factories.suppliers import make_supplier

from rantai.identity.models import Organization
from rantai.identity.roles import OrgType, Role

HUGE = 2**64 + 1  # beyond SQLite's 64-bit integers
PROBLEM = "application/problem+json"
EN = {"Accept-Language": "en"}


def _supplier(db: Session) -> dict[str, str]:
    profile, owner, _ = make_supplier(db, status="verified")
    org = db.get(Organization, profile.organization_id)
    assert org is not None
    return bearer(api_token_for(db, owner, org))


def _buyer(db: Session) -> dict[str, str]:
    org = make_org(db, OrgType.BUMN)
    return bearer(api_token_for(db, make_user(db, org, (Role.PROCUREMENT_OFFICER,)), org))


def _errors(response: object) -> dict[str, str]:
    body = response.json()  # type: ignore[attr-defined]
    return {e["field"]: e["message"] for e in body["errors"]}


def test_product_numbers_beyond_their_columns_are_refused_with_the_limit(
    client: TestClient, db: Session
) -> None:
    owner = _supplier(db)
    cases = {
        "price_min": (HUGE, "Maksimal 1000000000000000."),  # BIGINT Rupiah, bounded as the importer does
        "moq": (2**31, "Maksimal 2147483647."),  # an INTEGER column: PostgreSQL overflowed above 2^31
        "capacity_per_month": (2**63, "Maksimal 1000000000000."),
        "lead_time_days": (10**6, "Maksimal 3650."),
    }
    for field, (value, message) in cases.items():
        response = client.post(
            "/api/v1/supplier/products", json={"name": "Keripik", field: value}, headers=owner
        )
        assert response.status_code == 422, (field, response.text)
        assert response.headers["content-type"] == PROBLEM
        assert _errors(response) == {field: message}
    products = client.get("/api/v1/supplier/products", headers=owner).json()
    assert products["total"] == 0  # nothing was written


def test_ids_and_query_numbers_beyond_the_database_are_422_not_500(client: TestClient, db: Session) -> None:
    owner = _supplier(db)
    for method, path in (
        ("GET", f"/api/v1/suppliers/{HUGE}"),
        ("GET", f"/api/v1/suppliers/{2**31}/products"),
        ("PUT", f"/api/v1/supplier/products/{HUGE}"),
        ("POST", f"/api/v1/supplier/products/{2**63}/archive"),
        ("DELETE", f"/api/v1/tokens/{HUGE}"),
    ):
        response = client.request(method, path, json={"name": "X"}, headers=owner)
        assert response.status_code == 422, (path, response.text)
        assert response.headers["content-type"] == PROBLEM
    # The largest id a key column holds is simply not found.
    assert client.get(f"/api/v1/suppliers/{2**31 - 1}", headers=owner).status_code == 404
    for params in ({"min_capacity": HUGE}, {"page": HUGE}, {"per_page": HUGE}):
        response = client.get("/api/v1/suppliers", params=params, headers=owner)
        assert response.status_code == 422, (params, response.text)


def test_need_bodies_are_bounded(client: TestClient, db: Session) -> None:
    buyer = _buyer(db)
    line = {"name": "Keripik singkong", "budget": HUGE, "id": HUGE}
    response = client.post("/api/v1/needs", json={"title": "Paket", "lines": [line]}, headers=buyer)
    assert response.status_code == 422
    assert set(_errors(response)) == {"lines.0.budget", "lines.0.id"}
    decision = client.post(
        "/api/v1/needs/1/lines/1/decisions", json={"supplier_id": HUGE, "decision": None}, headers=buyer
    )
    assert decision.status_code == 422


def test_unbounded_text_is_refused_with_its_limit(client: TestClient, db: Session) -> None:
    owner = _supplier(db)
    description = "Keripik renyah. " * 70_000  # about 1 MB
    response = client.post(
        "/api/v1/supplier/products", json={"name": "Keripik", "description": description}, headers=owner
    )
    assert response.status_code == 422
    assert _errors(response) == {"description": "Maksimal 5000 karakter."}
    buyer = _buyer(db)
    need = client.post(
        "/api/v1/needs",
        json={"title": "Paket", "description": "x" * 5001, "lines": [{"name": "a" * 501}]},
        headers=buyer,
    )
    assert _errors(need) == {
        "description": "Maksimal 5000 karakter.",
        "lines.0.name": "Maksimal 500 karakter.",
    }


def test_control_characters_are_refused_in_bodies_and_searches(client: TestClient, db: Session) -> None:
    owner = _supplier(db)
    response = client.post("/api/v1/supplier/products", json={"name": "Kerip\x00ik"}, headers={**owner, **EN})
    assert response.status_code == 422
    assert _errors(response) == {
        "name": "Remove the invisible control characters (such as NUL) from this text."
    }
    # A line break is fine in a description, not in a name.
    ok = client.post(
        "/api/v1/supplier/products", json={"name": "Keripik", "description": "Renyah.\nPedas."}, headers=owner
    )
    assert ok.status_code == 201
    for path, params in (
        ("/api/v1/suppliers", {"text": "keripik\x00"}),
        ("/api/v1/needs", {"q": "\x00"}),
        ("/api/v1/reference/kbli", {"q": "kopi\x00"}),
        ("/api/v1/verification-queue", {"q": "\x00"}),
    ):
        assert client.get(path, params=params, headers=owner).status_code == 422, path
    assert (
        client.get("/api/v1/suppliers", params={"province_code": "3\x005"}, headers=owner).status_code == 422
    )


def test_superscript_digits_are_no_code(client: TestClient, db: Session) -> None:
    owner = _supplier(db)
    # "²".isdigit() is True; these went on to int() or to a query before issue #9.
    assert client.get("/api/v1/reference/kbli", params={"q": "10²"}, headers=owner).json() == []
    assert client.get("/api/v1/reference/regions/3²", headers=owner).status_code == 422
    buyer = _buyer(db)
    explanation = client.get(
        "/api/v1/needs/1/lines/1/explanation", params={"nib": "91200000000²1"}, headers={**buyer, **EN}
    )
    assert explanation.status_code == 422
    assert _errors(explanation)["nib"].startswith("This code is not written as expected")


def test_dates_are_read_only_as_year_month_day(client: TestClient, db: Session) -> None:
    owner = _supplier(db)
    refused = client.get("/api/v1/suppliers", params={"certification_valid_on": "8.69e-159"}, headers=owner)
    assert refused.status_code == 422  # pydantic's lax mode read it as 1970-01-01
    assert _errors(refused) == {
        "certification_valid_on": "Isi tanggal seperti 2026-03-31; tertulis 8.69e-159."
    }
    accepted = client.get("/api/v1/suppliers", params={"certification_valid_on": "2026-03-31"}, headers=owner)
    assert accepted.status_code == 200
    certificate = client.post(
        "/api/v1/supplier/certifications",
        json={"type_code": "halal", "number": "ID-1", "valid_until": 1_900_000_000},
        headers=owner,
    )
    assert certificate.status_code == 422
    assert list(_errors(certificate)) == ["valid_until"]


def test_the_openapi_document_declares_problem_json_errors(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    operations = [
        (f"{method.upper()} {path}", operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
    ]
    assert len(operations) > 20
    for label, operation in operations:
        responses = operation["responses"]
        for status in ("401", "422", "500", "503"):
            assert status in responses, (label, status)
        for status, response in responses.items():
            if status.startswith(("4", "5")):
                assert list(response["content"]) == [PROBLEM], (label, status)
                assert "detail" in response["content"][PROBLEM]["schema"]["properties"]
    needs = document["paths"]["/api/v1/needs/{need_id}"]["get"]
    assert {"403", "404"} <= set(needs["responses"])
    need_id = next(p for p in needs["parameters"] if p["name"] == "need_id")
    assert need_id["schema"]["maximum"] == 2**31 - 1
