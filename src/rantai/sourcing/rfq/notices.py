"""What RFQs tell people (through ``rantai.notifications``) and what they ask the scheduler to do.

Recipients are chosen by the action their page needs (``recipients.members(..., action=...)``), so each
link leads where its reader may go: a supplier's members who manage the catalog open the invitation
(``/invitations/<id>``), a buyer's officers the RFQ (``/rfqs/<id>``), its approvers the award. No notice
to a buyer carries a price before the deadline: they say how many quotes arrived, never what they say.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy.orm import Session

from rantai import jobs
from rantai.identity import recipients
from rantai.identity import repository as identity_repo
from rantai.identity.policy import Action
from rantai.kit.clock import WIB
from rantai.kit.text import N_
from rantai.notifications import kinds
from rantai.notifications.service import notify
from rantai.sourcing.rfq import repository
from rantai.sourcing.rfq.models import Rfq, RfqAmendment, RfqInvitation

DEADLINE_SIGNAL = "sourcing.rfq_deadlines"
PUBLISH_JOB = "sourcing.rfq_publish"
# Winners and the other bidders of an approved award are told by a job after the award commits: the
# award itself (the lines it locks) waits for no notice.
OUTCOME_JOB = "sourcing.award_outcome"

MSG_INVITED = N_(
    "%(buyer)s asks your business for a quote: %(title)s (%(number)s). Quotes close on %(deadline)s."
)
MSG_AMENDED = N_(
    "%(buyer)s amended %(title)s (%(number)s): %(reason)s. Quotes close on %(deadline)s; a quote given "
    "before the amendment must be confirmed."
)
MSG_ANSWERED = N_("%(buyer)s answered a clarification question on %(title)s (%(number)s).")
MSG_QUESTION = N_(
    "A supplier asked a clarification question on %(title)s (%(number)s). Answer it for all invitees."
)
MSG_CANCELLED = N_("%(buyer)s cancelled %(title)s (%(number)s): %(reason)s")
MSG_QUOTES_OPEN = N_(
    "The quote deadline of %(title)s (%(number)s) passed with %(count)s quotes. Compare them and award."
)


def invitation_link(rfq: Rfq) -> str:
    return f"/invitations/{rfq.id}"


def rfq_link(rfq: Rfq) -> str:
    return f"/rfqs/{rfq.id}"


def _deadline(rfq: Rfq) -> str:
    # Stored as text in the notice; the inbox shows it as it was written (WIB, Indonesian day order).
    return rfq.deadline.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB")


def _buyer_name(session: Session, rfq: Rfq) -> str:
    org = identity_repo.organization_by_id(session, rfq.organization_id)
    return org.name if org else ""


def _to_suppliers(
    session: Session,
    rfq: Rfq,
    organization_ids: Iterable[int | None],
    kind: kinds.Kind,
    message: str,
    params: dict[str, object],
) -> None:
    orgs = sorted({org for org in organization_ids if org is not None})
    people = recipients.members_by_organization(session, orgs, action=Action.MANAGE_CATALOG)
    for org_id, members in people.items():
        notify(
            session,
            members,
            kind,
            message=message,
            params=params,
            link=invitation_link(rfq),
            organization_id=org_id,
        )


def _to_buyer(session: Session, rfq: Rfq, kind: kinds.Kind, message: str, params: dict[str, object]) -> None:
    people = recipients.members(session, rfq.organization_id, action=Action.CREATE_NEED)
    notify(
        session,
        people,
        kind,
        message=message,
        params=params,
        link=rfq_link(rfq),
        organization_id=rfq.organization_id,
    )


def _basics(session: Session, rfq: Rfq) -> dict[str, object]:
    return {
        "buyer": _buyer_name(session, rfq),
        "title": rfq.title,
        "number": rfq.number,
        "deadline": _deadline(rfq),
    }


def invited(session: Session, rfq: Rfq, invitations: Sequence[RfqInvitation]) -> None:
    if invitations:
        orgs = [row.supplier_organization_id for row in invitations]
        _to_suppliers(session, rfq, orgs, kinds.RFQ_INVITED, MSG_INVITED, _basics(session, rfq))


def _invitees(session: Session, rfq: Rfq) -> list[int | None]:
    return [row.supplier_organization_id for row in repository.invitations_of(session, rfq.id)]


def amended(session: Session, rfq: Rfq, amendment: RfqAmendment) -> None:
    params = {**_basics(session, rfq), "reason": amendment.reason}
    _to_suppliers(session, rfq, _invitees(session, rfq), kinds.RFQ_AMENDED, MSG_AMENDED, params)


def answered(session: Session, rfq: Rfq) -> None:
    _to_suppliers(
        session, rfq, _invitees(session, rfq), kinds.RFQ_ANSWERED, MSG_ANSWERED, _basics(session, rfq)
    )


def question_asked(session: Session, rfq: Rfq) -> None:
    _to_buyer(session, rfq, kinds.RFQ_QUESTION, MSG_QUESTION, _basics(session, rfq))


def cancelled(session: Session, rfq: Rfq, reason: str) -> None:
    params = {**_basics(session, rfq), "reason": reason}
    _to_suppliers(session, rfq, _invitees(session, rfq), kinds.RFQ_CANCELLED, MSG_CANCELLED, params)


def quotes_open(session: Session, rfq: Rfq, count: int) -> None:
    _to_buyer(session, rfq, kinds.RFQ_QUOTES_OPEN, MSG_QUOTES_OPEN, {**_basics(session, rfq), "count": count})


def schedule_deadline(session: Session) -> None:
    """Ask the worker to close RFQs whose deadline came: the signal runs after this commit (a no-op
    now) and every minute (the sweep), so an RFQ closes at most a minute after its deadline."""
    jobs.signal_after_commit(session, DEADLINE_SIGNAL)


def publish_later(session: Session, rfq: Rfq) -> None:
    """Find every eligible supplier of a published RFQ in the worker (matching is too slow for a request)."""
    jobs.enqueue(session, PUBLISH_JOB, {"rfq_id": rfq.id})
