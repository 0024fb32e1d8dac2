"""Password reset by email (issue #13): the same answer for every email, a throttled, single-use,
expiring link through the outbox, stored as a digest; using it ends every session and is audited."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from tests.factories.identity import PASSWORD, csrf_of, log_in, make_org, make_user

from rantai.audit.models import AuditEvent
from rantai.identity.models import PasswordReset, User
from rantai.notifications.models import OutboxEmail

NEW_PASSWORD = "mangga-harum-manis-77"


def _ask(client: TestClient, email: str) -> str:
    page = client.post("/password/forgot", data={"email": email, "csrf_token": csrf_of(client)})
    assert page.status_code == 200
    return page.text


def _mails(db: Session, to: str) -> list[OutboxEmail]:
    return list(
        db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == to, OutboxEmail.kind.is_(None)))
    )


def _link(db: Session, to: str) -> str:
    mails = _mails(db, to)
    assert mails and mails[-1].link is not None
    return mails[-1].link


def test_login_page_offers_the_reset(client: TestClient) -> None:
    assert 'href="/password/forgot"' in client.get("/login").text
    assert client.get("/password/forgot").status_code == 200


def test_known_and_unknown_emails_get_the_same_answer(client: TestClient, db: Session) -> None:
    user = make_user(db, make_org(db))
    known = _ask(client, user.email)
    unknown = _ask(client, "tidak.ada@contoh.co.id")
    strip = lambda text, email: re.sub(r'name="csrf_token" value="[^"]+"', "", text).replace(email, "EMAIL")  # noqa: E731
    assert strip(known, user.email) == strip(unknown, "tidak.ada@contoh.co.id")
    assert len(_mails(db, user.email)) == 1 and _mails(db, "tidak.ada@contoh.co.id") == []
    link = _link(db, user.email)
    assert link.startswith("/password/reset/")
    token = link.rsplit("/", 1)[1]
    stored = db.scalars(select(PasswordReset).where(PasswordReset.user_id == user.id)).one()
    assert token not in (stored.token_digest,) and len(stored.token_digest) == 64  # only the digest is kept
    assert (
        db.scalars(select(AuditEvent.action).where(AuditEvent.target_id == str(user.id)))
        .all()
        .count("user.password_reset_requested")
        == 1
    )
    bad = client.post("/password/forgot", data={"email": "bukan-email", "csrf_token": csrf_of(client)})
    assert bad.status_code == 422


def test_requests_are_throttled_per_email(client: TestClient, db: Session) -> None:
    user = make_user(db, make_org(db))
    answers = {_ask(client, user.email).count('data-testid="reset-sent"') for _ in range(5)}
    assert answers == {1}  # the same answer every time
    assert len(_mails(db, user.email)) == 3  # ResetLimits.per_email


def test_the_link_sets_a_password_once_and_ends_every_session(
    client: TestClient, app: object, db: Session
) -> None:
    user = make_user(db, make_org(db))
    other_browser = TestClient(app)  # type: ignore[arg-type]
    log_in(other_browser, user)
    assert other_browser.get("/account/password", follow_redirects=False).status_code == 200
    _ask(client, user.email)
    link = _link(db, user.email)
    form = client.get(link)
    assert form.status_code == 200 and form.headers["referrer-policy"] == "no-referrer"

    mismatch = client.post(
        link, data={"new_password": NEW_PASSWORD, "confirm_password": "lain", "csrf_token": csrf_of(client)}
    )
    assert mismatch.status_code == 422
    weak = client.post(
        link, data={"new_password": "pendek", "confirm_password": "pendek", "csrf_token": csrf_of(client)}
    )
    assert weak.status_code == 422
    done = client.post(
        link,
        data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD, "csrf_token": csrf_of(client)},
    )
    assert done.status_code == 200 and user.email in done.text

    # The other browser is logged out; the old password no longer works, the new one does.
    assert other_browser.get("/account/password", follow_redirects=False).status_code in (302, 303, 401)
    fresh = TestClient(app)  # type: ignore[arg-type]
    old = fresh.post(
        "/login",
        data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_of(fresh)},
        follow_redirects=False,
    )
    assert old.status_code != 303
    log_in(fresh, user, NEW_PASSWORD)

    # Used up: the link cannot be used again.
    assert client.get(link).status_code == 410
    again = client.post(
        link,
        data={
            "new_password": "pisang-goreng-99x",
            "confirm_password": "pisang-goreng-99x",
            "csrf_token": csrf_of(client),
        },
    )
    assert again.status_code == 422
    actions = db.scalars(select(AuditEvent.action).where(AuditEvent.target_id == str(user.id))).all()
    assert "user.password_reset" in actions
    told = db.scalars(
        select(OutboxEmail).where(
            OutboxEmail.to_address == user.email, OutboxEmail.kind == "account.password_changed"
        )
    ).all()
    assert len(told) == 1


def test_an_expired_link_is_refused(client: TestClient, db: Session) -> None:
    user: User = make_user(db, make_org(db))
    _ask(client, user.email)
    link = _link(db, user.email)
    db.execute(update(PasswordReset).values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)))
    db.flush()
    assert client.get(link).status_code == 410
    refused = client.post(
        link,
        data={"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD, "csrf_token": csrf_of(client)},
    )
    assert refused.status_code == 422
    assert client.get("/password/reset/not-a-real-token").status_code == 410
