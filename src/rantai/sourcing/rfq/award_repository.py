"""The queries awards need besides ``rfq.repository``'s (kept apart while four people change that module
at once; they belong to the same repository layer and may be merged into it).

Lock order (issue #11, concurrent awards on PostgreSQL): a use case that approves an award, or gives its
quantities back, first locks the RFQ row (``lock_rfq``, ``FOR NO KEY UPDATE``) and only then touches the
RFQ's lines, so two approvals of one RFQ take turns (the second sees the first's closed lines and can
move the RFQ to awarded) and never deadlock. An award waiting for approval touches only its lines (in id
order) and takes no RFQ lock; ``NO KEY UPDATE`` does not conflict with the key-share lock its foreign key
takes on the RFQ row.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rantai.kit.pagination import Page, PageRequest
from rantai.sourcing.rfq.models import Award, Rfq, RfqLine
from rantai.sourcing.rfq.state import AwardStatus


def lock_rfq(session: Session, rfq_id: int) -> Rfq | None:
    """The RFQ row, locked until the transaction ends (PostgreSQL; SQLite has one writer anyway) and
    read again, so the object says what the row says now."""
    return session.scalars(
        select(Rfq)
        .where(Rfq.id == rfq_id)
        .with_for_update(key_share=True)
        .execution_options(populate_existing=True)
    ).first()


def pending_count(session: Session, rfq_id: int) -> int:
    """How many awards of the RFQ wait for an approver."""
    return (
        session.scalar(
            select(func.count())
            .select_from(Award)
            .where(Award.rfq_id == rfq_id, Award.status == AwardStatus.PENDING_APPROVAL.value)
        )
        or 0
    )


def pending_page(session: Session, organization_ids: Iterable[int], page: PageRequest) -> Page[Award]:
    """The awards waiting for approval in ``organization_ids`` (the approver's queue), oldest first."""
    ids = sorted(set(organization_ids))
    if not ids:
        return Page(items=[], total=0, page=page.page, per_page=page.per_page)
    query = select(Award).where(
        Award.organization_id.in_(ids), Award.status == AwardStatus.PENDING_APPROVAL.value
    )
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(
        query.order_by(Award.decided_at, Award.id).offset(page.offset).limit(page.per_page)
    ).all()
    return Page(items=rows, total=total, page=page.page, per_page=page.per_page)


def refresh_lines(session: Session, rfq_id: int) -> None:
    """Forget what the session holds of the RFQ's lines: the guarded UPDATEs change them behind the ORM's
    back (``synchronize_session=False``), so the next read must go to the database."""
    for row in list(session.identity_map.values()):
        if isinstance(row, RfqLine) and row.rfq_id == rfq_id:
            session.expire(row)
