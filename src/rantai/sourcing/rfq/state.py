"""The lifecycles of an RFQ, a quote and an award, as explicit tables of allowed transitions.

Like the need's (`rantai.sourcing.state`), these never query the database: services ask them whether a
move is allowed and move rows with `rantai.lifecycle.advance` (a compare-and-set on version and status).

- An RFQ is a draft until sent; open until its deadline, when the scheduler (never the next request)
  moves it to evaluation and the quotes are unsealed; awarded once every line is awarded or closed; it
  may be cancelled with a reason before that. An amendment keeps it open (a move to the same state, so
  two amendments at once cannot both win).
- A quote is submitted, revised in place (each revision kept), withdrawn, or submitted again, until the
  deadline.
- An award waits for an approver when it is above the buyer's threshold or records an exception to the
  UMKM reservation; else it is approved as it is made.
"""

from __future__ import annotations

from enum import StrEnum

from rantai.kit.text import N_
from rantai.lifecycle import Lifecycle
from rantai.sourcing.rfq.errors import (
    MSG_AWARD_CHANGED,
    MSG_AWARD_MOVE_NOT_ALLOWED,
    MSG_QUOTE_CHANGED,
    MSG_QUOTE_MOVE_NOT_ALLOWED,
    MSG_RFQ_CHANGED,
    MSG_RFQ_MOVE_NOT_ALLOWED,
    AwardConflict,
    QuoteConflict,
    RfqConflict,
)


class RfqStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"  # sent; quotes come in, sealed
    EVALUATION = "evaluation"  # the deadline passed: quotes unsealed, compared, awarded line by line
    AWARDED = "awarded"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return RFQ_STATUS_LABELS[self]


RFQ_STATUS_LABELS: dict[RfqStatus, str] = {
    RfqStatus.DRAFT: N_("Draft"),
    RfqStatus.OPEN: N_("Open for quotes"),
    RfqStatus.EVALUATION: N_("Deadline passed: evaluation"),
    RfqStatus.AWARDED: N_("Awarded"),
    RfqStatus.CANCELLED: N_("Cancelled"),
}


class RfqMove(StrEnum):
    SEND = "send"  # draft -> open: invitees are told
    AMEND = "amend"  # open -> open: a new revision; quotes given before it are "to confirm"
    CLOSE_QUOTES = "close_quotes"  # open -> evaluation: by the scheduler at the deadline
    AWARD = "award"  # evaluation -> awarded: every line awarded or closed
    CANCEL = "cancel"  # before the award, with a reason


RFQ_TRANSITIONS: dict[tuple[RfqStatus, RfqMove], RfqStatus] = {
    (RfqStatus.DRAFT, RfqMove.SEND): RfqStatus.OPEN,
    (RfqStatus.OPEN, RfqMove.AMEND): RfqStatus.OPEN,
    (RfqStatus.OPEN, RfqMove.CLOSE_QUOTES): RfqStatus.EVALUATION,
    (RfqStatus.EVALUATION, RfqMove.AWARD): RfqStatus.AWARDED,
    (RfqStatus.DRAFT, RfqMove.CANCEL): RfqStatus.CANCELLED,
    (RfqStatus.OPEN, RfqMove.CANCEL): RfqStatus.CANCELLED,
    (RfqStatus.EVALUATION, RfqMove.CANCEL): RfqStatus.CANCELLED,
}

# Quotes are unsealed for the buyer only in these states (a cancelled RFQ's prices stay sealed).
UNSEALED = frozenset({RfqStatus.EVALUATION, RfqStatus.AWARDED})
# Where suppliers see the RFQ at all (a draft is the buyer's alone).
SENT = frozenset({RfqStatus.OPEN, RfqStatus.EVALUATION, RfqStatus.AWARDED, RfqStatus.CANCELLED})

RFQ_LIFECYCLE: Lifecycle[RfqStatus, RfqMove] = Lifecycle(
    name="rfq",
    states=RfqStatus,
    transitions=RFQ_TRANSITIONS,
    not_allowed=lambda current: RfqConflict(MSG_RFQ_MOVE_NOT_ALLOWED, status=current.label),
    conflict=lambda: RfqConflict(MSG_RFQ_CHANGED),
)


class QuoteStatus(StrEnum):
    SUBMITTED = "submitted"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return QUOTE_STATUS_LABELS[self]


QUOTE_STATUS_LABELS: dict[QuoteStatus, str] = {
    QuoteStatus.SUBMITTED: N_("Submitted"),
    QuoteStatus.WITHDRAWN: N_("Withdrawn"),
}
# Shown beside a submitted quote given before the RFQ's latest amendment.
TO_CONFIRM_LABEL = N_("To confirm: given before the amendment")


class QuoteMove(StrEnum):
    REVISE = "revise"  # submitted -> submitted: a new revision (older ones kept)
    WITHDRAW = "withdraw"
    SUBMIT_AGAIN = "submit_again"  # withdrawn -> submitted


QUOTE_TRANSITIONS: dict[tuple[QuoteStatus, QuoteMove], QuoteStatus] = {
    (QuoteStatus.SUBMITTED, QuoteMove.REVISE): QuoteStatus.SUBMITTED,
    (QuoteStatus.SUBMITTED, QuoteMove.WITHDRAW): QuoteStatus.WITHDRAWN,
    (QuoteStatus.WITHDRAWN, QuoteMove.SUBMIT_AGAIN): QuoteStatus.SUBMITTED,
}

QUOTE_LIFECYCLE: Lifecycle[QuoteStatus, QuoteMove] = Lifecycle(
    name="quote",
    states=QuoteStatus,
    transitions=QUOTE_TRANSITIONS,
    not_allowed=lambda current: QuoteConflict(MSG_QUOTE_MOVE_NOT_ALLOWED, status=current.label),
    conflict=lambda: QuoteConflict(MSG_QUOTE_CHANGED),
)


class AwardStatus(StrEnum):
    PENDING_APPROVAL = "pending_approval"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return AWARD_STATUS_LABELS[self]


AWARD_STATUS_LABELS: dict[AwardStatus, str] = {
    AwardStatus.PENDING_APPROVAL: N_("Waiting for approval"),
    AwardStatus.APPROVED: N_("Approved"),
    AwardStatus.REJECTED: N_("Rejected"),
}


class AwardMove(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"  # the quantities go back to the lines


AWARD_TRANSITIONS: dict[tuple[AwardStatus, AwardMove], AwardStatus] = {
    (AwardStatus.PENDING_APPROVAL, AwardMove.APPROVE): AwardStatus.APPROVED,
    (AwardStatus.PENDING_APPROVAL, AwardMove.REJECT): AwardStatus.REJECTED,
}

AWARD_LIFECYCLE: Lifecycle[AwardStatus, AwardMove] = Lifecycle(
    name="award",
    states=AwardStatus,
    transitions=AWARD_TRANSITIONS,
    not_allowed=lambda current: AwardConflict(MSG_AWARD_MOVE_NOT_ALLOWED, status=current.label),
    conflict=lambda: AwardConflict(MSG_AWARD_CHANGED),
)

# Why a bidder did not win a line (told to it with the outcome).
LOSS_REASONS: dict[str, str] = {
    "price": N_("another supplier offered a lower price"),
    "lead_time": N_("another supplier offered a shorter lead time"),
    "quantity": N_("the quantity was awarded to suppliers who offered more of it"),
    "not_chosen": N_("the buyer chose another offer"),
}
