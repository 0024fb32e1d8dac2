"""The RFQ API (issue #11): make, send, invite, amend, cancel; clarifications; quotes given, revised and
withdrawn by invited suppliers; the seal (no price reaches the buyer before the deadline, through any
answer); the quotes after it; who may see what; and an idempotent replay."""

from __future__ import annotations

import datetime as dt
from typing import Any, get_args

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, make_org, make_user
from tests.factories.rfq import DAY, PAST_DEADLINE, Bidder, make_bidders, make_rfq, quote_on
from tests.factories.sourcing import make_buyer, make_need

from rantai.api.v1.rfq_models import Incoterm
from rantai.identity.models import Organization, User
from rantai.identity.roles import OrgType, Role
from rantai.kit import clock
from rantai.settings import Settings
from rantai.sourcing.rfq import export, service
from rantai.sourcing.rfq.models import RfqQuestion

EN = {"Accept-Language": "en"}
PROBLEM = "application/problem+json"
PRICE = 9_876_543  # seven digits in a row: no id, count or timestamp of these answers holds them
KEY = "0c9a3f0e-7d51-4f3b-8c44-2b6f0e9d1a77"


def _token(db: Session, user: User, organization_id: int) -> dict[str, str]:
    org = db.get(Organization, organization_id)
    assert org is not None
    return bearer(api_token_for(db, user, org))


def _supplier(db: Session, bidder: Bidder) -> dict[str, str]:
    return _token(db, bidder.user, bidder.profile.organization_id)


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def _quote_body(rfq: dict[str, Any], unit_price: int = PRICE, **values: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "lines": [
            {
                "rfq_line_id": line["id"],
                "unit_price": unit_price,
                "quantity": line["quantity"],
                "lead_time_days": 7,
            }
            for line in rfq["lines"]
        ],
        "valid_until": (clock.now() + 30 * DAY).date().isoformat(),
        "notes": "Harga termasuk ongkos kirim.",
    }
    body.update(values)
    return body


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def test_the_incoterms_of_the_api_are_the_services() -> None:
    assert set(get_args(Incoterm)) == set(service.INCOTERMS)


