"""The inbox page, the header's unread count and the notification settings page (issue #10, item 5)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from markupsafe import escape
from sqlalchemy import Connection, event
from sqlalchemy.orm import Session
from tests.factories.identity import PASSWORD, csrf_of, log_in, make_org, make_user
from tests.factories.notifications import inbox_of, outbox_to, smtp_server
from tests.factories.suppliers import business_owner, national_verifier
from tests.integration.suppliers.test_claims import EVIDENCE, _imported

from rantai.i18n import translate
from rantai.identity.models import User
from rantai.identity.recipients import recipient_of
from rantai.identity.roles import OrgType, Role
from rantai.jobs import InlineQueue
from rantai.notifications import kinds
from rantai.notifications import service as notifications
from rantai.notifications.service import Choice
from rantai.settings import Settings, get_settings
from rantai.suppliers import claims

MESSAGE = "Your claim of the profile of %(business)s (NIB %(nib)s) was approved: the profile is now your organization's, and only your organization's imports can change it."


def _notify(db: Session, user: User, business: str, link: str = "/supplier") -> int:
    (row,) = notifications.notify(
        db,
        [recipient_of(user)],
        kinds.CLAIM_APPROVED,
        message=MESSAGE,
        params={"business": business, "nib": "1"},
        link=link,
    )
    db.flush()
    return row.id


def _statements(connection: Connection) -> list[str]:
    sent: list[str] = []

    def record(*args: object) -> None:
        statement = str(args[2])
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            sent.append(statement)

    event.listen(connection, "before_cursor_execute", record)
    return sent


def test_the_inbox_shows_the_readers_notices_only_in_their_language(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.UMKM)
    reader, other = make_user(db, org, locale="en"), make_user(db, org)
    mine = _notify(db, reader, "Keripik Bu Sri")
    theirs = _notify(db, other, "Tempe Pak Budi")
    log_in(client, reader)
    client.cookies.set("rantai_lang", "id")
    page = client.get("/notifications")
    assert page.status_code == 200
    assert str(escape(translate("id", MESSAGE, business="Keripik Bu Sri", nib="1"))) in page.text
    assert f'data-notification-id="{mine}"' in page.text
    assert "Tempe Pak Budi" not in page.text and f'data-notification-id="{theirs}"' not in page.text
    assert 'data-testid="unread-count">1<' in page.text
    # Another user's notice cannot be marked: not found, and it stays unread.
    csrf = csrf_of(client)
    refused = client.post(f"/notifications/{theirs}/read", data={"csrf_token": csrf}, follow_redirects=False)
    assert refused.status_code == 404
    assert inbox_of(db, other.id)[0].read_at is None


def test_marking_read_one_and_all(client: TestClient, db: Session) -> None:
    reader = make_user(db, make_org(db))
    first, second, third = (_notify(db, reader, name) for name in ("A1", "B2", "C3"))
    log_in(client, reader)
    csrf = csrf_of(client)
    done = client.post(
        f"/notifications/{second}/read",
        data={"csrf_token": csrf, "page": "1", "order": "newest"},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/notifications?page=1&order=newest"
    assert [n.read_at is not None for n in inbox_of(db, reader.id)] == [False, True, False]
    page = client.get("/notifications")
    assert page.text.index(f'data-notification-id="{third}"') < page.text.index(
        f'data-notification-id="{first}"'
    )
    assert page.text.index(f'data-notification-id="{first}"') < page.text.index(
        f'data-notification-id="{second}"'
    )
    assert 'data-testid="unread-count">2<' in page.text
    without_token = client.post("/notifications/read-all", data={}, follow_redirects=False)
    assert without_token.status_code == 403
    client.post("/notifications/read-all", data={"csrf_token": csrf})
    assert all(n.read_at is not None for n in inbox_of(db, reader.id))
    assert 'data-testid="unread-count"' not in client.get("/notifications").text


def test_an_empty_inbox_says_what_will_appear(client: TestClient, db: Session) -> None:
    log_in(client, make_user(db, make_org(db)))
    page = client.get("/notifications")
    assert page.status_code == 200 and 'data-testid="no-notifications"' in page.text


def test_the_header_count_is_one_read_and_no_write(
    client: TestClient, db: Session, connection: Connection
) -> None:
    reader = make_user(db, make_org(db))
    _notify(db, reader, "A")
    log_in(client, reader)
    client.get("/account/password")
    sent = _statements(connection)
    page = client.get("/account/password")
    assert 'data-testid="unread-count">1<' in page.text
    assert not [s for s in sent if s.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE"))]
    assert len([s for s in sent if "notification" in s]) == 1
    sent.clear()
    client.get("/account/password", headers={"HX-Request": "true"})  # a fragment draws no header
    assert not [s for s in sent if "notification" in s]


def test_every_link_of_a_notice_opens_for_its_reader(client: TestClient, db: Session) -> None:
    """A notice links only where its reader may go: the claim's answers go to the business's editors,
    whose role opens the profile and claim pages; the password notice to the account's password page."""
    org = make_org(db, OrgType.UMKM)
    owner = make_user(db, org, (Role.OWNER,))
    for link in ("/supplier/claim", "/account/password", "/notifications"):
        _notify(db, owner, "A", link=link)
    log_in(client, owner)
    for notice in inbox_of(db, owner.id):
        assert notice.link is not None
        response = client.get(notice.link, follow_redirects=False)
        assert response.status_code in (200, 303), (notice.link, response.status_code)
        if response.status_code == 303:  # /supplier without a profile leads on to onboarding
            assert client.get(response.headers["location"]).status_code == 200


