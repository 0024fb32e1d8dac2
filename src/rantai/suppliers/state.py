"""The verification lifecycle of a supplier profile as an explicit table of allowed transitions.

Like openprocurement's state classes, this module never queries the database: services ask it whether a
move is allowed and which action (for the policy) it needs.
"""

from __future__ import annotations

from enum import StrEnum

from rantai.kit.text import N_
from rantai.lifecycle import Lifecycle
from rantai.suppliers.errors import (
    MSG_CLAIM_DECIDED,
    MSG_CONTACT_ANSWERED,
    MSG_MOVE_NOT_ALLOWED,
    MSG_PROFILE_CHANGED,
    ClaimConflict,
    ContactConflict,
    MoveNotAllowed,
    ProfileChanged,
)


class ProfileStatus(StrEnum):
    DRAFT = "draft"  # being filled in by the owner
    SUBMITTED = "submitted"  # waiting for a verifier
    VERIFIED = "verified"  # checked by a dinas/curator; visible to buyers
    REJECTED = "rejected"  # sent back with a reason; the owner fixes and resubmits

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[ProfileStatus, str] = {
    ProfileStatus.DRAFT: N_("Draft"),
    ProfileStatus.SUBMITTED: N_("Waiting for verification"),
    ProfileStatus.VERIFIED: N_("Verified"),
    ProfileStatus.REJECTED: N_("Rejected"),
}


class Move(StrEnum):
    SUBMIT = "submit"  # owner
    VERIFY = "verify"  # verifier
    REJECT = "reject"  # verifier
    REVIEW_AGAIN = "review_again"  # automatic: a verified profile's legal fields changed


TRANSITIONS: dict[tuple[ProfileStatus, Move], ProfileStatus] = {
    (ProfileStatus.DRAFT, Move.SUBMIT): ProfileStatus.SUBMITTED,
    (ProfileStatus.REJECTED, Move.SUBMIT): ProfileStatus.SUBMITTED,
    (ProfileStatus.SUBMITTED, Move.VERIFY): ProfileStatus.VERIFIED,
    (ProfileStatus.SUBMITTED, Move.REJECT): ProfileStatus.REJECTED,
    (ProfileStatus.VERIFIED, Move.REJECT): ProfileStatus.REJECTED,
    (ProfileStatus.VERIFIED, Move.REVIEW_AGAIN): ProfileStatus.SUBMITTED,
}


PROFILE_LIFECYCLE: Lifecycle[ProfileStatus, Move] = Lifecycle(
    name="supplier_profile",
    states=ProfileStatus,
    transitions=TRANSITIONS,
    not_allowed=lambda current: MoveNotAllowed(MSG_MOVE_NOT_ALLOWED, status=current.label),
    conflict=lambda: ProfileChanged(MSG_PROFILE_CHANGED),
)

# Changing any of these on a verified profile sends it back for review (the issue: "changing legal fields
# sends a verified profile back for review").
LEGAL_FIELDS = frozenset({"business_name", "legal_form", "nib", "npwp", "kbli_codes"})


# --- claims: a business taking over a profile an import created (issue #9) ----------------------------


class ClaimStatus(StrEnum):
    PENDING = "pending"  # waiting for a verifier of the profile's region
    APPROVED = "approved"  # the profile moved into the claimant's organization
    REJECTED = "rejected"  # refused with a reason
    WITHDRAWN = "withdrawn"  # taken back by the claimant
    SUPERSEDED = "superseded"  # another business's claim on the same profile was approved

    @property
    def label(self) -> str:
        return CLAIM_STATUS_LABELS[self]


CLAIM_STATUS_LABELS: dict[ClaimStatus, str] = {
    ClaimStatus.PENDING: N_("Waiting for a verifier"),
    ClaimStatus.APPROVED: N_("Approved"),
    ClaimStatus.REJECTED: N_("Rejected"),
    ClaimStatus.WITHDRAWN: N_("Withdrawn"),
    ClaimStatus.SUPERSEDED: N_("Closed: the profile went to another business"),
}


