"""Login, registration, password change, logout, language, CSRF and error pages as a browser without
JavaScript sees them."""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories.identity import PASSWORD, MailBox, csrf_of, log_in, make_org, make_user

from rantai.app import create_app
from rantai.identity.models import ApiToken, Organization, User, WebSession
from rantai.identity.roles import OrgType, Role
from rantai.kit.clock import now
from rantai.settings import Settings
from rantai.web.routes import account as account_routes
from rantai.web.routes import auth as auth_routes


def test_home_shows_anonymous_visitors_the_landing_page(client: TestClient) -> None:
    """Issue #13: `/` redirected to the login page, so a visitor never learned what Rantai is."""
    response = client.get("/", follow_redirects=False)
    assert response.status_code == 200 and 'data-testid="landing"' in response.text
    assert 'href="/login"' in response.text and 'action="/directory"' in response.text


def test_wrong_password_shows_a_clear_indonesian_message(client: TestClient, db: Session) -> None:
    user = make_user(db)
    response = client.post(
        "/login", data={"email": user.email, "password": "bukan-ini", "csrf_token": csrf_of(client)}
    )
    assert response.status_code == 401
    assert "Email atau kata sandi salah" in response.text
    assert db.scalar(select(func.count()).select_from(WebSession)) == 0


LOCKED = "Too many failed logins. Wait 10 minutes, then try again."


def _try(client: TestClient, email: str, password: str, **headers: str) -> Response:
    return client.post(
        "/login", data={"email": email, "password": password, "csrf_token": csrf_of(client)}, headers=headers
    )


def test_lockout_message_after_repeated_failures(client: TestClient, db: Session) -> None:
    user = make_user(db)
    client.cookies.set("rantai_lang", "en")
    for _ in range(3):  # the test settings lock after 3 failures
        response = _try(client, user.email, "salah")
    assert response.status_code == 429
    assert LOCKED in response.text and response.headers["retry-after"] == "600"
    response = _try(client, user.email, PASSWORD)
    assert response.status_code == 429


def test_an_unknown_email_is_locked_with_the_same_page(client: TestClient, db: Session) -> None:
    """Finding 7: the lock message used to appear only for emails that had an account."""
    user = make_user(db)
    client.cookies.set("rantai_lang", "en")
    pages = []
    for email in (user.email, "tidak.ada@contoh.co.id"):
        for _ in range(3):
            response = _try(client, email, "salah")
        assert response.status_code == 429
        pages.append(response.text.replace(email, "EMAIL"))
    assert pages[0] == pages[1]


@pytest.fixture
def proxied_client(settings: Settings, session_factory: sessionmaker[Session]) -> Iterator[TestClient]:
    """A client of an app told it sits behind one reverse proxy (RANTAI_TRUSTED_PROXY_COUNT=1)."""
    app = create_app(settings.model_copy(update={"trusted_proxy_count": 1}), session_factory)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_stranger_cannot_lock_the_owner_out(proxied_client: TestClient, db: Session) -> None:
    user = make_user(db, make_org(db))
    for _ in range(3):
        locked = _try(proxied_client, user.email, "tebakan", **{"X-Forwarded-For": "203.0.113.66"})
    assert locked.status_code == 429
    # Whatever a client writes at the left of the header, the proxy's entry (rightmost) is the address.
    forged = _try(proxied_client, user.email, PASSWORD, **{"X-Forwarded-For": "198.51.100.7, 203.0.113.66"})
    assert forged.status_code == 429
    owner = proxied_client.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_of(proxied_client)},
        headers={"X-Forwarded-For": "198.51.100.7"},
        follow_redirects=False,
    )
    assert owner.status_code == 303


def test_forwarded_for_is_ignored_without_a_trusted_proxy(client: TestClient, db: Session) -> None:
    """A guesser cannot dodge the lock by writing a new X-Forwarded-For on every try."""
    user = make_user(db)
    for n in range(3):
        response = _try(client, user.email, "tebakan", **{"X-Forwarded-For": f"203.0.113.{n}"})
    assert response.status_code == 429
    assert _try(client, user.email, PASSWORD, **{"X-Forwarded-For": "198.51.100.7"}).status_code == 429


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
    assert 'data-testid="landing"' in client.get("/", follow_redirects=False).text


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
    assert client.get("/readyz").json() == {"status": "ok", "database": "ok", "data_dir": "ok"}


# --- registration ----------------------------------------------------------------------------------

REGISTERED = "If this email was new to Rantai, your business account has been created"


NEW_OWNER_PASSWORD = "tempe-goreng-renyah"


def _register(client: TestClient, email: str, password: str = NEW_OWNER_PASSWORD) -> Response:
    return client.post(
        "/register",
        data={
            "full_name": "Ratna Sari",
            "email": email,
            "password": password,
            "organization_name": "Tempe Ratna",
            "org_type": "umkm",
            "csrf_token": csrf_of(client),
        },
    )


