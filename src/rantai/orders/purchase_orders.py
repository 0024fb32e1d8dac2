"""Purchase orders: made from an approved award (one per supplier), accepted or declined by the supplier,
amended as new versions the supplier accepts, cancelled by the buyer before anything was received.

Numbers: ``PO/<year>/<BUYER-CODE>/000123``, per buyer and year, without gaps also when awards are
turned into orders at the same moment (``repository.take_number``). Payment terms come from the buyer's
settings. A foreign buyer's documents are bilingual (``second_language``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from rantai import audit
from rantai.audit import Event
from rantai.identity import repository as identity_repository
from rantai.identity.policy import Action, Actor, can
from rantai.identity.roles import OrgType
from rantai.kit.clock import WIB, now
from rantai.kit.pagination import Page, PageRequest
from rantai.lifecycle import advance
from rantai.orders import documents, notices, repository, track_record
from rantai.orders.errors import (
    MSG_ALREADY_ORDERED,
    MSG_AMEND_QUANTITY,
    MSG_AWARD_NOT_APPROVED,
    MSG_LINE_UNKNOWN,
    MSG_NOT_ALLOWED,
    MSG_PAYMENT_TERMS,
    MSG_PO_NOT_FOUND,
    MSG_REASON_REQUIRED,
    OrderConflict,
    OrderForbidden,
    OrderInvalid,
    OrderNotFound,
)
from rantai.orders.models import PurchaseOrder, PurchaseOrderLine, PurchaseOrderRevision
from rantai.orders.state import PO_LIFECYCLE, PoMove, PoStatus
from rantai.sourcing.rfq import repository as rfq_repository
from rantai.sourcing.rfq import service as rfq_service
from rantai.sourcing.rfq.models import Award
from rantai.sourcing.rfq.state import AwardStatus
from rantai.tabular.cells import MAX_COUNT

REASON_MAX = 2000


def require(actor: Actor | None, action: Action, po: PurchaseOrder) -> None:
    if not can(actor, action, po):
        raise OrderForbidden(MSG_NOT_ALLOWED)


def may_run(actor: Actor | None, po: PurchaseOrder) -> bool:
    """Whether the actor acts for the PO's buyer (amend, cancel, record a BAST, pay): for the doors'
    buttons, asked of the policy as every use case does."""
    return can(actor, Action.RUN_PURCHASE, po)


def may_fulfil(actor: Actor | None, po: PurchaseOrder) -> bool:
    """Whether the actor acts for the PO's supplier (accept, decline, ship, invoice)."""
    return can(actor, Action.FULFIL_ORDER, po)


def get_po(session: Session, *, actor: Actor | None, po_id: int) -> PurchaseOrder:
    """A PO its buyer or its supplier may see (others: not found)."""
    found = repository.po(session, po_id)
    if found is None or not can(actor, Action.VIEW_RECORD, found):
        raise OrderNotFound(MSG_PO_NOT_FOUND)
    return found


def buyer_code(session: Session, organization_id: int) -> str:
    """The buyer's code in PO numbers: its settings' code, else the initials of its name (PT Perusahaan
    Listrik Negara -> PLN), else its id."""
    settings = rfq_service.buyer_settings(session, organization_id)
    if settings.code:
        return settings.code
    org = identity_repository.organization_by_id(session, organization_id)
    words = [w for w in re.split(r"[^A-Za-z0-9]+", org.name if org else "") if w]
    initials = "".join(w[0] for w in words if w.upper() not in {"PT", "PERSERO", "TBK", "CV", "PERUM"})
    return (initials.upper()[:8] or f"ORG{organization_id}") if org else f"ORG{organization_id}"


def _content(po: PurchaseOrder, lines: Sequence[PurchaseOrderLine]) -> dict[str, Any]:
    """What a version says, kept as it was (``PurchaseOrderRevision.content``)."""
    return {
        "number": po.number,
        "currency": po.currency,
        "payment_terms_days": po.payment_terms_days,
        "incoterm": po.incoterm,
        "incoterm_place": po.incoterm_place,
        "total": po.total,
        "lines": [
            {
                "line_no": line.line_no,
                "name": line.name,
                "unit_code": line.unit_code,
                "quantity": line.quantity,
                "unit_price": line.unit_price,
                "amount": line.amount,
                "ppn_treatment": line.ppn_treatment,
                "nature": line.nature,
            }
            for line in lines
        ],
    }


def _due_day(needed_by: dt.date | None, issued_on: dt.date, lead_time_days: int | None) -> dt.date | None:
    """When a PO line's goods are due: the day the RFQ line needs them, else the issue day plus the lead
    time the supplier quoted; None when neither is known."""
    if needed_by is not None:
        return needed_by
    return issued_on + dt.timedelta(days=lead_time_days) if lead_time_days is not None else None


