"""Error pages: a fault of ours is a calm, translated 500 whose request id reaches the log; a user's
mistake shows its message whatever its parameters are called; a busy database is a calm 503."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import psycopg.errors
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in, make_user
from tests.factories.suppliers import make_supplier

from rantai.app import MSG_UNSTORABLE_TEXT as MSG_UNSTORABLE
from rantai.app import create_app
from rantai.db import make_engine, make_session_factory
from rantai.http import DbSession
from rantai.i18n import translate
from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role
from rantai.kit.errors import MSG_BUSY, UserError
from rantai.settings import Settings
from rantai.suppliers import service as suppliers
from rantai.suppliers.checklist import MANUAL_CHECKS


def test_unexpected_error_page(app: FastAPI, client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    @app.get("/meledak")
    def explode() -> None:
        raise RuntimeError("boom")

    with caplog.at_level(logging.ERROR, logger="rantai.app"):
        response = client.get("/meledak", headers={"X-Request-ID": "uji-500"})
    assert response.status_code == 500
    assert "Terjadi kesalahan" in response.text and "uji-500" in response.text
    assert "boom" not in response.text
    # The id the page asks the user to quote is on the log record (finding 15) and in its line.
    (record,) = [r for r in caplog.records if "/meledak" in r.getMessage()]
    assert record.request_id == "uji-500"  # type: ignore[attr-defined]
    assert "uji-500" in record.getMessage()
    assert record.exc_info is not None and "boom" in str(record.exc_info[1])
    # The 500 answer is drawn outside the middleware; it still carries the id and the security headers.
    assert response.headers["X-Request-ID"] == "uji-500"
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_log_lines_made_during_a_request_carry_its_id(
    app: FastAPI, client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    @app.get("/catat")
    def note() -> dict[str, str]:
        logging.getLogger("pihak.lain").warning("a line from any logger")
        return {}

    with caplog.at_level(logging.WARNING, logger="pihak.lain"):
        client.get("/catat", headers={"X-Request-ID": "uji-log"})
    (record,) = [r for r in caplog.records if r.name == "pihak.lain"]
    assert record.request_id == "uji-log"  # type: ignore[attr-defined]


def test_unexpected_api_error_is_problem_json(app: FastAPI, client: TestClient) -> None:
    @app.get("/api/v1/meledak")
    def explode() -> None:
        raise RuntimeError("boom")

    response = client.get("/api/v1/meledak", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith("Something went wrong on our side")


def test_verifying_a_profile_twice_shows_the_conflict(client: TestClient, db: Session) -> None:
    # The message's parameter is called `status`, like the error page's own argument (finding 5).
    profile, _owner, _actor = make_supplier(db, status="submitted")
    org = identity.create_organization(
        db, name="Dinas KUKM Jabar", org_type=OrgType.KEMENTERIAN_DINAS, region_code="32"
    )
    verifier = make_user(db, org, (Role.VERIFIER,))
    log_in(client, verifier)
    ticked = {"csrf_token": csrf_of(client), "checked": sorted(MANUAL_CHECKS)}
    first = client.post(f"/verification/{profile.id}/verify", data=ticked)
    assert first.status_code == 200

    again = client.post(f"/verification/{profile.id}/verify", data=ticked)

    db.refresh(profile)
    assert profile.status == "verified"
    with pytest.raises(UserError) as refused:  # what the service says to a second verification
        suppliers.verify(db, actor=identity.actor_for(db, verifier), profile=profile, checked=MANUAL_CHECKS)
    assert "status" in refused.value.params
    assert again.status_code == 409
    assert escape(translate("id", refused.value.message, **refused.value.params)) in again.text
    # The status is shown in the reader's words, not as the stored code.
    assert "Profil berstatus &#39;Terverifikasi&#39;" in again.text or "Terverifikasi" in again.text
    assert "verified" not in translate("id", refused.value.message, **refused.value.params)


def _locked(message: str, code: int) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError(message)
    error.sqlite_errorcode = code  # type: ignore[attr-defined]  # set by sqlite3 itself when it raises
    return error


BUSY = [
    pytest.param(_locked("database is locked", 5), id="sqlite-busy"),
    pytest.param(_locked("database table is locked", 6), id="sqlite-locked"),
    pytest.param(psycopg.errors.LockNotAvailable("canceling statement due to lock timeout"), id="pg-lock"),
    pytest.param(psycopg.errors.SerializationFailure("could not serialize access"), id="pg-serialization"),
    pytest.param(psycopg.errors.DeadlockDetected("deadlock detected"), id="pg-deadlock"),
    pytest.param(
        psycopg.errors.QueryCanceled("canceling statement due to statement timeout"), id="pg-cancel"
    ),
]


@pytest.mark.parametrize("cause", BUSY)
def test_busy_database_is_a_calm_503_page(app: FastAPI, client: TestClient, cause: Exception) -> None:
    @app.post("/sibuk")
    def save() -> None:
        raise OperationalError("UPDATE supplier_profile SET ...", {}, cause)

    response = client.post("/sibuk", data={"csrf_token": csrf_of(client)})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert escape(translate("id", MSG_BUSY)) in response.text  # the viewer's language
    assert "supplier_profile" not in response.text


@pytest.mark.parametrize("cause", BUSY)
def test_busy_database_is_a_503_problem_for_the_api(
    app: FastAPI, client: TestClient, cause: Exception
) -> None:
    @app.post("/api/v1/sibuk")
    def save() -> None:
        raise OperationalError("UPDATE supplier_profile SET ...", {}, cause)

    response = client.post("/api/v1/sibuk", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["Retry-After"] == "2"
    body = response.json()
    assert body["type"] == "urn:rantai:problem:busy"
    assert body["detail"] == "Rantai is busy right now; nothing was saved. Try again in a moment."


def test_busy_at_commit_is_a_503_too(app: FastAPI, client: TestClient) -> None:
    """The request's transaction commits after the handler returned: a lock met there is still "busy"."""

    @app.post("/api/v1/sibuk-di-akhir")
    def save(db: Session = DbSession) -> dict[str, str]:
        def locked_at_commit(_session: Session) -> None:
            raise OperationalError("COMMIT", {}, _locked("database is locked", 5))

        event.listen(db, "before_commit", locked_at_commit)
        return {"saved": "yes"}

    response = client.post("/api/v1/sibuk-di-akhir")
    assert response.status_code == 503 and response.headers["Retry-After"] == "2"
    assert response.json()["type"] == "urn:rantai:problem:busy"  # not the success body


