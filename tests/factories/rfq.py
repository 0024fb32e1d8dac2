"""Builders for RFQs and quotes, reaching each state through the real services and the clock."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories.sourcing import make_buyer, make_need
from tests.factories.suppliers import make_supplier

from rantai.identity.models import Organization, User
from rantai.identity.policy import Actor
from rantai.jobs.models import Job
from rantai.kit import clock
from rantai.sourcing.models import Need
from rantai.sourcing.rfq import awards, quotes, service
from rantai.sourcing.rfq.models import Quote, Rfq
from rantai.sourcing.rfq.notices import OUTCOME_JOB
from rantai.sourcing.rfq.quotes import QuoteData, QuoteLineData
from rantai.sourcing.rfq.service import RfqData
from rantai.suppliers.models import SupplierProfile

DAY = dt.timedelta(days=1)
PAST_DEADLINE = dt.timedelta(days=3)  # travel this far to be past a builder's deadline


@dataclass
class Bidder:
    profile: SupplierProfile
    user: User
    actor: Actor


@dataclass
class RfqSetup:
    org: Organization
    user: User
    actor: Actor
    need: Need
    rfq: Rfq
    bidders: list[Bidder]


def make_bidders(db: Session, count: int, **overrides: object) -> list[Bidder]:
    return [Bidder(*make_supplier(db, status="verified", **overrides)) for _ in range(count)]


def make_rfq(
    db: Session,
    *,
    bidders: int = 3,
    sent: bool = True,
    lines: int = 1,
    deadline_in: dt.timedelta = 2 * DAY,
    **data: object,
) -> RfqSetup:
    """A buyer's RFQ from an open need, inviting ``bidders`` verified suppliers; sent unless told not."""
    org, user, actor = make_buyer(db)
    need = make_need(db, org, actor, status="open")
    invited = make_bidders(db, bidders)
    rfq_lines = service.lines_from_need(db, need)
    rfq_lines = (rfq_lines * lines)[:lines]
    values: dict[str, object] = {
        "title": "Pengadaan keripik singkong",
        "deadline": clock.now() + deadline_in,
        "lines": rfq_lines,
        "supplier_ids": [b.profile.id for b in invited],
    }
    values.update(data)
    rfq = service.create_rfq(db, actor=actor, need=need, data=RfqData(**values))  # type: ignore[arg-type]
    if sent:
        service.send(db, actor=actor, rfq=rfq)
    return RfqSetup(org, user, actor, need, rfq, invited)


def quote_on(
    db: Session,
    setup: RfqSetup,
    bidder: Bidder,
    *,
    unit_price: int = 10_000,
    quantity: int | None = None,
    lead_time_days: int = 14,
) -> Quote:
    """``bidder`` quotes every line of the RFQ at ``unit_price`` (the whole quantity unless given)."""
    lines = [
        QuoteLineData(line.id, unit_price, quantity or line.quantity, lead_time_days)
        for line in service.repository.lines_of(db, setup.rfq.id)
    ]
    valid = (clock.now() + 30 * DAY).date()
    return quotes.submit(
        db, actor=bidder.actor, rfq=setup.rfq, data=QuoteData(lines=lines, valid_until=valid)
    )


def pass_deadline(db: Session) -> int:
    """Run the scheduler's close, with the clock past the builders' deadlines."""
    with clock.travel(PAST_DEADLINE):
        return service.close_due(db)


def tell_outcomes(db: Session) -> int:
    """Run, in the test's session, the queued jobs that tell an award's winners and other bidders (the
    worker runs them after the award commits; a test's own session sends no job). Returns how many ran."""
    queued = db.scalars(
        select(Job).where(Job.kind == OUTCOME_JOB, Job.status == "queued").order_by(Job.id)
    ).all()
    for job in queued:
        awards.tell_outcome(db, int(job.payload["award_id"]))
        job.status = "done"
    db.flush()
    return len(queued)
