"""What the doors show of an RFQ besides its row: its lines, the suppliers it reaches (named), its
amendments, the builder's default invitees, and the quote counts of a list. Each read asks the policy
first, like the services (a page or endpoint never reads the repository for these)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from rantai.identity.policy import Action, Actor, can
from rantai.sourcing import repository as need_repository
from rantai.sourcing.models import Need
from rantai.sourcing.rfq import repository
from rantai.sourcing.rfq.errors import MSG_RFQ_NOT_FOUND, RfqNotFound
from rantai.sourcing.rfq.models import QuoteAttachment, Rfq, RfqAmendment, RfqLine
from rantai.sourcing.rfq.service import acting_supplier, get_rfq, is_buyer_of, shortlisted_supplier_ids
from rantai.suppliers import repository as suppliers_repository


@dataclass(frozen=True, slots=True)
class InvitationShown:
    """A supplier the RFQ reaches, as its buyer sees it."""

    supplier_id: int
    name: str
    source: str  # invited | eligible
    invited_at: dt.datetime
    declined: bool


def lines(session: Session, *, actor: Actor | None, rfq: Rfq) -> Sequence[RfqLine]:
    """The RFQ's lines, for its buyer and its invitees."""
    get_rfq(session, actor=actor, rfq_id=rfq.id)
    return repository.lines_of(session, rfq.id)


def amendments(session: Session, *, actor: Actor | None, rfq: Rfq) -> Sequence[RfqAmendment]:
    """The RFQ's amendments, oldest first, for its buyer and its invitees."""
    get_rfq(session, actor=actor, rfq_id=rfq.id)
    return repository.amendments_of(session, rfq.id)


def invitations(session: Session, *, actor: Actor | None, rfq: Rfq) -> list[InvitationShown]:
    """The suppliers the RFQ reaches, named: for its buyer only (invitees never learn of each other)."""
    if not can(actor, Action.VIEW_RECORD, rfq):
        raise RfqNotFound(MSG_RFQ_NOT_FOUND)
    rows = repository.invitations_of(session, rfq.id)
    names = suppliers_repository.business_names(session, [row.supplier_id for row in rows])
    return [
        InvitationShown(
            row.supplier_id,
            names.get(row.supplier_id, "-"),
            row.source,
            row.invited_at,
            row.declined_at is not None,
        )
        for row in rows
    ]


def quote_counts(session: Session, *, actor: Actor | None, rfqs: Sequence[Rfq]) -> dict[int, int]:
    """How many quotes each of the buyer's RFQs has (the count only: the seal holds)."""
    mine = [rfq.id for rfq in rfqs if is_buyer_of(actor, rfq) or can(actor, Action.VIEW_RECORD, rfq)]
    return repository.quote_counts(session, mine) if mine else {}


def invitable_suppliers(session: Session, *, actor: Actor | None, need: Need) -> list[tuple[int, str]]:
    """(profile id, business name) of the suppliers shortlisted on the need, for the RFQ builder; only
    those the actor may see."""
    if not can(actor, Action.VIEW_RECORD, need):
        return []
    ids = shortlisted_supplier_ids(session, need)
    readable = suppliers_repository.readable_profile_ids(session, actor, ids)
    names = suppliers_repository.business_names(session, [i for i in ids if i in readable])
    return [(i, names[i]) for i in ids if i in names]


def own_attachments(session: Session, *, actor: Actor | None, rfq: Rfq) -> Sequence[QuoteAttachment]:
    """The files the actor's supplier attached to its quote (every revision), for the supplier only."""
    invitation = acting_supplier(actor, session, rfq)
    quote = repository.quote_for_supplier(session, rfq.id, invitation.supplier_id)
    return repository.attachments_of(session, quote.id) if quote is not None else []


def more_to_invite(session: Session, *, actor: Actor | None, rfq: Rfq) -> list[tuple[int, str]]:
    """The suppliers shortlisted on the RFQ's need that it does not reach yet (the status page offers
    to invite them while the RFQ is a draft or open)."""
    if rfq.need_id is None or not can(actor, Action.VIEW_RECORD, rfq):
        return []
    need = need_repository.need(session, rfq.need_id)
    if need is None:
        return []
    reached = repository.invited_supplier_ids(session, rfq.id)
    return [(i, name) for i, name in invitable_suppliers(session, actor=actor, need=need) if i not in reached]
