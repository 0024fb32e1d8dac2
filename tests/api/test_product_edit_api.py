"""PATCH /api/v1/supplier/products/<id> (issue #13): only the fields sent change, validated like a new
product, the version guards against overwriting a newer save."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import api_token_for, bearer
from tests.factories.suppliers import add_product, make_supplier

from rantai.catalog import repository
from rantai.identity.models import Organization


def test_patch_changes_only_what_is_sent(client: TestClient, db: Session) -> None:
    profile, owner, actor = make_supplier(db)
    product = add_product(
        db, profile, actor, "Kopi Bubuk", unit_code="kg", price_min=90_000, certification_types=["halal"]
    )
    headers = bearer(api_token_for(db, owner, db.get_one(Organization, profile.organization_id)))
    got = client.patch(
        f"/api/v1/supplier/products/{product.id}", json={"price_max": 120_000, "version": 1}, headers=headers
    )
    assert got.status_code == 200, got.text
    body = got.json()
    assert (body["name"], body["unit_code"], body["price_min"], body["price_max"], body["version"]) == (
        "Kopi Bubuk",
        "kg",
        90_000,
        120_000,
        2,
    )
    assert repository.product_certification_codes(db, product.id) == ["halal"]

    stale = client.patch(
        f"/api/v1/supplier/products/{product.id}", json={"name": "Kopi", "version": 1}, headers=headers
    )
    assert stale.status_code == 409
    bad = client.patch(
        f"/api/v1/supplier/products/{product.id}", json={"price_min": 200_000}, headers=headers
    )
    assert bad.status_code == 422
    nameless = client.patch(f"/api/v1/supplier/products/{product.id}", json={"name": None}, headers=headers)
    assert nameless.status_code == 422
    db.refresh(product)
    assert (product.name, product.price_min, product.version) == ("Kopi Bubuk", 90_000, 2)