def complete_when_received(
    session: Session, *, actor: Actor | None, po: PurchaseOrder, lines: Sequence[PurchaseOrderLine]
) -> bool:
    """Complete an accepted PO whose every line has been accepted in full (goods rejected must be
    replaced first), and count it in the supplier's track record. True when it completed."""
    if PoStatus(po.status) is not PoStatus.ACCEPTED or any(
        line.accepted_quantity < line.quantity for line in lines
    ):
        return False
    _move(session, actor, po, PoMove.COMPLETE)
    track_record.order_completed(session, po, lines, repository.last_accepted_on(session, po.id))
    return True


def issue_for_award(session: Session, *, actor: Actor | None, award: Award) -> list[PurchaseOrder]:
    """One PO per supplier of an approved award, numbered in the buyer's series of the year; each
    supplier is told. Refused for an award not approved, or one already turned into orders."""
    if not can(actor, Action.RUN_PURCHASE, award):
        raise OrderForbidden(MSG_NOT_ALLOWED)
    if award.status != AwardStatus.APPROVED:
        raise OrderInvalid(MSG_AWARD_NOT_APPROVED, field="award")
    if repository.pos_of_award(session, award.id):
        raise OrderConflict(MSG_ALREADY_ORDERED)
    rfq = rfq_repository.rfq(session, award.rfq_id)
    if rfq is None:
        raise OrderNotFound(MSG_PO_NOT_FOUND)
    rfq_lines = {line.id: line for line in rfq_repository.lines_of(session, rfq.id)}
    by_supplier: dict[int, list[Any]] = defaultdict(list)
    for line in rfq_repository.award_lines_of(session, [award.id]).get(award.id, []):
        by_supplier[line.supplier_id].append(line)
    settings = rfq_service.buyer_settings(session, award.organization_id)
    buyer = identity_repository.organization_by_id(session, award.organization_id)
    foreign = buyer is not None and buyer.org_type == OrgType.PEMBELI_GLOBAL
    moment = now()
    year = moment.astimezone(WIB).year
    code = buyer_code(session, award.organization_id)
    lead_times = repository.quoted_lead_times(session, [p for parts in by_supplier.values() for p in parts])
    issued_on = moment.astimezone(WIB).date()
    made: list[PurchaseOrder] = []
    for supplier_id in sorted(by_supplier):
        parts = sorted(by_supplier[supplier_id], key=lambda part: rfq_lines[part.rfq_line_id].line_no)
        number = repository.take_number(session, f"po:{award.organization_id}", year)
        po = PurchaseOrder(
            number=f"PO/{year}/{code}/{number:06d}",
            organization_id=award.organization_id,
            supplier_id=supplier_id,
            supplier_organization_id=parts[0].supplier_organization_id,
            award_id=award.id,
            rfq_id=rfq.id,
            status=PoStatus.ISSUED.value,
            currency=rfq.currency,
            idr_rate=rfq.idr_rate,
            payment_terms_days=settings.payment_terms_days,
            incoterm=rfq.incoterm,
            incoterm_place=rfq.incoterm_place,
            second_language="en" if foreign else None,
            total=sum(part.amount for part in parts),
            issued_by_user_id=actor.user_id if actor else None,
            issued_at=moment,
        )
        session.add(po)
        session.flush()
        lines = [
            PurchaseOrderLine(
                po_id=po.id,
                line_no=number_,
                award_line_id=part.id,
                name=rfq_lines[part.rfq_line_id].name,
                unit_code=rfq_lines[part.rfq_line_id].unit_code,
                quantity=part.quantity,
                unit_price=part.unit_price,
                amount=part.amount,
                ppn_treatment="zero" if foreign else "standard",
                deliver_by=_due_day(
                    rfq_lines[part.rfq_line_id].needed_by, issued_on, lead_times.get(part.id)
                ),
            )
            for number_, part in enumerate(parts, start=1)
        ]
        session.add_all(lines)
        session.flush()
        session.add(
            PurchaseOrderRevision(
                po_id=po.id, revision=1, content=_content(po, lines), made_by_user_id=po.issued_by_user_id
            )
        )
        session.flush()
        audit.record(
            session,
            Event.PO_ISSUED,
            po.id,
            [po.organization_id, po.supplier_organization_id],
            by=actor,
            details={"number": po.number, "award": award.id, "lines": len(lines)},
            after={"status": po.status, "total": po.total},
        )
        notices.po_issued(session, po)
        documents.request(session, documents.PO, po.id, po.revision)  # its PDF, rendered by a job
        made.append(po)
    return made


def _move(
    session: Session,
    actor: Actor | None,
    po: PurchaseOrder,
    move: PoMove,
    *,
    expected_version: int | None = None,
    values: dict[str, Any] | None = None,
    details: dict[str, Any] | None = None,
) -> PoStatus:
    current = PoStatus(po.status)
    target = advance(session, po, PO_LIFECYCLE, move, expected_version=expected_version, values=values)
    audit.record(
        session,
        Event(f"po.{move.value}"),  # one event per move of the table: a test holds them together
        po.id,
        [po.organization_id, po.supplier_organization_id],
        by=actor,
        details=details or {},
        before={"status": current.value},
        after={"status": target.value},
    )
    return target


