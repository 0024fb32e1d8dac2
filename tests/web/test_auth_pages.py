"""Login, logout, language, CSRF and error pages as a browser without JavaScript sees them."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.identity import PASSWORD, csrf_of, log_in, make_org, make_user

from rantai.identity.models import ApiToken, WebSession
from rantai.identity.roles import OrgType, Role
from rantai.kit.clock import now


def test_home_sends_anonymous_visitors_to_login(client: TestClient) -> None:
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/login"


def test_wrong_password_shows_a_clear_indonesian_message(client: TestClient, db: Session) -> None:
    user = make_user(db)
    response = client.post(
        "/login", data={"email": user.email, "password": "bukan-ini", "csrf_token": csrf_of(client)}
    )
    assert response.status_code == 401
    assert "Email atau kata sandi salah" in response.text
    assert db.scalar(select(func.count()).select_from(WebSession)) == 0


def test_lockout_message_after_repeated_failures(client: TestClient, db: Session) -> None:
    user = make_user(db)
    csrf = csrf_of(client)
    for _ in range(3):  # the test settings lock after 3 failures
        response = client.post("/login", data={"email": user.email, "password": "salah", "csrf_token": csrf})
    assert response.status_code == 429
    assert "dikunci selama 10 menit" in response.text
    response = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf})
    assert response.status_code == 429


def test_login_sets_a_safe_session_cookie_and_logout_ends_it(client: TestClient, db: Session) -> None:
    user = make_user(db, make_org(db))
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_of(client)},
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"]
    assert "rantai_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    assert "Secure" not in cookie  # plain http here
    assert client.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert client.get("/", follow_redirects=False).status_code == 303


def test_session_cookie_is_secure_behind_https(client: TestClient, db: Session) -> None:
    user = make_user(db, make_org(db))
    response = client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_of(client)},
        headers={"X-Forwarded-Proto": "https"},
        follow_redirects=False,
    )
    assert "Secure" in response.headers["set-cookie"]


def test_missing_csrf_token_is_refused_and_changes_nothing(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    user = make_user(db, org, (Role.ADMIN,))
    log_in(client, user)
    response = client.post("/account/tokens", data={"name": "tanpa csrf"})
    assert response.status_code == 403
    assert "Formulir ini sudah kedaluwarsa" in response.text
    response = client.post("/account/tokens", data={"name": "csrf salah", "csrf_token": "palsu"})
    assert response.status_code == 403
    assert db.scalar(select(func.count()).select_from(ApiToken)) == 0


def test_expired_session_asks_to_log_in_again(client: TestClient, db: Session) -> None:
    user = make_user(db, make_org(db))
    log_in(client, user)
    web_session = db.scalars(select(WebSession).where(WebSession.user_id == user.id)).one()
    web_session.expires_at = now() - dt.timedelta(minutes=1)
    db.commit()
    response = client.get("/account/members")
    assert response.url.path == "/login"
    assert "Sesi Anda telah berakhir" in response.text


def test_language_switch_changes_the_page_and_is_remembered(client: TestClient, db: Session) -> None:
    user = make_user(db, make_org(db))
    log_in(client, user)
    assert "Selamat datang" in client.get("/").text
    response = client.post("/lang", data={"locale": "en", "next": "/", "csrf_token": csrf_of(client)})
    assert "Welcome" in response.text and 'lang="en"' in response.text
    db.refresh(user)
    assert user.locale == "en"


def test_forbidden_page_is_translated(client: TestClient, db: Session) -> None:
    user = make_user(db, make_org(db, OrgType.BUMN), (Role.VIEWER,))
    log_in(client, user)
    response = client.get("/account/tokens")
    assert response.status_code == 403
    assert "Akses ditolak" in response.text and "Peran Anda tidak mengizinkan" in response.text


def test_not_found_page_in_both_languages(client: TestClient) -> None:
    response = client.get("/tidak-ada")
    assert response.status_code == 404 and "Halaman tidak ditemukan" in response.text
    client.cookies.set("rantai_lang", "en")
    assert "Page not found" in client.get("/tidak-ada").text


def test_open_redirect_after_login_is_refused(client: TestClient, db: Session) -> None:
    user = make_user(db, make_org(db))
    response = client.post(
        "/login",
        data={
            "email": user.email,
            "password": PASSWORD,
            "next": "//evil.example",
            "csrf_token": csrf_of(client),
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


def test_health_and_readiness(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok"}
