"""Awards (issue #11 item 4 and the reservation rules): whole and split awards, never over the line's
quantity, the UMKM reservation with its exception, approval with separation of duties, rejection, the RFQ
moving to awarded, and what winners and losers are told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.identity import make_user
from tests.factories.notifications import inbox_of
from tests.factories.rfq import (
    PAST_DEADLINE,
    Bidder,
    RfqSetup,
    make_bidders,
    make_rfq,
    quote_on,
    tell_outcomes,
)

from rantai.audit.models import AuditEvent
from rantai.i18n import translate
from rantai.identity import service as identity
from rantai.identity.policy import Actor
from rantai.identity.roles import Role
from rantai.kit import clock
from rantai.kit.text import Localized
from rantai.sourcing.rfq import awards, quotes, repository, service
from rantai.sourcing.rfq.awards import MSG_OWN_AWARD, AwardPart
from rantai.sourcing.rfq.errors import (
    MSG_AWARD_QUANTITY,
    MSG_AWARD_QUOTE,
    MSG_CANCEL_AWARDED,
    MSG_NOT_ALLOWED,
    MSG_OVER_AWARD,
    MSG_QUOTE_LAPSED,
    MSG_VALIDITY_CLOSED,
    MSG_VALIDITY_EXTEND,
    AwardConflict,
    AwardInvalid,
    QuoteInvalid,
    ReservationBroken,
    RfqConflict,
    RfqForbidden,
    RfqNotFound,
)
from rantai.sourcing.rfq.models import Award, AwardLine, RfqLine
from rantai.sourcing.rfq.state import LOSS_REASONS, AwardStatus, RfqStatus
from rantai.suppliers import repository as suppliers_repository

BESAR_SALES = 60_000_000_000  # above PP 7/2021's Rp50 miliar: a large business


@contextmanager
def evaluating(db: Session) -> Iterator[None]:
    """The clock past the deadline and the scheduler's close run: quotes are open, awards can be made."""
    with clock.travel(PAST_DEADLINE):
        assert service.close_due(db) >= 1
        yield


def lines(db: Session, setup: RfqSetup) -> list[RfqLine]:
    found = list(repository.lines_of(db, setup.rfq.id))
    for line in found:
        db.refresh(line)
    return found


def approver_of(db: Session, setup: RfqSetup) -> tuple[int, Actor]:
    user = make_user(db, setup.org, (Role.APPROVER,))
    return user.id, identity.actor_for(db, user)


def award_count(db: Session) -> int:
    return db.scalar(select(func.count()).select_from(Award)) or 0


def entries(db: Session, target_type: str, target_id: int) -> list[AuditEvent]:
    return list(
        db.scalars(
            select(AuditEvent)
            .where(AuditEvent.target_type == target_type, AuditEvent.target_id == str(target_id))
            .order_by(AuditEvent.id)
        )
    )


def test_a_whole_award_below_the_threshold_is_approved_at_once_and_awards_the_rfq(db: Session) -> None:
    setup = make_rfq(db, bidders=2)
    quote_on(db, setup, setup.bidders[0], unit_price=10_000)
    quote_on(db, setup, setup.bidders[1], unit_price=11_000)
    (line,) = lines(db, setup)
    with evaluating(db):
        award = awards.make_award(
            db,
            actor=setup.actor,
            rfq=setup.rfq,
            parts=[AwardPart(line.id, setup.bidders[0].profile.id, line.quantity)],
        )
    assert award.status == AwardStatus.APPROVED
    assert award.total == award.total_idr == 10_000 * line.quantity
    # The HPS of the line (Rp75 juta) is the package: below the BUMN floor of Rp250 juta.
    assert award.package_value_idr == 75_000_000
    assert award.reservation_note == "below_floor"
    (line,) = lines(db, setup)
    assert (line.awarded_quantity, line.status) == (line.quantity, "closed")
    assert setup.rfq.status == RfqStatus.AWARDED and setup.rfq.awarded_at is not None
    made = entries(db, "award", award.id)
    assert [e.action for e in made] == ["award.made"]
    assert made[0].before is None and made[0].after is not None
    assert made[0].after["status"] == "approved" and made[0].after["total"] == award.total
    moved = entries(db, "rfq", setup.rfq.id)[-1]
    assert moved.action == "rfq.award"
    assert (moved.before, moved.after) == ({"status": "evaluation"}, {"status": "awarded"})


