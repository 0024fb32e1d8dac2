"""The RFQ API after the deadline (issue #11): the comparison, awards whole or split, the approver's queue,
approval and rejection, and the suppliers' outcome; before the deadline all of it stays sealed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer, make_user
from tests.factories.rfq import PAST_DEADLINE, Bidder, RfqSetup, make_rfq, quote_on

from rantai.identity.models import Organization, User
from rantai.identity.roles import Role
from rantai.kit import clock
from rantai.sourcing.rfq import export, service
from rantai.sourcing.rfq.models import Award

EN = {"Accept-Language": "en"}
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KEY = "5b0e8c1d-2f4a-4e6b-9c3d-7a1f0e2d4b68"


def _token(db: Session, user: User, organization_id: int) -> dict[str, str]:
    org = db.get(Organization, organization_id)
    assert org is not None
    return {**bearer(api_token_for(db, user, org)), **EN}


def _supplier(db: Session, bidder: Bidder) -> dict[str, str]:
    return _token(db, bidder.user, bidder.profile.organization_id)


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


@contextmanager
def _past_deadline(db: Session) -> Iterator[None]:
    with clock.travel(PAST_DEADLINE):
        db.expire_all()  # the API moved rows this session holds
        service.close_due(db)
        yield


def _awards(db: Session, setup: RfqSetup) -> int:
    return db.scalar(select(func.count()).select_from(Award).where(Award.rfq_id == setup.rfq.id)) or 0


def test_compare_award_split_and_tell_the_suppliers(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=3)
    cheap, dear, absent = setup.bidders
    quote_on(db, setup, cheap, unit_price=10_000, quantity=3000)
    quote_on(db, setup, dear, unit_price=12_000, lead_time_days=5)
    buyer = _token(db, setup.user, setup.org.id)
    url = f"/api/v1/rfqs/{setup.rfq.id}"

    sealed = client.get(f"{url}/comparison", headers=buyer)
    assert (sealed.status_code, sealed.json()["type"]) == (403, "urn:rantai:problem:quote-sealed")
    early = client.post(
        f"{url}/awards", json={"parts": [{"rfq_line_id": 1, "supplier_id": 1, "quantity": 1}]}, headers=buyer
    )
    assert early.status_code in (403, 422) and "10000" not in early.text
    assert (
        client.get(f"/api/v1/invitations/{setup.rfq.id}/outcome", headers=_supplier(db, cheap)).json()[
            "decided"
        ]
        is False
    )

    with _past_deadline(db):
        compared = _ok(client.get(f"{url}/comparison", headers=buyer))
        (line,) = compared["lines"]
        cells = {c["supplier_id"]: c for c in line["cells"]}
        assert (cells[cheap.profile.id]["unit_price"], cells[cheap.profile.id]["is_lowest"]) == (10_000, True)
        assert (cells[dear.profile.id]["amount"], cells[dear.profile.id]["is_lowest"]) == (60_000_000, False)
        assert line["lowest_unit_price"] == 10_000
        assert {s["supplier_id"] for s in compared["suppliers"]} == {cheap.profile.id, dear.profile.id}

        body = {
            "parts": [
                {"rfq_line_id": line["id"], "supplier_id": cheap.profile.id, "quantity": 3000},
                {"rfq_line_id": line["id"], "supplier_id": dear.profile.id, "quantity": 2000},
            ]
        }
        made = client.post(f"{url}/awards", json=body, headers={**buyer, "Idempotency-Key": KEY})
        award = _ok(made, 201)
        replay = client.post(f"{url}/awards", json=body, headers={**buyer, "Idempotency-Key": KEY})
        assert replay.json() == award and replay.headers["Idempotent-Replayed"] == "true"
        assert _awards(db, setup) == 1
        assert (award["status"], award["status_label"], award["needs_approval"]) == (
            "approved",
            "Approved",
            False,
        )
        assert (award["currency"], award["total"]) == ("IDR", 3000 * 10_000 + 2000 * 12_000)
        assert [(a["supplier_id"], a["quantity"], a["amount"]) for a in award["lines"]] == [
            (cheap.profile.id, 3000, 30_000_000),
            (dear.profile.id, 2000, 24_000_000),
        ]
        assert _ok(client.get(f"{url}/awards", headers=buyer)) == [award]
        assert _ok(client.get(url, headers=buyer))["status"] == "awarded"

        more = client.post(
            f"{url}/awards",
            json={"parts": [{"rfq_line_id": line["id"], "supplier_id": dear.profile.id, "quantity": 1}]},
            headers=buyer,
        )
        assert more.status_code in (409, 422)
        assert more.headers["content-type"] == "application/problem+json"

        won = _ok(client.get(f"/api/v1/invitations/{setup.rfq.id}/outcome", headers=_supplier(db, cheap)))
        assert won["decided"] is True
        assert [(w["quantity"], w["unit_price"]) for w in won["won"]] == [(3000, 10_000)]
        stranger = client.get(f"/api/v1/invitations/{setup.rfq.id}/outcome", headers=buyer)
        assert stranger.status_code == 404
        nothing = _ok(
            client.get(f"/api/v1/invitations/{setup.rfq.id}/outcome", headers=_supplier(db, absent))
        )
        assert (nothing["won"], nothing["lost"]) == ([], [])


def test_a_loser_is_told_why_in_its_language(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=2)
    winner, loser = setup.bidders
    quote_on(db, setup, winner, unit_price=10_000)
    quote_on(db, setup, loser, unit_price=12_000)
    buyer = _token(db, setup.user, setup.org.id)
    with _past_deadline(db):
        line_id = _ok(client.get(f"/api/v1/rfqs/{setup.rfq.id}", headers=buyer))["lines"][0]["id"]
        parts = [{"rfq_line_id": line_id, "supplier_id": winner.profile.id, "quantity": 5000}]
        _ok(client.post(f"/api/v1/rfqs/{setup.rfq.id}/awards", json={"parts": parts}, headers=buyer), 201)
        told = _ok(client.get(f"/api/v1/invitations/{setup.rfq.id}/outcome", headers=_supplier(db, loser)))
    assert told["won"] == []
    assert [(lost["line_no"], lost["reason"]) for lost in told["lost"]] == [
        (1, "another supplier offered a lower price")
    ]


def test_an_award_above_the_threshold_waits_for_the_approver(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    setup.rfq.approval_above = 49_999_999
    db.flush()
    (bidder,) = setup.bidders
    quote_on(db, setup, bidder, unit_price=10_000)
    officer = _token(db, setup.user, setup.org.id)
    approver = _token(db, make_user(db, setup.org, (Role.APPROVER,)), setup.org.id)
    url = f"/api/v1/rfqs/{setup.rfq.id}"
    with _past_deadline(db):
        line_id = _ok(client.get(url, headers=officer))["lines"][0]["id"]
        parts = [{"rfq_line_id": line_id, "supplier_id": bidder.profile.id, "quantity": 5000}]
        waiting = _ok(client.post(f"{url}/awards", json={"parts": parts}, headers=officer), 201)
        assert (waiting["status"], waiting["needs_approval"]) == ("pending_approval", True)

        queue = _ok(client.get("/api/v1/approvals", headers=approver))
        assert [(a["id"], a["rfq_number"]) for a in queue["items"]] == [(waiting["id"], setup.rfq.number)]
        assert _ok(client.get("/api/v1/approvals", headers=officer))["total"] == 0

        refused = client.post(f"/api/v1/awards/{waiting['id']}/approve", headers=officer)
        assert (refused.status_code, refused.json()["type"]) == (403, "urn:rantai:problem:rfq-forbidden")
        blank = client.post(f"/api/v1/awards/{waiting['id']}/reject", json={"reason": " "}, headers=approver)
        assert blank.status_code == 422
        rejected = _ok(
            client.post(
                f"/api/v1/awards/{waiting['id']}/reject",
                json={"reason": "Harga di atas HPS tahun lalu", "version": waiting["version"]},
                headers=approver,
            )
        )
        assert (rejected["status"], rejected["rejection_reason"]) == (
            "rejected",
            "Harga di atas HPS tahun lalu",
        )
        assert _ok(client.get(url, headers=officer))["lines"][0]["awarded_quantity"] == 0

        again = _ok(client.post(f"{url}/awards", json={"parts": parts}, headers=officer), 201)
        stale = client.post(f"/api/v1/awards/{again['id']}/approve", json={"version": 99}, headers=approver)
        assert stale.status_code == 409
        approved = _ok(
            client.post(
                f"/api/v1/awards/{again['id']}/approve", json={"version": again["version"]}, headers=approver
            )
        )
        assert (approved["status"], approved["approved_at"] is not None) == ("approved", True)
        assert _ok(client.get(f"/api/v1/awards/{again['id']}", headers=officer)) == approved
        assert _ok(client.get("/api/v1/approvals", headers=approver))["total"] == 0


def test_strangers_see_no_award(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, bidders=1)
    quote_on(db, setup, setup.bidders[0], unit_price=10_000)
    buyer = _token(db, setup.user, setup.org.id)
    other = make_rfq(db, bidders=0, sent=False)
    stranger = _token(db, other.user, other.org.id)
    with _past_deadline(db):
        line_id = _ok(client.get(f"/api/v1/rfqs/{setup.rfq.id}", headers=buyer))["lines"][0]["id"]
        parts = [{"rfq_line_id": line_id, "supplier_id": setup.bidders[0].profile.id, "quantity": 10}]
        award = _ok(
            client.post(f"/api/v1/rfqs/{setup.rfq.id}/awards", json={"parts": parts}, headers=buyer), 201
        )
        for method, path in (
            ("GET", f"/api/v1/rfqs/{setup.rfq.id}/awards"),
            ("GET", f"/api/v1/rfqs/{setup.rfq.id}/comparison"),
            ("POST", f"/api/v1/rfqs/{setup.rfq.id}/awards"),
            ("GET", f"/api/v1/awards/{award['id']}"),
            ("POST", f"/api/v1/awards/{award['id']}/approve"),
        ):
            response = client.request(method, path, json={"parts": parts}, headers=stranger)
            assert response.status_code == 404, (method, path, response.text)
        supplier = _supplier(db, setup.bidders[0])
        assert client.get(f"/api/v1/rfqs/{setup.rfq.id}/comparison", headers=supplier).status_code == 404
        assert client.get(f"/api/v1/awards/{award['id']}", headers=supplier).status_code == 404


def test_the_comparison_workbook_now_or_by_a_job(
    client: TestClient, db: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    setup = make_rfq(db, bidders=2)
    for bidder in setup.bidders:
        quote_on(db, setup, bidder, unit_price=10_000)
    buyer = _token(db, setup.user, setup.org.id)
    url = f"/api/v1/rfqs/{setup.rfq.id}/comparison"
    sealed = client.get(f"{url}.xlsx", headers=buyer)
    assert (sealed.status_code, sealed.json()["type"]) == (403, "urn:rantai:problem:quote-sealed")
    with _past_deadline(db):
        now = client.get(f"{url}.xlsx", headers=buyer)
        assert now.status_code == 200 and now.content.startswith(b"PK")  # a zip: the XLSX container
        assert now.headers["content-type"] == XLSX
        assert setup.rfq.number.replace("/", "-") in now.headers["content-disposition"]
        small = client.post(f"{url}/exports", headers=buyer)
        assert small.status_code == 200 and small.content.startswith(b"PK")

        monkeypatch.setattr(export, "EXPORT_NOW_MAX_ROWS", 1)
        large = client.get(f"{url}.xlsx", headers=buyer)
        assert large.status_code == 409
        assert large.json()["detail"].startswith("This comparison has 2 rows, too many")
        queued = client.post(f"{url}/exports", headers=buyer)
        assert queued.status_code == 202, queued.text
        job = queued.json()
        assert queued.headers["location"] == job["url"] == f"{url}/exports/{job['job_id']}"
        done = client.get(job["url"], headers=buyer)  # the inline queue ran the job after the commit
        assert done.status_code == 200 and done.content.startswith(b"PK")
        other = make_rfq(db, bidders=0, sent=False)
        stranger = client.get(job["url"], headers=_token(db, other.user, other.org.id))
        assert stranger.status_code == 404
