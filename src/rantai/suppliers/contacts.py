"""Contact requests (issue #13): a buyer asks a supplier for its contact details with a message; the
supplier accepts or declines; only after it accepts does that buyer see the profile's phone and email.

The profile's phone and email are a resource of their own for the policy (``SharedContact``): the business
owns them, its region's verifiers see them, and every buyer whose request the business accepted is their
buyer (``Action.VIEW_CONTACT``). Moves follow ``state.CONTACT_TRANSITIONS`` by compare-and-set; every step
is audited in both organizations' logs and told to the other side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.orm import Session

from rantai import audit
from rantai.audit import Event
from rantai.identity import recipients
from rantai.identity.models import Organization
from rantai.identity.policy import Action, Actor, OrgScope, Party, Resource, can, reach, ruled_out_by_type
from rantai.kit.clock import now
from rantai.kit.ids import storable_id
from rantai.kit.pagination import Page, PageRequest
from rantai.kit.text import N_, without_control_characters
from rantai.lifecycle import advance
from rantai.notifications import kinds
from rantai.notifications.service import notify
from rantai.suppliers import service as suppliers
from rantai.suppliers.errors import (
    MSG_CONTACT_MESSAGE,
    MSG_CONTACT_NOT_ALLOWED,
    MSG_CONTACT_NOT_BUYER,
    MSG_CONTACT_NOT_FOUND,
    MSG_CONTACT_OPEN,
    MSG_CONTACT_OWN,
    MSG_CONTACT_TOO_LONG,
    ContactForbidden,
    ContactInvalid,
    ContactNotFound,
)
from rantai.suppliers.models import ContactRequest, SupplierProfile
from rantai.suppliers.state import CONTACT_LIFECYCLE, SUPPLIER_MOVES, ContactMove, ContactStatus

MESSAGE_MAX = 2000
# A request still waiting or accepted stands: the buyer does not ask again (a declined, withdrawn or
# revoked one may be asked again).
STANDING = (ContactStatus.PENDING.value, ContactStatus.ACCEPTED.value)

MSG_REQUESTED = N_("%(buyer)s asks for your contact details: %(note)s")
MSG_ACCEPTED = N_("%(business)s accepted your contact request: its phone and email are on its profile.")
MSG_DECLINED = N_("%(business)s declined your contact request.")
MSG_REVOKED = N_("%(business)s no longer shares its contact details with your organization.")

_EVENTS = {
    ContactMove.ACCEPT: Event.CONTACT_ACCEPTED,
    ContactMove.DECLINE: Event.CONTACT_DECLINED,
    ContactMove.WITHDRAW: Event.CONTACT_WITHDRAWN,
    ContactMove.REVOKE: Event.CONTACT_REVOKED,
}


@dataclass(frozen=True, slots=True)
class SharedContact:
    """A profile's phone and email as the policy sees them: owned by its business, in its region, and
    shared with the buyers whose contact request it accepted."""

    profile: SupplierProfile
    buyers: frozenset[int]

    @property
    def policy_resource(self) -> Resource:
        return Resource.of(
            (self.profile.organization_id, Party.OWNER),
            *((buyer, Party.BUYER) for buyer in sorted(self.buyers)),
            region_code=self.profile.region_code,
        )


# --- reading ---------------------------------------------------------------------------------------------


def request_readable(actor: Actor | None) -> ColumnElement[bool]:
    """The requests ``actor`` may read (``VIEW_RECORD``): its buyer organizations' and its businesses'."""
    scope = reach(actor, Action.VIEW_RECORD)
    conditions: list[ColumnElement[bool]] = []
    if buyers := scope.organizations(Party.BUYER):
        conditions.append(ContactRequest.buyer_organization_id.in_(sorted(buyers)))
    if businesses := scope.organizations(Party.SUPPLIER):
        conditions.append(ContactRequest.supplier_organization_id.in_(sorted(businesses)))
    return or_(false(), *conditions)


def shared_contact(session: Session, actor: Actor | None, profile: SupplierProfile) -> SharedContact:
    """The profile's contact as shared with the actor's organizations (one query)."""
    orgs = sorted(actor.roles) if actor is not None else []
    buyers = (
        set(
            session.scalars(
                select(ContactRequest.buyer_organization_id).where(
                    ContactRequest.supplier_id == profile.id,
                    ContactRequest.supplier_organization_id == profile.organization_id,
                    ContactRequest.status == ContactStatus.ACCEPTED.value,
                    ContactRequest.buyer_organization_id.in_(orgs),
                )
            )
        )
        if orgs
        else set()
    )
    return SharedContact(profile, frozenset(buyers))


def contact_shown(session: Session, actor: Actor | None, profile: SupplierProfile) -> bool:
    """Whether ``actor`` sees the profile's phone and email unmasked."""
    return can(actor, Action.VIEW_CONTACT, shared_contact(session, actor, profile))