def test_other_database_errors_stay_our_fault(app: FastAPI, client: TestClient) -> None:
    @app.get("/rusak")
    def broken() -> None:
        raise OperationalError("SELECT * FROM hilang", {}, sqlite3.OperationalError("no such table: hilang"))

    response = client.get("/rusak")
    assert response.status_code == 500 and "Retry-After" not in response.headers


def test_a_real_lock_is_answered_busy(database_url: str, tmp_path: Path) -> None:
    """Not a staged error: another connection holds the lock the request needs."""
    engine = make_engine(database_url)
    app = create_app(Settings(database_url=database_url, data_dir=tmp_path), make_session_factory(engine))
    sqlite = database_url.startswith("sqlite")

    @app.get("/api/v1/sibuk")
    def save() -> None:
        with engine.begin() as conn:
            if sqlite:
                conn.exec_driver_sql("PRAGMA busy_timeout=0")  # do not wait for the holder
                conn.exec_driver_sql("DELETE FROM organization WHERE id = -1")
            else:
                conn.exec_driver_sql("LOCK TABLE organization IN SHARE MODE NOWAIT")

    holder = engine.connect()
    try:
        holder.begin()
        if sqlite:
            holder.exec_driver_sql("DELETE FROM organization WHERE id = -1")  # takes the write lock
        else:
            holder.exec_driver_sql("LOCK TABLE organization IN ACCESS EXCLUSIVE MODE")
        with TestClient(app, raise_server_exceptions=False) as client:
            response = client.get("/api/v1/sibuk")
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()
    assert response.status_code == 503, response.text
    assert response.json()["type"] == "urn:rantai:problem:busy"


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/login", {"email": "a\x00b@contoh.co.id", "password": "salah-sekali-123"}),
        ("/needs/quick", {"text": "keripik\x00 100 bungkus"}),
    ],
)
def test_a_nul_byte_in_a_form_is_a_clear_422_not_a_500(
    client: TestClient, db: Session, path: str, data: dict[str, str]
) -> None:
    """Issue #9, finding 13: PostgreSQL refuses a NUL byte in text; psycopg raised, the user got a 500.
    On SQLite the text is stored or refused by the form's own checks; never a server error."""
    from tests.factories.sourcing import make_buyer  # noqa: PLC0415

    _org, user, _actor = make_buyer(db)
    log_in(client, user)
    response = client.post(path, data={**data, "csrf_token": csrf_of(client)})
    assert response.status_code < 500
    if db.get_bind().dialect.name == "postgresql":
        assert response.status_code == 422 and "control character" in translate("en", MSG_UNSTORABLE)


def test_a_token_id_too_large_for_the_database_is_not_found(client: TestClient, db: Session) -> None:
    """Issue #9, finding 9: the revoke path took any digits and overflowed PostgreSQL's INTEGER."""
    org = identity.create_organization(db, name="Koperasi Token", org_type=OrgType.KOPERASI)
    log_in(client, make_user(db, org, (Role.OWNER,)))
    for token_id in ("2147483648", "99999999999999999999"):
        response = client.post(f"/account/tokens/{token_id}/revoke", data={"csrf_token": csrf_of(client)})
        assert response.status_code == 404
