"""Buyers reach suppliers (issue #13): from a profile, invite the business to an RFQ or put it on a need's
shortlist, and ask for its contact details, which it shares only once it accepts."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in, make_org, make_user
from tests.factories.notifications import inbox_of
from tests.factories.rfq import make_rfq
from tests.factories.sourcing import make_buyer, make_need
from tests.factories.suppliers import make_supplier

from rantai.audit.models import AuditEvent
from rantai.identity.roles import OrgType, Role
from rantai.sourcing import repository as need_repository
from rantai.sourcing.rfq import repository as rfq_repository
from rantai.suppliers.models import ContactRequest

PHONE = "+6281234567890"


def test_a_buyer_invites_a_supplier_to_its_draft_rfq(client: TestClient, db: Session) -> None:
    setup = make_rfq(db, sent=False, bidders=1)
    profile, _, _ = make_supplier(db, status="verified", business_name="Keripik Bu Tini")
    log_in(client, setup.user)
    page = client.get(f"/suppliers/{profile.id}").text
    assert 'data-testid="invite-to-quote"' in page and setup.rfq.number in page
    answer = client.post(
        f"/suppliers/{profile.id}/invite", data={"rfq_id": str(setup.rfq.id), "csrf_token": csrf_of(client)}
    )
    assert answer.status_code == 200 and 'data-testid="notice"' in answer.text
    assert profile.id in rfq_repository.invited_supplier_ids(db, setup.rfq.id)
    # Another buyer's RFQ is not one to invite into: refused, nothing written.
    other = make_rfq(db, sent=False, bidders=0)
    refused = client.post(
        f"/suppliers/{profile.id}/invite", data={"rfq_id": str(other.rfq.id), "csrf_token": csrf_of(client)}
    )
    assert refused.status_code == 404
    assert profile.id not in rfq_repository.invited_supplier_ids(db, other.rfq.id)


def test_without_an_rfq_the_buyer_shortlists_on_a_need(client: TestClient, db: Session) -> None:
    org, user, officer = make_buyer(db)
    need = make_need(db, org, officer, title="Kudapan rapat", status="open")
    (line,) = need_repository.lines_of(db, need.id)
    profile, _, _ = make_supplier(db, status="verified")
    log_in(client, user)
    page = client.get(f"/suppliers/{profile.id}").text
    assert f'href="/needs/{need.id}/rfq/new"' in page
    client.post(
        f"/suppliers/{profile.id}/shortlist", data={"line_id": str(line.id), "csrf_token": csrf_of(client)}
    )
    assert need_repository.shortlisted_supplier_ids(db, need.id) == [profile.id]
    bad = client.post(
        f"/suppliers/{profile.id}/shortlist", data={"line_id": "x", "csrf_token": csrf_of(client)}
    )
    assert bad.status_code == 422


def test_contact_details_are_shared_only_after_the_supplier_accepts(client: TestClient, db: Session) -> None:
    profile, owner, _ = make_supplier(db, status="verified", legal_form="cv", phone=PHONE)
    _, buyer, _ = make_buyer(db, make_org(db, OrgType.BUMN, "PT Pangan Uji (Persero)"))
    log_in(client, buyer)
    assert PHONE not in client.get(f"/suppliers/{profile.id}").text

    empty = client.post(
        f"/suppliers/{profile.id}/contact", data={"message": " ", "csrf_token": csrf_of(client)}
    )
    assert empty.status_code == 422 and 'id="e-message"' in empty.text
    assert db.scalar(select(ContactRequest)) is None

    client.post(
        f"/suppliers/{profile.id}/contact",
        data={"message": "Kami butuh 5.000 bungkus keripik.", "csrf_token": csrf_of(client)},
    )
    row = db.scalars(select(ContactRequest)).one()
    assert row.status == "pending"
    assert PHONE not in client.get(f"/suppliers/{profile.id}").text
    again = client.post(
        f"/suppliers/{profile.id}/contact", data={"message": "Lagi", "csrf_token": csrf_of(client)}
    )
    assert again.status_code == 422
    # The buyer cannot answer its own request.
    assert 'data-testid="contact-accept"' not in client.get(f"/contact-requests/{row.id}").text
    refused = client.post(
        f"/contact-requests/{row.id}/move", data={"move": "accept", "csrf_token": csrf_of(client)}
    )
    assert refused.status_code == 403

    # The business is told, and accepts.
    (notice,) = [n for n in inbox_of(db, owner.id) if n.kind == "supplier.contact_requested"]
    assert notice.link == f"/contact-requests/{row.id}"
    log_in(client, owner)
    page = client.get(f"/contact-requests/{row.id}").text
    assert "PT Pangan Uji (Persero)" in page and "5.000 bungkus" in page
    client.post(
        f"/contact-requests/{row.id}/move",
        data={"move": "accept", "version": str(row.version), "csrf_token": csrf_of(client)},
    )
    db.refresh(row)
    assert row.status == "accepted"
    events = db.scalars(select(AuditEvent.action).where(AuditEvent.target_id == str(row.id))).all()
    assert "supplier.contact_accepted" in events
    audit_page = client.get("/account/audit").text
    assert "accepted a contact request" in audit_page or "menerima permintaan kontak" in audit_page

    log_in(client, buyer)
    assert PHONE in client.get(f"/suppliers/{profile.id}").text
    # Another buyer still sees it masked.
    other_org = make_org(db, OrgType.BUMN)
    log_in(client, make_user(db, other_org, (Role.PROCUREMENT_OFFICER,)))
    assert PHONE not in client.get(f"/suppliers/{profile.id}").text
    assert client.get(f"/contact-requests/{row.id}").status_code == 404
