"""From award to money on a real database: PO numbering, acceptance, partial delivery, BAST, invoice with
its tax, payments and "Lunas", days-to-pay; bad input changes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.notifications import inbox_of
from tests.factories.orders import approved_award, make_po

from rantai.kit.clock import today
from rantai.orders import days_to_pay, fulfilment, invoices, purchase_orders, repository
from rantai.orders.errors import (
    MSG_AMEND_QUANTITY,
    MSG_PAYMENT_TERMS,
    OrderConflict,
    OrderForbidden,
    OrderInvalid,
    OrderNotFound,
)
from rantai.orders.fulfilment import Received
from rantai.orders.models import Delivery, Invoice, Receipt
from rantai.orders.state import PoStatus

QUANTITY = 5000  # the need factory's line


def count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_a_po_per_supplier_numbered_in_the_buyers_series(db: Session) -> None:
    made = make_po(db, accepted=False)
    assert made.po.number.startswith("PO/") and made.po.number.endswith("/BUMNX/000001")
    assert made.po.status == PoStatus.ISSUED
    assert made.po.total == 10_000 * QUANTITY
    assert "po.issued" in [n.kind for n in inbox_of(db, made.setup.bidders[0].user.id)]
    with pytest.raises(OrderConflict):  # one award, one set of POs
        purchase_orders.issue_for_award(db, actor=made.setup.actor, award=made.award)
    # A stranger cannot see it; the supplier can.
    assert purchase_orders.get_po(db, actor=made.setup.bidders[0].actor, po_id=made.po.id) is made.po
    other, _ = approved_award(db)
    with pytest.raises(OrderNotFound):
        purchase_orders.get_po(db, actor=other.actor, po_id=made.po.id)


def test_the_supplier_accepts_and_only_the_supplier(db: Session) -> None:
    made = make_po(db, accepted=False)
    with pytest.raises(OrderForbidden):
        purchase_orders.accept(db, actor=made.setup.actor, po=made.po)
    purchase_orders.accept(db, actor=made.setup.bidders[0].actor, po=made.po)
    assert made.po.status == PoStatus.ACCEPTED
    assert "po.answered" in [n.kind for n in inbox_of(db, made.setup.user.id)]


def test_an_amendment_is_a_new_version_the_supplier_accepts(db: Session) -> None:
    made = make_po(db)
    (line,) = repository.po_lines(db, made.po.id)
    purchase_orders.amend(
        db,
        actor=made.setup.actor,
        po=made.po,
        data=purchase_orders.Amendment(reason="Tambah 500", quantities={line.id: QUANTITY + 500}),
    )
    assert made.po.status == PoStatus.AMENDED and made.po.revision == 2
    versions = repository.revisions_of(db, made.po.id)
    assert [v.content["lines"][0]["quantity"] for v in versions] == [QUANTITY, QUANTITY + 500]
    purchase_orders.accept(db, actor=made.setup.bidders[0].actor, po=made.po)
    assert made.po.status == PoStatus.ACCEPTED and made.po.accepted_revision == 2
    # A wrong quantity or payment term is named as such, and changes nothing.
    for data, field, message in (
        (
            purchase_orders.Amendment(reason="x", quantities={line.id: 0}),
            f"line-{line.id}-quantity",
            MSG_AMEND_QUANTITY,
        ),
        (
            purchase_orders.Amendment(reason="x", quantities={}, payment_terms_days=400),
            "payment_terms_days",
            MSG_PAYMENT_TERMS,
        ),
    ):
        with pytest.raises(OrderInvalid) as caught:
            purchase_orders.amend(db, actor=made.setup.actor, po=made.po, data=data)
        assert (caught.value.field, caught.value.message) == (field, message)
    assert made.po.revision == 2 and made.po.payment_terms_days == 30


def test_partial_delivery_bast_invoice_payments_until_lunas(db: Session) -> None:
    made = make_po(db)  # PKP supplier, BUMN collecting PPN and PPh 22
    supplier, buyer = made.setup.bidders[0].actor, made.setup.actor
    (line,) = repository.po_lines(db, made.po.id)
    day = today()
    delivery = fulfilment.record_delivery(
        db, actor=supplier, po=made.po, note_number="SJ-001", shipped_on=day, quantities={line.id: 3000}
    )
    receipt = fulfilment.record_receipt(
        db,
        actor=buyer,
        po=made.po,
        received_on=day,
        delivery_id=delivery.id,
        lines_received={line.id: Received(accepted=2900, rejected=100, reason="Kemasan sobek")},
    )
    assert receipt.number.startswith("BAST/") and line.accepted_quantity == 2900
    invoice = invoices.create_invoice(db, actor=supplier, po=made.po, tax_invoice_serial="0100002612345678")
    # 2,900 x Rp10.000 = Rp29.000.000; DPP 11/12 = Rp26.583.333; PPN 12% = Rp3.189.999 (3,189,999.96 down);
    # collected by the BUMN; PPh 22 1.5% = Rp435.000; cash due = 29.000.000 - 435.000 = Rp28.565.000.
    assert (invoice.subtotal, invoice.ppn_base, invoice.ppn) == (29_000_000, 26_583_333, 3_189_999)
    assert (invoice.ppn_collected_by_buyer, invoice.pph22, invoice.cash_due) == (
        3_189_999,
        435_000,
        28_565_000,
    )
    assert invoice.due_on == day + dt.timedelta(days=30)
    invoices.record_payment(
        db, actor=buyer, invoice=invoice, amount=20_000_000, paid_on=day, reference="TRF-1"
    )
    assert invoice.status == "partly_paid"
    invoices.record_payment(
        db, actor=buyer, invoice=invoice, amount=8_565_000, paid_on=day, reference="TRF-2"
    )
    assert invoice.status == "paid" and invoice.settled_on == day
    kinds = [n.kind for n in inbox_of(db, made.setup.bidders[0].user.id)]
    assert kinds.count("invoice.paid") == 2
    dtp = days_to_pay.days_to_pay(db, on=day, organization_ids=[made.setup.org.id])[made.setup.org.id]
    assert (dtp.invoices, dtp.settled, dtp.average_days, dtp.on_time_rate, dtp.overdue_share) == (
        1,
        1,
        0,
        1.0,
        0,
    )


def test_never_more_accepted_than_shipped_nor_invoiced_than_accepted(db: Session) -> None:
    made = make_po(db)
    supplier, buyer = made.setup.bidders[0].actor, made.setup.actor
    (line,) = repository.po_lines(db, made.po.id)
    day = today()
    with pytest.raises(OrderInvalid):  # more than ordered
        fulfilment.record_delivery(
            db,
            actor=supplier,
            po=made.po,
            note_number="SJ",
            shipped_on=day,
            quantities={line.id: QUANTITY + 1},
        )
    fulfilment.record_delivery(
        db, actor=supplier, po=made.po, note_number="SJ", shipped_on=day, quantities={line.id: 100}
    )
    with pytest.raises(OrderInvalid):  # more than shipped
        fulfilment.record_receipt(
            db, actor=buyer, po=made.po, received_on=day, lines_received={line.id: Received(accepted=101)}
        )
    with pytest.raises(OrderInvalid):  # a rejection needs a reason
        fulfilment.record_receipt(
            db,
            actor=buyer,
            po=made.po,
            received_on=day,
            lines_received={line.id: Received(accepted=50, rejected=5)},
        )
    assert count(db, Receipt) == 0
    with pytest.raises(OrderInvalid):  # nothing accepted yet
        invoices.create_invoice(db, actor=supplier, po=made.po, tax_invoice_serial="0100002612345678")
    fulfilment.record_receipt(
        db, actor=buyer, po=made.po, received_on=day, lines_received={line.id: Received(accepted=60)}
    )
    with pytest.raises(OrderInvalid):
        invoices.create_invoice(
            db, actor=supplier, po=made.po, quantities={line.id: 61}, tax_invoice_serial="0100002612345678"
        )
    with pytest.raises(OrderInvalid):  # a PKP supplier gives the e-Faktur serial
        invoices.create_invoice(db, actor=supplier, po=made.po)
    assert count(db, Invoice) == 0
    invoices.create_invoice(db, actor=supplier, po=made.po, tax_invoice_serial="0100002612345678")
    with pytest.raises(OrderInvalid):  # all accepted units are invoiced
        invoices.create_invoice(db, actor=supplier, po=made.po, tax_invoice_serial="0100002612345679")
    assert count(db, Delivery) == 1


def test_a_small_business_with_a_pp55_certificate_is_paid_in_full(db: Session) -> None:
    made = make_po(db, pkp=False, final_tax=True)
    supplier, buyer = made.setup.bidders[0].actor, made.setup.actor
    (line,) = repository.po_lines(db, made.po.id)
    day = today()
    fulfilment.record_delivery(
        db, actor=supplier, po=made.po, note_number="SJ", shipped_on=day, quantities={line.id: 10}
    )
    fulfilment.record_receipt(
        db, actor=buyer, po=made.po, received_on=day, lines_received={line.id: Received(accepted=10)}
    )
    invoice = invoices.create_invoice(db, actor=supplier, po=made.po)
    assert (invoice.ppn, invoice.pph22, invoice.total, invoice.cash_due) == (0, 0, 100_000, 100_000)
    with pytest.raises(OrderInvalid):  # more than due
        invoices.record_payment(db, actor=buyer, invoice=invoice, amount=100_001, paid_on=day, reference="x")
    with pytest.raises(OrderForbidden):  # the supplier does not record payments
        invoices.record_payment(db, actor=supplier, invoice=invoice, amount=1, paid_on=day, reference="x")
    invoices.record_payment(db, actor=buyer, invoice=invoice, amount=100_000, paid_on=day, reference="TRF")
    assert invoice.status == "paid"


def test_an_unpaid_invoice_counts_in_days_to_pay_with_its_age(db: Session) -> None:
    made = make_po(db, pkp=False)
    supplier, buyer = made.setup.bidders[0].actor, made.setup.actor
    (line,) = repository.po_lines(db, made.po.id)
    day = today()
    fulfilment.record_delivery(
        db, actor=supplier, po=made.po, note_number="SJ", shipped_on=day, quantities={line.id: 10}
    )
    fulfilment.record_receipt(
        db, actor=buyer, po=made.po, received_on=day, lines_received={line.id: Received(accepted=10)}
    )
    invoices.create_invoice(db, actor=supplier, po=made.po)
    later = day + dt.timedelta(days=45)  # 15 days past the 30-day terms
    dtp = days_to_pay.days_to_pay(db, on=later, organization_ids=[made.setup.org.id])[made.setup.org.id]
    assert (dtp.invoices, dtp.settled, dtp.average_days, dtp.on_time_rate, dtp.overdue_share) == (
        1,
        0,
        45,
        0.0,
        1.0,
    )
