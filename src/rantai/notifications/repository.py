"""Every notifications query lives here. Each inbox query is narrowed to one user by its WHERE clause, so
no door can list or change another user's notices."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select, update
from sqlalchemy.orm import Session

from rantai.kit.pagination import Page, PageRequest
from rantai.notifications.models import EmailStatus, Notification, NotificationPreference, OutboxEmail


def unread_count(session: Session, user_id: int) -> int:
    """One indexed count, for the page header (``ix_notification_user_read``)."""
    statement = select(func.count()).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    return int(session.scalar(statement) or 0)


def inbox(
    session: Session,
    user_id: int,
    request: PageRequest,
    *,
    unread_first: bool = True,
    organization_id: int | None = None,
) -> Page[Notification]:
    """A page of one user's notices, unread first (then newest first) or newest first. With
    ``organization_id`` (an API token's organization) only the notices about it or about no organization."""
    where = [Notification.user_id == user_id]
    if organization_id is not None:
        where.append(
            or_(Notification.organization_id.is_(None), Notification.organization_id == organization_id)
        )
    total = int(session.scalar(select(func.count()).where(*where)) or 0)
    order: list[ColumnElement[Any]] = [Notification.created_at.desc(), Notification.id.desc()]
    if unread_first:
        order.insert(0, Notification.read_at.is_(None).desc())
    items = session.scalars(
        select(Notification).where(*where).order_by(*order).offset(request.offset).limit(request.per_page)
    ).all()
    return Page(items=items, total=total, page=request.page, per_page=request.per_page)


def notification_of(
    session: Session, user_id: int, notification_id: int, *, organization_id: int | None = None
) -> Notification | None:
    """The notice when it is this user's (and, for a token, about its organization or none); else None."""
    statement = select(Notification).where(
        Notification.id == notification_id, Notification.user_id == user_id
    )
    if organization_id is not None:
        statement = statement.where(
            or_(Notification.organization_id.is_(None), Notification.organization_id == organization_id)
        )
    return session.scalars(statement).one_or_none()


def mark_all_read(
    session: Session, user_id: int, moment: dt.datetime, *, organization_id: int | None = None
) -> int:
    statement = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if organization_id is not None:
        statement = statement.where(
            or_(Notification.organization_id.is_(None), Notification.organization_id == organization_id)
        )
    result = session.execute(statement.values(read_at=moment).execution_options(synchronize_session=False))
    return int(getattr(result, "rowcount", 0) or 0)


def preferences_of(
    session: Session, user_ids: Collection[int], kind: str | None = None
) -> Sequence[NotificationPreference]:
    if not user_ids:
        return []
    statement = select(NotificationPreference).where(NotificationPreference.user_id.in_(sorted(user_ids)))
    if kind is not None:
        statement = statement.where(NotificationPreference.kind == kind)
    return session.scalars(statement).all()


def outbox_page(session: Session, request: PageRequest, *, status: str | None = None) -> Page[OutboxEmail]:
    where = [OutboxEmail.status == status] if status else []
    total = int(session.scalar(select(func.count()).select_from(OutboxEmail).where(*where)) or 0)
    items = session.scalars(
        select(OutboxEmail)
        .where(*where)
        .order_by(OutboxEmail.id.desc())
        .offset(request.offset)
        .limit(request.per_page)
    ).all()
    return Page(items=items, total=total, page=request.page, per_page=request.per_page)


def due_emails(session: Session, moment: dt.datetime, limit: int) -> Sequence[OutboxEmail]:
    """Queued emails whose time has come, oldest first."""
    return session.scalars(
        select(OutboxEmail)
        .where(OutboxEmail.status == EmailStatus.QUEUED.value, OutboxEmail.next_attempt_at <= moment)
        .order_by(OutboxEmail.next_attempt_at, OutboxEmail.id)
        .limit(limit)
    ).all()


def hold_email(session: Session, email_id: int, *, attempts: int, until: dt.datetime) -> bool:
    """Take a queued email for one attempt: a compare-and-set on its attempt count, so of two deliverers
    only one holds it. Until ``until`` nobody else tries it; a deliverer that dies lets it come back."""
    result = session.execute(
        update(OutboxEmail)
        .where(
            OutboxEmail.id == email_id,
            OutboxEmail.status == EmailStatus.QUEUED.value,
            OutboxEmail.attempts == attempts,
        )
        .values(attempts=attempts + 1, next_attempt_at=until)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1
