"""Fulfilment keeps the supplier's track record (issue #12 item 7): each delivery received on time or late
against the PO line's due day, receipts rejecting goods, POs completed (and on time), invoices settled;
the matcher reads the same row."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session
from tests.factories.orders import make_po

from rantai.kit import clock
from rantai.kit.clock import WIB, today
from rantai.orders import fulfilment, invoices, purchase_orders, repository
from rantai.orders.fulfilment import Received
from rantai.orders.state import PoStatus
from rantai.sourcing.rfq import repository as rfq_repository
from rantai.suppliers import repository as suppliers_repository
from rantai.suppliers.models import TrackRecord


def record(db: Session, supplier_id: int) -> TrackRecord | None:
    db.expire_all()
    return suppliers_repository.track_records_of(db, [supplier_id]).get(supplier_id)


def counts(found: TrackRecord | None) -> tuple[int, ...]:
    assert found is not None
    return (
        found.deliveries,
        found.deliveries_on_time,
        found.deliveries_late,
        found.rejections,
        found.orders_completed,
        found.orders_on_time,
        found.invoices_settled,
    )


def test_a_po_line_is_due_when_the_rfq_line_needs_it_or_after_the_quoted_lead_time(db: Session) -> None:
    made = make_po(db)
    (line,) = repository.po_lines(db, made.po.id)
    (rfq_line,) = rfq_repository.lines_of(db, made.setup.rfq.id)
    issued_on = made.po.issued_at.astimezone(WIB).date()
    expected = rfq_line.needed_by or issued_on + dt.timedelta(days=14)  # quote_on quotes 14 days
    assert line.deliver_by == expected


def test_deliveries_rejections_completion_and_settlement_add_to_the_track_record(db: Session) -> None:
    made = make_po(db)
    supplier, buyer = made.setup.bidders[0].actor, made.setup.actor
    supplier_id = made.po.supplier_id
    (line,) = repository.po_lines(db, made.po.id)
    line.deliver_by = today() + dt.timedelta(days=5)
    db.flush()
    assert record(db, supplier_id) is None or counts(record(db, supplier_id))[:4] == (0, 0, 0, 0)

    half = line.quantity // 2
    first = fulfilment.record_delivery(
        db, actor=supplier, po=made.po, note_number="SJ-1", shipped_on=today(), quantities={line.id: half}
    )
    fulfilment.record_receipt(
        db,
        actor=buyer,
        po=made.po,
        received_on=today(),
        delivery_id=first.id,
        lines_received={line.id: Received(accepted=half)},
    )
    assert counts(record(db, supplier_id)) == (1, 1, 0, 0, 0, 0, 0)

    rest = line.quantity - half
    with clock.travel(dt.timedelta(days=9)):  # past the due day: late, and one unit rejected
        second = fulfilment.record_delivery(
            db, actor=supplier, po=made.po, note_number="SJ-2", shipped_on=today(), quantities={line.id: rest}
        )
        fulfilment.record_receipt(
            db,
            actor=buyer,
            po=made.po,
            received_on=today(),
            delivery_id=second.id,
            lines_received={line.id: Received(accepted=rest - 1, rejected=1, reason="Kemasan sobek")},
        )
        assert made.po.status == PoStatus.ACCEPTED  # one unit still to replace
        assert counts(record(db, supplier_id)) == (2, 1, 1, 1, 0, 0, 0)

        spare = fulfilment.record_delivery(
            db, actor=supplier, po=made.po, note_number="SJ-3", shipped_on=today(), quantities={line.id: 1}
        )
        fulfilment.record_receipt(
            db,
            actor=buyer,
            po=made.po,
            received_on=today(),
            delivery_id=spare.id,
            lines_received={line.id: Received(accepted=1)},
        )
        db.refresh(made.po)
        assert made.po.status == PoStatus.COMPLETED
        # Completed, but its last goods came after the due day: not on time.
        assert counts(record(db, supplier_id)) == (3, 1, 2, 1, 1, 0, 0)

        invoice = invoices.create_invoice(
            db, actor=supplier, po=made.po, tax_invoice_serial="0100002612345679"
        )
        invoices.record_payment(
            db, actor=buyer, invoice=invoice, amount=invoice.cash_due - 1, paid_on=today(), reference="T-1"
        )
        assert counts(record(db, supplier_id))[6] == 0  # partly paid is not settled
        invoices.record_payment(db, actor=buyer, invoice=invoice, amount=1, paid_on=today(), reference="T-2")
        assert invoice.status == "paid"
    assert counts(record(db, supplier_id)) == (3, 1, 2, 1, 1, 0, 1)


def test_a_po_received_in_full_by_its_due_day_is_completed_on_time(db: Session) -> None:
    made = make_po(db)
    (line,) = repository.po_lines(db, made.po.id)
    line.deliver_by = today()
    db.flush()
    shipped = fulfilment.record_delivery(
        db,
        actor=made.setup.bidders[0].actor,
        po=made.po,
        note_number="SJ-9",
        shipped_on=today(),
        quantities={line.id: line.quantity},
    )
    fulfilment.record_receipt(
        db,
        actor=made.setup.actor,
        po=made.po,
        received_on=today(),
        delivery_id=shipped.id,
        lines_received={line.id: Received(accepted=line.quantity)},
    )
    assert made.po.status == PoStatus.COMPLETED
    assert counts(record(db, made.po.supplier_id)) == (1, 1, 0, 0, 1, 1, 0)
    # A completed PO moves no further by the receipt path.
    assert not purchase_orders.complete_when_received(
        db, actor=made.setup.actor, po=made.po, lines=list(repository.po_lines(db, made.po.id))
    )


def test_two_additions_add_up_and_an_unknown_counter_is_refused(db: Session) -> None:
    made = make_po(db)
    suppliers_repository.add_to_track_record(db, made.po.supplier_id, deliveries=2)
    suppliers_repository.add_to_track_record(db, made.po.supplier_id, deliveries=1, rejections=1)
    found = record(db, made.po.supplier_id)
    assert found is not None and (found.deliveries, found.rejections) == (3, 1)
    with pytest.raises(ValueError, match="orders_lost"):
        suppliers_repository.add_to_track_record(db, made.po.supplier_id, orders_lost=1)