def test_choosing_what_to_receive(client: TestClient, db: Session) -> None:
    user = make_user(db, make_org(db))
    log_in(client, user)
    client.cookies.set("rantai_lang", "en")
    page = client.get("/account/notifications")
    assert page.status_code == 200
    assert str(escape(translate("en", kinds.PASSWORD_CHANGED.title))) in page.text
    assert f'name="email-{kinds.PASSWORD_CHANGED.code}" checked disabled' in page.text
    form = {"csrf_token": csrf_of(client), f"inbox-{kinds.CLAIM_REJECTED.code}": "on"}
    saved = client.post("/account/notifications", data=form)
    assert saved.status_code == 200 and 'data-testid="preferences-saved"' in saved.text
    chosen = {c.kind.code: (c.inbox, c.email) for c in notifications.preferences(db, user.id)}
    assert chosen[kinds.CLAIM_REJECTED.code] == (True, False)
    assert chosen[kinds.CLAIM_APPROVED.code] == (False, False)
    assert chosen[kinds.PASSWORD_CHANGED.code] == (False, True)  # its email stays on
    assert Choice(kinds.PASSWORD_CHANGED, False, True) in notifications.preferences(db, user.id)
    refused = client.post("/account/notifications", data={}, follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token: nothing saved


def _register_known(client: TestClient) -> None:
    client.post(
        "/register",
        data={
            "full_name": "Ratna Sari",
            "email": "ratna@contoh.co.id",
            "password": "tempe-goreng-renyah",
            "organization_name": "Tempe Ratna",
            "org_type": "umkm",
            "csrf_token": csrf_of(client),
        },
    )


def test_registration_mail_is_queued_then_written_by_the_worker(
    client: TestClient, db: Session, settings: Settings, job_queue: InlineQueue
) -> None:
    """Email is off (the default): the worker's task, sent after the commit, writes the email for the
    operator instead of sending it."""
    make_user(db, email="ratna@contoh.co.id", locale="en")
    job_queue.immediate = False  # the worker has not run yet
    _register_known(client)
    (mail,) = outbox_to(db, "ratna@contoh.co.id")
    assert mail.kind is None and mail.status == "queued" and mail.locale == "en"
    assert mail.subject == translate("en", "Someone tried to register on Rantai with your email")
    job_queue.run_pending()
    db.refresh(mail)
    assert mail.status == "written"
    written = (settings.data_dir / "mail" / f"{mail.id:08d}.eml").read_text()
    assert f"Subject: {mail.subject}" in written and "To: ratna@contoh.co.id" in written


def test_a_password_changed_on_the_page_is_emailed_through_smtp_by_the_worker(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    user = make_user(db, make_org(db), locale="en")
    with smtp_server() as (handler, port):
        for name, value in {"MAIL_ENABLED": "true", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port)}.items():
            monkeypatch.setenv(f"RANTAI_{name}", value)
        monkeypatch.setenv("RANTAI_SMTP_STARTTLS", "false")
        get_settings.cache_clear()
        try:
            log_in(client, user)
            changed = client.post(
                "/account/password",
                data={
                    "current_password": PASSWORD,
                    "new_password": "a-new-long-passphrase-9",
                    "confirm_password": "a-new-long-passphrase-9",
                    "csrf_token": csrf_of(client),
                },
            )
            assert changed.status_code == 200 and 'data-testid="password-changed"' in changed.text
        finally:
            get_settings.cache_clear()
    (envelope,) = handler.received
    assert envelope.rcpt_tos == [user.email]
    assert f"Subject: {translate('en', kinds.PASSWORD_CHANGED.title)}" in envelope.content.decode()
    (mail,) = outbox_to(db, user.email)
    db.refresh(mail)
    assert mail.status == "sent"


def test_a_claims_answer_links_to_a_page_its_reader_opens(client: TestClient, db: Session) -> None:
    profile, _, _ = _imported(db)
    business, owner, owner_actor = business_owner(db)
    claim = claims.request_claim(
        db, actor=owner_actor, organization_id=business.id, nib=profile.nib, evidence=EVIDENCE
    )
    claims.approve_claim(db, actor=national_verifier(db, "32"), claim=claim)
    (notice,) = inbox_of(db, owner.id)
    log_in(client, owner)
    assert notice.link == "/supplier"
    page = client.get(notice.link)
    assert page.status_code == 200 and profile.nib in page.text
