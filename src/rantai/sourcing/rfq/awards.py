"""Awards (issue #11, item 4 "Award" and "The reservation rules"): the buyer awards an RFQ past its
deadline, whole or split by line and quantity; an approver approves it when it is large or breaks the UMKM
reservation with a recorded exception; winners and the other bidders are told.

**Parts.** An award is a list of ``AwardPart(rfq_line_id, supplier_id, quantity)``: each names a line of
the RFQ, a supplier whose submitted quote (its current revision) priced that line, and a quantity from 1 to
what that supplier offered. Amount = unit price x quantity; the total is in the RFQ currency's minor units
(whole Rupiah, or US cents) and ``total_idr`` in whole Rupiah (``round(total / 100 * idr_rate)`` for USD).

**Never over-awarded.** Per line, the parts plus what earlier awards (approved or waiting) took never
exceed the line's quantity. The check is the guarded UPDATE ``repository.take_quantity`` (``awarded +
:q <= quantity``), one per line in id order, inside a savepoint: if one line is full, the takes of the
others are undone and ``AwardConflict`` says how much is left. Two officers awarding the last units at
the same moment on PostgreSQL: the second UPDATE waits for the first's row lock, re-reads the row and
finds no room (tests/integration/sourcing/test_rfq_award_concurrency.py).

**The reservation rule** (``rantai.reference.reservation``) is judged on the *package value* in whole
Rupiah: the sum over all the RFQ's lines of the line's HPS where the buyer gave one, else the amount this
award gives on that line (a line with neither adds nothing). The buyer kind is the buyer organization's
type (bumn, instansi_pemerintah...); the rule is the one in force today (WIB); every supplier of the award
is a winner, with its recorded size class, and counts as a cooperative when its legal form or its
organization's type is koperasi. An award that breaks the rule is refused (``ReservationBroken``, the
verdict worded in the reader's language) unless it records an exception with its reason; the exception is
stored, and the award then waits for an approver. An exception given for an award that keeps to the rule
is not an exception and is not stored. ``reservation_note`` keeps where the package stood (no_rule,
below_floor, above_ceiling, reserved).

**Approval.** An award waits (pending_approval) when ``total_idr`` is above the RFQ's ``approval_above``
or it records an exception; else it is approved as it is made. Approving or rejecting needs the policy's
APPROVE_AWARD on the award, and the officer who made an award cannot approve it (separation of duties).
A rejection needs a reason and gives the quantities back to the lines. When an award becomes approved,
the lines awarded in full close; when no line is open and no award waits, the RFQ moves to awarded.

**Errors' fields** (for the doors): ``part-<rfq_line_id>-<supplier_id>`` for a part, ``line-<rfq_line_id>``
for an over-award, ``exception_reason``, ``reason``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from sqlalchemy.orm import Session

from rantai import audit, jobs
from rantai.audit import Event
from rantai.catalog import index_changes
from rantai.identity import repository as identity_repo
from rantai.identity.policy import Action, Actor, Party, can, reach
from rantai.identity.roles import OrgType
from rantai.kit.clock import now, today
from rantai.kit.pagination import Page, PageRequest
from rantai.kit.text import N_, Localized
from rantai.lifecycle import advance
from rantai.reference.reservation import Verdict, Winner, check_award, explain, rule_in_force
from rantai.sourcing.rfq import award_notices, award_repository, quotes, repository
from rantai.sourcing.rfq.errors import (
    MSG_ALREADY_AWARDED,
    MSG_AWARD_EMPTY,
    MSG_AWARD_NOT_FOUND,
    MSG_AWARD_QUANTITY,
    MSG_AWARD_QUOTE,
    MSG_NOT_ALLOWED,
    MSG_NOT_EVALUATING,
    MSG_OVER_AWARD,
    MSG_QUOTE_LAPSED,
    MSG_REJECTION_REASON,
    MSG_RFQ_NOT_FOUND,
    MSG_TOO_LONG,
    AwardConflict,
    AwardInvalid,
    ReservationBroken,
    RfqForbidden,
    RfqNotFound,
)
from rantai.sourcing.rfq.models import Award, AwardLine, Quote, QuoteLine, Rfq, RfqLine
from rantai.sourcing.rfq.notices import OUTCOME_JOB
from rantai.sourcing.rfq.service import acting_supplier, is_buyer_of
from rantai.sourcing.rfq.state import (
    AWARD_LIFECYCLE,
    LOSS_REASONS,
    RFQ_LIFECYCLE,
    UNSEALED,
    AwardMove,
    AwardStatus,
    RfqMove,
    RfqStatus,
)
from rantai.suppliers import repository as suppliers_repository
from rantai.suppliers.models import SupplierProfile

REASON_MAX = 5000
KOPERASI = "koperasi"

MSG_AWARD_LINE_UNKNOWN = N_("The award names a line that is not in this request.")
MSG_AWARD_TWICE = N_("Line %(line)s: %(name)s is named twice. Give its quantity once.")
MSG_OWN_AWARD = N_(
    "You made this award, so another approver must approve it (separation of duties). Ask an approver "
    "of your organization."
)
# The verdict of the reservation rule, worded in the reader's language by ``reservation.explain``.
MSG_RESERVATION = N_("%(explained)s")


@dataclass
class AwardPart:
    """Part of an award: ``quantity`` of the RFQ line ``rfq_line_id`` to the supplier ``supplier_id``."""

    rfq_line_id: int
    supplier_id: int
    quantity: int


@dataclass(frozen=True, slots=True)
class AwardLineShown:
    line_no: int
    line_name: str
    supplier_id: int
    supplier_name: str
    quantity: int
    unit_price: int
    amount: int


@dataclass(frozen=True, slots=True)
class AwardShown:
    """An award as its buyer's pages show it."""

    award: Award
    lines: list[AwardLineShown]
    status_label: str  # an English msgid
    needs_approval: bool


