"""The verification lifecycle of a supplier profile as an explicit table of allowed transitions.

Like openprocurement's state classes, this module never queries the database: services ask it whether a
move is allowed and which action (for the policy) it needs.
"""

from __future__ import annotations

from enum import StrEnum

from rantai.kit.text import N_


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


def next_status(current: ProfileStatus, move: Move) -> ProfileStatus | None:
    """The status after ``move``, or None when the move is not allowed from ``current``."""
    return TRANSITIONS.get((current, move))


# Changing any of these on a verified profile sends it back for review (the issue: "changing legal fields
# sends a verified profile back for review").
LEGAL_FIELDS = frozenset({"business_name", "legal_form", "nib", "npwp", "kbli_codes"})
