"""The supplier's home shows open needs it can win and what would open more (issue #4)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import log_in, make_org, make_user
from tests.factories.suppliers import add_product, make_supplier

from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role
from rantai.sourcing import service as sourcing
from rantai.sourcing.service import LineData, NeedData
from rantai.sourcing.state import NeedMove


def _open_need(db: Session, title: str, line: LineData) -> None:
    org = make_org(db, OrgType.BUMN)
    actor = identity.actor_for(db, make_user(db, org, (Role.PROCUREMENT_OFFICER,)))
    need = sourcing.create_need(
        db, actor=actor, organization_id=org.id, data=NeedData(title=title, lines=[line])
    )
    sourcing.move_need(db, actor=actor, need=need, move=NeedMove.PUBLISH)


def test_opportunities_and_a_certificate_gap(client: TestClient, db: Session) -> None:
    profile, owner, actor = make_supplier(db, status="verified")
    add_product(
        db, profile, actor, "Keripik Singkong Balado 250 g", unit_code="bungkus", capacity_per_month=5000
    )
    _open_need(
        db, "Kudapan rapat", LineData(name="Keripik singkong balado", quantity=500, unit_code="bungkus")
    )
    _open_need(
        db,
        "Oleh-oleh tamu",
        LineData(
            name="Keripik singkong pedas",
            quantity=300,
            unit_code="bungkus",
            budget=45_000_000,
            certifications=["halal"],
        ),
    )
    _open_need(db, "Perabot", LineData(name="Meja kantor kayu jati", quantity=20, unit_code="buah"))
    log_in(client, owner)
    assert 'hx-get="/supplier/opportunities"' in client.get("/").text
    page = client.get("/supplier/opportunities").text
    assert page.count('data-testid="opportunity"') == 1
    assert "Keripik singkong balado" in page
    assert "Meja kantor" not in page
    assert 'data-kind="cert"' in page
    assert "Halal" in page and "Rp45.000.000" in page


def test_a_supplier_without_products_is_told_what_to_do(client: TestClient, db: Session) -> None:
    _, owner, _ = make_supplier(db)
    log_in(client, owner)
    page = client.get("/supplier/opportunities")
    assert page.status_code == 200
    assert 'data-testid="no-opportunities"' in page.text


def test_buyers_cannot_open_the_supplier_view(client: TestClient, db: Session) -> None:
    org = make_org(db, OrgType.BUMN)
    log_in(client, make_user(db, org, (Role.PROCUREMENT_OFFICER,)))
    assert client.get("/supplier/opportunities").status_code == 403
