"""RFQs: make one from a need, invite suppliers, send it, amend it, answer questions, cancel it; and the
scheduler's close at the deadline.

Services check the policy, validate everything before writing (a bad field changes nothing), flush but
never commit, move lifecycles with ``advance`` (a compare-and-set), and audit every change with its
before and after. Quotes are in ``quotes``, awards in ``awards``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from rantai import audit
from rantai.audit import Event
from rantai.identity.policy import Action, Actor, OrgScope, Party, Resource, can, ruled_out_by_type
from rantai.kit.clock import WIB, now
from rantai.kit.pagination import Page, PageRequest
from rantai.lifecycle import advance
from rantai.sourcing import repository as need_repository
from rantai.sourcing.errors import MSG_NOT_BUYER
from rantai.sourcing.models import Need
from rantai.sourcing.rfq import notices, repository
from rantai.sourcing.rfq.errors import (
    MSG_ANSWER_REQUIRED,
    MSG_BUYER_CODE,
    MSG_CANCEL_AWARDED,
    MSG_CURRENCY,
    MSG_DEADLINE_EARLIER,
    MSG_DEADLINE_FAR,
    MSG_DEADLINE_PAST,
    MSG_INCOTERM,
    MSG_INCOTERM_PLACE,
    MSG_LINE_HPS,
    MSG_LINE_QUANTITY,
    MSG_NEED_NOT_READY,
    MSG_NO_LINES,
    MSG_NO_SUPPLIERS,
    MSG_NOT_ALLOWED,
    MSG_NOT_INVITED,
    MSG_QUESTION_NOT_FOUND,
    MSG_QUESTION_REQUIRED,
    MSG_QUESTIONS_CLOSED,
    MSG_RATE_REQUIRED,
    MSG_REASON_REQUIRED,
    MSG_RFQ_CHANGED,
    MSG_RFQ_NOT_FOUND,
    MSG_SETTINGS,
    MSG_SUPPLIER_CANNOT_QUOTE,
    MSG_TERMS,
    MSG_TITLE_REQUIRED,
    MSG_TOO_LONG,
    RfqConflict,
    RfqForbidden,
    RfqInvalid,
    RfqNotFound,
)
from rantai.sourcing.rfq.models import BuyerSettings, Rfq, RfqAmendment, RfqInvitation, RfqLine, RfqQuestion
from rantai.sourcing.rfq.state import RFQ_LIFECYCLE, SENT, RfqMove, RfqStatus
from rantai.sourcing.state import EDITABLE, NeedStatus
from rantai.suppliers import repository as suppliers_repository
from rantai.tabular.cells import MAX_COUNT, MAX_RUPIAH

MIN_DEADLINE_MINUTES = 10
MAX_DEADLINE_DAYS = 180
TITLE_MAX = 500
TEXT_MAX = 5000
MAX_TERMS_DAYS = 365
# Incoterms 2020: the eleven rules (ICC).
INCOTERMS = ("EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF")
CURRENCIES = ("IDR", "USD")


@dataclass
class RfqLineData:
    """One line of an RFQ: the need line it comes from (or none) and what the buyer asks a price for."""

    name: str
    quantity: int
    need_line_id: int | None = None
    specification: str | None = None
    unit_code: str | None = None
    delivery_kabkota_code: str | None = None
    needed_by: dt.date | None = None
    hps: int | None = None  # minor units of the RFQ's currency, for the whole line


@dataclass
class RfqData:
    title: str
    deadline: dt.datetime
    lines: list[RfqLineData]
    description: str | None = None
    published: bool = False
    supplier_ids: list[int] = field(default_factory=list)
    currency: str = "IDR"
    idr_rate: Decimal | None = None
    idr_rate_date: dt.date | None = None
    incoterm: str | None = None
    incoterm_place: str | None = None


# --- access ---------------------------------------------------------------------------------------------


def _require_buyer(actor: Actor | None, organization_id: int) -> None:
    if not can(actor, Action.CREATE_NEED, OrgScope(organization_id)):
        raise RfqForbidden(MSG_NOT_ALLOWED)


def supplier_resource(rfq: Rfq, invitation: RfqInvitation | None) -> Resource:
    """The RFQ as its invited supplier sees it: a supplier party through its invitation, once sent."""
    parties = [(rfq.organization_id, Party.BUYER)]
    if invitation is not None and invitation.supplier_organization_id is not None:
        parties.append((invitation.supplier_organization_id, Party.SUPPLIER))
    return Resource.of(*parties)


def acting_supplier(actor: Actor | None, session: Session, rfq: Rfq) -> RfqInvitation:
    """The invitation through which ``actor`` takes part as a supplier (it may quote, ask, see answers);
    RfqNotFound when it has none, as if the RFQ did not exist."""
    if actor is None or RfqStatus(rfq.status) not in SENT:
        raise RfqNotFound(MSG_RFQ_NOT_FOUND)
    invitation = repository.invitation_for(session, rfq.id, actor.roles)
    if invitation is None or not can(actor, Action.SEE_OPPORTUNITY, supplier_resource(rfq, invitation)):
        raise RfqNotFound(MSG_RFQ_NOT_FOUND)
    return invitation


def get_rfq(session: Session, *, actor: Actor | None, rfq_id: int) -> Rfq:
    """An RFQ the actor may see, as its buyer or as an invited supplier (others: not found)."""
    rfq = repository.rfq(session, rfq_id)
    if rfq is None:
        raise RfqNotFound(MSG_RFQ_NOT_FOUND)
    if can(actor, Action.VIEW_RECORD, rfq):
        return rfq
    acting_supplier(actor, session, rfq)
    return rfq


def is_buyer_of(actor: Actor | None, rfq: Rfq) -> bool:
    """May ``actor`` run this RFQ (invite, amend, answer, award)?"""
    return can(actor, Action.CREATE_NEED, OrgScope(rfq.organization_id))


def may_approve(actor: Actor | None, rfq: Rfq) -> bool:
    return can(actor, Action.APPROVE_AWARD, rfq)


def _flush(session: Session) -> None:
    try:
        session.flush()
    except StaleDataError:
        raise RfqConflict(MSG_RFQ_CHANGED) from None


# --- the buyer's settings -------------------------------------------------------------------------------


def buyer_settings(session: Session, organization_id: int) -> BuyerSettings:
    """The buyer's settings (the defaults when it has set none; not stored until changed)."""
    found = repository.settings_of(session, organization_id)
    return found or BuyerSettings(
        organization_id=organization_id, approval_above=500_000_000, payment_terms_days=30
    )