def test_an_rfq_from_a_need_to_quotes_with_questions_and_an_amendment(
    client: TestClient, db: Session
) -> None:
    org, user, actor = make_buyer(db)
    need = make_need(db, org, actor, status="open")
    first, second = make_bidders(db, 2)
    buyer = _token(db, user, org.id)
    supplier = _supplier(db, first)

    # A draft from the need: its line (the budget as HPS), the suppliers named.
    created = _ok(
        client.post(
            f"/api/v1/needs/{need.id}/rfqs",
            json={
                "title": "Pengadaan keripik singkong",
                "deadline": _iso(clock.now() + 2 * DAY),
                "supplier_ids": [first.profile.id, second.profile.id],
            },
            headers={**buyer, **EN},
        ),
        201,
    )
    assert (created["status"], created["status_label"], created["number"][:4]) == ("draft", "Draft", "RFQ/")
    assert [(line["line_no"], line["quantity"], line["hps"]) for line in created["lines"]] == [
        (1, 5000, 75_000_000)
    ]
    assert {i["supplier_id"] for i in created["invitations"]} == {first.profile.id, second.profile.id}
    assert dt.datetime.fromisoformat(created["deadline"]).utcoffset() == dt.timedelta(0)
    assert (created["quote_count"], created["sealed"], created["currency"]) == (0, True, "IDR")
    rfq_id = created["id"]
    # A draft reaches no supplier.
    assert client.get(f"/api/v1/invitations/{rfq_id}", headers=supplier).status_code == 404

    sent = _ok(
        client.post(f"/api/v1/rfqs/{rfq_id}/send", json={"version": created["version"]}, headers=buyer)
    )
    assert sent["status"] == "open" and sent["sent_at"] is not None

    # The supplier sees it: the lines without the buyer's HPS.
    invitations = _ok(client.get("/api/v1/invitations", headers=supplier))
    assert [(i["rfq_id"], i["buyer"]) for i in invitations["items"]] == [(rfq_id, org.name)]
    shown = _ok(client.get(f"/api/v1/invitations/{rfq_id}", headers=supplier))
    assert shown["open_for_quotes"] is True
    assert "hps" not in shown["lines"][0] and "75000000" not in str(shown)

    quoted = _ok(client.put(f"/api/v1/invitations/{rfq_id}/quote", json=_quote_body(shown), headers=supplier))
    assert (quoted["status"], quoted["revision"], quoted["currency"]) == ("submitted", 1, "IDR")
    assert quoted["lines"][0]["unit_price"] == PRICE

    # A question every invitee sees answered; nobody sees who asked.
    asked = _ok(
        client.post(
            f"/api/v1/invitations/{rfq_id}/questions",
            json={"question": "Boleh kemasan 200 g?"},
            headers=supplier,
        ),
        201,
    )
    questions = _ok(client.get(f"/api/v1/rfqs/{rfq_id}/questions", headers=buyer))
    assert questions == [asked]
    assert set(asked) == {"id", "question", "asked_at", "answer", "answered_at"}
    answered = _ok(
        client.post(
            f"/api/v1/rfqs/{rfq_id}/questions/{asked['id']}/answer",
            json={"answer": "Tidak, tetap 250 g."},
            headers=buyer,
        )
    )
    assert answered["answer"] == "Tidak, tetap 250 g."
    other = _ok(client.get(f"/api/v1/invitations/{rfq_id}", headers=_supplier(db, second)))
    assert [(q["question"], q["answer"]) for q in other["questions"]] == [
        ("Boleh kemasan 200 g?", "Tidak, tetap 250 g.")
    ]

    # An amendment: a new revision; the quote given before it is to be confirmed, then revised.
    current = _ok(client.get(f"/api/v1/rfqs/{rfq_id}", headers=buyer))
    line_id = current["lines"][0]["id"]
    amended = _ok(
        client.post(
            f"/api/v1/rfqs/{rfq_id}/amend",
            json={
                "reason": "Jumlah dikurangi.",
                "lines": [{"id": line_id, "quantity": 4000}],
                "version": current["version"],
            },
            headers=buyer,
        )
    )
    assert (amended["revision"], amended["lines"][0]["quantity"]) == (2, 4000)
    assert [a["reason"] for a in amended["amendments"]] == ["Jumlah dikurangi."]
    own = _ok(client.get(f"/api/v1/invitations/{rfq_id}/quote", headers=supplier))
    assert (own["to_confirm"], own["rfq_revision"]) == (True, 1)
    revised_body = _quote_body(amended, unit_price=PRICE - 1, version=own["version"])
    revised = _ok(client.put(f"/api/v1/invitations/{rfq_id}/quote", json=revised_body, headers=supplier))
    assert (revised["revision"], revised["to_confirm"], revised["lines"][0]["quantity"]) == (2, False, 4000)
    assert [r["revision"] for r in revised["revisions"]] == [2, 1]
    assert revised["revisions"][1]["lines"][0]["unit_price"] == PRICE

    # The stale version (read before the revision) is refused, and changes nothing.
    stale = client.put(f"/api/v1/invitations/{rfq_id}/quote", json=revised_body, headers={**supplier, **EN})
    assert (stale.status_code, stale.json()["type"]) == (409, "urn:rantai:problem:quote-conflict")
    assert _ok(client.get(f"/api/v1/invitations/{rfq_id}/quote", headers=supplier))["revision"] == 2

    withdrawn = _ok(client.post(f"/api/v1/invitations/{rfq_id}/quote/withdraw", headers=supplier))
    assert withdrawn["status"] == "withdrawn"
    assert _ok(client.get(f"/api/v1/rfqs/{rfq_id}", headers=buyer))["quote_count"] == 0


