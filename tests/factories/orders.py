"""Builders for purchase orders: an approved award (through the RFQ services and the clock), and POs made
from it by the real orders services."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session
from tests.factories.rfq import PAST_DEADLINE, RfqSetup, make_rfq, quote_on

from rantai.kit import clock
from rantai.orders import purchase_orders
from rantai.orders.models import PurchaseOrder, SupplierTax
from rantai.sourcing.rfq import awards, quotes, service
from rantai.sourcing.rfq.awards import AwardPart
from rantai.sourcing.rfq.models import Award
from rantai.sourcing.rfq.service import buyer_settings


@dataclass
class Ordered:
    setup: RfqSetup
    award: Award
    po: PurchaseOrder


def approved_award(
    db: Session, *, unit_price: int = 10_000, quantity: int | None = None
) -> tuple[RfqSetup, Award]:
    """An RFQ past its deadline with one quote, awarded whole to that supplier by the award service (below
    the approval threshold, so approved at once)."""
    setup = make_rfq(db, bidders=1)
    settings = buyer_settings(db, setup.org.id)
    settings.approval_above = 10**15
    db.merge(settings)
    db.flush()
    setup.rfq.approval_above = 10**15
    quote_on(db, setup, setup.bidders[0], unit_price=unit_price, quantity=quantity)
    with clock.travel(PAST_DEADLINE):
        service.close_due(db)
        opened = quotes.opened_quotes(db, actor=setup.actor, rfq=setup.rfq)
        (quote,) = opened.quotes
        parts = [
            AwardPart(line.rfq_line_id, quote.supplier_id, line.quantity) for line in opened.lines[quote.id]
        ]
        award = awards.make_award(db, actor=setup.actor, rfq=setup.rfq, parts=parts)
    assert award.status == "approved"
    return setup, award


def award_to_order(
    db: Session,
    *,
    pkp: bool = True,
    final_tax: bool = False,
    bumn_collector: bool = True,
    unit_price: int = 10_000,
) -> tuple[RfqSetup, Award]:
    """An approved award ready to become a PO, with the tax statuses given: the supplier PKP or not, with a
    PP 55 certificate or not, the buyer (code BUMNX) a PPN/PPh 22 collector or not."""
    setup, award = approved_award(db, unit_price=unit_price)
    settings = buyer_settings(db, setup.org.id)
    settings.code = "BUMNX"
    settings.ppn_collector = bumn_collector
    settings.pph22_collector = bumn_collector
    db.merge(settings)
    db.merge(
        SupplierTax(
            supplier_id=setup.bidders[0].profile.id,
            pkp=pkp,
            final_tax_certificate="SK-PP55-001" if final_tax else None,
        )
    )
    db.flush()
    return setup, award


def make_po(
    db: Session,
    *,
    pkp: bool = True,
    final_tax: bool = False,
    bumn_collector: bool = True,
    accepted: bool = True,
    unit_price: int = 10_000,
) -> Ordered:
    """An approved award (``award_to_order``) turned into a PO, accepted by the supplier unless told not."""
    setup, award = award_to_order(
        db, pkp=pkp, final_tax=final_tax, bumn_collector=bumn_collector, unit_price=unit_price
    )
    (po,) = purchase_orders.issue_for_award(db, actor=setup.actor, award=award)
    if accepted:
        purchase_orders.accept(db, actor=setup.bidders[0].actor, po=po)
    return Ordered(setup, award, po)
