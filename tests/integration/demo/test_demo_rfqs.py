"""Demo RFQs: the demo buyer holds one in every state (open, past the deadline, awarded, cancelled),
reached through the real services, and the demo UMKM login has an open invitation to quote on."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from rantai.demo.procurement import load_demo_procurement, load_demo_supplier_login
from rantai.demo.registry import load_demo_registry
from rantai.demo.rfqs import ANSWER, CANCEL_REASON, load_demo_rfqs
from rantai.demo.seed import load_demo_identity
from rantai.identity import repository as identity_repo
from rantai.identity import service as identity
from rantai.identity.policy import Actor
from rantai.kit.clock import now
from rantai.kit.pagination import PageRequest
from rantai.sourcing.rfq import awards, comparison, quotes, service
from rantai.sourcing.rfq import repository as rfq_repository
from rantai.sourcing.rfq.models import Quote, Rfq

TODAY = dt.date(2026, 12, 1)


def _actor(db: Session, email: str) -> Actor:
    user = identity_repo.user_by_email(db, email)
    assert user is not None
    return identity.actor_for(db, user)


def _loaded(db: Session) -> None:
    load_demo_identity(db)
    load_demo_registry(db, suppliers=150, seed=3)
    load_demo_procurement(db, today=TODAY, needs_per_buyer=12)
    load_demo_supplier_login(db, today=TODAY)


def test_the_demo_buyer_has_an_rfq_in_every_state_once(db: Session) -> None:
    _loaded(db)
    report = load_demo_rfqs(db)
    counts = (len(report.open), len(report.past_deadline), len(report.awarded), len(report.cancelled))
    assert counts == (1, 1, 1, 1)
    buyer = _actor(db, "pembeli@demo.rantai.id")
    moment = now()

    open_rfq = service.get_rfq(db, actor=buyer, rfq_id=report.open[0])
    assert open_rfq.status == "open"
    assert moment + dt.timedelta(days=3) < open_rfq.deadline
    assert quotes.quote_count(db, actor=buyer, rfq=open_rfq) == 2
    assert quotes.is_sealed(open_rfq)
    assert [q.answer for q in service.questions(db, actor=buyer, rfq=open_rfq)] == [ANSWER]
    assert open_rfq.revision == 2
    given = db.scalars(select(Quote).where(Quote.rfq_id == open_rfq.id)).all()
    assert sorted(quotes.is_to_confirm(q, open_rfq) for q in given) == [False, True]

    past = service.get_rfq(db, actor=buyer, rfq_id=report.past_deadline[0])
    assert past.status == "evaluation"
    assert past.deadline < moment and past.closed_at is not None and past.closed_at < moment
    opened = quotes.opened_quotes(db, actor=buyer, rfq=past)  # unsealed in real time, not only in travel
    assert 3 <= len(opened.quotes) <= 4
    compared = comparison.compare(db, actor=buyer, rfq=past)
    assert len(compared.suppliers) == len(opened.quotes)
    assert all(cell.unit_price > 0 for line in compared.lines for cell in line.cells)

    won = service.get_rfq(db, actor=buyer, rfq_id=report.awarded[0])
    assert won.status == "awarded" and won.awarded_at is not None and won.awarded_at < moment
    assert won.deadline < moment
    (shown,) = awards.awards_shown(db, actor=buyer, rfq=won)
    approver = identity_repo.user_by_email(db, "approver@demo.rantai.id")
    assert approver is not None and shown.award.approved_by_user_id == approver.id
    assert shown.award.status == "approved" and shown.award.approved_at is not None
    assert len({line.supplier_id for line in shown.lines}) == 2  # split between two suppliers
    for line in rfq_repository.lines_of(db, won.id):
        assert (line.awarded_quantity, line.status) == (line.quantity, "closed")

    gone = service.get_rfq(db, actor=buyer, rfq_id=report.cancelled[0])
    assert (gone.status, gone.cancel_reason) == ("cancelled", CANCEL_REASON)

    # Issue #13: the demo approver has an award to decide, above the buyer's threshold.
    (waiting_id,) = report.waiting_approval
    approver_actor = _actor(db, "approver@demo.rantai.id")
    waiting = awards.approvals_page(db, actor=approver_actor, page=PageRequest(1, 10)).items
    assert [award.rfq_id for award in waiting] == [waiting_id]
    assert waiting[0].total_idr > service.buyer_settings(db, waiting[0].organization_id).approval_above

    again = load_demo_rfqs(db)
    assert (again.open, again.past_deadline, again.awarded, again.cancelled) == ([], [], [], [])
    assert len(db.scalars(select(Rfq).where(Rfq.organization_id == open_rfq.organization_id)).all()) == 5


def test_the_umkm_login_is_invited_to_quote_and_sees_its_quote_on_the_closed_rfq(db: Session) -> None:
    _loaded(db)
    report = load_demo_rfqs(db)
    umkm = _actor(db, "umkm@demo.rantai.id")
    page = service.supplier_rfqs_page(db, actor=umkm, page=PageRequest(), status="open")
    assert [rfq.id for rfq in page.items] == report.open
    invitation = page.items[0]
    assert quotes.own_quote(db, actor=umkm, rfq=invitation) is None  # its quote is still to give
    assert quotes.is_open_for_quotes(invitation)
    assert service.questions(db, actor=umkm, rfq=invitation)[0].answer == ANSWER

    past = service.get_rfq(db, actor=umkm, rfq_id=report.past_deadline[0])
    own = quotes.own_quote(db, actor=umkm, rfq=past)
    assert own is not None and own.quote.status == "submitted"
    outcome = awards.outcome_for_supplier(
        db, actor=umkm, rfq=service.get_rfq(db, actor=umkm, rfq_id=report.awarded[0])
    )
    assert outcome is not None and len(outcome.won) == 1 and outcome.lost == []
    cancelled = service.get_rfq(db, actor=umkm, rfq_id=report.cancelled[0])
    assert cancelled.cancel_reason == CANCEL_REASON
