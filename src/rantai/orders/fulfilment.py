"""Deliveries and goods receipts: the supplier records each shipment with its delivery note (surat jalan),
partial ones included; the buyer records the receipt (BAST) line by line with accepted and rejected
quantities and the reason for a rejection. Never more accepted than ordered, never more received than
shipped: the quantities grow only through guarded UPDATEs (``repository.ship`` / ``receive``), so two
receipts recorded at the same moment cannot pass the bound either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from rantai import audit
from rantai.audit import Event
from rantai.identity.policy import Action, Actor
from rantai.kit.clock import WIB, now, today
from rantai.orders import documents, notices, repository, track_record
from rantai.orders.errors import (
    MSG_DATE_FUTURE,
    MSG_DELIVERY_EMPTY,
    MSG_DELIVERY_QUANTITY,
    MSG_LINE_UNKNOWN,
    MSG_NOT_ACCEPTED,
    MSG_NOTE_NUMBER,
    MSG_NOTE_TAKEN,
    MSG_OVER_ACCEPTED,
    MSG_RECEIPT_EMPTY,
    MSG_RECEIPT_QUANTITY,
    MSG_REJECT_REASON,
    OrderConflict,
    OrderInvalid,
)
from rantai.orders.models import (
    Delivery,
    DeliveryLine,
    PurchaseOrder,
    PurchaseOrderLine,
    Receipt,
    ReceiptLine,
)
from rantai.orders.purchase_orders import buyer_code, complete_when_received, require
from rantai.orders.state import IN_FORCE, PoStatus

TEXT_MAX = 2000


def _in_force(po: PurchaseOrder) -> None:
    if PoStatus(po.status) not in IN_FORCE:
        raise OrderInvalid(MSG_NOT_ACCEPTED, field="po")


def _not_future(day: dt.date, field: str) -> None:
    if day > today():
        raise OrderInvalid(MSG_DATE_FUTURE, field=field)


def _lines(session: Session, po: PurchaseOrder) -> dict[int, PurchaseOrderLine]:
    return {line.id: line for line in repository.po_lines(session, po.id)}


def record_delivery(
    session: Session,
    *,
    actor: Actor | None,
    po: PurchaseOrder,
    note_number: str,
    shipped_on: dt.date,
    quantities: dict[int, int],
    note: str | None = None,
) -> Delivery:
    """The supplier ships part or all of the order (PO line id -> quantity shipped)."""
    require(actor, Action.FULFIL_ORDER, po)
    _in_force(po)
    number = (note_number or "").strip()[:64]
    if not number:
        raise OrderInvalid(MSG_NOTE_NUMBER, field="note_number")
    # A note number is unique per PO (a unique constraint); saying so beats the constraint's error.
    if repository.delivery_with_number(session, po.id, number) is not None:
        raise OrderInvalid(MSG_NOTE_TAKEN, field="note_number", number=number)
    _not_future(shipped_on, "shipped_on")
    lines = _lines(session, po)
    wanted = {line_id: q for line_id, q in quantities.items() if q}
    if not wanted:
        raise OrderInvalid(MSG_DELIVERY_EMPTY, field="quantities")
    for line_id, quantity in wanted.items():
        line = lines.get(line_id)
        if line is None:
            raise OrderInvalid(MSG_LINE_UNKNOWN, field=f"line-{line_id}-quantity")
        left = line.quantity - (line.delivered_quantity - line.rejected_quantity)
        if not isinstance(quantity, int) or not 1 <= quantity <= left:
            raise OrderInvalid(
                MSG_DELIVERY_QUANTITY,
                field=f"line-{line_id}-quantity",
                line=line.line_no,
                left=max(0, left),
                quantity=line.quantity,
                delivered=line.delivered_quantity,
            )
    delivery = Delivery(
        po_id=po.id,
        number=number,
        shipped_on=shipped_on,
        note=(note or "").strip()[:TEXT_MAX] or None,
        recorded_by_user_id=actor.user_id if actor else None,
    )
    with session.begin_nested():
        for line_id, quantity in wanted.items():
            if not repository.ship(session, line_id, quantity):
                line = lines[line_id]
                raise OrderConflict(
                    MSG_DELIVERY_QUANTITY,
                    field=f"line-{line_id}-quantity",
                    line=line.line_no,
                    left=0,
                    quantity=line.quantity,
                    delivered=line.delivered_quantity,
                )
        session.add(delivery)
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:  # the same note recorded by another request at the same moment
            raise OrderConflict(MSG_NOTE_TAKEN, field="note_number", number=number) from None
        session.add_all(
            DeliveryLine(delivery_id=delivery.id, po_line_id=i, quantity=q) for i, q in wanted.items()
        )
        session.flush()
    _refresh(session, lines.values())
    audit.record(
        session,
        Event.DELIVERY_RECORDED,
        po.id,
        [po.organization_id, po.supplier_organization_id],
        by=actor,
        details={
            "delivery": delivery.id,
            "note": number,
            "quantities": {str(k): v for k, v in wanted.items()},
        },
    )
    notices.shipped(session, po, number)
    return delivery


@dataclass
class Received:
    accepted: int
    rejected: int = 0
    reason: str | None = None


def record_receipt(
    session: Session,
    *,
    actor: Actor | None,
    po: PurchaseOrder,
    received_on: dt.date,
    lines_received: dict[int, Received],
    delivery_id: int | None = None,
    note: str | None = None,
) -> Receipt:
    """The buyer's goods receipt (BAST): per line what it accepted and rejected (with the reason)."""
    require(actor, Action.RUN_PURCHASE, po)
    _in_force(po)
    _not_future(received_on, "received_on")
    lines = _lines(session, po)
    wanted = {i: r for i, r in lines_received.items() if r.accepted or r.rejected}
    if not wanted:
        raise OrderInvalid(MSG_RECEIPT_EMPTY, field="lines")
    for line_id, got in wanted.items():
        line = lines.get(line_id)
        if line is None:
            raise OrderInvalid(MSG_LINE_UNKNOWN, field=f"line-{line_id}-accepted")
        waiting = line.delivered_quantity - line.accepted_quantity - line.rejected_quantity
        if got.accepted < 0 or got.rejected < 0 or got.accepted + got.rejected > waiting:
            raise OrderInvalid(
                MSG_RECEIPT_QUANTITY,
                field=f"line-{line_id}-accepted",
                line=line.line_no,
                left=max(0, waiting),
            )
        if got.rejected and not (got.reason or "").strip():
            raise OrderInvalid(MSG_REJECT_REASON, field=f"line-{line_id}-reason", line=line.line_no)
    delivery = repository.delivery(session, delivery_id) if delivery_id is not None else None
    if delivery_id is not None and (delivery is None or delivery.po_id != po.id):
        raise OrderInvalid(MSG_LINE_UNKNOWN, field="delivery_id")
    year = now().astimezone(WIB).year
    with session.begin_nested():
        for line_id, got in wanted.items():
            if not repository.receive(session, line_id, got.accepted, got.rejected):
                line = lines[line_id]
                raise OrderConflict(
                    MSG_OVER_ACCEPTED,
                    field=f"line-{line_id}-accepted",
                    line=line.line_no,
                    accepted=got.accepted,
                    quantity=line.quantity,
                )
        serial = repository.take_number(session, f"bast:{po.organization_id}", year)
        receipt = Receipt(
            po_id=po.id,
            delivery_id=delivery_id,
            organization_id=po.organization_id,
            number=f"BAST/{year}/{buyer_code(session, po.organization_id)}/{serial:06d}",
            received_on=received_on,
            note=(note or "").strip()[:TEXT_MAX] or None,
            recorded_by_user_id=actor.user_id if actor else None,
        )
        session.add(receipt)
        session.flush()
        session.add_all(
            ReceiptLine(
                receipt_id=receipt.id,
                po_line_id=i,
                accepted=r.accepted,
                rejected=r.rejected,
                reason=(r.reason or "").strip()[:TEXT_MAX] or None,
            )
            for i, r in wanted.items()
        )
        if delivery is not None:
            delivery.status = "received"
        session.flush()
    _refresh(session, lines.values())
    track_record.delivery_received(
        session,
        po,
        receipt,
        [lines[i] for i in wanted],
        rejected=any(r.rejected for r in wanted.values()),
    )
    audit.record(
        session,
        Event.RECEIPT_RECORDED,
        po.id,
        [po.organization_id, po.supplier_organization_id],
        by=actor,
        details={
            "receipt": receipt.id,
            "number": receipt.number,
            "lines": {str(i): [r.accepted, r.rejected] for i, r in wanted.items()},
        },
    )
    notices.received(session, po, receipt.number)
    documents.request(session, documents.BAST, receipt.id)  # its PDF, rendered by a job
    complete_when_received(session, actor=actor, po=po, lines=list(lines.values()))
    return receipt


def _refresh(session: Session, lines: Iterable[PurchaseOrderLine]) -> None:
    """Reload the quantities the guarded UPDATEs changed behind the ORM's back."""
    for line in lines:
        session.refresh(
            line, ["delivered_quantity", "accepted_quantity", "rejected_quantity", "invoiced_quantity"]
        )