def accept(
    session: Session, *, actor: Actor | None, po: PurchaseOrder, expected_version: int | None = None
) -> None:
    """The supplier accepts the PO, or its latest amendment."""
    require(actor, Action.FULFIL_ORDER, po)
    moment = now()
    revision = repository.revision(session, po.id, po.revision)
    _move(
        session,
        actor,
        po,
        PoMove.ACCEPT,
        expected_version=expected_version,
        values={"accepted_at": moment, "accepted_revision": po.revision},
        details={"revision": po.revision},
    )
    if revision is not None:
        revision.accepted_at = moment
        revision.accepted_by_user_id = actor.user_id if actor else None
        session.flush()
    notices.po_answered(session, po, accepted=True)


def _reason(reason: str) -> str:
    cleaned = (reason or "").strip()
    if not cleaned:
        raise OrderInvalid(MSG_REASON_REQUIRED, field="reason")
    return cleaned[:REASON_MAX]


def decline(
    session: Session,
    *,
    actor: Actor | None,
    po: PurchaseOrder,
    reason: str,
    expected_version: int | None = None,
) -> None:
    require(actor, Action.FULFIL_ORDER, po)
    cleaned = _reason(reason)
    _move(
        session,
        actor,
        po,
        PoMove.DECLINE,
        expected_version=expected_version,
        values={"declined_at": now(), "decline_reason": cleaned},
        details={"reason": cleaned},
    )
    notices.po_answered(session, po, accepted=False)


def cancel(
    session: Session,
    *,
    actor: Actor | None,
    po: PurchaseOrder,
    reason: str,
    expected_version: int | None = None,
) -> None:
    """The buyer cancels a PO nothing was shipped on."""
    require(actor, Action.RUN_PURCHASE, po)
    cleaned = _reason(reason)
    if any(line.delivered_quantity for line in repository.po_lines(session, po.id)):
        raise PO_LIFECYCLE.not_allowed(PoStatus(po.status))
    _move(session, actor, po, PoMove.CANCEL, expected_version=expected_version, details={"reason": cleaned})
    notices.po_cancelled(session, po, cleaned)


@dataclass
class Amendment:
    reason: str
    quantities: dict[int, int]  # PO line id -> the new quantity (not below what was received)
    payment_terms_days: int | None = None


def amend(
    session: Session,
    *,
    actor: Actor | None,
    po: PurchaseOrder,
    data: Amendment,
    expected_version: int | None = None,
) -> PurchaseOrderRevision:
    """A new version of the PO (quantities, payment terms), kept beside the old ones; the supplier
    accepts it. A quantity cannot go below what was already shipped and not rejected."""
    require(actor, Action.RUN_PURCHASE, po)
    reason = _reason(data.reason)
    lines = {line.id: line for line in repository.po_lines(session, po.id)}
    for line_id, quantity in data.quantities.items():
        line = lines.get(line_id)
        if line is None:
            raise OrderInvalid(MSG_LINE_UNKNOWN, field=f"line-{line_id}-quantity")
        floor = max(1, line.delivered_quantity - line.rejected_quantity, line.invoiced_quantity)
        if not isinstance(quantity, int) or not floor <= quantity <= MAX_COUNT:
            raise OrderInvalid(
                MSG_AMEND_QUANTITY,
                field=f"line-{line_id}-quantity",
                line=line.line_no,
                floor=floor,
                max=MAX_COUNT,
            )
    if data.payment_terms_days is not None and not 0 <= data.payment_terms_days <= 365:
        raise OrderInvalid(MSG_PAYMENT_TERMS, field="payment_terms_days")
    new_revision = po.revision + 1
    _move(
        session,
        actor,
        po,
        PoMove.AMEND,
        expected_version=expected_version,
        values={"revision": new_revision},
        details={"revision": new_revision, "reason": reason},
    )
    for line_id, quantity in data.quantities.items():
        line = lines[line_id]
        line.quantity = quantity
        line.amount = quantity * line.unit_price
    if data.payment_terms_days is not None:
        po.payment_terms_days = data.payment_terms_days
    po.total = sum(line.amount for line in lines.values())
    session.flush()
    row = PurchaseOrderRevision(
        po_id=po.id,
        revision=new_revision,
        reason=reason,
        content=_content(po, sorted(lines.values(), key=lambda line: line.line_no)),
        made_by_user_id=actor.user_id if actor else None,
    )
    session.add(row)
    session.flush()
    notices.po_amended(session, po, reason)
    documents.request(session, documents.PO, po.id, new_revision)  # the new version's PDF
    return row


def buyer_page(
    session: Session, *, actor: Actor | None, page: PageRequest, status: str | None = None
) -> Page[PurchaseOrder]:
    """The POs the actor's organizations issued or received (authorized in the query)."""
    return repository.pos_page(session, condition=repository.po_readable(actor), page=page, status=status)
