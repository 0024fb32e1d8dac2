"""Delivering the email outbox (issue #10, item 5): off by default (written to files, nothing sent), to a
real SMTP server when on (aiosmtpd, started by the test), retried when the server fails, failed for good
after the last attempt or a permanent refusal."""

from __future__ import annotations

import datetime as dt
import email
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker
from tests.factories.notifications import outbox_to, smtp_server

from rantai.kit.clock import now
from rantai.notifications import repository
from rantai.notifications.delivery import FileMailer, SmtpMailer, deliver_pending, mailer_for
from rantai.notifications.models import OutboxEmail
from rantai.notifications.service import Recipient, queue_email
from rantai.settings import Settings

BASE = "https://rantai.example.id"
SENDER = "Rantai <noreply@rantai.example.id>"


def _queue(db: Session, to: str = "ratna@contoh.co.id", locale: str = "en") -> int:
    row = queue_email(
        db,
        Recipient(None, to, locale),
        subject="Your password was changed",
        body="Hello %(name)s.",
        params={"name": "Ratna"},
        link="/account/password",
    )
    db.commit()  # the test's savepoint: the deliverer's own transactions see it
    return row.id


def _due_now(db: Session, email_id: int) -> None:
    """Let the clock run to the email's next attempt."""
    db.execute(update(OutboxEmail).where(OutboxEmail.id == email_id).values(next_attempt_at=now()))
    db.commit()


def _smtp(port: int) -> SmtpMailer:
    return SmtpMailer(host="127.0.0.1", port=port, sender=SENDER, base_url=BASE, starttls=False, timeout=5)


def test_email_is_off_by_default_and_written_for_the_operator(
    db: Session, session_factory: sessionmaker[Session], settings: Settings, tmp_path: Path
) -> None:
    assert Settings.model_fields["mail_enabled"].default is False
    mailer = mailer_for(settings)
    assert isinstance(mailer, FileMailer) and mailer.directory == settings.data_dir / "mail"
    email_id = _queue(db)
    with smtp_server() as (handler, port):
        settings_on_port = settings.model_copy(update={"smtp_port": port, "smtp_host": "127.0.0.1"})
        report = deliver_pending(session_factory, mailer_for(settings_on_port))
        assert handler.tried == 0  # email off: the server listening on the configured port heard nothing
    assert report.delivered == [email_id]
    (row,) = outbox_to(db, "ratna@contoh.co.id")
    db.refresh(row)
    assert (row.status, row.attempts, row.last_error) == ("written", 1, None)
    written = email.message_from_bytes((settings.data_dir / "mail" / f"{email_id:08d}.eml").read_bytes())
    assert written["To"] == "ratna@contoh.co.id" and written["Subject"] == "Your password was changed"
    assert (
        written.get_payload(decode=True).decode().strip()
        == f"Hello Ratna.\n\n{settings.base_url}/account/password"
    )
    assert deliver_pending(session_factory, mailer).total == 0  # written once


def test_email_on_is_delivered_through_smtp(db: Session, session_factory: sessionmaker[Session]) -> None:
    email_id = _queue(db)
    with smtp_server() as (handler, port):
        report = deliver_pending(session_factory, _smtp(port))
    assert report.delivered == [email_id]
    (envelope,) = handler.received
    assert envelope.rcpt_tos == ["ratna@contoh.co.id"] and envelope.mail_from == "noreply@rantai.example.id"
    sent = email.message_from_bytes(envelope.content)
    assert sent["Subject"] == "Your password was changed" and sent["Content-Language"] == "en"
    assert sent.get_payload(decode=True).decode().splitlines() == [
        "Hello Ratna.",
        "",
        f"{BASE}/account/password",
    ]
    (row,) = outbox_to(db, "ratna@contoh.co.id")
    db.refresh(row)
    assert row.status == "sent" and row.sent_at is not None


def test_a_failing_server_is_retried_then_the_email_fails(
    db: Session, session_factory: sessionmaker[Session]
) -> None:
    email_id = _queue(db)
    with smtp_server() as (handler, port):
        handler.answer = "451 4.3.0 Try again later"
        first = deliver_pending(session_factory, _smtp(port), max_attempts=3)
        assert first.retrying == [email_id]
        # Not due again before its wait is over.
        assert deliver_pending(session_factory, _smtp(port), max_attempts=3).total == 0
        (row,) = outbox_to(db, "ratna@contoh.co.id")
        assert row.next_attempt_at - now() > dt.timedelta(seconds=50)  # the first wait: a minute
        for _ in range(2):
            _due_now(db, email_id)
            deliver_pending(session_factory, _smtp(port), max_attempts=3)
        db.refresh(row)
        assert (row.status, row.attempts, handler.tried) == ("failed", 3, 3)
        assert "451" in (row.last_error or "")
        handler.answer = None
        _due_now(db, email_id)
        assert deliver_pending(session_factory, _smtp(port)).total == 0  # failed stays failed
    assert handler.received == []


def test_a_server_that_is_down_is_retried(db: Session, session_factory: sessionmaker[Session]) -> None:
    from tests.factories.notifications import free_port  # noqa: PLC0415

    email_id = _queue(db)
    report = deliver_pending(session_factory, _smtp(free_port()), max_attempts=2, retry_after=())
    assert report.retrying == [email_id]  # retry_after=(): due again at once
    assert deliver_pending(session_factory, _smtp(free_port()), max_attempts=2).failed == [email_id]


def test_a_permanent_refusal_fails_at_once(db: Session, session_factory: sessionmaker[Session]) -> None:
    email_id = _queue(db)
    with smtp_server() as (handler, port):
        handler.answer = "550 5.1.1 No such mailbox"
        report = deliver_pending(session_factory, _smtp(port), max_attempts=5)
    assert report.failed == [email_id]
    (row,) = outbox_to(db, "ratna@contoh.co.id")
    db.refresh(row)
    assert (row.status, row.attempts) == ("failed", 1)


def test_two_deliverers_never_hold_one_email(db: Session) -> None:
    email_id = _queue(db)
    until = now() + dt.timedelta(minutes=10)
    assert repository.hold_email(db, email_id, attempts=0, until=until)
    assert not repository.hold_email(db, email_id, attempts=0, until=until)  # the other read attempts=0 too
