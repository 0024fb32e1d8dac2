"""The headline figures of the front door and the operator's home (issue #13): counts over every
organization, each status in its own count."""

from __future__ import annotations

from sqlalchemy.orm import Session
from tests.factories.orders import make_po
from tests.factories.sourcing import make_buyer, make_need
from tests.factories.suppliers import make_supplier

from rantai.analytics import figures
from rantai.orders import purchase_orders


def test_figures_count_what_each_says(db: Session) -> None:
    before = figures.program_figures(db)
    statuses = figures.supplier_status_counts(db)
    make_supplier(db, status="verified", kabkota_code="13.71")
    make_supplier(db, status="submitted")
    org, _, officer = make_buyer(db)
    make_need(db, org, officer, status="open")
    make_need(db, org, officer, status="draft")  # a draft is neither an open need nor a buyer publishing
    made = make_po(db)  # its RFQ's buyer published a need; its bidder is verified (in West Java)
    declined = make_po(db, accepted=False)
    purchase_orders.decline(db, actor=declined.setup.bidders[0].actor, po=declined.po, reason="Stok habis")

    after = figures.program_figures(db)
    assert after.verified_suppliers == before.verified_suppliers + 3
    assert after.provinces >= 2
    assert after.open_needs == before.open_needs + 3  # the open one and the two RFQs' needs
    assert after.buyers == before.buyers + 3
    assert after.orders == before.orders + 1  # a declined PO is no order
    assert after.orders_value == before.orders_value + made.po.total
    now = figures.supplier_status_counts(db)
    assert (now.verified, now.submitted) == (statuses.verified + 3, statuses.submitted + 1)
