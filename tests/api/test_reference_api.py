"""Reference data through the API: the pickers a form needs."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, make_org, make_user

from rantai.identity.roles import OrgType


def _auth(db: Session) -> dict[str, str]:
    org = make_org(db, OrgType.UMKM)
    return bearer(api_token_for(db, make_user(db, org), org))


def test_region_picker_walks_down_the_tree(client: TestClient, db: Session) -> None:
    headers = _auth(db)
    provinces = client.get("/api/v1/reference/regions", headers=headers).json()
    assert len(provinces) == 38
    kabkota = client.get("/api/v1/reference/regions?parent=32", headers=headers).json()
    assert "Kota Bandung" in {r["name"] for r in kabkota}
    chain = client.get("/api/v1/reference/regions/32.73.01", headers=headers).json()
    assert [r["level"] for r in chain] == [1, 2, 3]


def test_unknown_region_is_a_translated_404(client: TestClient, db: Session) -> None:
    response = client.get("/api/v1/reference/regions?parent=99.99", headers=_auth(db))
    assert response.status_code == 404
    assert response.json()["detail"] == "Tidak ada wilayah dengan kode 99.99."


def test_kbli_and_hs_search(client: TestClient, db: Session) -> None:
    headers = _auth(db)
    kbli = client.get("/api/v1/reference/kbli", params={"q": "kopi", "level": "kelompok_5d"}, headers=headers)
    assert "10761" in {k["code"] for k in kbli.json()}
    hs = client.get("/api/v1/reference/hs-codes", params={"q": "0901.21"}, headers=headers).json()
    assert hs[0]["code"] == "09.01.21.11" and "Kopi" in hs[0]["full_description"]
    missing_q = client.get("/api/v1/reference/kbli", headers=headers)
    assert missing_q.status_code == 422 and missing_q.json()["errors"][0]["field"] == "q"


def test_small_lists(client: TestClient, db: Session) -> None:
    headers = _auth(db)
    units = {u["code"]: u for u in client.get("/api/v1/reference/units", headers=headers).json()}
    assert units["kodi"]["factor_to_base"] == 20
    patterns = client.get("/api/v1/reference/kemitraan-patterns", headers=headers).json()
    assert len(patterns) == 10
    certs = {c["code"] for c in client.get("/api/v1/reference/certification-types", headers=headers).json()}
    assert {"halal", "sni", "bpom_md", "spp_irt"} <= certs


def test_reference_needs_a_token(client: TestClient) -> None:
    assert client.get("/api/v1/reference/regions").status_code == 401
