"""Delivering the email outbox: through an SMTP server when email is on, else into files the operator
reads (``RANTAI_DATA_DIR/mail/<id>.eml``), so nothing leaves the machine by default.

``deliver_pending`` takes due emails one at a time, each held by a compare-and-set on its attempt count
(two deliverers never send one email together), sends it outside any transaction, then records the
outcome. A failure is retried later (``RETRY_AFTER``) until ``max_attempts``; an address the server
refuses for good (a 5xx answer) fails at once. A deliverer that dies after sending and before recording
leaves the email to be sent again when its hold ends: at least once, never lost.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol

from sqlalchemy.orm import Session, sessionmaker

from rantai.db import transaction
from rantai.kit.clock import now
from rantai.notifications import repository
from rantai.notifications.models import EmailStatus, OutboxEmail
from rantai.settings import Settings

log = logging.getLogger(__name__)

# Wait before the attempt after the n-th failure (the last one repeats).
RETRY_AFTER = (
    dt.timedelta(minutes=1),
    dt.timedelta(minutes=5),
    dt.timedelta(minutes=30),
    dt.timedelta(hours=2),
    dt.timedelta(hours=6),
)
# How long one attempt holds an email: beyond the SMTP timeout, so a live deliverer is never overtaken.
HOLD = dt.timedelta(minutes=10)
SMTP_TIMEOUT_SECONDS = 30


class Mailer(Protocol):
    """Where delivered emails go. ``delivered`` is the status an accepted email gets."""

    sender: str
    base_url: str
    delivered: EmailStatus

    def send(self, message: EmailMessage, email_id: int) -> None: ...


@dataclass
class SmtpMailer:
    """A real SMTP server (``RANTAI_SMTP_*``); STARTTLS before logging in when asked."""

    host: str
    port: int
    sender: str
    base_url: str
    user: str = ""
    password: str = ""
    starttls: bool = True
    timeout: float = SMTP_TIMEOUT_SECONDS
    delivered: EmailStatus = EmailStatus.SENT

    def send(self, message: EmailMessage, email_id: int) -> None:  # noqa: ARG002 - the id names files only
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.user:
                smtp.login(self.user, self.password)
            smtp.send_message(message)


@dataclass
class FileMailer:
    """Email is off: each email is written to ``directory/<outbox id>.eml`` (open it in any mail reader,
    or read it as text) and nothing is sent."""

    directory: Path
    sender: str
    base_url: str
    delivered: EmailStatus = EmailStatus.WRITTEN

    def send(self, message: EmailMessage, email_id: int) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / f"{email_id:08d}.eml"
        partial = target.with_suffix(".part")
        partial.write_bytes(message.as_bytes())
        partial.replace(target)  # a reader never sees half a file


def mailer_for(settings: Settings, *, data_dir: Path | None = None) -> Mailer:
    """The SMTP server when ``RANTAI_MAIL_ENABLED``, else files under ``RANTAI_DATA_DIR/mail`` (or
    ``data_dir``: a worker's own)."""
    base_url = settings.base_url.rstrip("/")
    if settings.mail_enabled:
        return SmtpMailer(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.mail_from,
            base_url=base_url,
            user=settings.smtp_user,
            password=settings.smtp_password.get_secret_value(),
            starttls=settings.smtp_starttls,
        )
    return FileMailer((data_dir or settings.data_dir) / "mail", sender=settings.mail_from, base_url=base_url)


def message_of(email: OutboxEmail, *, sender: str, base_url: str) -> EmailMessage:
    """The email as sent: the body worded when it was queued, then the link on Rantai, if any."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = email.to_address
    message["Subject"] = email.subject
    message["Date"] = format_datetime(email.created_at)
    domain = sender.rpartition("@")[2].strip(">") or "rantai.local"
    message["Message-ID"] = make_msgid(idstring=f"outbox{email.id}", domain=domain)
    body = email.body
    if email.link:
        body = f"{body}\n\n{base_url}{email.link}"
    message.set_content(body)
    message["Content-Language"] = email.locale  # after set_content, which replaces the Content-* headers
    return message


@dataclass
class DeliveryReport:
    delivered: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.delivered) + len(self.retrying) + len(self.failed)


def _permanent(error: Exception) -> bool:
    """The server refused for good (5xx): trying again would only be refused again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _text in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600


def deliver_pending(
    session_factory: sessionmaker[Session],
    mailer: Mailer,
    *,
    max_attempts: int = 5,
    limit: int = 200,
    retry_after: tuple[dt.timedelta, ...] = RETRY_AFTER,
) -> DeliveryReport:
    """Deliver the queued emails that are due (at most ``limit``), each in transactions of its own, and
    say what became of them. Safe to run in several processes at once."""
    report = DeliveryReport()
    with transaction(session_factory) as session:
        due = [(email.id, email.attempts) for email in repository.due_emails(session, now(), limit)]
    for email_id, attempts in due:
        with transaction(session_factory, write=True) as session:
            if not repository.hold_email(session, email_id, attempts=attempts, until=now() + HOLD):
                continue  # another deliverer has it, or it changed since it was read
            email = session.get(OutboxEmail, email_id)
            if email is None:
                continue
            message = message_of(email, sender=mailer.sender, base_url=mailer.base_url)
        error: Exception | None = None
        try:
            mailer.send(message, email_id)
        except (OSError, smtplib.SMTPException) as exc:
            error = exc
        with transaction(session_factory, write=True) as session:
            email = session.get(OutboxEmail, email_id)
            if email is None:
                continue
            if error is None:
                email.status, email.sent_at, email.last_error = mailer.delivered.value, now(), None
                report.delivered.append(email_id)
                continue
            email.last_error = f"{type(error).__name__}: {error}"[:2000]
            if email.attempts >= max_attempts or _permanent(error):
                email.status = EmailStatus.FAILED.value
                report.failed.append(email_id)
                log.warning("email %s failed for good after %s attempts: %s", email_id, email.attempts, error)
            else:
                wait = (
                    retry_after[min(email.attempts, len(retry_after)) - 1] if retry_after else dt.timedelta()
                )
                email.next_attempt_at = now() + wait
                report.retrying.append(email_id)
                log.info(
                    "email %s not delivered (attempt %s), retried in %s: %s",
                    email_id,
                    email.attempts,
                    wait,
                    error,
                )
    return report
