"""The order pages (issue #12): the supplier accepts, ships part, the buyer records the BAST, the supplier
invoices, the buyer pays in two parts and the invoice shows Lunas; the supplier sees how fast the buyer
pays; bad input is shown beside its field and writes nothing; strangers get not found; POs from an
award; the supplier's tax status."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in
from tests.factories.orders import approved_award, make_po
from tests.factories.sourcing import make_buyer

from rantai.audit.models import AuditEvent
from rantai.identity.models import User
from rantai.identity.roles import Role
from rantai.kit.clock import today
from rantai.orders import fulfilment, invoices, repository
from rantai.orders.fulfilment import Received
from rantai.orders.models import Delivery, Invoice, Payment, PurchaseOrder, Receipt, SupplierTax
from rantai.sourcing.rfq import service as rfq_service


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def _as(client: TestClient, user: User) -> None:
    client.cookies.clear()
    log_in(client, user)
    client.cookies.set("rantai_lang", "en")


def _key(page: str, action: str) -> str:
    """The one-time form key of the form posting to ``action``."""
    start = page.index(f'action="{action}"')
    found = re.search(r'name="form_key" value="([^"]+)"', page[start:])
    assert found is not None, f"no form key in the form to {action}"
    return found.group(1)


def _post(client: TestClient, url: str, data: dict[str, str]) -> object:
    return client.post(url, data={"csrf_token": csrf_of(client), **data}, follow_redirects=False)


def test_from_acceptance_to_lunas(client: TestClient, db: Session) -> None:
    made = make_po(db, accepted=False)  # a PKP supplier; the BUMN collects PPN and withholds PPh 22
    po, buyer, supplier = made.po, made.setup.user, made.setup.bidders[0].user
    (line,) = repository.po_lines(db, po.id)
    day = today().isoformat()

    _as(client, supplier)
    assert 'href="/orders"' in client.get("/").text and 'href="/invoices"' in client.get("/").text
    listed = client.get("/orders").text
    assert f'data-po-id="{po.id}"' in listed
    page = client.get(f"/orders/{po.id}").text
    assert 'data-testid="accept"' in page and 'data-testid="ship"' not in page
    assert "No invoice to this buyer yet" in page  # the buyer's days-to-pay, nothing to measure yet
    accepted = _post(client, f"/orders/{po.id}/accept", {"version": str(po.version)})
    assert accepted.status_code == 303  # type: ignore[attr-defined]
    db.refresh(po)
    assert po.status == "accepted"

    page = client.get(f"/orders/{po.id}").text
    shipped = _post(
        client,
        f"/orders/{po.id}/deliveries",
        {
            "form_key": _key(page, f"/orders/{po.id}/deliveries"),
            "note_number": "SJ-001",
            "shipped_on": day,
            f"line-{line.id}-quantity": "3.000",  # part of the 5.000 ordered, written the Indonesian way
        },
    )
    assert shipped.headers["location"] == f"/orders/{po.id}?done=shipped#deliveries"  # type: ignore[attr-defined]
    (delivery,) = db.scalars(select(Delivery).where(Delivery.po_id == po.id)).all()
    assert delivery.number == "SJ-001"

    _as(client, buyer)
    page = client.get(f"/orders/{po.id}").text
    assert 'data-testid="receive"' in page and 'data-testid="accept"' not in page
    assert 'data-testid="buyer-pays"' not in page  # the supplier's view only
    received = _post(
        client,
        f"/orders/{po.id}/receipts",
        {
            "form_key": _key(page, f"/orders/{po.id}/receipts"),
            "received_on": day,
            "delivery_id": str(delivery.id),
            f"line-{line.id}-accepted": "2.900",
            f"line-{line.id}-rejected": "100",
            f"line-{line.id}-reason": "Kemasan sobek",
        },
    )
    assert received.status_code == 303  # type: ignore[attr-defined]
    page = client.get(f"/orders/{po.id}").text
    assert "BAST/" in page and "Kemasan sobek" in page

    _as(client, supplier)
    page = client.get(f"/orders/{po.id}").text
    assert f'name="line-{line.id}-quantity" type="text" value="2,900"' in page  # all invoiceable, by default
    invoiced = _post(
        client,
        f"/orders/{po.id}/invoices",
        {
            "form_key": _key(page, f"/orders/{po.id}/invoices"),
            f"line-{line.id}-quantity": "2900",
            "tax_invoice_serial": "010.000-26.12345678",
        },
    )
    invoice = db.scalars(select(Invoice).where(Invoice.po_id == po.id)).one()
    assert invoiced.headers["location"] == f"/invoices/{invoice.id}?done=invoiced"  # type: ignore[attr-defined]
    shown = client.get(f"/invoices/{invoice.id}").text
    # 2.900 x Rp10.000: DPP 11/12, PPN 12% collected by the BUMN, PPh 22 1.5% withheld (see the flow test).
    assert re.search(r'data-testid="dpp">(Rp|IDR)\s?26,583,333<', shown)
    assert re.search(r'data-testid="ppn-collected">− (Rp|IDR)\s?3,189,999<', shown)
    assert re.search(r'data-testid="pph22">− (Rp|IDR)\s?435,000<', shown)
    assert re.search(r'data-testid="cash-due">(Rp|IDR)\s?28,565,000<', shown)
    assert 'data-testid="pay"' not in shown  # the supplier does not record payments

    _as(client, buyer)
    listed = client.get("/invoices").text
    assert f'data-invoice-id="{invoice.id}" data-status="unpaid"' in listed
    for amount, reference in (("20.000.000", "TRF-1"), ("8.565.000", "TRF-2")):
        page = client.get(f"/invoices/{invoice.id}").text
        db.refresh(invoice)
        paid = _post(
            client,
            f"/invoices/{invoice.id}/payments",
            {
                "form_key": _key(page, f"/invoices/{invoice.id}/payments"),
                "version": str(invoice.version),
                "amount": amount,
                "paid_on": day,
                "reference": reference,
            },
        )
        assert paid.status_code == 303, paid.text  # type: ignore[attr-defined]
    db.refresh(invoice)
    assert invoice.status == "paid" and _count(db, Payment) == 2
    page = client.get(f"/invoices/{invoice.id}").text
    assert 'data-testid="lunas"' in page and 'data-testid="pay"' not in page
    slip = _post(client, f"/invoices/{invoice.id}/slips", {"kind": "pph22", "slip_number": "BP-22-0001"})
    assert slip.status_code == 303  # type: ignore[attr-defined]

    _as(client, supplier)
    page = client.get(f"/invoices/{invoice.id}").text
    assert 'data-testid="lunas"' in page and "TRF-1" in page and "TRF-2" in page and "BP-22-0001" in page
    po_page = client.get(f"/orders/{po.id}").text
    assert 'data-testid="lunas"' in po_page
    assert "on average 0 days, 100% on time, 0% past due (1 invoices)" in po_page


def test_a_double_submitted_delivery_is_recorded_once(client: TestClient, db: Session) -> None:
    made = make_po(db)
    (line,) = repository.po_lines(db, made.po.id)
    _as(client, made.setup.bidders[0].user)
    page = client.get(f"/orders/{made.po.id}").text
    form = {
        "form_key": _key(page, f"/orders/{made.po.id}/deliveries"),
        "note_number": "SJ-7",
        f"line-{line.id}-quantity": "10",
    }
    answers = [_post(client, f"/orders/{made.po.id}/deliveries", form) for _ in range(2)]
    assert [a.status_code for a in answers] == [303, 303]  # type: ignore[attr-defined]
    assert len(db.scalars(select(Delivery).where(Delivery.po_id == made.po.id)).all()) == 1
    db.refresh(line)
    assert line.delivered_quantity == 10


def test_bad_input_is_shown_beside_its_field_and_writes_nothing(client: TestClient, db: Session) -> None:
    made = make_po(db)
    po, buyer, supplier = made.po, made.setup.user, made.setup.bidders[0].user
    (line,) = repository.po_lines(db, po.id)
    _as(client, supplier)
    deliveries = _count(db, Delivery)
    too_many = _post(
        client,
        f"/orders/{po.id}/deliveries",
        {"note_number": "SJ-9", f"line-{line.id}-quantity": "5.001"},
    )
    assert too_many.status_code == 422  # type: ignore[attr-defined]
    text = too_many.text  # type: ignore[attr-defined]
    assert f'id="e-ship-line-{line.id}-quantity"' in text and "at most 5000 more can be shipped" in text
    assert 'value="SJ-9"' in text  # what was typed stays
    no_note = _post(client, f"/orders/{po.id}/deliveries", {f"line-{line.id}-quantity": "10"})
    assert no_note.status_code == 422 and 'id="e-ship-note_number"' in no_note.text  # type: ignore[attr-defined]
    not_a_number = _post(
        client, f"/orders/{po.id}/deliveries", {"note_number": "SJ", f"line-{line.id}-quantity": "sepuluh"}
    )
    assert not_a_number.status_code == 422  # type: ignore[attr-defined]
    assert f'id="e-ship-line-{line.id}-quantity"' in not_a_number.text  # type: ignore[attr-defined]
    assert _count(db, Delivery) == deliveries
    nothing = _post(client, f"/orders/{po.id}/invoices", {})
    assert nothing.status_code == 422 and "nothing to invoice" in nothing.text  # type: ignore[attr-defined]
    assert _count(db, Invoice) == 0

    _as(client, buyer)
    receipts = _count(db, Receipt)
    early = _post(client, f"/orders/{po.id}/receipts", {f"line-{line.id}-accepted": "1"})
    assert early.status_code == 422  # type: ignore[attr-defined]
    assert _count(db, Receipt) == receipts
    # The supplier's steps are not the buyer's.
    refused = _post(client, f"/orders/{po.id}/accept", {"version": str(po.version)})
    assert refused.status_code in (403, 409)  # type: ignore[attr-defined]
    no_reason = _post(client, f"/orders/{po.id}/cancel", {"version": str(po.version), "reason": " "})
    assert no_reason.status_code == 422 and 'id="e-reason"' in no_reason.text  # type: ignore[attr-defined]
    db.refresh(po)
    assert po.status == "accepted"


def test_a_payment_above_what_is_due_is_refused(client: TestClient, db: Session) -> None:
    made = make_po(db, pkp=False, bumn_collector=False)
    po = made.po
    (line,) = repository.po_lines(db, po.id)
    supplier_actor, buyer_actor = made.setup.bidders[0].actor, made.setup.actor
    fulfilment.record_delivery(
        db, actor=supplier_actor, po=po, note_number="SJ", shipped_on=today(), quantities={line.id: 10}
    )
    fulfilment.record_receipt(
        db, actor=buyer_actor, po=po, received_on=today(), lines_received={line.id: Received(accepted=10)}
    )
    invoice = invoices.create_invoice(db, actor=supplier_actor, po=po)
    _as(client, made.setup.user)
    page = client.get(f"/invoices/{invoice.id}").text
    assert 'data-testid="ppn">none: the supplier is not PKP<' in page
    over = _post(
        client,
        f"/invoices/{invoice.id}/payments",
        {"amount": "Rp 1.000.000.000", "paid_on": today().isoformat(), "reference": "TRF"},
    )
    assert over.status_code == 422 and 'id="e-pay-amount"' in over.text  # type: ignore[attr-defined]
    no_reference = _post(
        client, f"/invoices/{invoice.id}/payments", {"amount": "1.000", "paid_on": today().isoformat()}
    )
    assert no_reference.status_code == 422  # type: ignore[attr-defined]
    assert 'id="e-pay-reference"' in no_reference.text  # type: ignore[attr-defined]
    assert _count(db, Payment) == 0


def test_a_stranger_gets_not_found(client: TestClient, db: Session) -> None:
    made = make_po(db)
    other, _award = approved_award(db)
    _as(client, other.user)
    assert client.get(f"/orders/{made.po.id}").status_code == 404
    assert _post(client, f"/orders/{made.po.id}/accept", {}).status_code == 404  # type: ignore[attr-defined]
    assert client.get(f"/orders/{made.po.id}/cancel").status_code == 404
    assert f'data-po-id="{made.po.id}"' not in client.get("/orders").text
    assert 'data-testid="empty-state"' in client.get("/orders").text
    assert 'data-testid="empty-state"' in client.get("/invoices").text


def test_the_buyer_issues_orders_from_an_approved_award(client: TestClient, db: Session) -> None:
    setup, award = approved_award(db)
    _as(client, setup.user)
    rfq_page = client.get(f"/rfqs/{setup.rfq.id}").text
    assert 'data-testid="issue-orders"' in rfq_page  # the button beside the approved award
    made = _post(
        client, f"/awards/{award.id}/orders", {"form_key": _key(rfq_page, f"/awards/{award.id}/orders")}
    )
    assert made.headers["location"] == "/orders?done=issued"  # type: ignore[attr-defined]
    (po,) = db.scalars(select(PurchaseOrder).where(PurchaseOrder.award_id == award.id)).all()
    listed = client.get("/orders?done=issued").text
    assert f'data-po-id="{po.id}"' in listed and 'data-testid="notice"' in listed
    again = _post(client, f"/awards/{award.id}/orders", {})
    assert again.status_code == 409 and "already made" in again.text  # type: ignore[attr-defined]
    assert len(db.scalars(select(PurchaseOrder).where(PurchaseOrder.award_id == award.id)).all()) == 1
    # The buyer amends; the page keeps both versions readable and cancels only after confirming.
    (line,) = repository.po_lines(db, po.id)
    amended = _post(
        client,
        f"/orders/{po.id}/amend",
        {"version": str(po.version), "reason": "Tambah", f"line-{line.id}-quantity": "5.500"},
    )
    assert amended.status_code == 303  # type: ignore[attr-defined]
    page = client.get(f"/orders/{po.id}").text
    assert page.count('data-testid="version"') == 2
    assert 'data-testid="confirm-cancel"' in client.get(f"/orders/{po.id}/cancel").text
    db.refresh(po)
    cancelled = _post(client, f"/orders/{po.id}/cancel", {"version": str(po.version), "reason": "Batal"})
    assert cancelled.status_code == 303  # type: ignore[attr-defined]
    db.refresh(po)
    assert po.status == "cancelled"


def test_the_supplier_declares_its_tax_status(client: TestClient, db: Session) -> None:
    made = make_po(db)
    profile_id = made.setup.bidders[0].profile.id
    _as(client, made.setup.bidders[0].user)
    page = client.get("/account/tax").text
    assert 'data-testid="tax-form"' in page and 'name="pkp" value="1" checked' in page
    past = _post(
        client,
        "/account/tax",
        {"final_tax_certificate": "SKB-PP55-7", "final_tax_valid_until": "2020-01-01"},
    )
    assert past.status_code == 422 and 'id="e-final_tax_valid_until"' in past.text  # type: ignore[attr-defined]
    saved = _post(
        client,
        "/account/tax",
        {"final_tax_certificate": "SKB-PP55-7", "final_tax_valid_until": "2099-12-31"},
    )
    assert saved.headers["location"] == "/account/tax?saved=1"  # type: ignore[attr-defined]
    row = db.get(SupplierTax, profile_id)
    assert row is not None
    db.refresh(row)
    assert (row.pkp, row.final_tax_certificate) == (False, "SKB-PP55-7")
    assert db.scalars(select(AuditEvent).where(AuditEvent.action == "supplier.tax_status_changed")).first()
    _as(client, made.setup.user)  # a buyer has no supplier profile to change
    assert client.get("/account/tax").status_code == 403


def test_the_buyer_owner_sets_the_po_code_npwp_and_collector_statuses(
    client: TestClient, db: Session
) -> None:
    org, _officer, _ = make_buyer(db)
    _, owner, _ = make_buyer(db, org, (Role.OWNER,))
    _as(client, owner)
    form = {"approval_above": "Rp 250.000.000", "payment_terms_days": "45", "ppn_collector": "1"}
    bad_code = _post(client, "/account/buyer-settings", {**form, "code": "pln-01", "npwp": ""})
    assert bad_code.status_code == 422 and 'id="e-code"' in bad_code.text  # type: ignore[attr-defined]
    bad_npwp = _post(client, "/account/buyer-settings", {**form, "code": "PLN", "npwp": "12.345"})
    assert bad_npwp.status_code == 422 and 'id="e-npwp"' in bad_npwp.text  # type: ignore[attr-defined]
    assert rfq_service.buyer_settings(db, org.id).code is None  # nothing written
    saved = _post(
        client,
        "/account/buyer-settings",
        {**form, "code": "pln", "npwp": "01.000.013.1-093.000", "pph22_collector": "on"},
    )
    assert saved.status_code == 303  # type: ignore[attr-defined]
    settings = rfq_service.buyer_settings(db, org.id)
    db.refresh(settings)
    assert (settings.code, settings.npwp, settings.ppn_collector, settings.pph22_collector) == (
        "PLN",
        "0010000131093000",
        True,
        True,
    )
    page = client.get("/account/buyer-settings").text
    assert 'name="code" type="text" value="PLN"' in page and 'name="ppn_collector" value="1" checked' in page
