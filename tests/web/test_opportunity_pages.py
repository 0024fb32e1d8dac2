"""Suppliers find work (issue #13): the open needs page with its filters, and a need's page as a supplier
sees it, with why it fits each line or what it lacks."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import log_in, make_org, make_user
from tests.factories.sourcing import line_data, make_buyer, make_need
from tests.factories.suppliers import add_product, make_supplier

from rantai.identity.roles import OrgType, Role
from rantai.sourcing.models import Need


def _needs(db: Session) -> tuple[Need, Need, Need]:
    org, _, officer = make_buyer(db, make_org(db, OrgType.BUMN, "PT Kudapan Uji (Persero)"))
    halal = make_need(
        db,
        org,
        officer,
        title="Oleh-oleh tamu direksi",
        lines=[
            line_data(
                name="Keripik singkong pedas", quantity=300, budget=45_000_000, certifications=["halal"]
            )
        ],
        status="open",
    )
    unknown = make_need(
        db,
        org,
        officer,
        title="Kudapan rapat",
        lines=[
            line_data(
                name="Keripik singkong balado", quantity=500, budget=None, delivery_kabkota_code="35.78"
            )
        ],
        status="open",
    )
    draft = make_need(db, org, officer, title="Rencana keripik rahasia", status="draft")
    return halal, unknown, draft


def test_a_supplier_browses_open_needs_with_words_and_filters(client: TestClient, db: Session) -> None:
    profile, owner, actor = make_supplier(db, status="verified")
    balado = add_product(
        db, profile, actor, "Keripik Singkong Balado 250 g", unit_code="bungkus", capacity_per_month=5000
    )
    halal, unknown, _ = _needs(db)
    log_in(client, owner)

    page = client.get("/opportunities", params={"q": "keripik"}).text
    assert f'href="/opportunities/{halal.id}#line-' in page
    assert f'href="/opportunities/{unknown.id}#line-' in page
    assert "Rencana keripik rahasia" not in page  # a draft is not offered
    assert "Rp45.000.000" in page
    assert "nilai tidak disebutkan" in page or "value not stated" in page  # never "Rp0"
    assert "Rp0" not in page

    # Province 35 (Jawa Timur): only the line delivered to Surabaya.
    east = client.get("/opportunities", params={"province_code": "35"}).text
    assert east.count('data-testid="opportunity-card"') == 1 and "Keripik singkong balado" in east

    # A value range leaves out the line whose value is unknown.
    valued = client.get("/opportunities", params={"min_value": "10 juta"}).text
    assert valued.count('data-testid="opportunity-card"') == 1 and "Keripik singkong pedas" in valued

    # The matcher marks the line that fits the supplier's product; "fits" keeps only those.
    fitting = client.get("/opportunities", params={"fits": "1"}).text
    assert 'data-testid="fits"' in fitting and "Keripik Singkong Balado 250 g" in fitting

    # A supplier's own "category": the lines one of its products fits best.
    other = add_product(db, profile, actor, "Meja Kantor Kayu Jati", unit_code="buah", capacity_per_month=50)
    mine = client.get("/opportunities", params={"product": str(other.id)}).text
    assert 'data-testid="no-results"' in mine
    assert 'name="product"' in mine and "Meja Kantor Kayu Jati" in mine
    by_balado = client.get("/opportunities", params={"product": str(balado.id)}).text
    assert 'data-testid="opportunity-card"' in by_balado and "Keripik Singkong Balado 250 g" in by_balado

    nothing = client.get("/opportunities", params={"q": "meja jati"}).text
    assert 'data-testid="no-results"' in nothing


def test_bad_filters_are_explained_and_change_nothing(client: TestClient, db: Session) -> None:
    _, owner, _ = make_supplier(db, status="verified")
    log_in(client, owner)
    answer = client.get("/opportunities", params={"min_value": "banyak"})
    assert answer.status_code == 422
    assert 'aria-invalid="true"' in answer.text
    answer = client.get("/opportunities", params={"min_value": "50 juta", "max_value": "10 juta"})
    assert answer.status_code == 422
    assert client.get("/opportunities", params={"province_code": "xx\x00"}).status_code == 422


def test_the_need_page_says_why_the_supplier_fits_or_what_it_lacks(client: TestClient, db: Session) -> None:
    profile, owner, actor = make_supplier(db, status="verified")
    add_product(
        db, profile, actor, "Keripik Singkong Pedas 250 g", unit_code="bungkus", capacity_per_month=5000
    )
    halal, _, draft = _needs(db)
    log_in(client, owner)
    page = client.get(f"/opportunities/{halal.id}")
    assert page.status_code == 200
    assert "PT Kudapan Uji (Persero)" in page.text
    assert 'data-qualifies="false"' in page.text
    assert "Halal" in page.text.split('data-testid="lacks"')[1]
    assert client.get(f"/opportunities/{draft.id}").status_code == 404


def test_only_suppliers_browse_opportunities(client: TestClient, db: Session) -> None:
    halal, _, _ = _needs(db)
    org = make_org(db, OrgType.BUMN)
    log_in(client, make_user(db, org, (Role.PROCUREMENT_OFFICER,)))
    assert client.get("/opportunities").status_code == 403
    assert client.get(f"/opportunities/{halal.id}").status_code == 403


def test_a_gap_whose_needs_state_no_value_does_not_say_rp0(client: TestClient, db: Session) -> None:
    """The home's "what would open more" once read "worth Rp0" when no line stated a budget."""
    profile, owner, actor = make_supplier(db, status="verified")
    add_product(
        db, profile, actor, "Keripik Singkong Pedas 250 g", unit_code="bungkus", capacity_per_month=5000
    )
    org, _, officer = make_buyer(db)
    make_need(
        db,
        org,
        officer,
        title="Oleh-oleh",
        lines=[line_data(name="Keripik singkong pedas", quantity=300, budget=None, certifications=["halal"])],
        status="open",
    )
    log_in(client, owner)
    page = client.get("/supplier/opportunities").text
    assert 'data-kind="cert"' in page
    assert "Rp0" not in page
