"""Editing a product (issue #13): validated like a new one, audited with what changed, the matching index
queued, and a save from a stale copy refused."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from tests.factories.suppliers import add_product, make_supplier

from rantai.audit.models import AuditEvent
from rantai.catalog import repository
from rantai.catalog import service as catalog
from rantai.catalog.errors import ProductChanged, ProductInvalid
from rantai.catalog.models import IndexChange, Product
from rantai.suppliers.errors import SupplierForbidden


def test_edit_changes_the_product_audits_and_queues_the_index(db: Session) -> None:
    profile, _, actor = make_supplier(db, status="verified")
    product = add_product(
        db, profile, actor, "Keripik Singkong", unit_code="bungkus", certification_types=["halal"]
    )
    version = product.version
    db.execute(select(IndexChange)).all()
    before_changes = set(db.scalars(select(IndexChange.id)))
    data = catalog.product_data(db, product)
    data.name, data.price_min, data.price_max = "Keripik Singkong Balado", 15_000, 18_000
    catalog.update_product(
        db, actor=actor, profile=profile, product=product, data=data, expected_version=version
    )

    assert (product.name, product.price_min, product.version) == (
        "Keripik Singkong Balado",
        15_000,
        version + 1,
    )
    assert repository.product_certification_codes(db, product.id) == ["halal"]  # kept: not on the form
    entry = db.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "product.updated", AuditEvent.target_id == str(product.id)
        )
    ).one()
    assert entry.details["fields"] == ["name", "price_max", "price_min"]
    new_changes = set(db.scalars(select(IndexChange.id).where(IndexChange.supplier_id == profile.id)))
    assert new_changes - before_changes


def test_nothing_changed_writes_nothing(db: Session) -> None:
    profile, _, actor = make_supplier(db)
    product = add_product(db, profile, actor, "Sambal Bawang")
    catalog.update_product(
        db, actor=actor, profile=profile, product=product, data=catalog.product_data(db, product)
    )
    assert product.version == 1
    assert not db.scalars(select(AuditEvent).where(AuditEvent.action == "product.updated")).first()


def test_edit_is_validated_like_create_and_changes_nothing(db: Session) -> None:
    profile, _, actor = make_supplier(db)
    product = add_product(db, profile, actor, "Sambal Bawang", price_min=20_000)
    data = catalog.product_data(db, product)
    data.price_min, data.price_max = 30_000, 10_000
    with pytest.raises(ProductInvalid) as error:
        catalog.update_product(db, actor=actor, profile=profile, product=product, data=data)
    assert error.value.field == "price_min"
    data = catalog.product_data(db, product)
    data.unit_code = "no-such-unit"
    with pytest.raises(ProductInvalid):
        catalog.update_product(db, actor=actor, profile=profile, product=product, data=data)
    db.refresh(product)
    assert (product.price_min, product.unit_code, product.version) == (20_000, None, 1)


def test_a_stale_copy_is_refused(db: Session) -> None:
    profile, _, actor = make_supplier(db)
    product = add_product(db, profile, actor, "Sambal Bawang")
    data = catalog.product_data(db, product)
    data.name = "Sambal Bawang Pedas"
    catalog.update_product(db, actor=actor, profile=profile, product=product, data=data, expected_version=1)
    data.name = "Sambal Ijo"
    with pytest.raises(ProductChanged) as error:
        catalog.update_product(
            db, actor=actor, profile=profile, product=product, data=data, expected_version=1
        )
    assert error.value.params["version"] == 2
    assert product.name == "Sambal Bawang Pedas"


def test_a_save_racing_another_is_a_conflict(db: Session) -> None:
    profile, _, actor = make_supplier(db)
    product = add_product(db, profile, actor, "Sambal Bawang")
    # Another transaction saved it after this one read it: the UPDATE's version no longer matches.
    db.execute(
        update(Product)
        .where(Product.id == product.id)
        .values(version=5)
        .execution_options(synchronize_session=False)
    )
    data = catalog.product_data(db, product)
    data.name = "Sambal Matah"
    with pytest.raises(ProductChanged):
        catalog.update_product(db, actor=actor, profile=profile, product=product, data=data)


def test_another_business_cannot_edit(db: Session) -> None:
    profile, _, actor = make_supplier(db)
    product = add_product(db, profile, actor, "Sambal Bawang")
    _, _, stranger = make_supplier(db)
    with pytest.raises(SupplierForbidden):
        catalog.update_product(
            db, actor=stranger, profile=profile, product=product, data=catalog.product_data(db, product)
        )
