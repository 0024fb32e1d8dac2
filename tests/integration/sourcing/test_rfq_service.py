"""RFQs and quotes on a real database: making, sending, invitations, amendments, questions, the seal,
the scheduler's close, and bad input that writes nothing."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.notifications import inbox_of
from tests.factories.rfq import DAY, PAST_DEADLINE, make_bidders, make_rfq, quote_on
from tests.factories.sourcing import make_buyer

from rantai.audit.models import AuditEvent, AuditParty
from rantai.kit import clock
from rantai.kit.pagination import PageRequest
from rantai.sourcing.rfq import quotes, repository, service
from rantai.sourcing.rfq.errors import (
    MSG_LINE_HPS,
    QuoteConflict,
    QuoteInvalid,
    QuoteSealed,
    RfqConflict,
    RfqForbidden,
    RfqInvalid,
    RfqNotFound,
)
from rantai.sourcing.rfq.models import Quote, QuoteLine, Rfq
from rantai.sourcing.rfq.quotes import QuoteData, QuoteLineData
from rantai.sourcing.rfq.service import AmendmentData, RfqData
from rantai.sourcing.rfq.state import RfqStatus

PAGE = PageRequest(1, 25)


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def _rfq_notices(db: Session, user_id: int) -> list[str]:
    """The RFQ notices in a user's inbox (a supplier made verified is also told of its verification)."""
    return [n.kind for n in inbox_of(db, user_id) if n.kind.startswith("rfq.")]


def test_a_sent_rfq_reaches_its_invitees_and_nobody_else(db: Session) -> None:
    setup = make_rfq(db, bidders=2)
    assert setup.rfq.status == RfqStatus.OPEN
    assert setup.rfq.number.startswith("RFQ/")
    for bidder in setup.bidders:
        assert service.get_rfq(db, actor=bidder.actor, rfq_id=setup.rfq.id).id == setup.rfq.id
        assert _rfq_notices(db, bidder.user.id) == ["rfq.invited"]
        page = service.supplier_rfqs_page(db, actor=bidder.actor, page=PAGE)
        assert [r.id for r in page.items] == [setup.rfq.id]
    (stranger,) = make_bidders(db, 1)
    with pytest.raises(RfqNotFound):
        service.get_rfq(db, actor=stranger.actor, rfq_id=setup.rfq.id)
    assert service.supplier_rfqs_page(db, actor=stranger.actor, page=PAGE).total == 0
    _, _, other_buyer = make_buyer(db)
    with pytest.raises(RfqNotFound):
        service.get_rfq(db, actor=other_buyer, rfq_id=setup.rfq.id)


def test_a_draft_is_the_buyers_alone(db: Session) -> None:
    setup = make_rfq(db, bidders=1, sent=False)
    with pytest.raises(RfqNotFound):
        service.get_rfq(db, actor=setup.bidders[0].actor, rfq_id=setup.rfq.id)
    assert _rfq_notices(db, setup.bidders[0].user.id) == []  # (its verification was told, not the RFQ)


def test_bad_rfq_input_writes_nothing(db: Session) -> None:
    org, _, actor = make_buyer(db)
    setup = make_rfq(db, bidders=1, sent=False)
    before = count(db, Rfq)
    lines = service.lines_from_need(db, setup.need)
    soon = clock.now() + dt.timedelta(minutes=2)
    cases = [
        (RfqData(title=" ", deadline=clock.now() + DAY, lines=lines, published=True), "title"),
        (RfqData(title="x", deadline=soon, lines=lines, published=True), "deadline"),
        (RfqData(title="x", deadline=clock.now() + DAY, lines=[], published=True), "lines"),
        (
            RfqData(title="x", deadline=clock.now() + DAY, lines=lines, published=True, currency="USD"),
            "idr_rate",
        ),
        (
            RfqData(title="x", deadline=clock.now() + DAY, lines=lines, published=True, incoterm="FOB"),
            "incoterm_place",
        ),
        (
            RfqData(
                title="x",
                deadline=clock.now() + DAY,
                lines=lines,
                published=True,
                incoterm="XYZ",
                incoterm_place="Priok",
            ),
            "incoterm",
        ),
    ]
    for data, field in cases:
        with pytest.raises(RfqInvalid) as caught:
            service.create_rfq(db, actor=setup.actor, need=setup.need, data=data)
        assert caught.value.field == field
    assert count(db, Rfq) == before
    # A wrong HPS is named as the HPS, not as the quantity.
    bad_hps = [dataclasses.replace(lines[0], hps=-1)]
    with pytest.raises(RfqInvalid) as caught:
        service.create_rfq(
            db,
            actor=setup.actor,
            need=setup.need,
            data=RfqData("x", clock.now() + DAY, bad_hps, published=True),
        )
    assert (caught.value.field, caught.value.message) == ("lines-1-hps", MSG_LINE_HPS)
    assert count(db, Rfq) == before
    # Another buyer cannot make an RFQ from this need.
    with pytest.raises(RfqForbidden):
        service.create_rfq(
            db, actor=actor, need=setup.need, data=RfqData("x", clock.now() + DAY, lines, published=True)
        )
    assert org.id != setup.org.id