def test_the_supplier_extends_its_quote_validity_through_the_api(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    quote = quote_on(db, setup, setup.bidders[0])
    supplier = {**_supplier(db, setup.bidders[0]), **EN}
    url = f"/api/v1/invitations/{setup.rfq.id}/quote/validity"
    backwards = client.post(url, json={"valid_until": quote.valid_until.isoformat()}, headers=supplier)
    assert backwards.status_code == 422 and backwards.json()["type"] == "urn:rantai:problem:quote-invalid"
    later, read = (quote.valid_until + 7 * DAY).isoformat(), quote.version
    extended = _ok(client.post(url, json={"valid_until": later, "version": read}, headers=supplier))
    assert extended["valid_until"] == later
    stale = client.post(url, json={"valid_until": later, "version": read}, headers=supplier)  # read before
    assert stale.status_code == 409


def test_no_price_reaches_the_buyer_before_the_deadline(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=2)
    for bidder in setup.bidders:
        quote_on(db, setup, bidder, unit_price=PRICE)
    buyer = {**_token(db, setup.user, setup.org.id), **EN}
    rfq_id = setup.rfq.id

    answers = [
        client.get(f"/api/v1/rfqs/{rfq_id}", headers=buyer),
        client.get("/api/v1/rfqs", headers=buyer),
        client.get(f"/api/v1/rfqs/{rfq_id}/questions", headers=buyer),
        client.post(
            f"/api/v1/rfqs/{rfq_id}/invite",
            json={"supplier_ids": [setup.bidders[0].profile.id]},
            headers=buyer,
        ),
        client.get(f"/api/v1/rfqs/{rfq_id}/quotes", headers=buyer),
        client.get(f"/api/v1/invitations/{rfq_id}/quote", headers=buyer),
    ]
    for response in answers:
        assert str(PRICE) not in response.text, response.request.url
    shown = answers[0].json()
    assert (shown["quote_count"], shown["sealed"]) == (2, True)
    assert answers[1].json()["items"][0]["quote_count"] == 2
    sealed = answers[4]
    assert sealed.status_code == 403
    assert sealed.headers["content-type"] == PROBLEM
    assert sealed.json()["type"] == "urn:rantai:problem:quote-sealed"
    assert sealed.json()["detail"].startswith("Quotes stay sealed until the deadline (")
    assert answers[5].status_code == 404  # the buyer has no supplier's view of its own RFQ


def test_the_buyer_reads_the_quotes_after_the_deadline(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=3)
    quote_on(db, setup, setup.bidders[0], unit_price=PRICE)
    quote_on(db, setup, setup.bidders[1], unit_price=11_000, lead_time_days=3)
    buyer = _token(db, setup.user, setup.org.id)
    with clock.travel(PAST_DEADLINE):
        db.expire_all()
        assert service.close_due(db) == 1
        shown = _ok(client.get(f"/api/v1/rfqs/{setup.rfq.id}", headers=buyer))
        opened = _ok(client.get(f"/api/v1/rfqs/{setup.rfq.id}/quotes", headers=buyer))
        late = client.put(
            f"/api/v1/invitations/{setup.rfq.id}/quote",
            json=_quote_body(shown),
            headers={**_supplier(db, setup.bidders[2]), **EN},
        )
    assert (shown["status"], shown["sealed"], shown["quote_count"]) == ("evaluation", False, 2)
    assert opened["currency"] == "IDR"
    got = {q["supplier_id"]: q for q in opened["items"]}
    assert set(got) == {setup.bidders[0].profile.id, setup.bidders[1].profile.id}
    first = got[setup.bidders[0].profile.id]
    assert first["supplier_name"] == setup.bidders[0].profile.business_name
    assert [(line["unit_price"], line["quantity"]) for line in first["lines"]] == [(PRICE, 5000)]
    assert got[setup.bidders[1].profile.id]["lines"][0]["lead_time_days"] == 3
    assert "asked_by" not in opened["items"][0]
    assert late.status_code == 422
    assert late.json()["type"] == "urn:rantai:problem:quote-invalid"
    assert "has passed; quotes can no longer be given or changed" in late.json()["detail"]


def test_moves_are_checked_by_the_lifecycle_and_the_version(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1, sent=False)
    buyer = {**_token(db, setup.user, setup.org.id), **EN}
    rfq_id = setup.rfq.id
    read = _ok(client.get(f"/api/v1/rfqs/{rfq_id}", headers=buyer))
    not_open = client.post(f"/api/v1/rfqs/{rfq_id}/amend", json={"reason": "Ubah."}, headers=buyer)
    assert (not_open.status_code, not_open.json()["type"]) == (409, "urn:rantai:problem:rfq-conflict")
    assert not_open.json()["detail"] == "A request for quotations that is 'Draft' cannot take this step."
    sent = _ok(client.post(f"/api/v1/rfqs/{rfq_id}/send", headers=buyer))
    stale = client.post(
        f"/api/v1/rfqs/{rfq_id}/cancel", json={"reason": "Batal.", "version": read["version"]}, headers=buyer
    )
    assert stale.status_code == 409
    assert stale.json()["detail"].startswith("Someone changed this request for quotations at the same moment")
    blank = client.post(f"/api/v1/rfqs/{rfq_id}/cancel", json={"reason": "   "}, headers=buyer)
    assert blank.status_code == 422
    assert blank.json()["errors"] == [
        {"field": "reason", "message": "Say why (the reason is shown to the suppliers)."}
    ]
    earlier = client.post(
        f"/api/v1/rfqs/{rfq_id}/amend",
        json={"reason": "Percepat.", "deadline": _iso(clock.now() + dt.timedelta(hours=1))},
        headers=buyer,
    )
    assert earlier.status_code == 422
    assert earlier.json()["errors"][0]["field"] == "deadline"
    cancelled = _ok(
        client.post(
            f"/api/v1/rfqs/{rfq_id}/cancel",
            json={"reason": "Anggaran dialihkan.", "version": sent["version"]},
            headers=buyer,
        )
    )
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "Anggaran dialihkan.")
    assert _ok(client.get("/api/v1/rfqs", params={"status": "cancelled"}, headers=buyer))["total"] == 1
    assert _ok(client.get("/api/v1/rfqs", params={"status": "open"}, headers=buyer))["total"] == 0


