"""Issue #14, item 5: an import keeps real listings. Marketplace titles of 255 characters fit, and in
valid-rows mode a bad optional cell (a price of 0) is left out with a warning naming the cell, while the
rest of its row is imported; all-or-nothing still refuses the file for it."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories.suppliers import import_file, importer, next_nib, product_row, supplier_row

from rantai.catalog.models import Product
from rantai.i18n import translate


def _supplier(db: Session) -> tuple[object, object, str]:
    org, actor = importer(db)
    nib = next_nib()
    outcome = import_file(db, org, actor, [supplier_row(nib)])
    assert outcome.inserted == 1
    return org, actor, nib


def test_a_255_character_title_and_a_price_of_0_import_with_a_warning(db: Session) -> None:
    org, actor, nib = _supplier(db)
    title = ("Kemeja Pria Lengan Panjang Katun Premium Slim Fit " * 6)[:254] + "X"
    assert len(title) == 255
    outcome = import_file(
        db,
        org,  # type: ignore[arg-type]
        actor,  # type: ignore[arg-type]
        [
            product_row(nib, title, harga_satuan="45000"),
            product_row(nib, "Keripik Tempe Gratis Ongkir", harga_satuan="0", moq="lima"),
        ],
        kind="products",
    )
    assert (outcome.inserted, outcome.rejected_rows, outcome.errors) == (2, 0, [])
    names = dict(
        db.execute(
            select(Product.name, Product.price_min).where(
                Product.name.in_([title, "Keripik Tempe Gratis Ongkir"])
            )
        ).all()
    )
    assert names == {title: 45000, "Keripik Tempe Gratis Ongkir": None}
    assert [(w.row, w.column, w.value) for w in outcome.warnings] == [
        (3, "harga_satuan", "0"),
        (3, "moq", "lima"),
    ]
    worded = translate("en", outcome.warnings[0].message, **outcome.warnings[0].params)
    assert worded.startswith(
        "This cell was left out and the rest of the row imported: Enter an amount of at least 1"
    )


def test_all_or_nothing_still_refuses_a_bad_optional_cell(db: Session) -> None:
    org, actor, nib = _supplier(db)
    outcome = import_file(
        db,
        org,  # type: ignore[arg-type]
        actor,  # type: ignore[arg-type]
        [product_row(nib, "Keripik Tempe", harga_satuan="0")],
        kind="products",
        mode="all_or_nothing",
    )
    assert outcome.rolled_back
    assert [(e.row, e.column) for e in outcome.errors] == [(2, "harga_satuan")]
    assert db.scalar(select(Product.id).where(Product.name == "Keripik Tempe")) is None


def test_a_bad_name_still_refuses_the_row(db: Session) -> None:
    org, actor, nib = _supplier(db)
    outcome = import_file(
        db,
        org,  # type: ignore[arg-type]
        actor,  # type: ignore[arg-type]
        [product_row(nib, "K" * 501, harga_satuan="0")],
        kind="products",
    )
    assert (outcome.inserted, outcome.rejected_rows) == (0, 1)
    assert {e.column for e in outcome.errors} == {"nama_produk", "harga_satuan"}
