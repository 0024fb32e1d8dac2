"""Builders for notifications, and a real SMTP server for the delivery tests (aiosmtpd)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import Session

from rantai.notifications.models import Notification, OutboxEmail


def inbox_of(db: Session, user_id: int) -> list[Notification]:
    return list(
        db.scalars(select(Notification).where(Notification.user_id == user_id).order_by(Notification.id))
    )


def outbox_to(db: Session, address: str) -> list[OutboxEmail]:
    return list(
        db.scalars(select(OutboxEmail).where(OutboxEmail.to_address == address).order_by(OutboxEmail.id))
    )


@dataclass
class SmtpHandler:
    """Keeps every message it accepts; ``answer`` replaces the answer to DATA (a 4xx or 5xx refusal)."""

    received: list[Any] = field(default_factory=list)
    answer: str | None = None
    tried: int = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802, ARG002 - aiosmtpd's hook
        self.tried += 1
        if self.answer is not None:
            return self.answer
        self.received.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server() -> Iterator[tuple[SmtpHandler, int]]:
    """A local SMTP server on a free port, for one test."""
    handler = SmtpHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()
