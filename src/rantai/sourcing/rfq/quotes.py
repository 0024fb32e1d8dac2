"""Quotes: an invited supplier gives, revises, withdraws and gives again its quote until the deadline;
every revision's lines are kept. And the seal: what a buyer may learn of the quotes, and when.

The deadline is checked against the clock on every change (not only the RFQ's status, which the
scheduler moves up to a minute later): a quote arriving one second late is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from rantai import audit
from rantai.audit import Event
from rantai.identity.policy import Action, Actor, can
from rantai.kit.clock import WIB, now, today
from rantai.kit.storage import Storage
from rantai.lifecycle import advance
from rantai.sourcing.rfq import repository
from rantai.sourcing.rfq.errors import (
    MSG_ATTACHMENT_TOO_BIG,
    MSG_ATTACHMENT_TYPE,
    MSG_DEADLINE_PASSED,
    MSG_LEAD_TIME,
    MSG_OFFERED_QUANTITY,
    MSG_QUOTE_CHANGED,
    MSG_QUOTE_EMPTY,
    MSG_QUOTE_LINE_UNKNOWN,
    MSG_QUOTE_NOT_FOUND,
    MSG_QUOTE_SEALED,
    MSG_TOO_LONG,
    MSG_UNIT_PRICE,
    MSG_VALID_UNTIL,
    MSG_VALIDITY_CLOSED,
    MSG_VALIDITY_EXTEND,
    QuoteConflict,
    QuoteInvalid,
    QuoteSealed,
    RfqNotFound,
)
from rantai.sourcing.rfq.models import Quote, QuoteAttachment, QuoteLine, Rfq, RfqInvitation
from rantai.sourcing.rfq.service import acting_supplier, is_buyer_of
from rantai.sourcing.rfq.state import QUOTE_LIFECYCLE, UNSEALED, QuoteMove, QuoteStatus, RfqStatus
from rantai.tabular.cells import MAX_RUPIAH

MAX_LEAD_DAYS = 730
NOTES_MAX = 2000
MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENTS = 5
_SIGNATURES = {
    b"%PDF": (".pdf", "application/pdf"),
    b"\xff\xd8\xff": (".jpg", "image/jpeg"),
    b"\x89PNG\r\n\x1a\n": (".png", "image/png"),
}


@dataclass
class QuoteLineData:
    rfq_line_id: int
    unit_price: int
    quantity: int
    lead_time_days: int
    notes: str | None = None


@dataclass
class QuoteData:
    lines: list[QuoteLineData]
    valid_until: dt.date
    notes: str | None = None


def _deadline_text(rfq: Rfq) -> str:
    return rfq.deadline.astimezone(WIB).strftime("%d-%m-%Y %H:%M WIB")


def is_open_for_quotes(rfq: Rfq, moment: dt.datetime | None = None) -> bool:
    return RfqStatus(rfq.status) is RfqStatus.OPEN and (moment or now()) < rfq.deadline


def _require_open(rfq: Rfq) -> None:
    if not is_open_for_quotes(rfq):
        raise QuoteInvalid(MSG_DEADLINE_PASSED, field="quote", deadline=_deadline_text(rfq))


def _check(session: Session, rfq: Rfq, data: QuoteData) -> list[dict[str, object]]:
    lines = {line.id: line for line in repository.lines_of(session, rfq.id)}
    if not data.lines:
        raise QuoteInvalid(MSG_QUOTE_EMPTY, field="lines")
    seen: set[int] = set()
    checked: list[dict[str, object]] = []
    for given in data.lines:
        line = lines.get(given.rfq_line_id)
        if line is None or given.rfq_line_id in seen:
            raise QuoteInvalid(MSG_QUOTE_LINE_UNKNOWN, field="lines")
        seen.add(line.id)
        number = line.line_no
        if not isinstance(given.unit_price, int) or not 0 <= given.unit_price <= MAX_RUPIAH:
            raise QuoteInvalid(
                MSG_UNIT_PRICE, field=f"line-{line.id}-unit_price", line=number, max=MAX_RUPIAH
            )
        if not isinstance(given.quantity, int) or not 1 <= given.quantity <= line.quantity:
            raise QuoteInvalid(
                MSG_OFFERED_QUANTITY, field=f"line-{line.id}-quantity", line=number, quantity=line.quantity
            )
        if not isinstance(given.lead_time_days, int) or not 0 <= given.lead_time_days <= MAX_LEAD_DAYS:
            raise QuoteInvalid(
                MSG_LEAD_TIME, field=f"line-{line.id}-lead_time_days", line=number, max=MAX_LEAD_DAYS
            )
        notes = (given.notes or "").strip() or None
        if notes is not None and len(notes) > NOTES_MAX:
            raise QuoteInvalid(MSG_TOO_LONG, field=f"line-{line.id}-notes", what="notes", max=NOTES_MAX)
        checked.append(
            {
                "rfq_line_id": line.id,
                "unit_price": given.unit_price,
                "quantity": given.quantity,
                "lead_time_days": given.lead_time_days,
                "notes": notes,
            }
        )
    deadline_day = rfq.deadline.astimezone(WIB).date()
    if data.valid_until < max(deadline_day, today()):
        raise QuoteInvalid(MSG_VALID_UNTIL, field="valid_until", deadline=_deadline_text(rfq))
    notes = (data.notes or "").strip() or None
    if notes is not None and len(notes) > NOTES_MAX:
        raise QuoteInvalid(MSG_TOO_LONG, field="notes", what="notes", max=NOTES_MAX)
    return checked


def _flush(session: Session) -> None:
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        raise QuoteConflict(MSG_QUOTE_CHANGED) from None


def submit(
    session: Session,
    *,
    actor: Actor | None,
    rfq: Rfq,
    data: QuoteData,
    expected_version: int | None = None,
) -> Quote:
    """Give a quote, or revise it (a new revision; the older ones are kept), or give it again after
    withdrawing it; until the deadline. The buyer learns only that one more quote arrived."""
    invitation = acting_supplier(actor, session, rfq)
    _require_open(rfq)
    checked = _check(session, rfq, data)
    notes = (data.notes or "").strip() or None
    quote = repository.quote_for_supplier(session, rfq.id, invitation.supplier_id)
    moment = now()
    user_id = actor.user_id if actor else None
    if quote is None:
        quote = _first(session, rfq, invitation, data, notes, user_id, moment)
        event = Event.QUOTE_SUBMITTED
        before = None
    else:
        current = QuoteStatus(quote.status)
        move = QuoteMove.REVISE if current is QuoteStatus.SUBMITTED else QuoteMove.SUBMIT_AGAIN
        before = {"status": current.value, "revision": quote.revision, "rfq_revision": quote.rfq_revision}
        advance(
            session,
            quote,
            QUOTE_LIFECYCLE,
            move,
            expected_version=expected_version,
            values={
                "revision": quote.revision + 1,
                "rfq_revision": rfq.revision,
                "valid_until": data.valid_until,
                "notes": notes,
                "updated_at": moment,
                "submitted_by_user_id": user_id,
            },
        )
        event = Event(f"quote.{move.value}")
    for values in checked:
        session.add(QuoteLine(quote_id=quote.id, revision=quote.revision, **values))
    _flush(session)
    after = {
        "status": quote.status,
        "revision": quote.revision,
        "rfq_revision": quote.rfq_revision,
        "lines": checked,
        "valid_until": data.valid_until.isoformat(),
    }
    # The supplier's own log only: prices never reach the buyer's log (the seal).
    audit.record(
        session,
        event,
        quote.id,
        [quote.supplier_organization_id],
        by=actor,
        details={"rfq": rfq.id},
        before=before,
        after=after,
    )
    return quote


def _first(
    session: Session,
    rfq: Rfq,
    invitation: RfqInvitation,
    data: QuoteData,
    notes: str | None,
    user_id: int | None,
    moment: dt.datetime,
) -> Quote:
    org_id = invitation.supplier_organization_id
    if org_id is None:
        raise RfqNotFound(MSG_QUOTE_NOT_FOUND)
    quote = Quote(
        rfq_id=rfq.id,
        supplier_id=invitation.supplier_id,
        supplier_organization_id=org_id,
        status=QuoteStatus.SUBMITTED.value,
        revision=1,
        rfq_revision=rfq.revision,
        valid_until=data.valid_until,
        notes=notes,
        submitted_by_user_id=user_id,
        submitted_at=moment,
        updated_at=moment,
    )
    try:
        with session.begin_nested():  # two first quotes at once (two windows): one wins, one conflicts
            session.add(quote)
            session.flush()
    except IntegrityError:
        raise QuoteConflict(MSG_QUOTE_CHANGED) from None
    return quote


# How far ahead a supplier may extend its quote's validity, from the day it does.
MAX_VALIDITY_DAYS = 180


def extend_validity(
    session: Session,
    *,
    actor: Actor | None,
    rfq: Rfq,
    valid_until: dt.date,
    expected_version: int | None = None,
) -> Quote:
    """The supplier extends how long its quote stays valid (its prices, quantities and lead times stay as
    they are), while the RFQ is open or being evaluated: an award needs a quote still valid on the day
    it is made. Only to a later day, at most ``MAX_VALIDITY_DAYS`` from today."""
    invitation = acting_supplier(actor, session, rfq)
    quote = repository.quote_for_supplier(session, rfq.id, invitation.supplier_id)
    if quote is None:
        raise RfqNotFound(MSG_QUOTE_NOT_FOUND)
    status = RfqStatus(rfq.status)
    if status not in (RfqStatus.OPEN, RfqStatus.EVALUATION) or quote.status != QuoteStatus.SUBMITTED:
        raise QuoteInvalid(MSG_VALIDITY_CLOSED, field="valid_until")
    if expected_version is not None and quote.version != expected_version:
        raise QuoteConflict(MSG_QUOTE_CHANGED)
    day = today()
    latest = day + dt.timedelta(days=MAX_VALIDITY_DAYS)
    if not max(quote.valid_until, day) < valid_until <= latest:
        raise QuoteInvalid(
            MSG_VALIDITY_EXTEND,
            field="valid_until",
            until=quote.valid_until.strftime("%d-%m-%Y"),
            days=MAX_VALIDITY_DAYS,
        )
    before = {"valid_until": quote.valid_until.isoformat()}
    quote.valid_until = valid_until
    quote.updated_at = now()
    _flush(session)
    audit.record(
        session,
        Event.QUOTE_EXTEND,
        quote.id,
        [quote.supplier_organization_id],
        by=actor,
        details={"rfq": rfq.id},
        before=before,
        after={"valid_until": valid_until.isoformat()},
    )
    return quote


def withdraw(
    session: Session, *, actor: Actor | None, rfq: Rfq, expected_version: int | None = None
) -> Quote:
    """Withdraw the supplier's quote before the deadline (it may give it again until then)."""
    invitation = acting_supplier(actor, session, rfq)
    _require_open(rfq)
    quote = repository.quote_for_supplier(session, rfq.id, invitation.supplier_id)
    if quote is None:
        raise RfqNotFound(MSG_QUOTE_NOT_FOUND)
    advance(
        session,
        quote,
        QUOTE_LIFECYCLE,
        QuoteMove.WITHDRAW,
        expected_version=expected_version,
        values={"updated_at": now()},
    )
    audit.record(
        session,
        Event.QUOTE_WITHDRAW,
        quote.id,
        [quote.supplier_organization_id],
        by=actor,
        details={"rfq": rfq.id},
        before={"status": "submitted"},
        after={"status": "withdrawn"},
    )
    return quote