def test_a_split_award_by_quantity_gives_each_supplier_its_part_at_its_price(db: Session) -> None:
    setup = make_rfq(db, bidders=2)
    quote_on(db, setup, setup.bidders[0], unit_price=10_000)
    quote_on(db, setup, setup.bidders[1], unit_price=10_500)
    (line,) = lines(db, setup)
    first, second = (b.profile.id for b in setup.bidders)
    with evaluating(db):
        award = awards.make_award(
            db,
            actor=setup.actor,
            rfq=setup.rfq,
            parts=[AwardPart(line.id, first, 3000), AwardPart(line.id, second, 2000)],
        )
        shown = awards.awards_shown(db, actor=setup.actor, rfq=setup.rfq)
    assert award.total == 3000 * 10_000 + 2000 * 10_500
    rows = db.scalars(select(AwardLine).where(AwardLine.award_id == award.id).order_by(AwardLine.id)).all()
    assert [(r.supplier_id, r.quantity, r.unit_price, r.amount) for r in rows] == [
        (first, 3000, 10_000, 30_000_000),
        (second, 2000, 10_500, 21_000_000),
    ]
    assert rows[0].size_class == setup.bidders[0].profile.size_class
    assert [(s.supplier_name, s.quantity) for s in shown[0].lines] == [
        (setup.bidders[0].profile.business_name, 3000),
        (setup.bidders[1].profile.business_name, 2000),
    ]
    assert shown[0].status_label == "Approved" and not shown[0].needs_approval
    assert setup.rfq.status == RfqStatus.AWARDED


def test_an_over_award_is_refused_and_writes_nothing(db: Session) -> None:
    setup = make_rfq(db, bidders=2, lines=2)
    quote_on(db, setup, setup.bidders[0])
    quote_on(db, setup, setup.bidders[1])
    first_line, second_line = lines(db, setup)
    first, second = (b.profile.id for b in setup.bidders)
    with evaluating(db):
        awards.make_award(
            db, actor=setup.actor, rfq=setup.rfq, parts=[AwardPart(second_line.id, first, 3000)]
        )
        before = award_count(db)
        with pytest.raises(AwardConflict) as caught:
            # The first line fits; the second has 2000 left: neither is taken.
            awards.make_award(
                db,
                actor=setup.actor,
                rfq=setup.rfq,
                parts=[AwardPart(first_line.id, first, 1000), AwardPart(second_line.id, second, 2500)],
            )
    assert caught.value.message == MSG_OVER_AWARD
    assert caught.value.params == {"line": 2, "left": 2000, "quantity": 5000}
    assert award_count(db) == before
    assert [line.awarded_quantity for line in lines(db, setup)] == [0, 3000]
    assert setup.rfq.status == RfqStatus.EVALUATION


def test_the_guarded_update_refuses_what_this_session_did_not_see(db: Session) -> None:
    # Another officer's award landed after this page read the line: the UPDATE still refuses.
    setup = make_rfq(db, bidders=1)
    quote_on(db, setup, setup.bidders[0])
    (line,) = lines(db, setup)
    assert repository.take_quantity(db, line.id, 4000)  # behind the ORM's back, like another session
    with evaluating(db), pytest.raises(AwardConflict) as caught:
        awards.make_award(
            db,
            actor=setup.actor,
            rfq=setup.rfq,
            parts=[AwardPart(line.id, setup.bidders[0].profile.id, 2000)],
        )
    assert caught.value.params["left"] == 1000
    assert award_count(db) == 0