@dataclass(frozen=True, slots=True)
class OrderSettings:
    """What a buyer sets for its purchase orders and invoices (issue #12): the code in PO numbers
    (``PO/2026/<code>/000123``; None: the initials of its name), its NPWP (16 digits, on invoices), and
    whether it is an appointed PPN collector and withholds PPh 22 (a BUMN is both)."""

    code: str | None
    npwp: str | None
    ppn_collector: bool
    pph22_collector: bool


BUYER_CODE = re.compile(r"[A-Z0-9]{2,16}")


def change_buyer_settings(
    session: Session,
    *,
    actor: Actor | None,
    organization_id: int,
    approval_above: int,
    payment_terms_days: int,
    orders: OrderSettings | None = None,
) -> BuyerSettings:
    """Set above which value awards wait for an approver, the payment terms of purchase orders and, when
    ``orders`` is given, the code, NPWP and tax collector statuses (None: those stay as they are)."""
    if not can(actor, Action.MANAGE_ORGANIZATION, OrgScope(organization_id)):
        raise RfqForbidden(MSG_NOT_ALLOWED)
    if not 0 <= approval_above <= MAX_RUPIAH:
        raise RfqInvalid(MSG_SETTINGS, field="approval_above", max=MAX_RUPIAH)
    if not 0 <= payment_terms_days <= MAX_TERMS_DAYS:
        raise RfqInvalid(MSG_TERMS, field="payment_terms_days", max=MAX_TERMS_DAYS)
    if orders is not None and orders.code is not None and not BUYER_CODE.fullmatch(orders.code):
        raise RfqInvalid(MSG_BUYER_CODE, field="code")
    row = repository.settings_of(session, organization_id)
    before = None if row is None else _settings_facts(row)
    if row is None:
        row = BuyerSettings(organization_id=organization_id, ppn_collector=False, pph22_collector=False)
        session.add(row)
    row.approval_above = approval_above
    row.payment_terms_days = payment_terms_days
    if orders is not None:
        row.code = orders.code
        row.npwp = orders.npwp
        row.ppn_collector = orders.ppn_collector
        row.pph22_collector = orders.pph22_collector
    session.flush()
    event = Event.BUYER_SETTINGS_CHANGED
    after = _settings_facts(row)
    audit.record(session, event, organization_id, [organization_id], by=actor, before=before, after=after)
    return row


