"""Mail to an address, from identity's use cases: the answers to a registration, and later password
reset links and invitations (issue #13).

A ``Mailer`` takes one ``Mail``; the application's is ``OutboxMailer``, which queues it in the
notifications email outbox inside the caller's transaction (so a mail exists exactly when the change it
tells about was kept), worded in ``Mail.locale``. Delivery is the outbox's business: off by default
(written under ``RANTAI_DATA_DIR/mail`` for the operator), through SMTP when configured. Notices a user
chooses to receive (a password change, say) go through ``rantai.notifications.service.notify`` instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from sqlalchemy.orm import Session

from rantai.notifications.service import Recipient, queue_email


@dataclass(frozen=True, slots=True)
class Mail:
    """One message to one address. ``subject`` and ``body`` are English message ids; ``params`` fill
    their placeholders."""

    to: str
    subject: str
    body: str
    locale: str = "id"
    params: Mapping[str, str] = field(default_factory=dict)
    link: str | None = None  # a path on Rantai, put after the body with the base URL when sent


class Mailer(Protocol):
    def send(self, mail: Mail) -> None: ...


class OutboxMailer:
    """Queues each mail in the email outbox of ``session``'s transaction."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def send(self, mail: Mail) -> None:
        recipient = Recipient(user_id=None, email=mail.to, locale=mail.locale)
        queue_email(
            self.session, recipient, subject=mail.subject, body=mail.body, params=mail.params, link=mail.link
        )
