"""The orders API (issue #12): from an approved award to "Lunas" through HTTP, the tax of a BUMN that
collects PPN and withholds PPh 22, amendments, bad input that writes nothing, strangers, both languages, an
idempotent replay, and a buyer's published days-to-pay."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, make_user
from tests.factories.orders import award_to_order, make_po
from tests.factories.rfq import Bidder, make_bidders
from tests.factories.sourcing import make_buyer

from rantai.identity.models import Organization, User
from rantai.identity.roles import Role
from rantai.kit import clock
from rantai.kit.clock import today
from rantai.orders.models import Delivery, Invoice, Payment, PurchaseOrder, Receipt

EN = {"Accept-Language": "en"}
PROBLEM = "application/problem+json"
KEY = "6f1c2d3e-4b5a-4c7d-9e8f-0a1b2c3d4e5f"
SERIAL = "0100002612345678"
QUANTITY = 5000  # the need factory's line


def _token(db: Session, user: User, organization_id: int) -> dict[str, str]:
    org = db.get(Organization, organization_id)
    assert org is not None
    return bearer(api_token_for(db, user, org))


def _supplier(db: Session, bidder: Bidder) -> dict[str, str]:
    return _token(db, bidder.user, bidder.profile.organization_id)


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def _count(db: Session, model: type) -> int:
    return db.scalar(select(func.count()).select_from(model)) or 0


def test_from_an_award_to_lunas_through_the_api(client: TestClient, db: Session) -> None:
    setup, award = award_to_order(db)  # a PKP supplier; the BUMN collects PPN and PPh 22
    buyer = _token(db, setup.user, setup.org.id)
    supplier = _supplier(db, setup.bidders[0])
    day = today().isoformat()

    issued = _ok(client.post(f"/api/v1/awards/{award.id}/orders", headers=buyer), 201)
    (summary,) = issued["items"]
    assert summary["number"].startswith("PO/") and summary["number"].endswith("/BUMNX/000001")
    assert (summary["status"], summary["status_label"]) == ("issued", "Menunggu pemasok")
    assert (summary["total"], summary["currency"]) == (10_000 * QUANTITY, "IDR")
    po_id = summary["id"]
    again = client.post(f"/api/v1/awards/{award.id}/orders", headers=buyer)  # one award, one set of POs
    assert (again.status_code, again.json()["type"]) == (409, "urn:rantai:problem:order-conflict")

    listed = _ok(client.get("/api/v1/orders", headers=supplier))
    assert [(p["id"], p["buyer"]) for p in listed["items"]] == [(po_id, setup.org.name)]
    po = _ok(client.get(f"/api/v1/orders/{po_id}", headers=supplier))
    (line,) = po["lines"]
    assert (line["quantity"], line["unit_price"], line["amount"]) == (QUANTITY, 10_000, 50_000_000)
    assert [v["revision"] for v in po["versions"]] == [1]
    assert po["actions"] == ["accept", "decline"]  # the supplier's side, as the policy says
    assert _ok(client.get(f"/api/v1/orders/{po_id}", headers=buyer))["actions"] == ["amend", "cancel"]
    assert po["buyer_days_to_pay"] is None  # no invoice yet
    assert po["versions"][0]["content"]["lines"][0]["quantity"] == QUANTITY

    accepted = _ok(
        client.post(f"/api/v1/orders/{po_id}/accept", json={"version": po["version"]}, headers=supplier)
    )
    assert (accepted["status"], accepted["accepted_revision"]) == ("accepted", 1)
    assert accepted["actions"] == ["deliveries"]

    # A partial delivery, then the BAST: 2,900 kept, 100 rejected.
    shipped = _ok(
        client.post(
            f"/api/v1/orders/{po_id}/deliveries",
            json={
                "note_number": "SJ-001",
                "shipped_on": day,
                "lines": [{"id": line["id"], "quantity": 3000}],
            },
            headers=supplier,
        ),
        201,
    )
    (delivery,) = shipped["deliveries"]
    assert delivery["lines"] == [{"po_line_id": line["id"], "quantity": 3000}]
    assert (shipped["lines"][0]["delivered_quantity"], shipped["lines"][0]["left_to_ship"]) == (3000, 2000)
    received = _ok(
        client.post(
            f"/api/v1/orders/{po_id}/receipts",
            json={
                "received_on": day,
                "delivery_id": delivery["id"],
                "lines": [{"id": line["id"], "accepted": 2900, "rejected": 100, "reason": "Kemasan sobek"}],
            },
            headers=buyer,
        ),
        201,
    )
    (receipt,) = received["receipts"]
    assert receipt["number"].startswith("BAST/") and receipt["number"].endswith("/BUMNX/000001")
    assert receipt["lines"] == [
        {"po_line_id": line["id"], "accepted": 2900, "rejected": 100, "reason": "Kemasan sobek"}
    ]
    assert received["deliveries"][0]["status"] == "received"
    assert (received["lines"][0]["accepted_quantity"], received["lines"][0]["rejected_quantity"]) == (
        2900,
        100,
    )

    # The invoice: 2,900 x Rp10.000 = Rp29.000.000; DPP 11/12 = Rp26.583.333; PPN 12% = Rp3.189.999,
    # collected by the BUMN; PPh 22 1.5% = Rp435.000; cash due 29.000.000 - 435.000 = Rp28.565.000.
    invoice = _ok(
        client.post(
            f"/api/v1/orders/{po_id}/invoices", json={"tax_invoice_serial": SERIAL}, headers=supplier
        ),
        201,
    )
    assert invoice["tax"] == {
        "subtotal": 29_000_000,
        "ppn_base": 26_583_333,
        "ppn": 3_189_999,
        "ppn_collected_by_buyer": 3_189_999,
        "pph22": 435_000,
        "pph23": 0,
        "total": 32_189_999,
        "withheld": 3_624_999,  # PPN collected + PPh 22: the total less the cash due
    }
    assert (invoice["cash_due"], invoice["outstanding"], invoice["status"]) == (
        28_565_000,
        28_565_000,
        "unpaid",
    )
    assert (invoice["currency"], invoice["tax_invoice_serial"], invoice["overdue"]) == ("IDR", SERIAL, False)
    assert invoice["due_on"] == (today() + dt.timedelta(days=30)).isoformat()
    assert {w["kind"]: w["amount"] for w in invoice["withholdings"]} == {
        "ppn_collected": 3_189_999,
        "pph22": 435_000,
    }
    invoice_id = invoice["id"]
    assert [i["id"] for i in _ok(client.get(f"/api/v1/orders/{po_id}", headers=buyer))["invoices"]] == [
        invoice_id
    ]

    slip = _ok(
        client.post(
            f"/api/v1/invoices/{invoice_id}/withholdings/pph22",
            json={"slip_number": "BP-22/2026/0001"},
            headers=buyer,
        )
    )
    assert {w["kind"]: w["slip_number"] for w in slip["withholdings"]} == {
        "ppn_collected": None,
        "pph22": "BP-22/2026/0001",
    }

    # Two payments; the second settles it.
    part = _ok(
        client.post(
            f"/api/v1/invoices/{invoice_id}/payments",
            json={"amount": 20_000_000, "paid_on": day, "reference": "TRF-1", "version": slip["version"]},
            headers=buyer,
        ),
        201,
    )
    assert (part["status"], part["outstanding"], part["cash_received"]) == (
        "partly_paid",
        8_565_000,
        20_000_000,
    )
    paid = _ok(
        client.post(
            f"/api/v1/invoices/{invoice_id}/payments",
            json={"amount": 8_565_000, "paid_on": day, "reference": "TRF-2"},
            headers=buyer,
        ),
        201,
    )
    assert (paid["status"], paid["outstanding"], paid["settled_on"]) == ("paid", 0, day)
    assert [(p["amount"], p["reference"]) for p in paid["payments"]] == [
        (20_000_000, "TRF-1"),
        (8_565_000, "TRF-2"),
    ]

    # The supplier sees "Lunas" at once.
    seen = _ok(client.get(f"/api/v1/invoices/{invoice_id}", headers=supplier))
    assert (seen["status"], seen["status_label"]) == ("paid", "Lunas")
    assert _ok(client.get("/api/v1/invoices", params={"status": "paid"}, headers=supplier))["total"] == 1
    assert _ok(client.get("/api/v1/invoices", params={"overdue": True}, headers=supplier))["total"] == 0
    assert _ok(client.get("/api/v1/invoices", params={"status": "unpaid"}, headers=buyer))["total"] == 0
    assert _ok(client.get(f"/api/v1/orders/{po_id}", headers=supplier))["buyer_days_to_pay"]["settled"] == 1

    # Anyone logged in reads the buyer's days-to-pay: the aggregate only.
    (outsider,) = make_bidders(db, 1)
    published = _ok(client.get(f"/api/v1/buyers/{setup.org.id}/days-to-pay", headers=_supplier(db, outsider)))
    assert published == {
        "organization_id": setup.org.id,
        "as_of": day,
        "invoices": 1,
        "settled": 1,
        "average_days": 0.0,
        "on_time_rate": 1.0,
        "overdue_share": 0.0,
    }


def test_an_amendment_the_supplier_accepts_and_a_stale_version(client: TestClient, db: Session) -> None:
    made = make_po(db)
    buyer = _token(db, made.setup.user, made.setup.org.id)
    supplier = _supplier(db, made.setup.bidders[0])
    po = _ok(client.get(f"/api/v1/orders/{made.po.id}", headers=buyer))
    line_id = po["lines"][0]["id"]
    amended = _ok(
        client.post(
            f"/api/v1/orders/{made.po.id}/amend",
            json={
                "reason": "Tambah 500 bungkus",
                "lines": [{"id": line_id, "quantity": QUANTITY + 500}],
                "payment_terms_days": 14,
                "version": po["version"],
            },
            headers=buyer,
        )
    )
    assert (amended["status"], amended["revision"], amended["payment_terms_days"]) == ("amended", 2, 14)
    assert [(v["revision"], v["content"]["lines"][0]["quantity"]) for v in amended["versions"]] == [
        (1, QUANTITY),
        (2, QUANTITY + 500),
    ]
    assert amended["versions"][1]["reason"] == "Tambah 500 bungkus"
    # Acting on the read from before the amendment is refused; on the fresh one it lands.
    stale = client.post(
        f"/api/v1/orders/{made.po.id}/accept", json={"version": po["version"]}, headers=supplier
    )
    assert (stale.status_code, stale.json()["type"]) == (409, "urn:rantai:problem:order-conflict")
    accepted = _ok(
        client.post(
            f"/api/v1/orders/{made.po.id}/accept", json={"version": amended["version"]}, headers=supplier
        )
    )
    assert (accepted["status"], accepted["accepted_revision"], accepted["total"]) == (
        "accepted",
        2,
        10_000 * (QUANTITY + 500),
    )
    # The buyer does not accept for the supplier, nor the supplier cancel for the buyer.
    wrong = client.post(f"/api/v1/orders/{made.po.id}/accept", headers=buyer)
    assert (wrong.status_code, wrong.json()["type"]) == (403, "urn:rantai:problem:order-forbidden")
    wrong = client.post(f"/api/v1/orders/{made.po.id}/cancel", json={"reason": "x"}, headers=supplier)
    assert wrong.status_code == 403
    cancelled = _ok(
        client.post(
            f"/api/v1/orders/{made.po.id}/cancel", json={"reason": "Anggaran dipotong"}, headers=buyer
        )
    )
    assert cancelled["status"] == "cancelled"
    assert _ok(client.get("/api/v1/orders", params={"status": "cancelled"}, headers=supplier))["total"] == 1


def test_the_supplier_declines_with_a_reason(client: TestClient, db: Session) -> None:
    made = make_po(db, accepted=False)
    supplier = {**_supplier(db, made.setup.bidders[0]), **EN}
    blank = client.post(f"/api/v1/orders/{made.po.id}/decline", json={"reason": ""}, headers=supplier)
    assert blank.status_code == 422 and blank.json()["errors"][0]["field"] == "reason"
    declined = _ok(
        client.post(f"/api/v1/orders/{made.po.id}/decline", json={"reason": "Stok habis"}, headers=supplier)
    )
    assert (declined["status"], declined["status_label"], declined["decline_reason"]) == (
        "declined",
        "Declined",
        "Stok habis",
    )


def test_bad_input_is_a_field_problem_and_writes_nothing(client: TestClient, db: Session) -> None:
    made = make_po(db)
    buyer = {**_token(db, made.setup.user, made.setup.org.id), **EN}
    supplier = {**_supplier(db, made.setup.bidders[0]), **EN}
    po_id = made.po.id
    line_id = _ok(client.get(f"/api/v1/orders/{po_id}", headers=buyer))["lines"][0]["id"]
    day = today().isoformat()
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()

    def ship(**values: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "note_number": "SJ-9",
            "shipped_on": day,
            "lines": [{"id": line_id, "quantity": 10}],
        }
        body.update(values)
        return body

    cases: list[tuple[str, dict[str, str], dict[str, Any], str, str]] = [
        ("deliveries", supplier, ship(note_number=""), "note_number", "At least 1 characters."),
        ("deliveries", supplier, ship(note_number="x" * 65), "note_number", "At most 64 characters."),
        ("deliveries", supplier, ship(shipped_on="31-03-2026"), "shipped_on", "Enter a date like 2026-03-31"),
        ("deliveries", supplier, ship(shipped_on=tomorrow), "shipped_on", "cannot be in the future"),
        ("deliveries", supplier, ship(lines=[]), "lines", "This value is not valid."),
        (
            "deliveries",
            supplier,
            ship(lines=[{"id": line_id, "quantity": 0}]),
            "lines.0.quantity",
            "at least 1",
        ),
        (
            "deliveries",
            supplier,
            ship(lines=[{"id": line_id, "quantity": 2**63}]),
            "lines.0.quantity",
            "at most",
        ),
        (
            "deliveries",
            supplier,
            ship(lines=[{"id": line_id, "quantity": 1}, {"id": line_id, "quantity": 2}]),
            "lines",
            "This value is not valid.",
        ),
        (
            "deliveries",
            supplier,
            ship(lines=[{"id": line_id, "quantity": QUANTITY + 1}]),
            f"line-{line_id}-quantity",
            "at most 5000 more can be shipped",
        ),
        ("deliveries", supplier, ship(note="a\x00b"), "note", "control characters"),
        (
            "receipts",
            buyer,
            {"received_on": day, "lines": [{"id": line_id, "accepted": 1}]},
            f"line-{line_id}-accepted",
            "only 0 shipped units",
        ),
        (
            "receipts",
            buyer,
            {"received_on": day, "lines": [{"id": line_id, "accepted": -1}]},
            "lines.0.accepted",
            "at least 0",
        ),
        (
            "invoices",
            supplier,
            {"tax_invoice_serial": "ABC"},
            "tax_invoice_serial",
            "not written as expected",
        ),
        ("invoices", supplier, {"tax_invoice_serial": SERIAL}, "quantities", "There is nothing to invoice"),
        (
            "amend",
            buyer,
            {"reason": "x", "lines": [{"id": line_id, "quantity": 0}]},
            "lines.0.quantity",
            "at least 1",
        ),
        ("amend", buyer, {"reason": "x", "payment_terms_days": 366}, "payment_terms_days", "at most 365"),
        ("cancel", buyer, {"reason": "x" * 2001}, "reason", "At most 2000 characters."),
    ]
    before = {model: _count(db, model) for model in (Delivery, Receipt, Invoice)}
    for path, headers, body, field, message in cases:
        response = client.post(f"/api/v1/orders/{po_id}/{path}", json=body, headers=headers)
        assert response.status_code == 422, (path, body, response.text)
        assert response.headers["content-type"] == PROBLEM
        errors = {e["field"]: e["message"] for e in response.json()["errors"]}
        assert message.lower() in errors.get(field, "").lower(), (path, field, errors)
    assert {model: _count(db, model) for model in (Delivery, Receipt, Invoice)} == before
    po = _ok(client.get(f"/api/v1/orders/{po_id}", headers=buyer))
    assert (po["status"], po["revision"], po["lines"][0]["delivered_quantity"]) == ("accepted", 1, 0)

    # One delivery note number per PO.
    _ok(client.post(f"/api/v1/orders/{po_id}/deliveries", json=ship(), headers=supplier), 201)
    twin = client.post(f"/api/v1/orders/{po_id}/deliveries", json=ship(), headers=supplier)
    assert twin.status_code == 422 and "SJ-9" in twin.json()["errors"][0]["message"]
    assert _count(db, Delivery) == before[Delivery] + 1

    # Payments: nothing above what is due, no date before the invoice, no unknown withholding.
    _ok(
        client.post(
            f"/api/v1/orders/{po_id}/receipts",
            json={"received_on": day, "lines": [{"id": line_id, "accepted": 10}]},
            headers=buyer,
        ),
        201,
    )
    invoice = _ok(
        client.post(
            f"/api/v1/orders/{po_id}/invoices", json={"tax_invoice_serial": SERIAL}, headers=supplier
        ),
        201,
    )
    url = f"/api/v1/invoices/{invoice['id']}"
    for body, field in (
        ({"amount": invoice["cash_due"] + 1, "paid_on": day, "reference": "T"}, "amount"),
        ({"amount": 0, "paid_on": day, "reference": "T"}, "amount"),
        ({"amount": 10**16, "paid_on": day, "reference": "T"}, "amount"),
        ({"amount": 1, "paid_on": "2000-01-01", "reference": "T"}, "paid_on"),
        ({"amount": 1, "paid_on": day, "reference": ""}, "reference"),
        ({"amount": 1.5, "paid_on": day, "reference": "T"}, "amount"),
    ):
        response = client.post(f"{url}/payments", json=body, headers=buyer)
        assert response.status_code == 422, (body, response.text)
        assert field in {e["field"] for e in response.json()["errors"]}, response.text
    assert (
        client.post(f"{url}/withholdings/pph21", json={"slip_number": "X"}, headers=buyer).status_code == 422
    )
    missing = client.post(
        f"{url}/withholdings/pph23", json={"slip_number": "X"}, headers=buyer
    )  # none withheld
    assert missing.status_code == 422 and missing.json()["errors"][0]["field"] == "slip_number"
    assert _count(db, Payment) == 0
    assert _ok(client.get(url, headers=buyer))["status"] == "unpaid"


def test_a_stranger_gets_404_everywhere(client: TestClient, db: Session) -> None:
    made = make_po(db)
    supplier = _supplier(db, made.setup.bidders[0])
    po_id = made.po.id
    line_id = _ok(client.get(f"/api/v1/orders/{po_id}", headers=supplier))["lines"][0]["id"]
    day = today().isoformat()
    _ok(
        client.post(
            f"/api/v1/orders/{po_id}/deliveries",
            json={"note_number": "SJ-1", "shipped_on": day, "lines": [{"id": line_id, "quantity": 5}]},
            headers=supplier,
        ),
        201,
    )
    buyer = _token(db, made.setup.user, made.setup.org.id)
    _ok(
        client.post(
            f"/api/v1/orders/{po_id}/receipts",
            json={"received_on": day, "lines": [{"id": line_id, "accepted": 5}]},
            headers=buyer,
        ),
        201,
    )
    invoice_id = _ok(
        client.post(
            f"/api/v1/orders/{po_id}/invoices", json={"tax_invoice_serial": SERIAL}, headers=supplier
        ),
        201,
    )["id"]
    other_org, other_user, _ = make_buyer(db)
    (outsider,) = make_bidders(db, 1)
    for headers in (_token(db, other_user, other_org.id), _supplier(db, outsider)):
        for method, path, body in (
            ("GET", f"/api/v1/orders/{po_id}", None),
            ("POST", f"/api/v1/orders/{po_id}/accept", None),
            ("POST", f"/api/v1/orders/{po_id}/cancel", {"reason": "x"}),
            (
                "POST",
                f"/api/v1/orders/{po_id}/deliveries",
                {"note_number": "SJ-2", "shipped_on": day, "lines": [{"id": line_id, "quantity": 1}]},
            ),
            ("POST", f"/api/v1/orders/{po_id}/invoices", None),
            ("GET", f"/api/v1/invoices/{invoice_id}", None),
            (
                "POST",
                f"/api/v1/invoices/{invoice_id}/payments",
                {"amount": 1, "paid_on": day, "reference": "T"},
            ),
            ("POST", f"/api/v1/invoices/{invoice_id}/withholdings/pph22", {"slip_number": "X"}),
        ):
            response = client.request(method, path, json=body, headers={**headers, **EN})
            assert response.status_code == 404, (method, path, response.text)
            problem = response.json()
            assert problem["type"] == "urn:rantai:problem:order-not-found", problem
            assert problem["detail"] in ("There is no such purchase order.", "There is no such invoice.")
        assert _ok(client.get("/api/v1/orders", headers=headers))["total"] == 0
        assert _ok(client.get("/api/v1/invoices", headers=headers))["total"] == 0
        refused = client.post(f"/api/v1/awards/{made.award.id}/orders", headers=headers)
        assert refused.status_code == 404, refused.text
    assert _count(db, Delivery) == 1 and _count(db, PurchaseOrder) == 1
    nobody = client.get("/api/v1/buyers/2147483647/days-to-pay", headers=supplier)
    assert (nobody.status_code, nobody.json()["type"]) == (404, "urn:rantai:problem:order-not-found")


def test_a_viewer_of_the_buyer_reads_but_cannot_pay(client: TestClient, db: Session) -> None:
    made = make_po(db)
    viewer = _token(db, make_user(db, made.setup.org, (Role.VIEWER,)), made.setup.org.id)
    assert _ok(client.get(f"/api/v1/orders/{made.po.id}", headers=viewer))["status"] == "accepted"
    refused = client.post(f"/api/v1/orders/{made.po.id}/cancel", json={"reason": "x"}, headers=viewer)
    assert (refused.status_code, refused.json()["type"]) == (403, "urn:rantai:problem:order-forbidden")


def test_english_with_accept_language(client: TestClient, db: Session) -> None:
    made = make_po(db, accepted=False)
    supplier = _supplier(db, made.setup.bidders[0])
    shown = _ok(client.get(f"/api/v1/orders/{made.po.id}", headers={**supplier, **EN}))
    assert shown["status_label"] == "Waiting for the supplier"
    assert (
        _ok(client.get(f"/api/v1/orders/{made.po.id}", headers=supplier))["status_label"]
        == "Menunggu pemasok"
    )
    early = client.post(
        f"/api/v1/orders/{made.po.id}/deliveries",
        json={"note_number": "SJ-1", "shipped_on": today().isoformat(), "lines": [{"id": 1, "quantity": 1}]},
        headers={**supplier, **EN},
    )
    assert early.status_code == 422 and early.headers["content-language"] == "en"
    assert early.json()["detail"] == (
        "Deliveries, receipts and invoices are recorded once the supplier accepted the order."
    )


def test_a_replayed_post_gets_the_first_answer_and_ships_once(client: TestClient, db: Session) -> None:
    made = make_po(db)
    headers = {**_supplier(db, made.setup.bidders[0]), "Idempotency-Key": KEY}
    line_id = _ok(client.get(f"/api/v1/orders/{made.po.id}", headers=headers))["lines"][0]["id"]
    body = {
        "note_number": "SJ-7",
        "shipped_on": today().isoformat(),
        "lines": [{"id": line_id, "quantity": 40}],
    }
    url = f"/api/v1/orders/{made.po.id}/deliveries"
    first = client.post(url, json=body, headers=headers)
    again = client.post(url, json=body, headers=headers)
    assert first.status_code == again.status_code == 201, first.text
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert _count(db, Delivery) == 1
    assert (
        _ok(client.get(f"/api/v1/orders/{made.po.id}", headers=headers))["lines"][0]["delivered_quantity"]
        == 40
    )


def test_an_invoice_past_its_due_date_is_overdue(client: TestClient, db: Session) -> None:
    made = make_po(db, pkp=False)
    buyer = _token(db, made.setup.user, made.setup.org.id)
    supplier = _supplier(db, made.setup.bidders[0])
    po_id = made.po.id
    line_id = _ok(client.get(f"/api/v1/orders/{po_id}", headers=supplier))["lines"][0]["id"]
    day = today().isoformat()
    for path, headers, body in (
        (
            "deliveries",
            supplier,
            {"note_number": "SJ-1", "shipped_on": day, "lines": [{"id": line_id, "quantity": 10}]},
        ),
        ("receipts", buyer, {"received_on": day, "lines": [{"id": line_id, "accepted": 10}]}),
        ("invoices", supplier, None),
    ):
        _ok(client.post(f"/api/v1/orders/{po_id}/{path}", json=body, headers=headers), 201)
    assert _ok(client.get("/api/v1/invoices", params={"overdue": True}, headers=buyer))["total"] == 0
    with clock.travel(dt.timedelta(days=45)):  # 15 days past the 30-day terms
        late = _ok(client.get("/api/v1/invoices", params={"overdue": True}, headers={**buyer, **EN}))
        (row,) = late["items"]
        assert (row["overdue"], row["status"], row["outstanding"]) == (True, "unpaid", 98_500)  # PPh 22 kept
        published = _ok(client.get(f"/api/v1/buyers/{made.setup.org.id}/days-to-pay", headers=supplier))
        assert (published["invoices"], published["settled"], published["average_days"]) == (1, 0, 45.0)
        assert (published["on_time_rate"], published["overdue_share"]) == (0.0, 1.0)