def _settings_facts(row: BuyerSettings) -> dict[str, Any]:
    return {
        "approval_above": row.approval_above,
        "terms": row.payment_terms_days,
        "code": row.code,
        "npwp": row.npwp,
        "ppn_collector": row.ppn_collector,
        "pph22_collector": row.pph22_collector,
    }


# --- checking what the buyer typed -----------------------------------------------------------------------


def _text(value: str | None, *, what: str, field_name: str, limit: int = TEXT_MAX) -> str | None:
    cleaned = (value or "").strip() or None
    if cleaned is not None and len(cleaned) > limit:
        raise RfqInvalid(MSG_TOO_LONG, field=field_name, what=what, max=limit)
    return cleaned


def check_deadline(deadline: dt.datetime, moment: dt.datetime) -> dt.datetime:
    if deadline.tzinfo is None:  # a form's local time is WIB
        deadline = deadline.replace(tzinfo=WIB)
    deadline = deadline.astimezone(dt.UTC)
    if deadline < moment + dt.timedelta(minutes=MIN_DEADLINE_MINUTES):
        raise RfqInvalid(MSG_DEADLINE_PAST, field="deadline", minutes=MIN_DEADLINE_MINUTES)
    if deadline > moment + dt.timedelta(days=MAX_DEADLINE_DAYS):
        raise RfqInvalid(MSG_DEADLINE_FAR, field="deadline", days=MAX_DEADLINE_DAYS)
    return deadline


def _check_terms(data: RfqData) -> dict[str, Any]:
    currency = (data.currency or "IDR").upper()
    if currency not in CURRENCIES:
        raise RfqInvalid(MSG_CURRENCY, field="currency")
    rate, rate_date = data.idr_rate, data.idr_rate_date
    if currency == "IDR":
        rate, rate_date = None, None
    elif rate is None or rate <= 0 or rate_date is None:
        raise RfqInvalid(MSG_RATE_REQUIRED, field="idr_rate")
    incoterm = (data.incoterm or "").strip().upper() or None
    place = _text(data.incoterm_place, what="named place", field_name="incoterm_place", limit=200)
    if incoterm is not None:
        if incoterm not in INCOTERMS:
            raise RfqInvalid(MSG_INCOTERM, field="incoterm", code=incoterm)
        if place is None:
            raise RfqInvalid(MSG_INCOTERM_PLACE, field="incoterm_place", code=incoterm)
    else:
        place = None
    return {
        "currency": currency,
        "idr_rate": rate,
        "idr_rate_date": rate_date,
        "incoterm": incoterm,
        "incoterm_place": place,
    }


