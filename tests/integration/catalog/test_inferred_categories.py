"""Issue #14, item 1: a catalogue imported without a `kategori` column gets categories from the classifier
(trained on the reference titles and on the products whose owners gave one), stored on each product with
the model file that said it, and its shortlists change with them: the inferred categories vote."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from tests.factories.suppliers import import_file, importer, next_nib, product_row, supplier_row

from rantai.catalog import inference
from rantai.catalog.bulk import import_products
from rantai.catalog.models import Product
from rantai.catalog.search_index import documents_for
from rantai.catalog.suggest import suggest_classified
from rantai.matching import Matcher, SearchIndex
from rantai.tabular.batches import ImportMode
from rantai.tabular.reading import open_table

CONFIRMED = {
    "Seragam dan pakaian kerja": [
        "Kaos Polos Katun Combed",
        "Kemeja Seragam Kerja Lengan Panjang",
        "Kaos Sablon Komunitas",
        "Celana Kerja Kain Drill",
        "Seragam Kemeja Putih Sekolah",
        "Kaos Polo Bordir Logo",
    ],
    "Minuman": [
        "Kopi Arabika Bubuk",
        "Kopi Robusta Biji Sangrai",
        "Teh Hijau Celup",
        "Kopi Susu Gula Aren Botol",
        "Teh Melati Tubruk",
        "Sirup Markisa Botol",
    ],
}


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    monkeypatch.setattr(inference, "models_dir", lambda _data_dir=None: folder)
    return folder


def test_a_catalogue_without_categories_gets_them_and_its_shortlists_change(
    db: Session, models: Path
) -> None:
    org, actor = importer(db)
    nib = next_nib()
    assert import_file(db, org, actor, [supplier_row(nib)]).inserted == 1
    rows = [
        product_row(nib, name, kategori=category) for category, names in CONFIRMED.items() for name in names
    ]
    assert import_file(db, org, actor, rows, kind="products").inserted == 12
    trained = inference.train(db)
    assert trained.path.parent == models and trained.counts["category"] > 12

    header = "nib;nama_produk;satuan;harga_satuan"
    body = "\r\n".join(
        [
            header,
            f"{nib};Kaos Katun Lengan Pendek Hitam;buah;45000",
            f"{nib};Kopi Bubuk Gayo 250 g;bungkus;60000",
        ]
    )
    with open_table(io.BytesIO(body.encode()), filename="produk.csv") as table:
        outcome = import_products(
            db, table, actor=actor, importer_organization_id=org.id, mode=ImportMode.VALID_ROWS
        )
    assert (outcome.inserted, outcome.rejected_rows) == (2, 0)
    shirt, coffee = (
        db.scalars(select(Product).where(Product.name == name)).one()
        for name in ("Kaos Katun Lengan Pendek Hitam", "Kopi Bubuk Gayo 250 g")
    )
    assert (shirt.inferred_category_code, coffee.inferred_category_code) == (
        "tekstil.seragam",
        "pangan.minuman",
    )
    assert shirt.category_code is None  # a suggestion, not the owner's choice
    assert shirt.inferred_by == trained.path.name
    assert 0 < (shirt.inferred_category_confidence or 0) <= 1
    assert coffee.inferred_kbli_code is not None and coffee.inferred_kbli_confidence is not None
    # The product form's code suggestions lead with the classifier's answer.
    suggested = suggest_classified(db, "Kopi Bubuk Gayo 250 g", "kbli")
    assert suggested[0].code == coffee.inferred_kbli_code
    assert len({s.code for s in suggested}) == len(suggested) <= 3

    documents = documents_for(db, [shirt.supplier_id])
    inferred = {d.name: d for d in documents}["Kaos Katun Lengan Pendek Hitam"]
    assert inferred.category == "Seragam dan pakaian kerja"
    assert inferred.category_confidence == shirt.inferred_category_confidence

    def shortlist(with_inferred: bool) -> list[tuple[str, float]]:
        kept = [
            d if with_inferred or d.category_confidence == 1.0 else d.__class__(id=d.id, name=d.name)
            for d in documents
        ]
        # A need that reaches both kinds of product, so that the vote is split and every vote counts.
        found = Matcher(SearchIndex.build(kept, plain=False)).match("kaos katun hitam kopi gayo", limit=20)
        return [(m.id, round(m.category_support, 6)) for m in found]

    assert shortlist(True) != shortlist(False)


def test_the_scheduled_job_trains_once_a_day_and_classifies_what_came_before(
    db: Session, models: Path
) -> None:
    org, actor = importer(db)
    nib = next_nib()
    assert import_file(db, org, actor, [supplier_row(nib)]).inserted == 1
    rows = [
        product_row(nib, name, kategori=category) for category, names in CONFIRMED.items() for name in names
    ]
    rows.append(product_row(nib, "Kaos Lengan Panjang Katun"))  # written before any model: not classified
    assert import_file(db, org, actor, rows, kind="products").inserted == 13
    before = db.scalars(select(Product).where(Product.name == "Kaos Lengan Panjang Katun")).one()
    assert before.inferred_by is None

    trained = inference.retrain_if_due(db)
    assert trained is not None and inference.retrain_if_due(db) is None  # not again within a day
    assert inference.infer_stale(db) == 1
    db.refresh(before)
    assert (before.inferred_category_code, before.inferred_by) == ("tekstil.seragam", trained.path.name)
    assert inference.infer_stale(db) == 0  # nothing left for this model