class WonLine(NamedTuple):
    line_no: int
    name: str
    quantity: int
    unit_price: int


class LostLine(NamedTuple):
    line_no: int
    name: str
    reason: str  # an English msgid from state.LOSS_REASONS


@dataclass(frozen=True, slots=True)
class SupplierOutcome:
    """What an invited supplier won of an RFQ's approved awards, and why it lost each line it quoted."""

    won: list[WonLine]
    lost: list[LostLine]
    currency: str


# --- the plan: everything checked, nothing written -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Piece:
    line: RfqLine
    quote: Quote
    priced: QuoteLine
    quantity: int

    @property
    def amount(self) -> int:
        return self.priced.unit_price * self.quantity


@dataclass(frozen=True, slots=True)
class _Plan:
    lines: dict[int, RfqLine]
    pieces: list[_Piece]
    total: int
    total_idr: int
    package_value_idr: int
    verdict: Verdict
    profiles: dict[int, SupplierProfile]


def to_idr(rfq: Rfq, amount: int) -> int:
    """An amount in the RFQ currency's minor units, in whole Rupiah (USD: cents / 100 x the stored rate)."""
    if rfq.currency == "IDR" or rfq.idr_rate is None:
        return amount
    rupiah = Decimal(amount) / 100 * Decimal(rfq.idr_rate)
    return int(rupiah.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _require_buyer(actor: Actor | None, rfq: Rfq) -> None:
    if not is_buyer_of(actor, rfq):
        raise RfqForbidden(MSG_NOT_ALLOWED)


def _pieces(session: Session, actor: Actor | None, rfq: Rfq, parts: Sequence[AwardPart]) -> list[_Piece]:
    opened = quotes.opened_quotes(session, actor=actor, rfq=rfq)  # QuoteSealed before the deadline
    if not parts:
        raise AwardInvalid(MSG_AWARD_EMPTY, field="parts")
    lines = {line.id: line for line in repository.lines_of(session, rfq.id)}
    by_supplier = {quote.supplier_id: quote for quote in opened.quotes}
    names = suppliers_repository.business_names(session, sorted({p.supplier_id for p in parts}))
    seen: set[tuple[int, int]] = set()
    pieces: list[_Piece] = []
    for part in parts:
        field = f"part-{part.rfq_line_id}-{part.supplier_id}"
        line = lines.get(part.rfq_line_id)
        if line is None:
            raise AwardInvalid(MSG_AWARD_LINE_UNKNOWN, field=field)
        name = names.get(part.supplier_id, str(part.supplier_id))
        if (line.id, part.supplier_id) in seen:
            raise AwardInvalid(MSG_AWARD_TWICE, field=field, line=line.line_no, name=name)
        seen.add((line.id, part.supplier_id))
        quote = by_supplier.get(part.supplier_id)
        priced = None
        if quote is not None:
            priced = next((q for q in opened.lines.get(quote.id, []) if q.rfq_line_id == line.id), None)
        if quote is None or priced is None:
            raise AwardInvalid(MSG_AWARD_QUOTE, field=field, line=line.line_no, name=name)
        if quote.valid_until < today():  # a lapsed quote binds nobody: the supplier extends it first
            raise AwardInvalid(
                MSG_QUOTE_LAPSED, field=field, name=name, until=quote.valid_until.strftime("%d-%m-%Y")
            )
        quantity = part.quantity
        if (
            isinstance(quantity, bool)
            or not isinstance(quantity, int)
            or not 1 <= quantity <= priced.quantity
        ):
            raise AwardInvalid(
                MSG_AWARD_QUANTITY, field=field, line=line.line_no, name=name, offered=priced.quantity
            )
        pieces.append(_Piece(line, quote, priced, quantity))
    return pieces


def _wanted(pieces: Sequence[_Piece]) -> dict[int, int]:
    wanted: dict[int, int] = defaultdict(int)
    for piece in pieces:
        wanted[piece.line.id] += piece.quantity
    return dict(wanted)


def _over_award(line: RfqLine) -> AwardConflict:
    left = max(0, line.quantity - line.awarded_quantity)
    return AwardConflict(
        MSG_OVER_AWARD, field=f"line-{line.id}", line=line.line_no, left=left, quantity=line.quantity
    )


def _winner(session: Session, profile: SupplierProfile) -> Winner:
    org = identity_repo.organization_by_id(session, profile.organization_id)
    koperasi = profile.legal_form == KOPERASI or (org is not None and org.org_type == OrgType.KOPERASI)
    return Winner(name=profile.business_name, size_class=profile.size_class, koperasi=koperasi)


def _plan(session: Session, actor: Actor | None, rfq: Rfq, parts: Sequence[AwardPart]) -> _Plan:
    _require_buyer(actor, rfq)
    _require_evaluating(rfq)
    pieces = _pieces(session, actor, rfq, parts)
    lines = {line.id: line for line in repository.lines_of(session, rfq.id)}
    # A quick refusal from what this session read; the guarded UPDATE decides for real when writing.
    for line_id, quantity in _wanted(pieces).items():
        line = lines[line_id]
        if line.awarded_quantity + quantity > line.quantity:
            raise _over_award(line)
    total = sum(piece.amount for piece in pieces)
    awarded_on: dict[int, int] = defaultdict(int)
    for piece in pieces:
        awarded_on[piece.line.id] += piece.amount
    package = sum(line.hps if line.hps is not None else awarded_on.get(line.id, 0) for line in lines.values())
    profiles: dict[int, SupplierProfile] = {}
    for piece in pieces:
        supplier_id = piece.quote.supplier_id
        if supplier_id not in profiles:
            profile = suppliers_repository.by_id(session, supplier_id)
            if profile is None:
                raise AwardInvalid(MSG_AWARD_QUOTE, field="parts", line=piece.line.line_no, name=supplier_id)
            profiles[supplier_id] = profile
    buyer = identity_repo.organization_by_id(session, rfq.organization_id)
    rule = rule_in_force(session, buyer.org_type, today()) if buyer is not None else None
    package_value_idr = to_idr(rfq, package)
    verdict = check_award(rule, package_value_idr, [_winner(session, p) for p in profiles.values()])
    return _Plan(lines, pieces, total, to_idr(rfq, total), package_value_idr, verdict, profiles)


def _reason(value: str | None, field: str) -> str | None:
    cleaned = (value or "").strip() or None
    if cleaned is not None and len(cleaned) > REASON_MAX:
        raise AwardInvalid(MSG_TOO_LONG, field=field, what="reason", max=REASON_MAX)
    return cleaned


def _words(verdict: Verdict) -> Callable[[str], str]:
    return lambda locale: explain(verdict, locale) or ""


def preview_reservation(
    session: Session, *, actor: Actor | None, rfq: Rfq, parts: Sequence[AwardPart]
) -> Verdict:
    """What the reservation rule says of these parts (the award form shows it before the officer
    submits), having checked them as ``make_award`` does; writes nothing."""
    return _plan(session, actor, rfq, parts).verdict


# --- making an award -----------------------------------------------------------------------------------


class _LineFull(Exception):  # a signal inside the savepoint, never seen outside this module
    def __init__(self, line_id: int) -> None:
        super().__init__(line_id)
        self.line_id = line_id


def _take(session: Session, plan: _Plan, rfq_id: int) -> None:
    """Add each line's parts to its awarded quantity, all or none (a savepoint); AwardConflict naming the
    first line without room, having written nothing."""
    wanted = _wanted(plan.pieces)
    try:
        with session.begin_nested():
            for line_id in sorted(wanted):  # one order for everyone: no deadlock between two awards
                if not repository.take_quantity(session, line_id, wanted[line_id]):
                    raise _LineFull(line_id)
    except _LineFull as full:
        line = plan.lines[full.line_id]
        session.refresh(line)
        raise _over_award(line) from None
    finally:
        award_repository.refresh_lines(session, rfq_id)


def _lines_after(plan: _Plan) -> list[dict[str, Any]]:
    return [
        {
            "line": piece.line.line_no,
            "supplier": piece.quote.supplier_id,
            "quantity": piece.quantity,
            "unit_price": piece.priced.unit_price,
            "amount": piece.amount,
        }
        for piece in plan.pieces
    ]


def make_award(
    session: Session,
    *,
    actor: Actor | None,
    rfq: Rfq,
    parts: Sequence[AwardPart],
    exception_reason: str | None = None,
) -> Award:
    """Award the RFQ (past its deadline, being evaluated), whole or split by line and quantity. Approved
    at once, or waiting for an approver when above the buyer's threshold or recording an exception to
    the UMKM reservation. Refused, having written nothing, when a part is wrong, a line has no room left
    (``AwardConflict``) or the reservation is broken without an exception (``ReservationBroken``)."""
    plan = _plan(session, actor, rfq, parts)
    reason = _reason(exception_reason, "exception_reason")
    verdict = plan.verdict
    if not verdict.allowed and reason is None:
        raise ReservationBroken(
            MSG_RESERVATION, field="exception_reason", explained=Localized(_words(verdict))
        )
    if verdict.allowed:
        reason = None  # nothing to make an exception to
    pending = plan.total_idr > rfq.approval_above or reason is not None
    if not pending:
        # Approved at once: lock the RFQ before the lines, in the order approvals take them.
        _lock_evaluating(session, rfq.id)
    _take(session, plan, rfq.id)
    moment = now()
    status = AwardStatus.PENDING_APPROVAL if pending else AwardStatus.APPROVED
    award = Award(
        rfq_id=rfq.id,
        organization_id=rfq.organization_id,
        status=status.value,
        total=plan.total,
        total_idr=plan.total_idr,
        package_value_idr=plan.package_value_idr,
        reservation_note=verdict.standing.value,
        exception_reason=reason,
        decided_by_user_id=actor.user_id if actor else None,
        decided_at=moment,
        approved_at=None if pending else moment,
    )
    session.add(award)
    session.flush()
    for piece in plan.pieces:
        session.add(
            AwardLine(
                award_id=award.id,
                rfq_line_id=piece.line.id,
                quote_id=piece.quote.id,
                quote_revision=piece.quote.revision,
                supplier_id=piece.quote.supplier_id,
                supplier_organization_id=piece.quote.supplier_organization_id,
                size_class=plan.profiles[piece.quote.supplier_id].size_class,
                quantity=piece.quantity,
                unit_price=piece.priced.unit_price,
                amount=piece.amount,
            )
        )
    session.flush()
    winners = [] if pending else sorted({p.quote.supplier_organization_id for p in plan.pieces})
    audit.record(
        session,
        Event.AWARD_MADE,
        award.id,
        [rfq.organization_id, *winners],
        by=actor,
        details={"rfq": rfq.id},
        before=None,
        after={
            "status": status.value,
            "currency": rfq.currency,
            "total": plan.total,
            "total_idr": plan.total_idr,
            "package_value_idr": plan.package_value_idr,
            "reservation": verdict.standing.value,
            "exception_reason": reason,
            "lines": _lines_after(plan),
        },
    )
    if pending:
        award_notices.to_approve(session, rfq, award)
    else:
        _approved(session, actor, rfq, award)
    return award


# --- approving and rejecting -----------------------------------------------------------------------------


def _lock_evaluating(session: Session, rfq_id: int) -> Rfq:
    rfq = award_repository.lock_rfq(session, rfq_id)
    if rfq is None:
        raise RfqNotFound(MSG_RFQ_NOT_FOUND)
    _require_evaluating(rfq)
    return rfq


def _require_evaluating(rfq: Rfq) -> None:
    """Awards are made while the RFQ is evaluated. One awarded in full meanwhile (perhaps by another
    officer at the same moment) is a conflict (409), not the user's mistake."""
    status = RfqStatus(rfq.status)
    if status is RfqStatus.AWARDED:
        raise AwardConflict(MSG_ALREADY_AWARDED, field="rfq")
    if status is not RfqStatus.EVALUATION:
        raise AwardInvalid(MSG_NOT_EVALUATING, field="rfq")


def _require_approver(actor: Actor | None, award: Award) -> None:
    if not can(actor, Action.APPROVE_AWARD, award):
        raise RfqForbidden(MSG_NOT_ALLOWED)


def _allowed(award: Award, move: AwardMove) -> None:
    current = AwardStatus(award.status)
    if AWARD_LIFECYCLE.target(current, move) is None:
        raise AWARD_LIFECYCLE.not_allowed(current)


def approve(
    session: Session, *, actor: Actor | None, award: Award, expected_version: int | None = None
) -> Award:
    """An approver approves an award waiting for approval (not one they made themselves); its lines
    close when awarded in full, and the suppliers are told."""
    _require_approver(actor, award)
    if actor is None or (award.decided_by_user_id is not None and actor.user_id == award.decided_by_user_id):
        raise RfqForbidden(MSG_OWN_AWARD)
    _allowed(award, AwardMove.APPROVE)
    rfq = _lock_evaluating(session, award.rfq_id)
    current = AwardStatus(award.status)
    moment = now()
    target = advance(
        session,
        award,
        AWARD_LIFECYCLE,
        AwardMove.APPROVE,
        expected_version=expected_version,
        values={"approved_by_user_id": actor.user_id, "approved_at": moment},
    )
    winners = sorted({line.supplier_organization_id for line in _lines_of(session, award)})
    audit.record(
        session,
        Event.AWARD_APPROVE,
        award.id,
        [rfq.organization_id, *winners],
        by=actor,
        details={"rfq": rfq.id, "exception_reason": award.exception_reason},
        before={"status": current.value},
        after={"status": target.value},
    )
    _approved(session, actor, rfq, award)
    award_notices.decided(session, rfq, award)
    return award


def reject(
    session: Session,
    *,
    actor: Actor | None,
    award: Award,
    reason: str,
    expected_version: int | None = None,
) -> Award:
    """An approver rejects an award waiting for approval, with a reason the officer is told; its
    quantities go back to the lines (which open again)."""
    _require_approver(actor, award)
    cleaned = _reason(reason, "reason")
    if cleaned is None:
        raise AwardInvalid(MSG_REJECTION_REASON, field="reason")
    _allowed(award, AwardMove.REJECT)
    rfq = award_repository.lock_rfq(session, award.rfq_id)
    if rfq is None:
        raise RfqNotFound(MSG_RFQ_NOT_FOUND)
    _give_back(session, actor, rfq, award, cleaned, expected_version=expected_version)
    return award


def withdraw_pending(session: Session, *, actor: Actor | None, rfq: Rfq, reason: str) -> int:
    """The RFQ is being cancelled: every award of it still waiting for approval is rejected with
    ``reason`` (no approver is left a decision on a cancelled RFQ), its quantities given back, its officer
    told. Returns how many. An RFQ with an approved award is not cancelled (``service.cancel``)."""
    withdrawn = 0
    for award in repository.awards_of(session, rfq.id):
        if award.status == AwardStatus.PENDING_APPROVAL:
            _give_back(session, actor, rfq, award, reason)
            withdrawn += 1
    return withdrawn


def has_approved(session: Session, rfq: Rfq) -> bool:
    return any(award.status == AwardStatus.APPROVED for award in repository.awards_of(session, rfq.id))


def _give_back(
    session: Session,
    actor: Actor | None,
    rfq: Rfq,
    award: Award,
    cleaned: str,
    *,
    expected_version: int | None = None,
) -> None:
    current = AwardStatus(award.status)
    target = advance(
        session,
        award,
        AWARD_LIFECYCLE,
        AwardMove.REJECT,
        expected_version=expected_version,
        values={"rejection_reason": cleaned},
    )
    given_back: dict[int, int] = defaultdict(int)
    for line in _lines_of(session, award):
        given_back[line.rfq_line_id] += line.quantity
    for line_id in sorted(given_back):
        repository.give_back_quantity(session, line_id, given_back[line_id])
    award_repository.refresh_lines(session, rfq.id)
    audit.record(
        session,
        Event.AWARD_REJECT,
        award.id,
        [rfq.organization_id],
        by=actor,
        details={"rfq": rfq.id, "reason": cleaned},
        before={"status": current.value},
        after={"status": target.value, "rejection_reason": cleaned},
    )
    award_notices.decided(session, rfq, award)


def _lines_of(session: Session, award: Award) -> list[AwardLine]:
    return repository.award_lines_of(session, [award.id]).get(award.id, [])


def _approved(session: Session, actor: Actor | None, rfq: Rfq, award: Award) -> None:
    """After an award became approved (the RFQ row locked): close the lines awarded in full, move the RFQ
    to awarded when no line is open and no award waits, and tell the suppliers."""
    still_open = repository.close_full_lines(session, rfq.id)
    award_repository.refresh_lines(session, rfq.id)
    if (
        still_open == 0
        and award_repository.pending_count(session, rfq.id) == 0
        and RfqStatus(rfq.status) is RfqStatus.EVALUATION
    ):
        moment = now()
        advance(session, rfq, RFQ_LIFECYCLE, RfqMove.AWARD, values={"awarded_at": moment})
        audit.record(
            session,
            Event.RFQ_AWARD,
            rfq.id,
            [rfq.organization_id],
            by=actor,
            details={"from": RfqStatus.EVALUATION.value, "to": RfqStatus.AWARDED.value, "award": award.id},
            before={"status": RfqStatus.EVALUATION.value},
            after={"status": RfqStatus.AWARDED.value},
        )
    winners = sorted({line.supplier_id for line in _lines_of(session, award)})
    for supplier_id in winners:  # no longer a newcomer to the matcher
        suppliers_repository.add_to_track_record(session, supplier_id, awards_won=1)
    index_changes.mark(session, winners)
    jobs.enqueue(session, OUTCOME_JOB, {"award_id": award.id}, max_attempts=5, claim_within_seconds=120)


def tell_outcome(session: Session, award_id: int) -> bool:
    """Tell the winners and the other bidders of an approved award (the job ``OUTCOME_JOB`` sends after
    the award commits, so the award waits for no notice). False when there is no such approved award."""
    award = repository.award(session, award_id)
    if award is None or award.status != AwardStatus.APPROVED:
        return False
    rfq = repository.rfq(session, award.rfq_id)
    if rfq is None:
        return False
    won, lost = _outcome_of(session, rfq, _lines_of(session, award))
    award_notices.outcome(session, rfq, won, lost)
    return True


# --- who won, who lost and why ---------------------------------------------------------------------------


def loss_reason(mine: QuoteLine, winners: Sequence[QuoteLine]) -> str:
    """Why a bidder's offer on a line lost to the winners' (codes of ``state.LOSS_REASONS``): a higher
    unit price than a winner's, else a longer lead time, else a smaller quantity offered, else the
    buyer's choice."""
    if any(mine.unit_price > other.unit_price for other in winners):
        return "price"
    if any(mine.lead_time_days > other.lead_time_days for other in winners):
        return "lead_time"
    if any(mine.quantity < other.quantity for other in winners):
        return "quantity"
    return "not_chosen"


@dataclass(frozen=True, slots=True)
class _Offers:
    quotes: dict[int, Quote]  # by quote id
    lines: dict[tuple[int, int], QuoteLine]  # by (quote id, RFQ line id): the current revision


def _offers(session: Session, rfq: Rfq) -> _Offers:
    # The repository's unsealed queries: an RFQ past its deadline only (as every award is).
    moment = now()
    quotes_by_id = {q.id: q for q in repository.unsealed_quotes(session, rfq.id, moment)}
    lines = {
        (quote_id, row.rfq_line_id): row
        for quote_id, rows in repository.unsealed_quote_lines(session, rfq.id, moment).items()
        for row in rows
    }
    return _Offers(quotes_by_id, lines)


def _outcome_of(
    session: Session, rfq: Rfq, award_lines: Sequence[AwardLine]
) -> tuple[dict[int, list[int]], dict[int, dict[str, list[int]]]]:
    """Winners (supplier organization -> line numbers) and losers (organization -> reason -> line
    numbers) of one award: a loser quoted on a line of the award and got none of the award."""
    offers = _offers(session, rfq)
    numbers = {line.id: line.line_no for line in repository.lines_of(session, rfq.id)}
    won: dict[int, list[int]] = defaultdict(list)
    winning: dict[int, list[QuoteLine]] = defaultdict(list)
    winner_suppliers = {line.supplier_id for line in award_lines}
    for line in award_lines:
        won[line.supplier_organization_id].append(numbers[line.rfq_line_id])
        offer = offers.lines.get((line.quote_id, line.rfq_line_id))
        if offer is not None:
            winning[line.rfq_line_id].append(offer)
    lost: dict[int, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for (quote_id, line_id), offer in offers.lines.items():
        quote = offers.quotes[quote_id]
        if line_id not in winning or quote.supplier_id in winner_suppliers:
            continue
        code = loss_reason(offer, winning[line_id])
        lost[quote.supplier_organization_id][code].append(numbers[line_id])
    return dict(won), {org: dict(reasons) for org, reasons in lost.items()}


def outcome_for_supplier(session: Session, *, actor: Actor | None, rfq: Rfq) -> SupplierOutcome | None:
    """For an invited supplier, once the RFQ has approved awards: what it won, and for each line it
    quoted but won none of, the reason. None before any approved award."""
    invitation = acting_supplier(actor, session, rfq)
    if RfqStatus(rfq.status) not in UNSEALED:
        return None
    approved = [a for a in repository.awards_of(session, rfq.id) if a.status == AwardStatus.APPROVED]
    if not approved:
        return None
    award_lines = [
        line
        for rows in repository.award_lines_of(session, [a.id for a in approved]).values()
        for line in rows
    ]
    rfq_lines = {line.id: line for line in repository.lines_of(session, rfq.id)}
    mine = invitation.supplier_id
    won = [
        WonLine(rfq_lines[a.rfq_line_id].line_no, rfq_lines[a.rfq_line_id].name, a.quantity, a.unit_price)
        for a in award_lines
        if a.supplier_id == mine
    ]
    won_lines = {a.rfq_line_id for a in award_lines if a.supplier_id == mine}
    offers = _offers(session, rfq)
    lost: list[LostLine] = []
    for (quote_id, line_id), offer in offers.lines.items():
        if offers.quotes[quote_id].supplier_id != mine or line_id in won_lines:
            continue
        winning = [
            found
            for a in award_lines
            if a.rfq_line_id == line_id and (found := offers.lines.get((a.quote_id, line_id))) is not None
        ]
        if not winning:
            continue  # not awarded (yet)
        line = rfq_lines[line_id]
        lost.append(LostLine(line.line_no, line.name, LOSS_REASONS[loss_reason(offer, winning)]))
    won.sort()
    lost.sort()
    return SupplierOutcome(won=won, lost=lost, currency=rfq.currency)


# --- reading -----------------------------------------------------------------------------------------------


def get_award(session: Session, *, actor: Actor | None, award_id: int) -> Award:
    """An award its buyer's members may see or decide on (others: not found)."""
    award = repository.award(session, award_id)
    if award is None or not (
        can(actor, Action.VIEW_RECORD, award) or can(actor, Action.APPROVE_AWARD, award)
    ):
        raise RfqNotFound(MSG_AWARD_NOT_FOUND)
    return award


def awards_shown(session: Session, *, actor: Actor | None, rfq: Rfq) -> list[AwardShown]:
    """The RFQ's awards (every status) with their lines, for its buyer."""
    if not can(actor, Action.VIEW_RECORD, rfq):
        raise RfqNotFound(MSG_RFQ_NOT_FOUND)
    awards = repository.awards_of(session, rfq.id)
    lines_by_award = repository.award_lines_of(session, [a.id for a in awards])
    rfq_lines = {line.id: line for line in repository.lines_of(session, rfq.id)}
    supplier_ids = sorted({line.supplier_id for rows in lines_by_award.values() for line in rows})
    names = suppliers_repository.business_names(session, supplier_ids)
    shown: list[AwardShown] = []
    for award in awards:
        rows = sorted(
            lines_by_award.get(award.id, []), key=lambda a: (rfq_lines[a.rfq_line_id].line_no, a.id)
        )
        status = AwardStatus(award.status)
        shown.append(
            AwardShown(
                award=award,
                lines=[
                    AwardLineShown(
                        line_no=rfq_lines[a.rfq_line_id].line_no,
                        line_name=rfq_lines[a.rfq_line_id].name,
                        supplier_id=a.supplier_id,
                        supplier_name=names.get(a.supplier_id, ""),
                        quantity=a.quantity,
                        unit_price=a.unit_price,
                        amount=a.amount,
                    )
                    for a in rows
                ],
                status_label=status.label,
                needs_approval=status is AwardStatus.PENDING_APPROVAL,
            )
        )
    return shown


def approvals_page(session: Session, *, actor: Actor | None, page: PageRequest) -> Page[Award]:
    """The awards waiting for the actor's approval: those of the organizations where it may approve."""
    organizations = reach(actor, Action.APPROVE_AWARD).organizations(Party.OWNER, Party.BUYER)
    return award_repository.pending_page(session, organizations, page)