def attach(
    session: Session, *, actor: Actor | None, rfq: Rfq, name: str, data: bytes, storage: Storage
) -> QuoteAttachment:
    """Attach a file (PDF, JPG or PNG, at most 5 MB) to the supplier's current quote revision."""
    invitation = acting_supplier(actor, session, rfq)
    _require_open(rfq)
    quote = repository.quote_for_supplier(session, rfq.id, invitation.supplier_id)
    if quote is None:
        raise RfqNotFound(MSG_QUOTE_NOT_FOUND)
    shown = (name or "file")[:200]
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise QuoteInvalid(
            MSG_ATTACHMENT_TOO_BIG, field="attachment", name=shown, size=round(len(data) / 1048576, 1), max=5
        )
    kind = next((v for sig, v in _SIGNATURES.items() if data.startswith(sig)), None)
    if kind is None:
        raise QuoteInvalid(MSG_ATTACHMENT_TYPE, field="attachment", name=shown)
    if len(repository.attachments_of(session, quote.id)) >= MAX_ATTACHMENTS:
        raise QuoteInvalid(MSG_TOO_LONG, field="attachment", what="list of attachments", max=MAX_ATTACHMENTS)
    row = QuoteAttachment(
        quote_id=quote.id,
        revision=quote.revision,
        storage_key=storage.put(data, suffix=kind[0]),
        name=shown,
        content_type=kind[1],
        size=len(data),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        Event.QUOTE_ATTACHMENT_ADDED,
        quote.id,
        [quote.supplier_organization_id],
        by=actor,
        details={"rfq": rfq.id, "attachment": row.id, "name": shown},
    )
    return row