def test_a_part_naming_a_supplier_that_did_not_quote_or_more_than_it_offered_is_refused(db: Session) -> None:
    setup = make_rfq(db, bidders=2)
    quote_on(db, setup, setup.bidders[0], quantity=1000)
    (line,) = lines(db, setup)
    silent = setup.bidders[1].profile
    with evaluating(db):
        with pytest.raises(AwardInvalid) as caught:
            awards.make_award(db, actor=setup.actor, rfq=setup.rfq, parts=[AwardPart(line.id, silent.id, 10)])
        assert caught.value.message == MSG_AWARD_QUOTE
        assert caught.value.params["name"] == silent.business_name
        assert caught.value.field == f"part-{line.id}-{silent.id}"
        with pytest.raises(AwardInvalid) as caught:
            awards.make_award(
                db,
                actor=setup.actor,
                rfq=setup.rfq,
                parts=[AwardPart(line.id, setup.bidders[0].profile.id, 1001)],
            )
        assert caught.value.message == MSG_AWARD_QUANTITY and caught.value.params["offered"] == 1000
        # A supplier cannot award itself, and nothing was written.
        with pytest.raises(RfqForbidden):
            awards.make_award(
                db,
                actor=setup.bidders[0].actor,
                rfq=setup.rfq,
                parts=[AwardPart(line.id, setup.bidders[0].profile.id, 10)],
            )
    assert award_count(db) == 0
    assert lines(db, setup)[0].awarded_quantity == 0