def test_bad_bodies_are_field_problems_and_write_nothing(client: TestClient, db: Session) -> None:
    org, user, actor = make_buyer(db)
    need = make_need(db, org, actor, status="open")
    buyer = {**_token(db, user, org.id), **EN}
    url = f"/api/v1/needs/{need.id}/rfqs"
    cases = [
        ({"title": "Paket", "deadline": "2026-03-31T14:00:00"}, "deadline", "with its time zone"),
        ({"title": "Paket", "deadline": 1_900_000_000}, "deadline", "Enter a time like"),
        ({"title": "Paket", "deadline": _iso(clock.now() - DAY)}, "deadline", "must be later than now"),
        ({"title": "x" * 501, "deadline": _iso(clock.now() + DAY)}, "title", "At most 500 characters."),
        (
            {
                "title": "Paket",
                "deadline": _iso(clock.now() + DAY),
                "lines": [{"name": "a", "quantity": 2**63}],
            },
            "lines.0.quantity",
            "Must be at most",
        ),
        (
            {"title": "Paket", "deadline": _iso(clock.now() + DAY), "currency": "EUR"},
            "currency",
            "Choose one of",
        ),
        (
            {"title": "Paket", "deadline": _iso(clock.now() + DAY), "currency": "USD"},
            "idr_rate",
            "A USD request needs the Rupiah rate",
        ),
    ]
    for body, field, message in cases:
        response = client.post(url, json=body, headers=buyer)
        assert response.status_code == 422, (body, response.text)
        errors = {e["field"]: e["message"] for e in response.json()["errors"]}
        assert message in errors.get(field, ""), (field, errors)
    assert _ok(client.get("/api/v1/rfqs", headers=buyer))["total"] == 0


def test_a_usd_rfq_with_an_incoterm(client: TestClient, db: Session) -> None:
    org, user, actor = make_buyer(db, make_org(db, OrgType.PEMBELI_GLOBAL))
    need = make_need(db, org, actor, status="open")
    (bidder,) = make_bidders(db, 1)
    created = _ok(
        client.post(
            f"/api/v1/needs/{need.id}/rfqs",
            json={
                "title": "Cassava chips for export",
                "deadline": (clock.now() + 5 * DAY).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "supplier_ids": [bidder.profile.id],
                "lines": [{"name": "Cassava chips 250 g", "quantity": 1000, "hps": 125_000}],
                "currency": "USD",
                "idr_rate": "16250.5",
                "idr_rate_date": "2026-01-15",
                "incoterm": "FOB",
                "incoterm_place": "Tanjung Priok",
            },
            headers=_token(db, user, org.id),
        ),
        201,
    )
    assert (created["currency"], created["idr_rate"], created["incoterm"]) == ("USD", "16250.5000", "FOB")
    assert created["lines"][0]["hps"] == 125_000  # cents


