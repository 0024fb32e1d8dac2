"""Issue #14: the owner sees the category the classifier inferred for a product saved without one, and
confirms it by choosing it (or chooses another); a product with a category shows no suggestion."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in
from tests.factories.suppliers import add_product, make_supplier


def test_the_owner_sees_the_inferred_category_and_confirms_it(client: TestClient, db: Session) -> None:
    profile, owner, actor = make_supplier(db)
    product = add_product(db, profile, actor, "Kaos Polos Katun Combed")
    product.inferred_category_code, product.inferred_category_confidence = "tekstil.seragam", 0.83
    product.inferred_by = "category-test.pkl"
    db.flush()
    log_in(client, owner)
    form = client.get(f"/supplier/products/{product.id}/edit")
    assert form.status_code == 200
    assert 'data-testid="category-suggestion"' in form.text
    assert "Seragam dan pakaian kerja" in form.text and "83%" in form.text
    saved = client.post(
        f"/supplier/products/{product.id}/edit",
        data={
            "csrf_token": csrf_of(client),
            "version": str(product.version),
            "name": "Kaos Polos Katun Combed",
            "category_code": "tekstil.seragam",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    db.refresh(product)
    assert product.category_code == "tekstil.seragam"
    again = client.get(f"/supplier/products/{product.id}/edit")
    assert 'data-testid="category-suggestion"' not in again.text
