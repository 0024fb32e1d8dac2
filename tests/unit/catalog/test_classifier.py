"""The category classifier (issue #14): learns categories, KBLI classes and HS headings from examples,
answers with a confidence, and is the same model when trained again on the same examples."""

from __future__ import annotations

from pathlib import Path

from rantai.catalog.classifier import CategoryModel, Example, category_by_kbli, reference_examples

EXAMPLES = [
    *(
        Example(text, category="tekstil.seragam", kbli="14111")
        for text in (
            "Kaos polos katun combed",
            "Kemeja seragam kerja lengan panjang",
            "Kaos sablon komunitas",
            "Kemeja batik pria",
            "Celana kerja kain drill",
            "Seragam sekolah kemeja putih",
        )
    ),
    *(
        Example(text, category="pangan.minuman", kbli="11040", hs="09.01")
        for text in (
            "Kopi arabika bubuk",
            "Kopi robusta biji sangrai",
            "Teh hijau celup",
            "Kopi susu botol",
            "Teh melati tubruk",
            "Minuman kopi gula aren",
        )
    ),
]


def test_it_answers_the_category_kbli_and_hs_with_a_confidence() -> None:
    model = CategoryModel.train(EXAMPLES)
    shirt, coffee, nothing = model.infer(["Kaos polo katun pria", "Kopi bubuk arabika gayo", "zzz"])
    assert shirt.category is not None and shirt.category.code == "tekstil.seragam"
    assert shirt.kbli is not None and shirt.kbli.code == "14111"
    assert shirt.hs is None or shirt.hs.code == "09.01"
    assert coffee.category is not None and coffee.category.code == "pangan.minuman"
    assert coffee.hs is not None and coffee.hs.code == "09.01"
    assert 0 < shirt.category.confidence <= 1 and 0 < coffee.category.confidence <= 1
    assert nothing.category is None  # no n-gram in common: no answer rather than a guess


def test_a_close_match_is_surer_than_a_loose_one() -> None:
    model = CategoryModel.train(EXAMPLES)
    close, loose = model.infer(["Kopi arabika bubuk", "Minuman segar"])
    assert close.category is not None and loose.category is not None
    assert close.category.confidence > loose.category.confidence


def test_the_same_examples_give_the_same_version_and_the_file_round_trips(tmp_path: Path) -> None:
    model = CategoryModel.train(EXAMPLES)
    assert model.version == CategoryModel.train(EXAMPLES).version
    assert model.version != CategoryModel.train(EXAMPLES[:-1]).version
    path = tmp_path / f"category-{model.version}.pkl"
    model.save(path)
    loaded = CategoryModel.load(path)
    assert loaded is not None and loaded.version == model.version
    assert loaded.infer(["Teh hijau"]) == model.infer(["Teh hijau"])
    assert CategoryModel.load(tmp_path / "missing.pkl") is None


def test_reference_titles_teach_platform_categories_through_kbli_prefixes() -> None:
    prefixes = {"pangan": ["10", "11"], "pangan.minuman": ["110", "1076"], "tekstil": ["13", "14"]}
    assert category_by_kbli(prefixes, "11040") == "pangan.minuman"
    assert category_by_kbli(prefixes, "10710") == "pangan"
    assert category_by_kbli(prefixes, "62010") is None
    examples = reference_examples(
        [("11040", "Industri minuman ringan", "Mencakup minuman ringan")],
        [("09.01.21.10", "Kopi sangrai")],
        prefixes,
    )
    assert examples[0].category == "pangan.minuman" and examples[0].kbli == "11040"
    assert examples[1].hs == "09.01" and examples[1].category is None


def test_the_category_is_not_answered_when_no_confirmed_product_taught_it() -> None:
    """The category votes in every shortlist: a model taught only by reference titles or another
    catalogue was never measured on this platform's texts, so it gives no category (KBLI and HS
    suggestions stay)."""
    taught_elsewhere = [Example(e.text, e.category, e.kbli, e.hs, confirmed=False) for e in EXAMPLES]
    shirt, coffee = CategoryModel.train(taught_elsewhere).infer(
        ["Kaos polo katun pria", "Kopi bubuk arabika"]
    )
    assert shirt.category is None and coffee.category is None
    assert shirt.kbli is not None and shirt.kbli.code == "14111"
    assert coffee.hs is not None and coffee.hs.code == "09.01"
    one_confirmed = [*taught_elsewhere, Example("Kaos lengan panjang", category="tekstil.seragam")]
    shirt = CategoryModel.train(one_confirmed).infer(["Kaos polo katun pria"])[0]
    assert shirt.category is not None and shirt.category.code == "tekstil.seragam"
