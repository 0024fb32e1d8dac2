"""Demo orders (issue #12): the demo holds a PO accepted and delivered in part, a BAST with a rejection,
invoices partly paid, paid (Lunas) and overdue, and three BUMN buyers whose days-to-pay differ, the
slow one slowest; all made through the order services, once."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from rantai.demo.orders import (
    BUYER_EMAIL,
    FAST_BUYER,
    REJECT_REASON,
    SLOW_BUYER,
    load_demo_orders,
)
from rantai.demo.procurement import load_demo_procurement, load_demo_supplier_login
from rantai.demo.registry import load_demo_registry
from rantai.demo.rfqs import load_demo_rfqs
from rantai.demo.seed import load_demo_identity
from rantai.identity import repository as identity_repo
from rantai.identity import service as identity
from rantai.identity.models import User
from rantai.identity.policy import Actor
from rantai.kit.clock import today
from rantai.kit.pagination import PageRequest
from rantai.orders import days_to_pay, purchase_orders
from rantai.orders import repository as orders_repo
from rantai.orders.models import Delivery, Invoice, Payment, PurchaseOrder, Receipt, ReceiptLine
from rantai.orders.state import is_overdue
from rantai.sourcing.rfq import service as rfq_service
from rantai.sourcing.rfq.models import Rfq

TODAY = dt.date(2026, 12, 1)
_COUNTED = (PurchaseOrder, Delivery, Receipt, Invoice, Payment, Rfq, User)


def _actor(db: Session, email: str) -> Actor:
    user = identity_repo.user_by_email(db, email)
    assert user is not None
    return identity.actor_for(db, user)


def _loaded(db: Session) -> None:
    load_demo_identity(db)
    load_demo_registry(db, suppliers=150, seed=3)
    load_demo_procurement(db, today=TODAY, needs_per_buyer=12)
    load_demo_supplier_login(db, today=TODAY)
    load_demo_rfqs(db)


def _counts(db: Session) -> list[int]:
    return [db.scalar(select(func.count()).select_from(model)) or 0 for model in _COUNTED]


def _org_of(db: Session, email: str) -> int:
    actor = _actor(db, email)
    (org_id,) = actor.roles
    return org_id


def test_the_demo_holds_orders_in_every_state_and_three_speeds_of_payment_once(db: Session) -> None:
    _loaded(db)
    report = load_demo_orders(db)
    on = today()
    umkm = _actor(db, "umkm@demo.rantai.id")
    assert report.purchase_orders >= 8 and len(report.invoices) >= 8

    # The demo UMKM login: a PO accepted and shipped in part, with a BAST that rejected a few; another
    # waits for its acceptance.
    pos = purchase_orders.buyer_page(db, actor=umkm, page=PageRequest(per_page=50)).items
    statuses = sorted(po.status for po in pos)
    assert "issued" in statuses and "accepted" in statuses
    partial = [
        po
        for po in pos
        if any(0 < line.accepted_quantity < line.quantity for line in orders_repo.po_lines(db, po.id))
    ]
    assert partial
    rejections = db.scalars(select(ReceiptLine).where(ReceiptLine.rejected > 0)).all()
    assert [line.reason for line in rejections] == [REJECT_REASON]

    invoices = db.scalars(select(Invoice)).all()
    by_status = {status: [i for i in invoices if i.status == status] for status in ("partly_paid", "paid")}
    assert by_status["partly_paid"] and by_status["paid"]
    assert all(i.cash_received == i.cash_due and i.settled_on is not None for i in by_status["paid"])
    assert any(is_overdue(i.status, i.due_on, on) for i in invoices)
    assert any(i.status == "unpaid" and is_overdue(i.status, i.due_on, on) for i in invoices)
    # The taxes as the suppliers' statuses make them: the UMKM (PP 55) has nothing withheld, a PKP
    # competitor's PPN is collected by the BUMN.
    umkm_org = _org_of(db, "umkm@demo.rantai.id")
    assert all(i.ppn == 0 and i.pph22 == 0 for i in invoices if i.supplier_organization_id == umkm_org)
    assert any(i.ppn_collected_by_buyer > 0 and i.pph22 > 0 for i in invoices)
    # Backdated with the dates the services were given: nothing recorded after today or before its PO.
    for invoice in invoices:
        po = db.get(PurchaseOrder, invoice.po_id)
        assert po is not None and po.issued_at.date() <= invoice.issued_on <= on
        assert invoice.created_at.date() <= on

    # Days-to-pay: the demo buyer about a month, the fast payer days, the slow one the slowest.
    demo = _org_of(db, "pembeli@demo.rantai.id")
    fast = _org_of(db, BUYER_EMAIL.format(slug=FAST_BUYER))
    slow = _org_of(db, BUYER_EMAIL.format(slug=SLOW_BUYER))
    paying = days_to_pay.days_to_pay(db, on=on, organization_ids=[demo, fast, slow])
    assert paying[fast].average_days < 12 < paying[demo].average_days < 40
    assert paying[slow].average_days > 60
    assert paying[slow].average_days == max(p.average_days for p in paying.values())
    assert paying[slow].overdue_share > 0 and paying[fast].overdue_share == 0
    settings = rfq_service.buyer_settings(db, demo)
    assert settings.ppn_collector and settings.pph22_collector and settings.payment_terms_days == 30
    assert settings.code and settings.npwp and len(settings.npwp) == 16

    before = _counts(db)
    again = load_demo_orders(db)
    assert (again.purchase_orders, again.invoices, again.payments) == (0, [], 0)
    assert _counts(db) == before
