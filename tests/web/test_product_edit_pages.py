"""Editing a product from the owner's page (issue #13): the form filled with the product, the change
saved and shown, bad input explained with nothing saved, a stale form refused, codes kept."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session
from tests.factories.identity import csrf_of, log_in
from tests.factories.suppliers import add_product, make_supplier

from rantai.catalog import repository


def _form(client: TestClient, **fields: str) -> dict[str, str]:
    return {"csrf_token": csrf_of(client), "version": "1", **fields}


def test_owner_edits_a_product(client: TestClient, db: Session) -> None:
    profile, owner, actor = make_supplier(db)
    product = add_product(
        db,
        profile,
        actor,
        "Keripik Singkong",
        kbli_code="10794",
        price_min=12_000,
        certification_types=["halal"],
    )
    log_in(client, owner)
    mine = client.get("/supplier").text
    assert f'href="/supplier/products/{product.id}/edit"' in mine
    form = client.get(f"/supplier/products/{product.id}/edit")
    assert form.status_code == 200
    assert 'value="Keripik Singkong"' in form.text and 'value="12000"' in form.text
    assert 'name="version" value="1"' in form.text
    assert 'id="kbli-10794"' in form.text  # the chosen KBLI stays offered, checked
    saved = client.post(
        f"/supplier/products/{product.id}/edit",
        data=_form(client, name="Keripik Singkong Balado", price_min="Rp 15.000", kbli_code="10794"),
        follow_redirects=False,
    )
    assert saved.status_code == 303
    db.refresh(product)
    assert (product.name, product.price_min, product.kbli_code, product.version) == (
        "Keripik Singkong Balado",
        15_000,
        "10794",
        2,
    )
    assert repository.product_certification_codes(db, product.id) == ["halal"]
    assert "Keripik Singkong Balado" in client.get("/supplier").text


def test_bad_input_is_explained_and_nothing_saved(client: TestClient, db: Session) -> None:
    profile, owner, actor = make_supplier(db)
    product = add_product(db, profile, actor, "Sambal Bawang", price_min=20_000)
    log_in(client, owner)
    page = client.post(
        f"/supplier/products/{product.id}/edit",
        data=_form(client, name="Sambal Bawang", price_min="30000", price_max="10000"),
    )
    assert page.status_code == 422
    assert 'id="e-price_min"' in page.text and 'value="30000"' in page.text  # what was typed is kept
    db.refresh(product)
    assert (product.price_min, product.version) == (20_000, 1)


def test_a_stale_form_is_refused_with_the_current_version(client: TestClient, db: Session) -> None:
    profile, owner, actor = make_supplier(db)
    product = add_product(db, profile, actor, "Sambal Bawang")
    log_in(client, owner)
    first = client.post(
        f"/supplier/products/{product.id}/edit",
        data=_form(client, name="Sambal Pedas"),
        follow_redirects=False,
    )
    assert first.status_code == 303
    stale = client.post(f"/supplier/products/{product.id}/edit", data=_form(client, name="Sambal Ijo"))
    assert stale.status_code == 409
    assert 'name="version" value="2"' in stale.text and 'value="Sambal Ijo"' in stale.text
    db.refresh(product)
    assert product.name == "Sambal Pedas"


def test_another_business_product_is_not_found(client: TestClient, db: Session) -> None:
    profile, _, actor = make_supplier(db)
    product = add_product(db, profile, actor, "Sambal Bawang")
    _, stranger, _ = make_supplier(db)
    log_in(client, stranger)
    assert client.get(f"/supplier/products/{product.id}/edit").status_code == 404
    posted = client.post(f"/supplier/products/{product.id}/edit", data=_form(client, name="Milik saya"))
    assert posted.status_code == 404
    db.refresh(product)
    assert product.name == "Sambal Bawang"


def test_suggestions_keep_the_chosen_code_and_shorten_hs_titles(client: TestClient, db: Session) -> None:
    _, owner, _ = make_supplier(db)
    log_in(client, owner)
    page = client.get(
        "/catalog/suggest",
        params={"name": "keripik singkong", "kbli_code": "10794", "hs_code": "19.04.20.10"},
    ).text
    assert 'id="kbli-10794" name="kbli_code" value="10794" checked' in page
    assert 'id="hs-19.04.20.10" name="hs_code" value="19.04.20.10" checked' in page
    assert "26391" not in page  # Kartu Cerdas shares no word with keripik
    assert "<details" in page  # the long HS text only on demand