def test_register_does_not_tell_whether_an_email_has_an_account(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    """Finding 7: registering a known email used to say at once "An account with this email already
    exists". Now both get the same page; the owner of the known email is told by mail."""
    make_user(db, email="ratna@contoh.co.id")
    app.state.mailer = mailbox = MailBox()
    client.cookies.set("rantai_lang", "en")
    users = db.scalar(select(func.count()).select_from(User))
    known, new = _register(client, "ratna@contoh.co.id"), _register(client, "baru@contoh.co.id")
    assert known.status_code == new.status_code == 200
    assert REGISTERED in known.text and "already exists" not in known.text
    assert known.text == new.text.replace("baru@contoh.co.id", "ratna@contoh.co.id")
    assert db.scalar(select(func.count()).select_from(User)) == users + 1
    assert [m.to for m in mailbox.sent] == ["ratna@contoh.co.id", "baru@contoh.co.id"]


def test_a_new_owner_logs_in_from_the_registration_page_and_lands_on_onboarding(
    client: TestClient, db: Session
) -> None:
    page = _register(client, "baru@contoh.co.id")
    assert 'value="baru@contoh.co.id"' in page.text  # the email is filled in
    assert '<input type="hidden" name="next" value="/supplier/onboarding">' in page.text
    response = client.post(
        "/login",
        data={
            "email": "baru@contoh.co.id",
            "password": NEW_OWNER_PASSWORD,
            "next": "/supplier/onboarding",
            "csrf_token": csrf_of(client),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303 and response.headers["location"] == "/supplier/onboarding"


def test_register_refuses_an_easy_password_and_creates_nothing(client: TestClient, db: Session) -> None:
    client.cookies.set("rantai_lang", "en")
    orgs = db.scalar(select(func.count()).select_from(Organization))
    response = _register(client, "baru@contoh.co.id", password="tempe-ratna-2026")
    assert response.status_code == 422 and 'id="e-password"' in response.text
    assert "must not contain your email address, your name or your business" in response.text
    assert 'value="Tempe Ratna"' in response.text  # what was typed is kept (but not the password)
    assert db.scalar(select(func.count()).select_from(Organization)) == orgs


# --- password change -------------------------------------------------------------------------------


def _change_password(client: TestClient, current: str, new: str = "kopi-tubruk-pagi-hari") -> Response:
    return client.post(
        "/account/password",
        data={
            "current_password": current,
            "new_password": new,
            "confirm_password": new,
            "csrf_token": csrf_of(client),
        },
    )


def test_changing_the_password_logs_out_every_other_browser(
    app: FastAPI, client: TestClient, db: Session
) -> None:
    """Finding 6: another browser stayed logged in after a password change."""
    user = make_user(db, make_org(db))
    log_in(client, user)
    with TestClient(app, raise_server_exceptions=False) as other:
        log_in(other, user)
        before = client.cookies["rantai_session"]
        client.cookies.set("rantai_lang", "en")
        response = _change_password(client, PASSWORD)
        assert response.status_code == 200
        assert "You have been logged out in every other browser and device" in response.text
        assert client.cookies["rantai_session"] != before  # this browser got a new session...
        assert client.get("/", follow_redirects=False).status_code == 200  # ...and stays logged in
        assert other.get("/", follow_redirects=False).headers["location"] == "/login?expired=1"
    client.cookies.clear()
    log_in(client, user, "kopi-tubruk-pagi-hari")


def test_wrong_current_passwords_lock_like_failed_logins(client: TestClient, db: Session) -> None:
    """Finding 6: the current-password check could be tried without limit."""
    user = make_user(db, make_org(db))
    log_in(client, user)
    client.cookies.set("rantai_lang", "en")
    for _ in range(2):
        assert _change_password(client, "tebakan-salah").status_code == 422
    locked = _change_password(client, "tebakan-salah")
    assert locked.status_code == 429 and LOCKED in locked.text
    assert _change_password(client, PASSWORD).status_code == 429  # even the right one, for now
    assert _try(client, user.email, PASSWORD).status_code == 429  # and logins from here too


def test_a_new_password_with_the_users_name_is_refused(client: TestClient, db: Session) -> None:
    user = make_user(db, make_org(db))
    log_in(client, user)
    client.cookies.set("rantai_lang", "en")
    response = _change_password(client, PASSWORD, new=user.full_name + " 2026")
    assert response.status_code == 422 and "must not contain your email address, your name" in response.text
    client.cookies.clear()
    log_in(client, user)  # the old password still works


def test_auth_and_account_handlers_never_block_the_event_loop() -> None:
    """Finding 2: an ``async def`` handler that touches the database runs on the event loop and stalls
    every other request; these must be plain ``def`` (FastAPI runs those in its thread pool)."""
    handlers = [
        route.endpoint
        for router in (auth_routes.router, account_routes.router)
        for route in router.routes
        if isinstance(route, APIRoute)
    ]
    assert len(handlers) >= 12
    assert [h.__name__ for h in handlers if inspect.iscoroutinefunction(h)] == []