# --- reading: the supplier's own, the buyer's count, and the seal ------------------------------------------


@dataclass(frozen=True, slots=True)
class OwnQuote:
    quote: Quote
    lines: Sequence[QuoteLine]
    to_confirm: bool  # given before the RFQ's latest amendment


def own_quote(session: Session, *, actor: Actor | None, rfq: Rfq) -> OwnQuote | None:
    """The actor's supplier's own quote on the RFQ (its current revision), if it gave one."""
    invitation = acting_supplier(actor, session, rfq)
    quote = repository.quote_for_supplier(session, rfq.id, invitation.supplier_id)
    if quote is None:
        return None
    lines = repository.own_quote_lines(session, quote)
    return OwnQuote(quote, lines, to_confirm=is_to_confirm(quote, rfq))


def is_to_confirm(quote: Quote, rfq: Rfq) -> bool:
    return quote.status == QuoteStatus.SUBMITTED and quote.rfq_revision < rfq.revision


def own_revisions(
    session: Session, *, actor: Actor | None, rfq: Rfq
) -> list[tuple[int, Sequence[QuoteLine]]]:
    """Every revision of the supplier's own quote, newest first."""
    invitation = acting_supplier(actor, session, rfq)
    quote = repository.quote_for_supplier(session, rfq.id, invitation.supplier_id)
    if quote is None:
        return []
    return [(rev, repository.own_quote_lines(session, quote, rev)) for rev in range(quote.revision, 0, -1)]