def _check_lines(session: Session, need: Need | None, lines: Sequence[RfqLineData]) -> list[dict[str, Any]]:
    if not lines:
        raise RfqInvalid(MSG_NO_LINES, field="lines")
    need_lines = {row.id: row for row in need_repository.lines_of(session, need.id)} if need else {}
    checked: list[dict[str, Any]] = []
    for number, line in enumerate(lines, start=1):
        if line.need_line_id is not None and line.need_line_id not in need_lines:
            raise RfqInvalid(MSG_NO_LINES, field=f"lines-{number}-need_line_id")
        name = (line.name or "").strip()
        if not name:
            raise RfqInvalid(MSG_NO_LINES, field=f"lines-{number}-name")
        if not isinstance(line.quantity, int) or not 1 <= line.quantity <= MAX_COUNT:
            raise RfqInvalid(MSG_LINE_QUANTITY, field=f"lines-{number}-quantity", line=number, max=MAX_COUNT)
        if line.hps is not None and not 0 <= line.hps <= MAX_RUPIAH:
            raise RfqInvalid(MSG_LINE_HPS, field=f"lines-{number}-hps", line=number, max=MAX_RUPIAH)
        checked.append(
            {
                "line_no": number,
                "need_line_id": line.need_line_id,
                "name": name[:500],
                "specification": _text(line.specification, what="specification", field_name="specification"),
                "quantity": line.quantity,
                "unit_code": line.unit_code,
                "delivery_kabkota_code": line.delivery_kabkota_code,
                "needed_by": line.needed_by,
                "hps": line.hps,
            }
        )
    return checked


def lines_from_need(session: Session, need: Need) -> list[RfqLineData]:
    """The RFQ lines a need gives by default: every line with a quantity, its budget as the HPS."""
    return [
        RfqLineData(
            name=line.name,
            quantity=line.quantity or 1,
            need_line_id=line.id,
            specification=line.specification,
            unit_code=line.unit_code,
            delivery_kabkota_code=line.delivery_kabkota_code,
            needed_by=line.needed_by,
            hps=line.budget,
        )
        for line in need_repository.lines_of(session, need.id)
    ]


def shortlisted_supplier_ids(session: Session, need: Need) -> list[int]:
    """The suppliers the buyer shortlisted on any line of the need (the RFQ builder's default invitees)."""
    return need_repository.shortlisted_supplier_ids(session, need.id)


# --- making and sending ----------------------------------------------------------------------------------


def create_rfq(session: Session, *, actor: Actor | None, need: Need, data: RfqData) -> Rfq:
    """A draft RFQ from a draft or open need, with its lines and the suppliers invited by name."""
    if ruled_out_by_type(actor, Action.CREATE_NEED, need.organization_id):
        raise RfqForbidden(MSG_NOT_BUYER)
    _require_buyer(actor, need.organization_id)
    if NeedStatus(need.status) not in EDITABLE:
        raise RfqInvalid(MSG_NEED_NOT_READY, field="need")
    moment = now()
    title = _text(data.title, what="title", field_name="title", limit=TITLE_MAX)
    if title is None:
        raise RfqInvalid(MSG_TITLE_REQUIRED, field="title")
    description = _text(data.description, what="description", field_name="description")
    deadline = check_deadline(data.deadline, moment)
    terms = _check_terms(data)
    lines = _check_lines(session, need, data.lines)
    profiles = _invitable(session, actor, data.supplier_ids)
    settings = buyer_settings(session, need.organization_id)
    year = moment.astimezone(WIB).year
    rfq = Rfq(
        organization_id=need.organization_id,
        need_id=need.id,
        number=repository.next_number(session, need.organization_id, year),
        title=title,
        description=description,
        published=bool(data.published),
        deadline=deadline,
        approval_above=settings.approval_above,
        created_by_user_id=actor.user_id if actor else None,
        **terms,
    )
    try:
        with session.begin_nested():
            session.add(rfq)
            session.flush()
    except IntegrityError:  # another RFQ took the number at the same moment: refuse, the user repeats
        raise RfqConflict(MSG_RFQ_CHANGED) from None
    for values in lines:
        session.add(RfqLine(rfq_id=rfq.id, **values))
    for profile_id, org_id in profiles:
        session.add(
            RfqInvitation(
                rfq_id=rfq.id,
                supplier_id=profile_id,
                supplier_organization_id=org_id,
                invited_by_user_id=actor.user_id if actor else None,
            )
        )
    session.flush()
    created = {"need": need.id, "lines": len(lines), "invited": len(profiles), "published": rfq.published}
    audit.record(session, Event.RFQ_CREATED, rfq.id, [rfq.organization_id], by=actor, details=created)
    return rfq