def test_a_stranger_gets_404_everywhere(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    quote_on(db, setup, setup.bidders[0], unit_price=PRICE)
    rfq_id = setup.rfq.id
    other_org, other_user, _ = make_buyer(db)
    stranger = _token(db, other_user, other_org.id)
    (outsider,) = make_bidders(db, 1)
    uninvited = _supplier(db, outsider)
    invited = _supplier(db, setup.bidders[0])
    for headers in (stranger, uninvited):
        for method, path, body in (
            ("GET", f"/api/v1/rfqs/{rfq_id}", None),
            ("GET", f"/api/v1/rfqs/{rfq_id}/quotes", None),
            ("GET", f"/api/v1/rfqs/{rfq_id}/questions", None),
            ("POST", f"/api/v1/rfqs/{rfq_id}/cancel", {"reason": "x"}),
            ("GET", f"/api/v1/invitations/{rfq_id}", None),
            ("GET", f"/api/v1/invitations/{rfq_id}/quote", None),
            ("POST", f"/api/v1/invitations/{rfq_id}/questions", {"question": "?"}),
        ):
            response = client.request(method, path, json=body, headers={**headers, **EN})
            assert response.status_code == 404, (method, path, response.text)
            assert response.json()["type"] == "urn:rantai:problem:rfq-not-found"
    # The invited supplier reads its invitation, never the buyer's view.
    assert client.get(f"/api/v1/rfqs/{rfq_id}", headers=invited).status_code == 404
    assert client.get(f"/api/v1/rfqs/{rfq_id}/quotes", headers=invited).status_code == 404
    assert client.post(
        f"/api/v1/rfqs/{rfq_id}/cancel", json={"reason": "x"}, headers=invited
    ).status_code in (403, 404)
    assert client.get(f"/api/v1/invitations/{rfq_id}", headers=invited).status_code == 200
    assert _ok(client.get("/api/v1/rfqs", headers=stranger))["total"] == 0
    assert _ok(client.get("/api/v1/invitations", headers=uninvited))["total"] == 0


def test_a_viewer_reads_but_cannot_move(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1, sent=False)
    viewer = _token(db, make_user(db, setup.org, (Role.VIEWER,)), setup.org.id)
    assert _ok(client.get(f"/api/v1/rfqs/{setup.rfq.id}", headers=viewer))["status"] == "draft"
    refused = client.post(f"/api/v1/rfqs/{setup.rfq.id}/send", headers=viewer)
    assert (refused.status_code, refused.json()["type"]) == (403, "urn:rantai:problem:rfq-forbidden")


def test_a_replayed_post_gets_the_first_answer_and_asks_once(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    headers = {**_supplier(db, setup.bidders[0]), "Idempotency-Key": KEY}
    url = f"/api/v1/invitations/{setup.rfq.id}/questions"
    first = client.post(url, json={"question": "Kapan dikirim?"}, headers=headers)
    again = client.post(url, json={"question": "Kapan dikirim?"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    count = db.scalar(select(func.count()).select_from(RfqQuestion).where(RfqQuestion.rfq_id == setup.rfq.id))
    assert count == 1


def test_a_prepared_comparison_workbook_is_fetched_then_gone_after_its_keeping_time(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch, settings: Settings
) -> None:
    setup = make_rfq(db, bidders=2)
    for bidder in setup.bidders:
        quote_on(db, setup, bidder)
    buyer = _token(db, setup.user, setup.rfq.organization_id)
    monkeypatch.setattr(export, "EXPORT_NOW_MAX_ROWS", 0)
    with clock.travel(PAST_DEADLINE):
        service.close_due(db)
        db.commit()
        asked = client.post(f"/api/v1/rfqs/{setup.rfq.id}/comparison/exports", headers=buyer)
        assert asked.status_code == 202, asked.text
        url = asked.json()["url"]
        made = client.get(url, headers=buyer)  # the test queue runs the job at once
        assert made.status_code == 200 and made.content[:2] == b"PK"
        later = clock.now() + export.EXPORT_KEEP + DAY
        assert export.remove_old_exports(settings.data_dir, now=later) == 1
        gone = client.get(url, headers=buyer)
        assert gone.status_code == 410 and gone.headers["content-type"] == PROBLEM
        assert "7 hari" in gone.json()["detail"] and "POST" in gone.json()["detail"]
