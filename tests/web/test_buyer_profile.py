"""A buyer's profile (issue #12): any logged-in user sees how fast it pays; a supplier finds it from its
invitation and its PO; a non-buyer has no such profile."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import log_in, make_org, make_user
from tests.factories.orders import make_po

from rantai.identity.roles import OrgType
from rantai.kit.clock import today
from rantai.orders import fulfilment, invoices, repository
from rantai.orders.fulfilment import Received


def test_anyone_logged_in_sees_how_fast_a_buyer_pays(db: Session, client: TestClient) -> None:
    made = make_po(db, pkp=False)
    supplier, buyer = made.setup.bidders[0].actor, made.setup.actor
    (line,) = repository.po_lines(db, made.po.id)
    fulfilment.record_delivery(
        db, actor=supplier, po=made.po, note_number="SJ-1", shipped_on=today(), quantities={line.id: 10}
    )
    fulfilment.record_receipt(
        db, actor=buyer, po=made.po, received_on=today(), lines_received={line.id: Received(accepted=10)}
    )
    invoice = invoices.create_invoice(db, actor=supplier, po=made.po)
    invoices.record_payment(
        db, actor=buyer, invoice=invoice, amount=invoice.cash_due, paid_on=today(), reference="TRF"
    )
    someone = make_user(db, make_org(db, OrgType.UMKM))
    log_in(client, someone)
    page = client.get(f"/buyers/{made.setup.org.id}")
    assert page.status_code == 200
    assert made.setup.org.name in page.text
    assert "100%" in page.text and "(1 faktur)" in page.text
    # A supplier finds it from its invitation and beside its PO.
    log_in(client, made.setup.bidders[0].user)
    assert f'href="/buyers/{made.setup.org.id}"' in client.get(f"/invitations/{made.setup.rfq.id}").text
    assert f'href="/buyers/{made.setup.org.id}"' in client.get(f"/orders/{made.po.id}").text
    # An UMKM is not a buyer: no such profile.
    assert client.get(f"/buyers/{someone.id}").status_code == 404
    assert client.get(f"/buyers/{made.setup.bidders[0].profile.organization_id}").status_code == 404
