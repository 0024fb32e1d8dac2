"""What awards tell people (through ``rantai.notifications``), in the manner of ``rfq.notices``.

- An award waiting for approval: the buyer's members who may approve it (never the officer who made
  it), linked to ``/approvals/<award_id>``.
- A decision on it: the officer who made the award, linked to ``/rfqs/<rfq_id>``.
- An approved award: each winner (what lines it won) and each bidder that quoted on a line of the award
  and got none of it, with the reason per ``state.LOSS_REASONS`` (price, lead time, quantity), linked to
  ``/invitations/<rfq_id>``. No notice to a supplier names another supplier or its price.

A reason travels as its English msgid in the notice's parameters; the inbox translates a parameter that
is a msgid, so each reader sees it in their own language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from sqlalchemy.orm import Session

from rantai.identity import recipients
from rantai.identity import repository as identity_repo
from rantai.identity.policy import Action
from rantai.kit.text import N_
from rantai.notifications import kinds
from rantai.notifications.service import notify
from rantai.sourcing.rfq.models import Award, Rfq
from rantai.sourcing.rfq.notices import invitation_link, rfq_link
from rantai.sourcing.rfq.state import LOSS_REASONS

MSG_TO_APPROVE = N_("An award on %(title)s (%(number)s) waits for your approval.")
MSG_TO_APPROVE_EXCEPTION = N_(
    "An award on %(title)s (%(number)s) waits for your approval. It records an exception to the UMKM "
    "reservation: %(reason)s"
)
MSG_APPROVED = N_("Your award on %(title)s (%(number)s) was approved.")
MSG_REJECTED = N_("Your award on %(title)s (%(number)s) was rejected: %(reason)s")
MSG_WON = N_("%(buyer)s awarded your business line(s) %(lines)s of %(title)s (%(number)s).")
MSG_LOST = N_(
    "%(buyer)s awarded line(s) %(lines)s of %(title)s (%(number)s) to another supplier: %(reason)s."
)


def approval_link(award: Award) -> str:
    return f"/approvals/{award.id}"


def _basics(session: Session, rfq: Rfq) -> dict[str, object]:
    org = identity_repo.organization_by_id(session, rfq.organization_id)
    return {"buyer": org.name if org else "", "title": rfq.title, "number": rfq.number}


def _numbers(line_nos: Iterable[int]) -> str:
    return ", ".join(str(n) for n in sorted(set(line_nos)))


def to_approve(session: Session, rfq: Rfq, award: Award) -> None:
    """Ask the buyer's approvers (all but the officer who made the award) to decide on it."""
    people = [
        r
        for r in recipients.members(session, rfq.organization_id, action=Action.APPROVE_AWARD)
        if r.user_id != award.decided_by_user_id
    ]
    params = _basics(session, rfq)
    message = MSG_TO_APPROVE
    if award.exception_reason:
        message, params = MSG_TO_APPROVE_EXCEPTION, {**params, "reason": award.exception_reason}
    notify(
        session,
        people,
        kinds.AWARD_TO_APPROVE,
        message=message,
        params=params,
        link=approval_link(award),
        organization_id=rfq.organization_id,
    )


def decided(session: Session, rfq: Rfq, award: Award) -> None:
    """Tell the officer who made the award that it was approved or rejected."""
    if award.decided_by_user_id is None:
        return
    people = [
        r
        for r in recipients.members(session, rfq.organization_id, action=Action.CREATE_NEED)
        if r.user_id == award.decided_by_user_id
    ]
    params = _basics(session, rfq)
    message = MSG_APPROVED
    if award.rejection_reason is not None:
        message, params = MSG_REJECTED, {**params, "reason": award.rejection_reason}
    notify(
        session,
        people,
        kinds.AWARD_DECIDED,
        message=message,
        params=params,
        link=rfq_link(rfq),
        organization_id=rfq.organization_id,
    )


def outcome(
    session: Session,
    rfq: Rfq,
    won: Mapping[int, Iterable[int]],
    lost: Mapping[int, Mapping[str, Iterable[int]]],
) -> None:
    """Tell the winners (supplier organization -> line numbers won) and the losers (supplier organization
    -> reason code -> line numbers lost for that reason)."""
    basics = _basics(session, rfq)
    orgs = sorted({*won, *lost})
    people = recipients.members_by_organization(session, orgs, action=Action.MANAGE_CATALOG)
    for org_id, line_nos in sorted(won.items()):
        notify(
            session,
            people.get(org_id, []),
            kinds.AWARD_WON,
            message=MSG_WON,
            params={**basics, "lines": _numbers(line_nos)},
            link=invitation_link(rfq),
            organization_id=org_id,
        )
    for org_id, reasons in sorted(lost.items()):
        for code, line_nos in sorted(reasons.items()):
            notify(
                session,
                people.get(org_id, []),
                kinds.AWARD_LOST,
                message=MSG_LOST,
                params={**basics, "lines": _numbers(line_nos), "reason": LOSS_REASONS[code]},
                link=invitation_link(rfq),
                organization_id=org_id,
            )
