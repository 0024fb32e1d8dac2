"""The API's Idempotency-Key: a replay gets the first answer and creates nothing; the same key with another
request is refused in the client's language; user errors are kept, server errors are not; a secret shown
once is not kept; two simultaneous POSTs with one key create one need."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, make_org, make_user

from rantai.app import create_app
from rantai.db import make_engine, make_session_factory, transaction
from rantai.i18n import translate
from rantai.identity import idempotency
from rantai.identity.models import ApiToken
from rantai.identity.roles import OrgType, Role
from rantai.kit.clock import now
from rantai.settings import Settings
from rantai.sourcing import service as sourcing
from rantai.sourcing.models import Need

KEY = "6f1c2a9e-4b7d-4c1e-9a55-0d3f8e2b7c10"


def _buyer(db: Session, role: Role = Role.PROCUREMENT_OFFICER) -> dict[str, str]:
    org = make_org(db, OrgType.BUMN)
    return bearer(api_token_for(db, make_user(db, org, (role,)), org))


def _need(title: str = "Kudapan rapat triwulan") -> dict[str, Any]:
    return {
        "title": title,
        "lines": [
            {
                "name": "Keripik singkong balado 250 g",
                "quantity": 5000,
                "unit_code": "bungkus",
                "delivery_kabkota_code": "32.73",
                "budget": 75_000_000,
            }
        ],
    }


def _needs(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Need)) or 0


def test_a_replay_returns_the_first_answer_and_creates_nothing(client: TestClient, db: Session) -> None:
    headers = {**_buyer(db), "Idempotency-Key": KEY}
    before = _needs(db)
    first = client.post("/api/v1/needs", json=_need(), headers=headers)
    assert first.status_code == 201, first.text
    assert _needs(db) == before + 1
    again = client.post("/api/v1/needs", json=_need(), headers=headers)
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["content-type"] == first.headers["content-type"]
    assert "Idempotent-Replayed" not in first.headers
    assert _needs(db) == before + 1


def test_without_a_key_each_post_creates(client: TestClient, db: Session) -> None:
    headers = _buyer(db)
    before = _needs(db)
    for _ in range(2):
        assert client.post("/api/v1/needs", json=_need(), headers=headers).status_code == 201
    assert _needs(db) == before + 2


def test_keys_belong_to_the_token_that_sent_them(client: TestClient, db: Session) -> None:
    before = _needs(db)
    for headers in (_buyer(db), _buyer(db)):
        response = client.post("/api/v1/needs", json=_need(), headers={**headers, "Idempotency-Key": KEY})
        assert response.status_code == 201 and "Idempotent-Replayed" not in response.headers
    assert _needs(db) == before + 2


@pytest.mark.parametrize("locale", ["id", "en"])
def test_the_same_key_with_another_body_is_refused_saying_what_to_do(
    client: TestClient, db: Session, locale: str
) -> None:
    headers = {**_buyer(db), "Idempotency-Key": KEY}
    assert client.post("/api/v1/needs", json=_need(), headers=headers).status_code == 201
    before = _needs(db)
    language = {"Accept-Language": "en"} if locale == "en" else {}
    refused = client.post("/api/v1/needs", json=_need("Another title"), headers={**headers, **language})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    problem = refused.json()
    assert problem["type"] == "urn:rantai:problem:idempotency-key-reused"
    assert problem["detail"] == translate(locale, idempotency.MSG_KEY_REUSED)
    assert problem["errors"][0]["field"] == "Idempotency-Key"
    # Another address with the same key is another request too.
    other = client.post(f"/api/v1/needs/{10**6}/publish", headers=headers)
    assert other.status_code == 422
    assert _needs(db) == before


def test_a_user_error_is_kept_and_replayed(client: TestClient, db: Session) -> None:
    headers = {**_buyer(db), "Idempotency-Key": KEY}
    bad = _need()
    bad["lines"][0]["unit_code"] = "gantang-emas"
    first = client.post("/api/v1/needs", json=bad, headers=headers)
    assert 400 <= first.status_code < 500, first.text
    again = client.post("/api/v1/needs", json=bad, headers=headers)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers["Idempotent-Replayed"] == "true"


def test_a_server_error_is_not_kept_so_a_retry_runs(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    headers = {**_buyer(db), "Idempotency-Key": KEY}
    real = sourcing.create_need

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("our fault")

    monkeypatch.setattr(sourcing, "create_need", broken)
    before = _needs(db)
    assert client.post("/api/v1/needs", json=_need(), headers=headers).status_code == 500
    monkeypatch.setattr(sourcing, "create_need", real)
    retried = client.post("/api/v1/needs", json=_need(), headers=headers)
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers
    assert _needs(db) == before + 1


def test_keys_expire_after_a_day(client: TestClient, db: Session) -> None:
    headers = {**_buyer(db), "Idempotency-Key": KEY}
    before = _needs(db)
    assert client.post("/api/v1/needs", json=_need(), headers=headers).status_code == 201
    db.execute(update(idempotency.IdempotencyKey).values(expires_at=now()))
    again = client.post("/api/v1/needs", json=_need(), headers=headers)
    assert again.status_code == 201 and "Idempotent-Replayed" not in again.headers
    assert _needs(db) == before + 2


def test_a_new_tokens_secret_is_not_kept_and_its_replay_says_so(client: TestClient, db: Session) -> None:
    headers = {**_buyer(db, Role.OWNER), "Idempotency-Key": KEY}
    before = db.scalar(select(func.count()).select_from(ApiToken))
    first = client.post("/api/v1/tokens", json={"name": "erp"}, headers=headers)
    assert first.status_code == 201 and first.json()["token"].startswith("rnt_")
    assert first.headers["cache-control"] == "no-store"
    stored = db.scalars(select(idempotency.IdempotencyKey)).one()
    assert stored.body is None and stored.body_withheld
    again = client.post("/api/v1/tokens", json={"name": "erp"}, headers={**headers, "Accept-Language": "en"})
    assert again.status_code == 409
    assert again.json()["detail"] == translate("en", idempotency.MSG_SECRET_WITHHELD)
    assert db.scalar(select(func.count()).select_from(ApiToken)) == (before or 0) + 1


def test_a_revoked_token_gets_no_replay(client: TestClient, db: Session) -> None:
    headers = {**_buyer(db), "Idempotency-Key": KEY}
    assert client.post("/api/v1/needs", json=_need(), headers=headers).status_code == 201
    db.execute(update(ApiToken).values(revoked_at=now()))
    assert client.post("/api/v1/needs", json=_need(), headers=headers).status_code == 401


def test_a_malformed_key_is_refused_by_the_header_check(client: TestClient, db: Session) -> None:
    response = client.post("/api/v1/needs", json=_need(), headers={**_buyer(db), "Idempotency-Key": "a b"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"].lower().endswith("idempotency-key")


def test_every_post_documents_the_header_and_the_conflict(client: TestClient) -> None:
    schema = client.get("/api/openapi.json").json()
    posts = [(path, item["post"]) for path, item in schema["paths"].items() if "post" in item]
    assert posts
    for path, operation in posts:
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "header"]
        assert "Idempotency-Key" in names, path
        assert "409" in operation["responses"], path
    gets = [item["get"] for item in schema["paths"].values() if "get" in item]
    assert not any(p["name"] == "Idempotency-Key" for op in gets for p in op.get("parameters", []))


def test_two_simultaneous_posts_with_one_key_create_one_need(
    committed_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real connections (a database whose commits stay), two threads: the first runs while the second
    arrives and is told to retry (409); the retry gets the first answer."""
    engine = make_engine(committed_url)
    with transaction(make_session_factory(engine)) as session:
        headers = {**_buyer(session), "Idempotency-Key": KEY}
        before = _needs(session)
    real = sourcing.create_need
    started = threading.Event()

    def slow(*args: Any, **kwargs: Any) -> Any:
        started.set()
        time.sleep(1.0)
        return real(*args, **kwargs)

    monkeypatch.setattr(sourcing, "create_need", slow)
    app = create_app(Settings(database_url=committed_url, data_dir=tmp_path / "data"))
    answers: list[Any] = []
    with TestClient(app) as client:

        def send() -> None:
            answers.append(client.post("/api/v1/needs", json=_need(), headers=headers))

        first = threading.Thread(target=send)
        first.start()
        assert started.wait(30)
        second = threading.Thread(target=send)
        second.start()
        first.join(60)
        second.join(60)
        statuses = sorted(a.status_code for a in answers)
        assert statuses == [201, 409], [a.text for a in answers]
        busy = next(a for a in answers if a.status_code == 409)
        assert busy.json()["detail"] == translate("id", idempotency.MSG_STILL_RUNNING)
        assert busy.headers["Retry-After"] == "1"
        created = next(a for a in answers if a.status_code == 201)
        retry = client.post("/api/v1/needs", json=_need(), headers=headers)
        assert retry.json() == created.json() and retry.headers["Idempotent-Replayed"] == "true"
    with transaction(make_session_factory(engine)) as session:
        assert _needs(session) == before + 1
    engine.dispose()