def _invitable(session: Session, actor: Actor | None, supplier_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(profile id, organization id) of each supplier named that the actor may see and that can quote."""
    found: list[tuple[int, int]] = []
    for supplier_id in dict.fromkeys(supplier_ids):
        profile = suppliers_repository.by_id(session, supplier_id)
        if profile is None or not can(actor, Action.VIEW_SUPPLIER_PROFILE, profile):
            raise RfqInvalid(MSG_NO_SUPPLIERS, field="supplier_ids")
        if profile.erased_at is not None:
            raise RfqInvalid(MSG_SUPPLIER_CANNOT_QUOTE, field="supplier_ids", name=profile.business_name)
        found.append((profile.id, profile.organization_id))
    return found


def invite(session: Session, *, actor: Actor | None, rfq: Rfq, supplier_ids: Sequence[int]) -> int:
    """Invite more suppliers to a draft or open RFQ; returns how many were new. Invitees of an open RFQ
    are told at once."""
    _require_buyer(actor, rfq.organization_id)
    if RfqStatus(rfq.status) not in (RfqStatus.DRAFT, RfqStatus.OPEN):
        raise RFQ_LIFECYCLE.not_allowed(RfqStatus(rfq.status))
    already = repository.invited_supplier_ids(session, rfq.id)
    new = [(pid, org) for pid, org in _invitable(session, actor, supplier_ids) if pid not in already]
    rows = [
        RfqInvitation(
            rfq_id=rfq.id,
            supplier_id=pid,
            supplier_organization_id=org,
            invited_by_user_id=actor.user_id if actor else None,
        )
        for pid, org in new
    ]
    session.add_all(rows)
    session.flush()
    if rows:
        invited = {"suppliers": [pid for pid, _ in new]}
        audit.record(session, Event.RFQ_INVITED, rfq.id, [rfq.organization_id], by=actor, details=invited)
        if rfq.status == RfqStatus.OPEN:
            notices.invited(session, rfq, rows)
    return len(rows)


def add_eligible(session: Session, rfq: Rfq, supplier_ids: Sequence[int]) -> int:
    """Reach the suppliers the matcher found eligible for a published RFQ (the publishing job); returns
    how many were new. Nobody acts: the buyer chose to publish."""
    already = repository.invited_supplier_ids(session, rfq.id)
    orgs = suppliers_repository.organizations_of(session, [s for s in supplier_ids if s not in already])
    rows = [
        RfqInvitation(rfq_id=rfq.id, supplier_id=pid, supplier_organization_id=org, source="eligible")
        for pid, org in orgs.items()
    ]
    session.add_all(rows)
    session.flush()
    if rows:
        notices.invited(session, rfq, rows)
    return len(rows)


def send(session: Session, *, actor: Actor | None, rfq: Rfq, expected_version: int | None = None) -> Rfq:
    """Send a draft RFQ: open for quotes until its deadline; invitees are told; a published RFQ reaches
    every eligible supplier (found by a job, ``tasks.publish``)."""
    _require_buyer(actor, rfq.organization_id)
    moment = now()
    if RfqStatus(rfq.status) is RfqStatus.DRAFT:
        check_deadline(rfq.deadline, moment)
        invitations = repository.invitations_of(session, rfq.id)
        if not invitations and not rfq.published:
            raise RfqInvalid(MSG_NO_SUPPLIERS, field="supplier_ids")
    else:
        invitations = []
    settings = buyer_settings(session, rfq.organization_id)
    values = {"sent_at": moment, "approval_above": settings.approval_above}
    _move(session, actor, rfq, RfqMove.SEND, expected_version=expected_version, values=values)
    notices.invited(session, rfq, invitations)
    notices.schedule_deadline(session)
    if rfq.published:
        notices.publish_later(session, rfq)
    return rfq


def _move(
    session: Session,
    actor: Actor | None,
    rfq: Rfq,
    move: RfqMove,
    *,
    expected_version: int | None = None,
    values: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> RfqStatus:
    current = RfqStatus(rfq.status)
    target = advance(session, rfq, RFQ_LIFECYCLE, move, expected_version=expected_version, values=values)
    event = Event(f"rfq.{move.value}")  # one event per move of the table: a test holds them together
    audit.record(
        session,
        event,
        rfq.id,
        [rfq.organization_id],
        by=actor,
        details={"from": current.value, "to": target.value, **(details or {})},
        before={"status": current.value},
        after={"status": target.value},
    )
    return target


@dataclass
class AmendmentData:
    reason: str
    deadline: dt.datetime | None = None  # None: unchanged; else later than the one in force
    # Changed lines by RFQ line id: quantity and specification.
    quantities: dict[int, int] = field(default_factory=dict)
    specifications: dict[int, str | None] = field(default_factory=dict)


def _amended_lines(session: Session, rfq: Rfq, data: AmendmentData) -> dict[int, RfqLine]:
    """The RFQ's lines by id, once the amendment's changes to them are checked."""
    lines = {line.id: line for line in repository.lines_of(session, rfq.id)}
    for line_id, quantity in data.quantities.items():
        line = lines.get(line_id)
        if line is None:
            raise RfqInvalid(MSG_NO_LINES, field=f"line-{line_id}-quantity")
        if not isinstance(quantity, int) or not 1 <= quantity <= MAX_COUNT:
            raise RfqInvalid(
                MSG_LINE_QUANTITY, field=f"line-{line_id}-quantity", line=line.line_no, max=MAX_COUNT
            )
    for line_id, spec in data.specifications.items():
        if line_id not in lines:
            raise RfqInvalid(MSG_NO_LINES, field=f"line-{line_id}-specification")
        _text(spec, what="specification", field_name=f"line-{line_id}-specification")
    return lines


def amend(
    session: Session,
    *,
    actor: Actor | None,
    rfq: Rfq,
    data: AmendmentData,
    expected_version: int | None = None,
) -> RfqAmendment:
    """Amend an open RFQ: a new revision with its reason, perhaps a later deadline and changed lines.
    Invitees are told; quotes given before it are marked "to confirm" until revised."""
    _require_buyer(actor, rfq.organization_id)
    if RfqStatus(rfq.status) is not RfqStatus.OPEN:
        raise RFQ_LIFECYCLE.not_allowed(RfqStatus(rfq.status))
    reason = _text(data.reason, what="reason", field_name="reason")
    if reason is None:
        raise RfqInvalid(MSG_REASON_REQUIRED, field="reason")
    moment = now()
    deadline = rfq.deadline
    if data.deadline is not None:
        wanted = data.deadline if data.deadline.tzinfo else data.deadline.replace(tzinfo=WIB)
        if wanted.astimezone(dt.UTC) < rfq.deadline:
            shown = rfq.deadline.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB")
            raise RfqInvalid(MSG_DEADLINE_EARLIER, field="deadline", deadline=shown)
        if wanted.astimezone(dt.UTC) != rfq.deadline:
            deadline = check_deadline(wanted, moment)
    lines = _amended_lines(session, rfq, data)
    previous = [
        {"id": line.id, "quantity": line.quantity, "specification": line.specification}
        for line in lines.values()
    ]
    revision = rfq.revision + 1
    old_deadline = rfq.deadline
    _move(
        session,
        actor,
        rfq,
        RfqMove.AMEND,
        expected_version=expected_version,
        values={"revision": revision, "deadline": deadline},
        details={"revision": revision, "reason": reason, "deadline": deadline.isoformat()},
    )
    for line_id, quantity in data.quantities.items():
        lines[line_id].quantity = quantity
    for line_id, spec in data.specifications.items():
        lines[line_id].specification = (spec or "").strip() or None
    amendment = RfqAmendment(
        rfq_id=rfq.id,
        revision=revision,
        reason=reason,
        previous_deadline=old_deadline,
        deadline=deadline,
        previous_lines=previous,
        made_by_user_id=actor.user_id if actor else None,
    )
    session.add(amendment)
    session.flush()
    notices.amended(session, rfq, amendment)
    if deadline != old_deadline:
        notices.schedule_deadline(session)
    return amendment


def cancel(
    session: Session, *, actor: Actor | None, rfq: Rfq, reason: str, expected_version: int | None = None
) -> Rfq:
    """Cancel an RFQ before its award, with a reason the invitees are told. Quotes stay sealed. Awards
    waiting for approval are rejected with that reason; an RFQ with an approved award is not cancelled
    (its purchase orders are what to cancel)."""
    from rantai.sourcing.rfq import awards  # noqa: PLC0415 - awards builds on this module

    _require_buyer(actor, rfq.organization_id)
    cleaned = _text(reason, what="reason", field_name="reason")
    if cleaned is None:
        raise RfqInvalid(MSG_REASON_REQUIRED, field="reason")
    if awards.has_approved(session, rfq):
        raise RfqConflict(MSG_CANCEL_AWARDED)
    was_sent = RfqStatus(rfq.status) in SENT
    values = {"cancel_reason": cleaned, "cancelled_at": now()}
    _move(
        session,
        actor,
        rfq,
        RfqMove.CANCEL,
        expected_version=expected_version,
        values=values,
        details={"reason": cleaned},
    )
    awards.withdraw_pending(session, actor=actor, rfq=rfq, reason=cleaned)
    if was_sent:
        notices.cancelled(session, rfq, cleaned)
    return rfq


def close_due(session: Session, moment: dt.datetime | None = None) -> int:
    """The scheduler's work: move every open RFQ whose deadline has come to evaluation (unsealing its
    quotes) and tell its buyer. Returns how many it closed; one losing a race to an amendment is left for
    the next run."""
    closed = 0
    at = moment or now()
    for rfq in repository.due_for_closing(session, at):
        try:
            with session.begin_nested():
                _move(
                    session,
                    None,
                    rfq,
                    RfqMove.CLOSE_QUOTES,
                    values={"closed_at": at},
                    details={"quotes": repository.quote_count(session, rfq.id)},
                )
        except RfqConflict:
            continue
        notices.quotes_open(session, rfq, repository.quote_count(session, rfq.id))
        closed += 1
    return closed


# --- clarifications --------------------------------------------------------------------------------------


def ask(session: Session, *, actor: Actor | None, rfq: Rfq, question: str) -> RfqQuestion:
    """An invited supplier asks a clarification question while the RFQ is open. The buyer and the other
    invitees see the question, never who asked it."""
    invitation = acting_supplier(actor, session, rfq)
    if RfqStatus(rfq.status) is not RfqStatus.OPEN or now() >= rfq.deadline:
        raise RfqInvalid(MSG_QUESTIONS_CLOSED, field="question")
    text = _text(question, what="question", field_name="question")
    if text is None:
        raise RfqInvalid(MSG_QUESTION_REQUIRED, field="question")
    row = RfqQuestion(
        rfq_id=rfq.id,
        question=text,
        asked_by_organization_id=invitation.supplier_organization_id,
        asked_by_user_id=actor.user_id if actor else None,
    )
    session.add(row)
    session.flush()
    # In the asker's own log only: the buyer's log must not say who asked.
    audit.record(
        session,
        Event.RFQ_QUESTION_ASKED,
        rfq.id,
        [invitation.supplier_organization_id],
        by=actor,
        details={"question": row.id},
    )
    notices.question_asked(session, rfq)
    return row


def answer(session: Session, *, actor: Actor | None, rfq: Rfq, question_id: int, text: str) -> RfqQuestion:
    """The buyer answers (or corrects its answer to) a question; every invitee is told."""
    _require_buyer(actor, rfq.organization_id)
    row = repository.question(session, question_id)
    if row is None or row.rfq_id != rfq.id:
        raise RfqNotFound(MSG_QUESTION_NOT_FOUND)
    if RfqStatus(rfq.status) is not RfqStatus.OPEN:
        raise RFQ_LIFECYCLE.not_allowed(RfqStatus(rfq.status))
    cleaned = _text(text, what="answer", field_name="answer")
    if cleaned is None:
        raise RfqInvalid(MSG_ANSWER_REQUIRED, field="answer")
    before = {"answer": row.answer}
    row.answer = cleaned
    row.answered_at = now()
    row.answered_by_user_id = actor.user_id if actor else None
    session.flush()
    audit.record(
        session,
        Event.RFQ_QUESTION_ANSWERED,
        rfq.id,
        [rfq.organization_id],
        by=actor,
        details={"question": row.id},
        before=before,
        after={"answer": cleaned},
    )
    notices.answered(session, rfq)
    return row


@dataclass(frozen=True, slots=True)
class QuestionShown:
    """A question as everyone sees it: no asker."""

    id: int
    question: str
    asked_at: dt.datetime
    answer: str | None
    answered_at: dt.datetime | None


def questions(session: Session, *, actor: Actor | None, rfq: Rfq) -> list[QuestionShown]:
    """The RFQ's questions and answers, for its buyer and its invitees alike (never who asked)."""
    get_rfq(session, actor=actor, rfq_id=rfq.id)
    return [
        QuestionShown(q.id, q.question, q.asked_at, q.answer, q.answered_at)
        for q in repository.questions_of(session, rfq.id)
    ]


