"""The open data API (issue #15): anyone, without a token, pages OCDS release and record packages that
validate against OCDS 1.1.5 with the declared extensions; the declared Rantai extension is served; a page
past the end is a 404 problem; nothing personal."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.ocds import schema_errors, split_awarded
from tests.factories.rfq import make_rfq

from rantai.ocds import packages

EN = {"Accept-Language": "en"}


def test_releases_and_records_are_public_and_valid(client: TestClient, db: Session) -> None:
    setup = split_awarded(db)
    answer = client.get("/api/v1/ocds/releases", params={"per_page": 10})
    assert answer.status_code == 200, answer.text
    package = answer.json()
    assert schema_errors(package) == []
    assert any(r["ocid"].endswith(f"-rfq-{setup.rfq.id}") for r in package["releases"])
    assert answer.headers["X-Total-Count"] == "1"
    records = client.get("/api/v1/ocds/records", params={"per_page": 10})
    assert records.status_code == 200 and schema_errors(records.json()) == []
    (record,) = records.json()["records"]
    assert record["releases"][0]["url"].startswith(package["uri"] + "#")
    ud = setup.bidders[0].profile
    assert ud.npwp and ud.npwp not in answer.text + records.text


def test_packages_name_their_licence_and_publication_policy(client: TestClient, db: Session) -> None:
    split_awarded(db)
    for kind in ("releases", "records"):
        package = client.get(f"/api/v1/ocds/{kind}").json()
        assert package["license"] == "https://creativecommons.org/licenses/by/4.0/"  # the setting's default
        assert package["publicationPolicy"] == "http://127.0.0.1:8000/transparansi/kebijakan-data"
        assert schema_errors(package) == []
    policy = client.get("/transparansi/kebijakan-data")  # what the packages link to, public
    assert policy.status_code == 200
    assert 'href="https://creativecommons.org/licenses/by/4.0/" rel="license"' in policy.text
    assert "Tidak ada NPWP" in policy.text  # the page's language is the visitor's choice, Indonesian first


def test_pages_link_to_each_other_and_end(client: TestClient, db: Session) -> None:
    for _ in range(3):
        make_rfq(db, bidders=1)
    first = client.get("/api/v1/ocds/releases", params={"per_page": 2})
    assert 'rel="next"' in first.headers["Link"] and "page=2&per_page=2" in first.headers["Link"]
    second = client.get("/api/v1/ocds/releases", params={"page": 2, "per_page": 2})
    assert 'rel="prev"' in second.headers["Link"] and 'rel="next"' not in second.headers["Link"]
    assert len({r["ocid"] for r in second.json()["releases"]}) == 1
    beyond = client.get("/api/v1/ocds/releases", params={"page": 3, "per_page": 2}, headers=EN)
    assert beyond.status_code == 404 and beyond.headers["content-type"].startswith("application/problem+json")
    assert "no page 3" in beyond.json()["detail"]


def test_the_declared_extension_is_served(client: TestClient) -> None:
    answer = client.get("/api/v1/ocds/extension/extension.json")
    assert answer.status_code == 200 and answer.json()["schemas"] == ["release-schema.json"]
    patch = client.get("/api/v1/ocds/extension/release-schema.json").json()
    assert patch == packages.load(packages.EXTENSIONS_DIR / "rantai" / "release-schema.json")
    assert client.get("/api/v1/ocds/extension/other.json").status_code == 422
