"""A line's matches in pages (issue #13: the shortlist showed ten and could not show more)."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, make_org, make_user
from tests.factories.suppliers import many_makers

from rantai.identity.roles import OrgType, Role

MAKERS = 13


def _line(client: TestClient, headers: dict[str, str]) -> str:
    body: dict[str, Any] = {
        "title": "Keripik untuk kantin",
        "lines": [
            {
                "name": "Keripik singkong balado",
                "quantity": 500,
                "unit_code": "bungkus",
                "delivery_kabkota_code": "32.73",
            }
        ],
    }
    need = client.post("/api/v1/needs", json=body, headers=headers).json()
    return f"/api/v1/needs/{need['id']}/lines/{need['lines'][0]['id']}/matches"


def test_pages_of_matches(client: TestClient, db: Session) -> None:
    many_makers(db, MAKERS)
    org = make_org(db, OrgType.BUMN)
    buyer = bearer(api_token_for(db, make_user(db, org, (Role.PROCUREMENT_OFFICER,)), org))
    matches = _line(client, buyer)
    first = client.get(matches, headers=buyer).json()
    assert len(first["items"]) == 10 and first["offset"] == 0 and first["next_offset"] == 10
    second = client.get(matches, params={"offset": 10}, headers=buyer).json()
    assert [m["rank"] for m in second["items"]] == list(range(11, MAKERS + 1))
    assert second["next_offset"] is None
    seen = [m["supplier"]["id"] for m in first["items"] + second["items"]]
    assert len(set(seen)) == MAKERS  # every maker once, none twice
    beyond = client.get(matches, params={"offset": 90, "top": 20}, headers=buyer)
    assert beyond.status_code == 422
