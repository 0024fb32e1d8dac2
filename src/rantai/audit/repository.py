"""Reading the audit log: an organization's log is every entry it is a party to."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rantai.audit.models import AuditEvent, AuditParty
from rantai.kit.pagination import Page, PageRequest


def page_of(session: Session, organization_id: int | None, page: PageRequest) -> Page[AuditEvent]:
    """Newest entries first: those ``organization_id`` is a party to, or (None) the whole platform's."""
    base = select(AuditEvent)
    count = select(func.count()).select_from(AuditEvent)
    if organization_id is not None:
        base = base.join(AuditParty, AuditParty.event_id == AuditEvent.id).where(
            AuditParty.organization_id == organization_id
        )
        count = (
            select(func.count()).select_from(AuditParty).where(AuditParty.organization_id == organization_id)
        )
    items = session.scalars(
        base.order_by(AuditEvent.id.desc()).offset(page.offset).limit(page.per_page)
    ).all()
    return Page(items=items, total=session.scalar(count) or 0, page=page.page, per_page=page.per_page)


def parties_of_events(session: Session, event_ids: list[int]) -> dict[int, list[int]]:
    """The parties of each entry, in the order they were named."""
    found: dict[int, list[int]] = {event_id: [] for event_id in event_ids}
    if not event_ids:
        return found
    rows = session.execute(
        select(AuditParty.event_id, AuditParty.organization_id).where(AuditParty.event_id.in_(event_ids))
    )
    for event_id, organization_id in rows:
        found[event_id].append(organization_id)
    return found