def test_sending_without_suppliers_is_refused(db: Session) -> None:
    setup = make_rfq(db, bidders=0, sent=False)
    with pytest.raises(RfqInvalid):
        service.send(db, actor=setup.actor, rfq=setup.rfq)
    assert setup.rfq.status == RfqStatus.DRAFT


def test_quotes_stay_sealed_until_the_scheduler_passes_the_deadline(db: Session) -> None:
    setup = make_rfq(db, bidders=3)
    quote_on(db, setup, setup.bidders[0], unit_price=12_000)
    quote_on(db, setup, setup.bidders[1], unit_price=11_000)
    assert quotes.quote_count(db, actor=setup.actor, rfq=setup.rfq) == 2
    with pytest.raises(QuoteSealed):
        quotes.opened_quotes(db, actor=setup.actor, rfq=setup.rfq)
    # The repository's own queries hold the seal, whatever a caller does.
    assert repository.unsealed_quotes(db, setup.rfq.id, clock.now() + PAST_DEADLINE) == []
    assert repository.unsealed_quote_lines(db, setup.rfq.id, clock.now() + PAST_DEADLINE) == {}
    # No buyer's audit entry or notice carries a price.
    buyer_entries = db.scalars(
        select(AuditEvent)
        .join(AuditParty, AuditParty.event_id == AuditEvent.id)
        .where(AuditParty.organization_id == setup.org.id)
    ).all()
    assert all(not e.action.startswith("quote.") for e in buyer_entries)
    assert "12000" not in str([(e.details, e.after) for e in buyer_entries])
    # The deadline passing alone unseals nothing: the scheduler moves the RFQ.
    with clock.travel(PAST_DEADLINE):
        with pytest.raises(QuoteSealed):
            quotes.opened_quotes(db, actor=setup.actor, rfq=setup.rfq)
        assert service.close_due(db) >= 1
        assert setup.rfq.status == RfqStatus.EVALUATION
        opened = quotes.opened_quotes(db, actor=setup.actor, rfq=setup.rfq)
    assert sorted(lines[0].unit_price for lines in opened.lines.values()) == [11_000, 12_000]
    assert _rfq_notices(db, setup.user.id) == ["rfq.quotes_open"]


def test_a_supplier_never_sees_another_suppliers_quote(db: Session) -> None:
    setup = make_rfq(db, bidders=2)
    quote_on(db, setup, setup.bidders[0], unit_price=12_000)
    assert quotes.own_quote(db, actor=setup.bidders[1].actor, rfq=setup.rfq) is None
    with clock.travel(PAST_DEADLINE):
        service.close_due(db)
        with pytest.raises(RfqNotFound):
            quotes.opened_quotes(db, actor=setup.bidders[1].actor, rfq=setup.rfq)


