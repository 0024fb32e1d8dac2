"""The seam for sending mail to account holders. Rantai has no mail server yet: the null backend logs
what would have been sent. A real backend implements ``Mailer`` and translates the message ids into
``Mail.locale`` (``rantai.i18n.translate``) before sending."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Mail:
    """One message to one address. ``subject`` and ``body`` are English message ids; ``params`` fill
    their placeholders."""

    to: str
    subject: str
    body: str
    locale: str = "id"
    params: Mapping[str, str] = field(default_factory=dict)


class Mailer(Protocol):
    def send(self, mail: Mail) -> None: ...


class NullMailer:
    """Sends nothing; logs the recipient and subject so a developer can see that a mail was due."""

    def send(self, mail: Mail) -> None:
        logger.info("mail not sent (no mail backend): to=%s subject=%r", mail.to, mail.subject)
