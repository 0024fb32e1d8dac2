"""Who a published RFQ reaches: every verified supplier the matcher finds eligible for one of its lines
(its hard rules passed: certificates, capacity, reservation, region), up to ``PER_LINE`` per line, best
first. Run by the worker (``tasks.publish``), since matching a long RFQ takes longer than a request."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from rantai.sourcing import repository as need_repository
from rantai.sourcing import shortlists
from rantai.sourcing.rfq import repository, service
from rantai.sourcing.rfq.state import RfqStatus

PER_LINE = 50


def eligible_supplier_ids(session: Session, data_dir: Path, rfq_id: int) -> list[int]:
    """The eligible suppliers of the RFQ's lines that come from a need line, best first, each once."""
    engine = shortlists.shortlister(session, data_dir, newcomer_slots=0)
    found: dict[int, None] = {}
    for line in repository.lines_of(session, rfq_id):
        if line.need_line_id is None:
            continue
        need_line = need_repository.line(session, line.need_line_id)
        if need_line is None:
            continue
        certifications = tuple(
            need_repository.certifications_of(session, [need_line.id]).get(need_line.id, [])
        )
        result = engine.shortlist(
            shortlists.need_line(session, need_line, certifications=certifications),
            top=PER_LINE,
            include_unverified=False,
        )
        for entry in result.entries:
            found.setdefault(int(entry.supplier.id), None)
    return list(found)


def publish(session: Session, data_dir: Path, rfq_id: int) -> int:
    """Invite every eligible supplier of a published, open RFQ; returns how many were new (0 when it is no
    longer open: a cancelled RFQ reaches nobody more)."""
    rfq = repository.rfq(session, rfq_id)
    if rfq is None or not rfq.published or RfqStatus(rfq.status) is not RfqStatus.OPEN:
        return 0
    return service.add_eligible(session, rfq, eligible_supplier_ids(session, data_dir, rfq_id))
