"""Two officers awarding the same line at the same moment never over-award it (issue #11: "also when two
officers award at the same moment (prove it on PostgreSQL with real concurrent transactions)").

Each round, two threads, each with its own session and connection on a database whose commits stay
(``committed_url``), read the RFQ and its quotes, wait for each other at a barrier, then award the same
line in amounts that together exceed it. Exactly one wins; the other gets AwardConflict and leaves
nothing behind. Rounds alternate between awards approved at once (the RFQ row is locked first) and awards
waiting for approval (only the guarded UPDATE on the line stands between them), and one round asks for
amounts that both fit, to show the guard refuses only what does not.

On SQLite, a writing transaction takes the one write lock when it begins, so the threads meet at the
barrier before beginning and then write one after the other; the same assertions hold.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sqlalchemy import Engine, func, select, update
from sqlalchemy.orm import Session
from tests.factories.rfq import PAST_DEADLINE, make_rfq, quote_on

from rantai.db import WRITE, make_engine, make_session_factory, transaction
from rantai.identity.policy import Actor
from rantai.kit import clock
from rantai.kit.errors import UserError
from rantai.sourcing.rfq import awards, repository, service
from rantai.sourcing.rfq.awards import AwardPart
from rantai.sourcing.rfq.models import Award, AwardLine, Rfq, RfqLine
from rantai.sourcing.rfq.state import AwardStatus, RfqStatus

# (first officer's quantity, second officer's quantity, approved at once?) per round; each line is 5000.
ROUNDS = [
    (5000, 5000, True),
    (3000, 3000, False),
    (4000, 1001, True),
    (2500, 2501, False),
    (5000, 1, True),
    (1, 5000, False),
]
BOTH_FIT = (2000, 2000)


@dataclass
class Committed:
    rfq_id: int
    line_ids: list[int]
    supplier_ids: list[int]
    actor: Actor


def _committed_rfq(engine: Engine) -> Committed:
    """An RFQ with a line per round (one more, never awarded, so the RFQ stays in evaluation), quoted in
    full by two suppliers, past its deadline: committed."""
    factory = make_session_factory(engine)
    with transaction(factory, write=True) as session:
        setup = make_rfq(session, bidders=2, lines=len(ROUNDS) + 2)
        for bidder in setup.bidders:
            quote_on(session, setup, bidder, unit_price=10_000)
        committed = Committed(
            setup.rfq.id,
            [line.id for line in repository.lines_of(session, setup.rfq.id)],
            [b.profile.id for b in setup.bidders],
            setup.actor,
        )
    with clock.travel(PAST_DEADLINE), transaction(factory, write=True) as session:
        assert service.close_due(session) >= 1
    return committed


def _threshold(engine: Engine, rfq_id: int, *, at_once: bool) -> None:
    with transaction(make_session_factory(engine), write=True) as session:
        session.execute(update(Rfq).where(Rfq.id == rfq_id).values(approval_above=10**13 if at_once else 0))


def _race(engine: Engine, data: Committed, line_id: int, quantities: tuple[int, int]) -> list[str]:
    """Each officer in its own thread, session and connection; both read, meet, then award."""
    factory = make_session_factory(engine)
    sqlite = engine.dialect.name == "sqlite"
    met = threading.Barrier(2)

    def attempt(index: int) -> str:
        session: Session = factory()
        try:
            if sqlite:
                met.wait(timeout=30)
                session.connection(execution_options={WRITE: True})
            rfq = session.get(Rfq, data.rfq_id)
            assert rfq is not None
            repository.lines_of(session, data.rfq_id)  # the award page read the lines...
            if not sqlite:
                met.wait(timeout=30)  # ...and both pages are read before either award is sent
            part = AwardPart(line_id, data.supplier_ids[index], quantities[index])
            try:
                award = awards.make_award(session, actor=data.actor, rfq=rfq, parts=[part])
                session.commit()
            except UserError as exc:
                session.rollback()
                return type(exc).__name__
            return award.status
        finally:
            session.close()

    with clock.travel(PAST_DEADLINE), ThreadPoolExecutor(2) as pool:
        return list(pool.map(attempt, [0, 1]))


def _awarded(session: Session, line_id: int) -> int:
    """What the awards that stand (approved or waiting) give of a line."""
    return (
        session.scalar(
            select(func.coalesce(func.sum(AwardLine.quantity), 0))
            .join(Award, Award.id == AwardLine.award_id)
            .where(
                AwardLine.rfq_line_id == line_id,
                Award.status.in_([AwardStatus.APPROVED.value, AwardStatus.PENDING_APPROVAL.value]),
            )
        )
        or 0
    )


def test_two_officers_awarding_the_same_line_at_once_never_over_award(committed_url: str) -> None:
    engine = make_engine(committed_url)
    try:
        data = _committed_rfq(engine)
        for round_no, (first, second, at_once) in enumerate(ROUNDS):
            _threshold(engine, data.rfq_id, at_once=at_once)
            outcomes = _race(engine, data, data.line_ids[round_no], (first, second))
            expected = AwardStatus.APPROVED.value if at_once else AwardStatus.PENDING_APPROVAL.value
            assert sorted(outcomes) == sorted(["AwardConflict", expected]), (round_no, outcomes)
        both = _race(engine, data, data.line_ids[len(ROUNDS)], BOTH_FIT)
        assert both == [AwardStatus.PENDING_APPROVAL.value] * 2
        with make_session_factory(engine)() as check:
            for line_id in data.line_ids:
                line = check.get(RfqLine, line_id)
                assert line is not None
                given = _awarded(check, line_id)
                assert given <= line.quantity
                assert given == line.awarded_quantity
            for round_no, (first, second, _at_once) in enumerate(ROUNDS):
                assert _awarded(check, data.line_ids[round_no]) in (first, second)
            assert _awarded(check, data.line_ids[len(ROUNDS)]) == sum(BOTH_FIT)
            awards_made = check.scalar(
                select(func.count()).select_from(Award).where(Award.rfq_id == data.rfq_id)
            )
            assert awards_made == len(ROUNDS) + 2  # the losers left no award behind
            rfq = check.get(Rfq, data.rfq_id)
            assert rfq is not None and rfq.status == RfqStatus.EVALUATION  # the last line is never awarded
    finally:
        engine.dispose()
