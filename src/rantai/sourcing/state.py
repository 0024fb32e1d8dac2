"""The lifecycle of a procurement need (kebutuhan pengadaan) as an explicit table of allowed transitions.

Like the supplier verification lifecycle (`rantai.suppliers.state`), this module never queries the
database: the service asks it whether a move is allowed. A draft need is the buyer's working copy (it
already gets shortlists); an open need is published to suppliers as an opportunity; a closed need was
fulfilled or awarded (RFQs and awards will close it); a cancelled need is withdrawn.
"""

from __future__ import annotations

from enum import StrEnum

from rantai.kit.text import N_
from rantai.lifecycle import Lifecycle
from rantai.sourcing.errors import (
    MSG_MOVE_NOT_ALLOWED,
    MSG_NEED_CHANGED_NOW,
    NeedChanged,
    NeedMoveNotAllowed,
)


class NeedStatus(StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[NeedStatus, str] = {
    NeedStatus.DRAFT: N_("Draft"),
    NeedStatus.OPEN: N_("Open to suppliers"),
    NeedStatus.CLOSED: N_("Closed"),
    NeedStatus.CANCELLED: N_("Cancelled"),
}


class NeedMove(StrEnum):
    PUBLISH = "publish"  # draft -> open: suppliers see it among their opportunities
    CLOSE = "close"  # open -> closed
    CANCEL = "cancel"  # draft/open -> cancelled
    REOPEN = "reopen"  # closed/cancelled -> draft, to be edited and published again


TRANSITIONS: dict[tuple[NeedStatus, NeedMove], NeedStatus] = {
    (NeedStatus.DRAFT, NeedMove.PUBLISH): NeedStatus.OPEN,
    (NeedStatus.OPEN, NeedMove.CLOSE): NeedStatus.CLOSED,
    (NeedStatus.DRAFT, NeedMove.CANCEL): NeedStatus.CANCELLED,
    (NeedStatus.OPEN, NeedMove.CANCEL): NeedStatus.CANCELLED,
    (NeedStatus.CLOSED, NeedMove.REOPEN): NeedStatus.DRAFT,
    (NeedStatus.CANCELLED, NeedMove.REOPEN): NeedStatus.DRAFT,
}

# Lines can be added, changed or removed only while the need is a draft or open (an open need's
# shortlists simply follow the change).
EDITABLE = frozenset({NeedStatus.DRAFT, NeedStatus.OPEN})


NEED_LIFECYCLE: Lifecycle[NeedStatus, NeedMove] = Lifecycle(
    name="need",
    states=NeedStatus,
    transitions=TRANSITIONS,
    not_allowed=lambda current: NeedMoveNotAllowed(MSG_MOVE_NOT_ALLOWED, status=current.label),
    conflict=lambda: NeedChanged(MSG_NEED_CHANGED_NOW),
)


class Decision(StrEnum):
    """What a buyer did with a supplier on a line's shortlist."""

    SHORTLISTED = "shortlisted"
    DISMISSED = "dismissed"

    @property
    def label(self) -> str:
        return DECISION_LABELS[self]


DECISION_LABELS: dict[Decision, str] = {
    Decision.SHORTLISTED: N_("Shortlisted"),
    Decision.DISMISSED: N_("Dismissed"),
}