def test_revisions_are_kept_and_a_withdrawn_quote_can_be_given_again(db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    bidder = setup.bidders[0]
    quote = quote_on(db, setup, bidder, unit_price=12_000)
    quote_on(db, setup, bidder, unit_price=11_500)
    assert quote.revision == 2
    assert count(db, QuoteLine) == 2
    revisions = quotes.own_revisions(db, actor=bidder.actor, rfq=setup.rfq)
    assert [lines[0].unit_price for _, lines in revisions] == [11_500, 12_000]
    quotes.withdraw(db, actor=bidder.actor, rfq=setup.rfq)
    assert quotes.quote_count(db, actor=setup.actor, rfq=setup.rfq) == 0
    quote_on(db, setup, bidder, unit_price=11_000)
    assert quote.status == "submitted" and quote.revision == 3


def test_bad_quotes_write_nothing(db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    bidder = setup.bidders[0]
    line = repository.lines_of(db, setup.rfq.id)[0]
    valid = (clock.now() + 30 * DAY).date()
    bad = [
        QuoteData([QuoteLineData(line.id, -1, 10, 5)], valid),
        QuoteData([QuoteLineData(line.id, 1000, line.quantity + 1, 5)], valid),
        QuoteData([QuoteLineData(line.id, 1000, 0, 5)], valid),
        QuoteData([QuoteLineData(line.id, 1000, 10, -2)], valid),
        QuoteData([QuoteLineData(line.id + 999, 1000, 10, 5)], valid),
        QuoteData([], valid),
        QuoteData([QuoteLineData(line.id, 1000, 10, 5)], clock.today()),
    ]
    for data in bad:
        with pytest.raises(QuoteInvalid):
            quotes.submit(db, actor=bidder.actor, rfq=setup.rfq, data=data)
    assert count(db, Quote) == 0 and count(db, QuoteLine) == 0


def test_a_quote_after_the_deadline_is_refused_even_before_the_scheduler_runs(db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    with clock.travel(PAST_DEADLINE), pytest.raises(QuoteInvalid):
        quote_on(db, setup, setup.bidders[0])
    assert count(db, Quote) == 0


def test_an_amendment_marks_earlier_quotes_to_confirm_and_tells_invitees(db: Session) -> None:
    setup = make_rfq(db, bidders=2)
    quote_on(db, setup, setup.bidders[0])
    line = repository.lines_of(db, setup.rfq.id)[0]
    later = setup.rfq.deadline + DAY
    amendment = service.amend(
        db,
        actor=setup.actor,
        rfq=setup.rfq,
        data=AmendmentData(
            reason="Jumlah ditambah", deadline=later, quantities={line.id: line.quantity + 100}
        ),
    )
    assert amendment.revision == 2 and setup.rfq.revision == 2
    assert setup.rfq.deadline == later
    own = quotes.own_quote(db, actor=setup.bidders[0].actor, rfq=setup.rfq)
    assert own is not None and own.to_confirm
    assert "rfq.amended" in [n.kind for n in inbox_of(db, setup.bidders[1].user.id)]
    quote_on(db, setup, setup.bidders[0])
    own = quotes.own_quote(db, actor=setup.bidders[0].actor, rfq=setup.rfq)
    assert own is not None and not own.to_confirm
    with pytest.raises(RfqInvalid):  # a deadline may be extended, not brought forward
        service.amend(
            db,
            actor=setup.actor,
            rfq=setup.rfq,
            data=AmendmentData(reason="x", deadline=setup.rfq.deadline - dt.timedelta(hours=1)),
        )


def test_an_amendment_from_a_stale_page_is_refused(db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    seen = setup.rfq.version
    service.amend(db, actor=setup.actor, rfq=setup.rfq, data=AmendmentData(reason="Spesifikasi diperjelas"))
    with pytest.raises(RfqConflict):
        service.amend(
            db, actor=setup.actor, rfq=setup.rfq, data=AmendmentData(reason="lagi"), expected_version=seen
        )
    assert setup.rfq.revision == 2


def test_questions_are_answered_to_all_without_naming_the_asker(db: Session) -> None:
    setup = make_rfq(db, bidders=2)
    asker, other = setup.bidders
    question = service.ask(
        db, actor=asker.actor, rfq=setup.rfq, question="Apakah kemasan harus berlabel halal?"
    )
    assert "rfq.question" in [n.kind for n in inbox_of(db, setup.user.id)]
    service.answer(db, actor=setup.actor, rfq=setup.rfq, question_id=question.id, text="Ya, wajib.")
    for who in (asker, other):
        shown = service.questions(db, actor=who.actor, rfq=setup.rfq)
        assert [(q.question, q.answer) for q in shown] == [
            ("Apakah kemasan harus berlabel halal?", "Ya, wajib.")
        ]
        assert not hasattr(shown[0], "asked_by_organization_id")
    assert "rfq.answered" in [n.kind for n in inbox_of(db, other.user.id)]
    with pytest.raises(RfqForbidden):
        service.answer(db, actor=asker.actor, rfq=setup.rfq, question_id=question.id, text="x")


def test_cancelling_needs_a_reason_and_keeps_quotes_sealed(db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    quote_on(db, setup, setup.bidders[0])
    with pytest.raises(RfqInvalid):
        service.cancel(db, actor=setup.actor, rfq=setup.rfq, reason=" ")
    service.cancel(db, actor=setup.actor, rfq=setup.rfq, reason="Anggaran dialihkan")
    assert setup.rfq.status == RfqStatus.CANCELLED
    assert "rfq.cancelled" in [n.kind for n in inbox_of(db, setup.bidders[0].user.id)]
    with clock.travel(PAST_DEADLINE):
        assert service.close_due(db) == 0
        with pytest.raises(QuoteSealed):
            quotes.opened_quotes(db, actor=setup.actor, rfq=setup.rfq)


def test_the_rfq_lifecycle_is_audited_with_before_and_after(db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    entries = db.scalars(
        select(AuditEvent)
        .where(AuditEvent.target_type == "rfq", AuditEvent.target_id == str(setup.rfq.id))
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in entries] == ["rfq.created", "rfq.send"]
    assert entries[1].before == {"status": "draft"} and entries[1].after == {"status": "open"}


def test_a_first_quote_twice_at_once_conflicts(db: Session) -> None:
    # The unique (rfq, supplier) row stops two windows from both making a "first" quote.
    setup = make_rfq(db, bidders=1)
    quote_on(db, setup, setup.bidders[0])
    quote = db.scalars(select(Quote)).one()
    with pytest.raises(QuoteConflict):
        quotes.submit(
            db,
            actor=setup.bidders[0].actor,
            rfq=setup.rfq,
            data=QuoteData(
                [QuoteLineData(repository.lines_of(db, setup.rfq.id)[0].id, 1, 1, 1)],
                (clock.now() + 30 * DAY).date(),
            ),
            expected_version=quote.version - 1,
        )
