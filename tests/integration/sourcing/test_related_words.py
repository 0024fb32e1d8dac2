"""Issue #14 item 2: related words are learned from the platform's products and need lines, kept as a
versioned model file, and handed to the engine by the shortlist."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session
from tests.factories.sourcing import line_data, make_buyer, make_need
from tests.factories.suppliers import import_file, importer, next_nib, product_row, supplier_row

from rantai.sourcing import related_words

PRODUCTS = [
    "Kemeja Pria Lengan Pendek Katun",
    "Kemeja Wanita Lengan Pendek Katun",
    "Blus Wanita Lengan Panjang Katun",
    "Blus Anak Lengan Pendek Katun",
    "Kopi Bubuk Arabika Gayo",
    "Kopi Biji Robusta Sangrai",
    "Teh Hijau Celup Melati",
]
LINES = ["Blus Pria Lengan Pendek Katun", "Kemeja Anak Lengan Panjang", "Teh Celup Melati Kotak"]


def test_related_words_are_learned_from_products_and_need_lines(db: Session, tmp_path: Path) -> None:
    org, actor = importer(db)
    nib = next_nib()
    assert import_file(db, org, actor, [supplier_row(nib)]).inserted == 1
    rows = [product_row(nib, name) for name in PRODUCTS]
    assert import_file(db, org, actor, rows, kind="products").inserted == len(PRODUCTS)
    buyer_org, _, buyer = make_buyer(db)
    make_need(db, buyer_org, buyer, lines=[line_data(name=name) for name in LINES])

    assert related_words.current(tmp_path) is None
    learned = related_words.train(db, tmp_path)
    assert learned.path.parent == tmp_path / "models" and learned.path.name.startswith("related-")
    assert learned.texts >= len(PRODUCTS) + len(LINES)
    table = related_words.current(tmp_path)
    assert table is not None and table.version == learned.version
    assert "kemeja" in dict(table.related("blus"))  # blus is in two products only: the lines count too
    assert "kopi" not in dict(table.related("blus"))
    again = related_words.train(db, tmp_path)
    assert again.path == learned.path  # the same texts give the same file
    assert related_words.relearn_if_due(db, tmp_path) is None  # not a day old yet


def test_a_model_file_of_another_format_is_not_used(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "related-x.json").write_text('{"format": 0, "related": {}}', encoding="utf-8")
    (folder / related_words.FILES.pointer).write_text("related-x.json", encoding="utf-8")
    assert related_words.current(tmp_path) is None


def test_the_file_round_trips() -> None:
    from rantai.matching import RelatedWords  # noqa: PLC0415

    table = RelatedWords.of([("kemeja", "blus", 0.8), ("kemeja", "tunik", 0.4)], version="abc")
    back = related_words.loads(related_words.dumps(table))
    assert back is not None and back.table == table.table and back.version == "abc"