def quote_count(session: Session, *, actor: Actor | None, rfq: Rfq) -> int:
    """How many quotes arrived: the one thing the buyer may know before the deadline."""
    if not is_buyer_of(actor, rfq) and not _may_view(actor, rfq):
        raise RfqNotFound(MSG_QUOTE_NOT_FOUND)
    return repository.quote_count(session, rfq.id)


def _may_view(actor: Actor | None, rfq: Rfq) -> bool:
    return can(actor, Action.VIEW_RECORD, rfq)


def is_sealed(rfq: Rfq, moment: dt.datetime | None = None) -> bool:
    """Sealed until the scheduler moved the RFQ past its deadline; a cancelled RFQ stays sealed."""
    return not (RfqStatus(rfq.status) in UNSEALED and rfq.deadline <= (moment or now()))


@dataclass(frozen=True, slots=True)
class OpenedQuotes:
    """The quotes of an RFQ past its deadline, for its buyer: each with its current lines."""

    quotes: Sequence[Quote]
    lines: dict[int, list[QuoteLine]]


def opened_quotes(session: Session, *, actor: Actor | None, rfq: Rfq) -> OpenedQuotes:
    """What the quotes say, for the RFQ's buyer, after the deadline only (QuoteSealed before). The
    repository's queries carry the seal too: called early by mistake, they return nothing."""
    moment = _require_opened(actor, rfq)
    return OpenedQuotes(
        repository.unsealed_quotes(session, rfq.id, moment),
        repository.unsealed_quote_lines(session, rfq.id, moment),
    )


def _require_opened(actor: Actor | None, rfq: Rfq) -> dt.datetime:
    """The buyer's check before any price is read: RfqNotFound for others, QuoteSealed before the
    deadline; the moment the seal was checked at (the repository's WHERE checks it again)."""
    if not _may_view(actor, rfq):
        raise RfqNotFound(MSG_QUOTE_NOT_FOUND)
    moment = now()
    if is_sealed(rfq, moment):
        raise QuoteSealed(MSG_QUOTE_SEALED, deadline=_deadline_text(rfq))
    return moment


class OpenedPrice(NamedTuple):
    """One current quote line as plain values (no ORM object)."""

    quote_id: int
    rfq_line_id: int
    unit_price: int
    quantity: int
    lead_time_days: int
    notes: str | None


@dataclass(frozen=True, slots=True)
class OpenedPrices:
    """``OpenedQuotes`` with the lines as plain values, by quote id."""

    quotes: Sequence[Quote]
    lines: dict[int, list[OpenedPrice]]


def opened_prices(session: Session, *, actor: Actor | None, rfq: Rfq) -> OpenedPrices:
    """``opened_quotes`` for large comparisons (200 quotes x 50 lines): the same check and seal, the
    lines read as plain rows rather than ORM objects (several times faster)."""
    moment = _require_opened(actor, rfq)
    lines: dict[int, list[OpenedPrice]] = {}
    for quote_id, line_id, unit_price, quantity, lead_time, notes in repository.unsealed_quote_prices(
        session, rfq.id, moment
    ):
        lines.setdefault(quote_id, []).append(
            OpenedPrice(quote_id, line_id, unit_price, quantity, lead_time, notes)
        )
    return OpenedPrices(repository.unsealed_quotes(session, rfq.id, moment), lines)