# --- lists ----------------------------------------------------------------------------------------------


def buyer_rfqs_page(
    session: Session,
    *,
    actor: Actor | None,
    organization_id: int,
    page: PageRequest,
    status: str | None = None,
    text: str | None = None,
    need_id: int | None = None,
    sort: str = "newest",
) -> Page[Rfq]:
    if not can(actor, Action.VIEW_ORGANIZATION, OrgScope(organization_id)):
        raise RfqForbidden(MSG_NOT_ALLOWED)
    condition = repository.buyer_rfqs(actor, organization_id)
    return repository.rfqs_page(
        session, condition=condition, page=page, status=status, text=text, need_id=need_id, sort=sort
    )


INVITABLE_SHOWN = 50


def invitable_rfqs(session: Session, *, actor: Actor | None, organization_id: int) -> list[Rfq]:
    """The buyer's RFQs a supplier can still be invited to (draft or open), newest first: what a
    supplier's profile offers under "invite to quote" (issue #13). Empty for whoever may not run them."""
    if not can(actor, Action.CREATE_NEED, OrgScope(organization_id)):
        return []
    return repository.rfqs_with_status(
        session,
        repository.buyer_rfqs(actor, organization_id),
        (RfqStatus.DRAFT.value, RfqStatus.OPEN.value),
        limit=INVITABLE_SHOWN,
    )


def supplier_rfqs_page(
    session: Session,
    *,
    actor: Actor | None,
    page: PageRequest,
    status: str | None = None,
    text: str | None = None,
    sort: str = "deadline",
) -> Page[Rfq]:
    """The RFQs that reach the actor's supplier organizations (invited or found eligible)."""
    if actor is None:
        raise RfqForbidden(MSG_NOT_INVITED)
    condition = repository.supplier_rfqs(actor, actor.roles)
    return repository.rfqs_page(session, condition=condition, page=page, status=status, text=text, sort=sort)
