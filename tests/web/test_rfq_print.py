"""The printed RFQ (issue #11): its buyer and invitees read it; a foreign buyer's is bilingual; others
are told it does not exist."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import log_in, make_org, make_user
from tests.factories.rfq import make_rfq

from rantai.identity.roles import OrgType


def test_buyer_and_invitee_print_it_others_do_not_find_it(db: Session, client: TestClient) -> None:
    setup = make_rfq(db, bidders=1)
    stranger = make_user(db, make_org(db, OrgType.UMKM))
    log_in(client, setup.user)
    detail = client.get(f"/rfqs/{setup.rfq.id}").text
    assert f'href="/rfqs/{setup.rfq.id}/print"' in detail
    page = client.get(f"/rfqs/{setup.rfq.id}/print")
    assert page.status_code == 200
    assert setup.rfq.number in page.text and "Permintaan penawaran" in page.text
    assert " / Number" not in page.text  # a domestic buyer's document is in Bahasa Indonesia only
    log_in(client, setup.bidders[0].user)
    assert client.get(f"/rfqs/{setup.rfq.id}/print").status_code == 200
    log_in(client, stranger)
    assert client.get(f"/rfqs/{setup.rfq.id}/print").status_code == 404


def test_a_foreign_buyers_rfq_prints_both_languages(db: Session, client: TestClient) -> None:
    setup = make_rfq(db, bidders=1)
    setup.org.org_type = OrgType.PEMBELI_GLOBAL.value
    db.flush()
    log_in(client, setup.user)
    page = client.get(f"/rfqs/{setup.rfq.id}/print")
    assert page.status_code == 200
    assert "Nomor / Number" in page.text and 'lang="id-en"' in page.text