def get_request(session: Session, *, actor: Actor | None, request_id: int) -> ContactRequest:
    """A request its buyer or its business may see (others: not found)."""
    row = session.get(ContactRequest, request_id) if storable_id(request_id) else None
    if row is None or not can(actor, Action.VIEW_RECORD, row):
        raise ContactNotFound(MSG_CONTACT_NOT_FOUND)
    return row


def standing_request(
    session: Session, *, buyer_organization_id: int, profile: SupplierProfile
) -> ContactRequest | None:
    """The buyer's latest request to this business, when it still stands (waiting or accepted)."""
    return session.scalar(
        select(ContactRequest)
        .where(
            ContactRequest.supplier_id == profile.id,
            ContactRequest.supplier_organization_id == profile.organization_id,
            ContactRequest.buyer_organization_id == buyer_organization_id,
            ContactRequest.status.in_(STANDING),
        )
        .order_by(ContactRequest.id.desc())
        .limit(1)
    )


@dataclass(frozen=True, slots=True)
class RequestRow:
    request: ContactRequest
    buyer: str
    business: str


def requests_page(
    session: Session,
    *,
    actor: Actor | None,
    organization_id: int,
    page: PageRequest,
    status: str | None = None,
) -> Page[RequestRow]:
    """The requests an organization sent (as a buyer) or received (as a business), newest first, of those
    ``actor`` may read."""
    stmt = select(ContactRequest).where(
        request_readable(actor),
        or_(
            ContactRequest.buyer_organization_id == organization_id,
            ContactRequest.supplier_organization_id == organization_id,
        ),
    )
    if status in {s.value for s in ContactStatus}:
        stmt = stmt.where(ContactRequest.status == status)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(
        stmt.order_by(ContactRequest.created_at.desc(), ContactRequest.id.desc())
        .offset(page.offset)
        .limit(page.per_page)
    ).all()
    return Page(rows_of(session, rows), total, page.page, page.per_page)


def rows_of(session: Session, rows: Sequence[ContactRequest]) -> list[RequestRow]:
    org_ids = {r.buyer_organization_id for r in rows}
    names = dict(
        session.execute(select(Organization.id, Organization.name).where(Organization.id.in_(org_ids))).all()
    )
    businesses = dict(
        session.execute(
            select(SupplierProfile.id, SupplierProfile.business_name).where(
                SupplierProfile.id.in_({r.supplier_id for r in rows})
            )
        ).all()
    )
    return [
        RequestRow(r, names.get(r.buyer_organization_id, ""), businesses.get(r.supplier_id, "")) for r in rows
    ]


# --- writing ---------------------------------------------------------------------------------------------


def _message(text: str | None) -> str:
    # Control characters (a NUL is refused by PostgreSQL) become spaces; the message is one paragraph.
    value = " ".join(without_control_characters(text or "").split())
    if not value:
        raise ContactInvalid(MSG_CONTACT_MESSAGE, field="message")
    if len(value) > MESSAGE_MAX:
        raise ContactInvalid(MSG_CONTACT_TOO_LONG, field="message", max=MESSAGE_MAX)
    return value


def _record(
    session: Session, actor: Actor | None, row: ContactRequest, event: Event, details: dict[str, Any]
) -> None:
    """In both organizations' logs: the buyer that asked and the business asked."""
    audit.record(
        session,
        event,
        row.id,
        [row.buyer_organization_id, row.supplier_organization_id],
        by=actor,
        details={"supplier_id": row.supplier_id, **details},
    )