class ClaimMove(StrEnum):
    APPROVE = "approve"  # verifier
    REJECT = "reject"  # verifier
    WITHDRAW = "withdraw"  # claimant
    SUPERSEDE = "supersede"  # automatic: another claim on the profile was approved


CLAIM_TRANSITIONS: dict[tuple[ClaimStatus, ClaimMove], ClaimStatus] = {
    (ClaimStatus.PENDING, ClaimMove.APPROVE): ClaimStatus.APPROVED,
    (ClaimStatus.PENDING, ClaimMove.REJECT): ClaimStatus.REJECTED,
    (ClaimStatus.PENDING, ClaimMove.WITHDRAW): ClaimStatus.WITHDRAWN,
    (ClaimStatus.PENDING, ClaimMove.SUPERSEDE): ClaimStatus.SUPERSEDED,
}


CLAIM_LIFECYCLE: Lifecycle[ClaimStatus, ClaimMove] = Lifecycle(
    name="supplier_claim",
    states=ClaimStatus,
    transitions=CLAIM_TRANSITIONS,
    # A claim that cannot take the move has been decided or withdrawn: the same words as losing a race.
    not_allowed=lambda _current: ClaimConflict(MSG_CLAIM_DECIDED),
    conflict=lambda: ClaimConflict(MSG_CLAIM_DECIDED),
)


# --- contact requests: a buyer asking for a supplier's phone and email (issue #13) ----------------------


class ContactStatus(StrEnum):
    PENDING = "pending"  # waiting for the supplier's answer
    ACCEPTED = "accepted"  # the buyer sees the profile's phone and email
    DECLINED = "declined"  # the supplier said no
    WITHDRAWN = "withdrawn"  # taken back by the buyer before an answer
    REVOKED = "revoked"  # the supplier stopped sharing after accepting

    @property
    def label(self) -> str:
        return CONTACT_STATUS_LABELS[self]


CONTACT_STATUS_LABELS: dict[ContactStatus, str] = {
    ContactStatus.PENDING: N_("Waiting for an answer"),
    ContactStatus.ACCEPTED: N_("Accepted: contact details shared"),
    ContactStatus.DECLINED: N_("Declined"),
    ContactStatus.WITHDRAWN: N_("Withdrawn"),
    ContactStatus.REVOKED: N_("No longer shared"),
}


class ContactMove(StrEnum):
    ACCEPT = "accept"  # supplier
    DECLINE = "decline"  # supplier
    WITHDRAW = "withdraw"  # buyer
    REVOKE = "revoke"  # supplier, after accepting


CONTACT_TRANSITIONS: dict[tuple[ContactStatus, ContactMove], ContactStatus] = {
    (ContactStatus.PENDING, ContactMove.ACCEPT): ContactStatus.ACCEPTED,
    (ContactStatus.PENDING, ContactMove.DECLINE): ContactStatus.DECLINED,
    (ContactStatus.PENDING, ContactMove.WITHDRAW): ContactStatus.WITHDRAWN,
    (ContactStatus.ACCEPTED, ContactMove.REVOKE): ContactStatus.REVOKED,
}

# Who takes each move: the supplier answers, the buyer withdraws.
SUPPLIER_MOVES = frozenset({ContactMove.ACCEPT, ContactMove.DECLINE, ContactMove.REVOKE})


CONTACT_LIFECYCLE: Lifecycle[ContactStatus, ContactMove] = Lifecycle(
    name="supplier_contact_request",
    states=ContactStatus,
    transitions=CONTACT_TRANSITIONS,
    # A request that cannot take the move was answered or withdrawn: the same words as losing a race.
    not_allowed=lambda _current: ContactConflict(MSG_CONTACT_ANSWERED),
    conflict=lambda: ContactConflict(MSG_CONTACT_ANSWERED),
)
