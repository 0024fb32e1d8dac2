"""Writing to the append-only audit log. Every change to accounts goes through ``record``."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from rantai.identity.models import AuditEvent
from rantai.kit.context import current_request_id


def record(
    session: Session,
    *,
    action: str,
    target_type: str,
    target_id: int | str | None,
    actor_user_id: int | None,
    organization_id: int | None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    event = AuditEvent(
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        actor_user_id=actor_user_id,
        organization_id=organization_id,
        details=details or {},
        request_id=current_request_id.get(),
    )
    session.add(event)
    session.flush()
    return event