def request_contact(
    session: Session,
    *,
    actor: Actor | None,
    buyer_organization_id: int,
    profile: SupplierProfile,
    message: str | None,
) -> ContactRequest:
    """A buyer's procurement staff ask a business they may see for its contact details."""
    if ruled_out_by_type(actor, Action.CREATE_NEED, buyer_organization_id):
        raise ContactForbidden(MSG_CONTACT_NOT_BUYER)
    if not can(actor, Action.CREATE_NEED, OrgScope(buyer_organization_id)):
        raise ContactForbidden(MSG_CONTACT_NOT_ALLOWED)
    if not can(actor, Action.VIEW_SUPPLIER_PROFILE, profile) or profile.erased_at is not None:
        raise ContactNotFound(MSG_CONTACT_NOT_FOUND)
    if profile.organization_id == buyer_organization_id:
        raise ContactInvalid(MSG_CONTACT_OWN, field="message")
    text = _message(message)
    standing = standing_request(session, buyer_organization_id=buyer_organization_id, profile=profile)
    if standing is not None:
        raise ContactInvalid(MSG_CONTACT_OPEN, field="message", status=ContactStatus(standing.status).label)
    row = ContactRequest(
        supplier_id=profile.id,
        supplier_organization_id=profile.organization_id,
        buyer_organization_id=buyer_organization_id,
        requested_by_user_id=actor.user_id if actor else None,
        message=text,
    )
    session.add(row)
    session.flush()
    _record(session, actor, row, Event.CONTACT_REQUESTED, {"message": text})
    buyer = session.get(Organization, buyer_organization_id)
    notify(
        session,
        recipients.members(session, profile.organization_id, action=Action.EDIT_SUPPLIER_PROFILE),
        kinds.CONTACT_REQUESTED,
        message=MSG_REQUESTED,
        params={"buyer": buyer.name if buyer else "", "note": text[:300]},
        link=f"/contact-requests/{row.id}",
        organization_id=profile.organization_id,
    )
    return row


def may_move(actor: Actor | None, row: ContactRequest, move: ContactMove) -> bool:
    """The business's profile editors answer (and may stop sharing); the buyer's staff withdraw."""
    if move in SUPPLIER_MOVES:
        return can(actor, Action.EDIT_SUPPLIER_PROFILE, OrgScope(row.supplier_organization_id))
    return can(actor, Action.CREATE_NEED, OrgScope(row.buyer_organization_id))


def moves_for(actor: Actor | None, row: ContactRequest) -> list[ContactMove]:
    """The moves ``actor`` may take on the request now (the page's buttons)."""
    return [m for m in CONTACT_LIFECYCLE.moves_from(ContactStatus(row.status)) if may_move(actor, row, m)]


def move(
    session: Session,
    *,
    actor: Actor | None,
    row: ContactRequest,
    move: ContactMove,
    expected_version: int | None = None,
) -> ContactStatus:
    """Answer, withdraw or stop sharing, by compare-and-set; audited in both logs; the other side told."""
    if not may_move(actor, row, move):
        raise ContactForbidden(MSG_CONTACT_NOT_ALLOWED)
    before = row.status
    moment = now()
    values: dict[str, Any] = {}
    if move in SUPPLIER_MOVES:
        values = {"answered_by_user_id": actor.user_id if actor else None, "answered_at": moment}
    status = advance(session, row, CONTACT_LIFECYCLE, move, expected_version=expected_version, values=values)
    _record(session, actor, row, _EVENTS[move], {"before": before, "after": status.value})
    message = {
        ContactMove.ACCEPT: MSG_ACCEPTED,
        ContactMove.DECLINE: MSG_DECLINED,
        ContactMove.REVOKE: MSG_REVOKED,
    }.get(move)
    if message is not None:
        profile = session.get(SupplierProfile, row.supplier_id)
        notify(
            session,
            recipients.members(session, row.buyer_organization_id, action=Action.CREATE_NEED),
            kinds.CONTACT_ANSWERED,
            message=message,
            params={"business": profile.business_name if profile else ""},
            link=f"/suppliers/{row.supplier_id}",
            organization_id=row.buyer_organization_id,
        )
    return status


def masked_contact(
    session: Session, actor: Actor | None, profile: SupplierProfile
) -> tuple[str | None, str | None, str | None]:
    """(NPWP, phone, email) as ``actor`` may see them: the NPWP masked when it is a person's data the actor
    may not read; phone and email masked unless the business shares them with the actor (its own members,
    its region's verifiers, a buyer whose contact request it accepted)."""
    npwp = suppliers.mask(profile.npwp) if suppliers.personal_fields_masked(profile, actor) else profile.npwp
    if contact_shown(session, actor, profile):
        return npwp, profile.phone, profile.email
    return npwp, suppliers.mask(profile.phone), suppliers.mask(profile.email)