def test_no_award_before_the_deadline(db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    quote_on(db, setup, setup.bidders[0])
    (line,) = lines(db, setup)
    with pytest.raises(AwardInvalid):
        awards.make_award(
            db, actor=setup.actor, rfq=setup.rfq, parts=[AwardPart(line.id, setup.bidders[0].profile.id, 1)]
        )


def _bumn_package_of_one_miliar(db: Session) -> tuple[RfqSetup, Bidder, RfqLine]:
    """A BUMN RFQ whose one line has an HPS of Rp1 miliar, quoted by a large business, the threshold set
    far above it (so only the exception can make the award wait)."""
    setup = make_rfq(db, bidders=1, sent=False)
    (line,) = repository.lines_of(db, setup.rfq.id)
    line.hps = 1_000_000_000
    db.flush()
    service.send(db, actor=setup.actor, rfq=setup.rfq)
    setup.rfq.approval_above = 10**13
    db.flush()
    (large,) = make_bidders(db, 1, business_name="PT Besar Sekali", annual_sales=BESAR_SALES)
    assert large.profile.size_class == "besar"
    service.invite(db, actor=setup.actor, rfq=setup.rfq, supplier_ids=[large.profile.id])
    quote_on(db, setup, large, unit_price=200_000)
    return setup, large, line


def test_the_reservation_refuses_a_large_winner_of_a_reserved_bumn_package(db: Session) -> None:
    setup, large, line = _bumn_package_of_one_miliar(db)
    parts = [AwardPart(line.id, large.profile.id, line.quantity)]
    with evaluating(db):
        verdict = awards.preview_reservation(db, actor=setup.actor, rfq=setup.rfq, parts=parts)
        assert not verdict.allowed and verdict.package_total == 1_000_000_000
        with pytest.raises(ReservationBroken) as caught:
            awards.make_award(db, actor=setup.actor, rfq=setup.rfq, parts=parts)
    error = caught.value
    assert error.field == "exception_reason"
    english = translate("en", error.message, **error.params)
    assert "PT Besar Sekali is a large business" in english
    assert "reserved for UMKM and cooperatives" in english
    indonesian = translate("id", error.message, **error.params)
    assert "PT Besar Sekali" in indonesian and indonesian != english
    assert award_count(db) == 0 and lines(db, setup)[0].awarded_quantity == 0


def test_an_exception_is_stored_waits_for_an_approver_and_the_maker_cannot_approve(db: Session) -> None:
    setup, large, line = _bumn_package_of_one_miliar(db)
    approver_id, approver = approver_of(db, setup)
    parts = [AwardPart(line.id, large.profile.id, line.quantity)]
    with evaluating(db):
        award = awards.make_award(
            db,
            actor=setup.actor,
            rfq=setup.rfq,
            parts=parts,
            exception_reason="Tidak ada UMKM yang sanggup memasok dalam tenggat",
        )
        assert award.status == AwardStatus.PENDING_APPROVAL
        assert award.exception_reason == "Tidak ada UMKM yang sanggup memasok dalam tenggat"
        assert award.reservation_note == "reserved"
        assert [n.link for n in inbox_of(db, approver_id) if n.kind == "award.to_approve"] == [
            f"/approvals/{award.id}"
        ]
        assert [a.id for a in awards.approvals_page(db, actor=approver, page=awards.PageRequest()).items] == [
            award.id
        ]
        # The officer may not approve (no right), nor may an owner who made the award (separation).
        with pytest.raises(RfqForbidden) as caught:
            awards.approve(db, actor=setup.actor, award=award)
        assert caught.value.message == MSG_NOT_ALLOWED
        assert award.status == AwardStatus.PENDING_APPROVAL
        assert setup.rfq.status == RfqStatus.EVALUATION  # the quantity is taken, the RFQ not yet awarded
        awards.approve(db, actor=approver, award=award)
    assert award.status == AwardStatus.APPROVED and award.approved_by_user_id == approver_id
    assert setup.rfq.status == RfqStatus.AWARDED
    decided = [n for n in inbox_of(db, setup.user.id) if n.kind == "award.decided"]
    assert [n.link for n in decided] == [f"/rfqs/{setup.rfq.id}"]
    approved = entries(db, "award", award.id)[-1]
    assert approved.action == "award.approve" and approved.actor_user_id == approver_id
    assert (approved.before, approved.after) == ({"status": "pending_approval"}, {"status": "approved"})


def test_an_owner_who_made_an_award_cannot_approve_it(db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    setup.rfq.approval_above = 0
    db.flush()
    quote_on(db, setup, setup.bidders[0])
    owner = make_user(db, setup.org, (Role.OWNER,))
    owner_actor = identity.actor_for(db, owner)
    (line,) = lines(db, setup)
    with evaluating(db):
        award = awards.make_award(
            db, actor=owner_actor, rfq=setup.rfq, parts=[AwardPart(line.id, setup.bidders[0].profile.id, 10)]
        )
        assert award.status == AwardStatus.PENDING_APPROVAL
        with pytest.raises(RfqForbidden) as caught:
            awards.approve(db, actor=owner_actor, award=award)
    assert caught.value.message == MSG_OWN_AWARD
    assert award.status == AwardStatus.PENDING_APPROVAL


def test_an_award_above_the_threshold_waits_and_a_rejection_gives_the_quantities_back(db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    setup.rfq.approval_above = 49_999_999
    db.flush()
    quote_on(db, setup, setup.bidders[0], unit_price=10_000)
    approver_id, approver = approver_of(db, setup)
    (line,) = lines(db, setup)
    parts = [AwardPart(line.id, setup.bidders[0].profile.id, line.quantity)]
    with evaluating(db):
        award = awards.make_award(db, actor=setup.actor, rfq=setup.rfq, parts=parts)
        assert award.status == AwardStatus.PENDING_APPROVAL and award.total_idr == 50_000_000
        assert lines(db, setup)[0].awarded_quantity == line.quantity
        assert inbox_of(db, setup.bidders[0].user.id)[-1].kind != "award.won"  # nobody told yet
        with pytest.raises(AwardInvalid):
            awards.reject(db, actor=approver, award=award, reason="  ")
        awards.reject(db, actor=approver, award=award, reason="Harga di atas HPS tahun lalu")
        assert award.status == AwardStatus.REJECTED
        assert award.rejection_reason == "Harga di atas HPS tahun lalu"
        (line,) = lines(db, setup)
        assert (line.awarded_quantity, line.status) == (0, "open")
        assert setup.rfq.status == RfqStatus.EVALUATION
        # The quantity is free again: the officer awards anew.
        again = awards.make_award(db, actor=setup.actor, rfq=setup.rfq, parts=parts)
        assert again.status == AwardStatus.PENDING_APPROVAL
    rejected = entries(db, "award", award.id)[-1]
    assert rejected.action == "award.reject" and rejected.actor_user_id == approver_id
    assert rejected.before == {"status": "pending_approval"}
    assert rejected.after == {"status": "rejected", "rejection_reason": "Harga di atas HPS tahun lalu"}
    decided = [n for n in inbox_of(db, setup.user.id) if n.kind == "award.decided"]
    assert len(decided) == 1 and decided[0].params["reason"] == "Harga di atas HPS tahun lalu"


def test_the_rfq_is_awarded_once_every_line_is(db: Session) -> None:
    setup = make_rfq(db, bidders=2, lines=2)
    quote_on(db, setup, setup.bidders[0])
    quote_on(db, setup, setup.bidders[1])
    first_line, second_line = lines(db, setup)
    first, second = (b.profile.id for b in setup.bidders)
    with evaluating(db):
        awards.make_award(db, actor=setup.actor, rfq=setup.rfq, parts=[AwardPart(first_line.id, first, 5000)])
        assert setup.rfq.status == RfqStatus.EVALUATION
        assert [line.status for line in lines(db, setup)] == ["closed", "open"]
        awards.make_award(
            db,
            actor=setup.actor,
            rfq=setup.rfq,
            parts=[AwardPart(second_line.id, first, 2000), AwardPart(second_line.id, second, 2999)],
        )
        assert setup.rfq.status == RfqStatus.EVALUATION  # one unit of line 2 still open
        awards.make_award(db, actor=setup.actor, rfq=setup.rfq, parts=[AwardPart(second_line.id, second, 1)])
    assert [line.status for line in lines(db, setup)] == ["closed", "closed"]
    assert setup.rfq.status == RfqStatus.AWARDED


def test_winners_and_losers_are_told_with_the_reason(db: Session) -> None:
    setup = make_rfq(db, bidders=5)
    winner, pricier, slower, smaller, same = setup.bidders
    quote_on(db, setup, winner, unit_price=10_000, lead_time_days=14)
    quote_on(db, setup, pricier, unit_price=12_000, lead_time_days=7)
    quote_on(db, setup, slower, unit_price=10_000, lead_time_days=30)
    quote_on(db, setup, smaller, unit_price=10_000, lead_time_days=14, quantity=3000)
    quote_on(db, setup, same, unit_price=10_000, lead_time_days=14)
    (line,) = lines(db, setup)
    with evaluating(db):
        assert awards.outcome_for_supplier(db, actor=winner.actor, rfq=setup.rfq) is None
        awards.make_award(
            db, actor=setup.actor, rfq=setup.rfq, parts=[AwardPart(line.id, winner.profile.id, 5000)]
        )
        # Told by a job after the award commits, not in the award's transaction.
        assert not [n for n in inbox_of(db, pricier.user.id) if n.kind.startswith("award.")]
        assert tell_outcomes(db) == 1
        outcome = awards.outcome_for_supplier(db, actor=winner.actor, rfq=setup.rfq)
        assert outcome is not None
        assert outcome.won == [(1, line.name, 5000, 10_000)] and outcome.lost == []
        for bidder, code in (
            (pricier, "price"),
            (slower, "lead_time"),
            (smaller, "quantity"),
            (same, "not_chosen"),
        ):
            told = [n for n in inbox_of(db, bidder.user.id) if n.kind.startswith("award.")]
            assert [(n.kind, n.params["reason"], n.link) for n in told] == [
                ("award.lost", LOSS_REASONS[code], f"/invitations/{setup.rfq.id}")
            ]
            seen = awards.outcome_for_supplier(db, actor=bidder.actor, rfq=setup.rfq)
            assert seen is not None and seen.won == []
            assert seen.lost == [(1, line.name, LOSS_REASONS[code])]
    won = [n for n in inbox_of(db, winner.user.id) if n.kind.startswith("award.")]
    assert [(n.kind, n.params["lines"]) for n in won] == [("award.won", "1")]
    # The winner is no newcomer any more: its track record counts the award; the others' do not.
    db.expire_all()
    records = suppliers_repository.track_records_of(db, [b.profile.id for b in setup.bidders])
    assert records[winner.profile.id].awards_won == 1
    assert all(records.get(b.profile.id) is None for b in (pricier, slower, smaller, same))
    # The reason is shown in the reader's language; no notice names another supplier or a price.
    lost = next(n for n in inbox_of(db, pricier.user.id) if n.kind == "award.lost")
    assert "another supplier offered a lower price" in translate("en", lost.message, **lost.params)
    assert winner.profile.business_name not in str(lost.params) and "10000" not in str(lost.params)


def test_a_localized_parameter_is_worded_in_the_readers_language() -> None:
    said = Localized(lambda locale: {"id": "halo", "en": "hello"}[locale])
    assert translate("en", "%(word)s!", word=said) == "hello!"
    assert translate("id", "%(word)s!", word=said) == "halo!"
    assert str(said) == "halo"


def test_cancelling_withdraws_awards_waiting_and_is_refused_once_one_is_approved(db: Session) -> None:
    waiting = make_rfq(db, bidders=1)
    waiting.rfq.approval_above = 1
    db.flush()
    quote_on(db, waiting, waiting.bidders[0])
    (line,) = lines(db, waiting)
    with evaluating(db):
        award = awards.make_award(
            db,
            actor=waiting.actor,
            rfq=waiting.rfq,
            parts=[AwardPart(line.id, waiting.bidders[0].profile.id, 10)],
        )
        assert award.status == AwardStatus.PENDING_APPROVAL
        service.cancel(db, actor=waiting.actor, rfq=waiting.rfq, reason="Anggaran dialihkan")
    assert waiting.rfq.status == RfqStatus.CANCELLED
    assert award.status == AwardStatus.REJECTED and award.rejection_reason == "Anggaran dialihkan"
    assert lines(db, waiting)[0].awarded_quantity == 0
    assert [n.kind for n in inbox_of(db, waiting.user.id) if n.kind == "award.decided"] == ["award.decided"]

    done = make_rfq(db, bidders=1)
    quote_on(db, done, done.bidders[0])
    (line,) = lines(db, done)
    with evaluating(db):
        awards.make_award(
            db, actor=done.actor, rfq=done.rfq, parts=[AwardPart(line.id, done.bidders[0].profile.id, 10)]
        )
        with pytest.raises(RfqConflict) as caught:
            service.cancel(db, actor=done.actor, rfq=done.rfq, reason="Salah pilih")
    assert caught.value.message == MSG_CANCEL_AWARDED
    assert done.rfq.status == RfqStatus.EVALUATION


def test_a_lapsed_quote_cannot_be_awarded_until_its_supplier_extends_it(db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    quote = quote_on(db, setup, setup.bidders[0])  # valid 30 days from today
    (line,) = lines(db, setup)
    parts = [AwardPart(line.id, setup.bidders[0].profile.id, line.quantity)]
    assert service.close_due(db) == 0
    with clock.travel(PAST_DEADLINE):
        assert service.close_due(db) == 1
    with clock.travel(dt.timedelta(days=31)):  # the day after its last valid day
        with pytest.raises(AwardInvalid) as lapsed:
            awards.make_award(db, actor=setup.actor, rfq=setup.rfq, parts=parts)
        assert lapsed.value.message == MSG_QUOTE_LAPSED
        assert lapsed.value.params["until"] == quote.valid_until.strftime("%d-%m-%Y")
        assert award_count(db) == 0 and setup.rfq.status == RfqStatus.EVALUATION
        new_day = clock.today() + dt.timedelta(days=14)
        quotes.extend_validity(db, actor=setup.bidders[0].actor, rfq=setup.rfq, valid_until=new_day)
        assert quote.valid_until == new_day
        award = awards.make_award(db, actor=setup.actor, rfq=setup.rfq, parts=parts)
    assert award.status == AwardStatus.APPROVED
    (extended,) = [e for e in entries(db, "quote", quote.id) if e.action == "quote.extend"]
    assert extended.after == {"valid_until": new_day.isoformat()}


def test_a_quote_is_extended_only_forward_within_bounds_and_while_the_rfq_is_live(db: Session) -> None:
    setup = make_rfq(db, bidders=2)
    quote = quote_on(db, setup, setup.bidders[0])
    bidder = setup.bidders[0]
    was = quote.valid_until
    for day in (was, was - dt.timedelta(days=1), clock.today() + dt.timedelta(days=181)):
        with pytest.raises(QuoteInvalid) as refused:  # a QuoteInvalid: a user error
            quotes.extend_validity(db, actor=bidder.actor, rfq=setup.rfq, valid_until=day)
        assert refused.value.message == MSG_VALIDITY_EXTEND and refused.value.field == "valid_until"
        assert quote.valid_until == was
    with pytest.raises(RfqNotFound):  # a bidder without a quote has nothing to extend
        quotes.extend_validity(
            db, actor=setup.bidders[1].actor, rfq=setup.rfq, valid_until=was + dt.timedelta(days=1)
        )
    quotes.extend_validity(db, actor=bidder.actor, rfq=setup.rfq, valid_until=was + dt.timedelta(days=5))
    assert quote.valid_until == was + dt.timedelta(days=5)
    service.cancel(db, actor=setup.actor, rfq=setup.rfq, reason="Anggaran dialihkan")
    with pytest.raises(QuoteInvalid) as closed:
        quotes.extend_validity(db, actor=bidder.actor, rfq=setup.rfq, valid_until=was + dt.timedelta(days=9))
    assert closed.value.message == MSG_VALIDITY_CLOSED
