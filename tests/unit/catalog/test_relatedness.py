"""Issue #14 item 2: words that keep the same company in the platform's texts are learned as related."""

from __future__ import annotations

from rantai.catalog.relatedness import learn_related
from rantai.matching.normalize import normalize

CORPUS = [
    "kemeja pria lengan pendek katun",
    "kemeja wanita lengan pendek katun",
    "kemeja anak lengan panjang katun",
    "blus pria lengan pendek katun",
    "blus wanita lengan panjang katun",
    "blus anak lengan pendek",
    "kopi bubuk arabika gayo",
    "kopi biji robusta sangrai",
    "kopi bubuk robusta lampung",
    "teh bubuk hijau celup",
    "teh biji melati sangrai",
    "teh hijau celup arabika",
]


def test_words_in_the_same_company_are_related_and_others_not() -> None:
    related = learn_related([normalize(text) for text in CORPUS])
    shirt = dict(related.related("kemeja"))
    assert "blus" in shirt  # never written together, always with lengan, pendek, katun
    assert "kopi" not in shirt and "teh" not in shirt
    assert "kemeja" in dict(related.related("blus"))
    assert "kemeja" not in dict(related.related("kopi"))
    assert all(0 < strength <= 1 for found in related.table.values() for _, strength in found)


def test_a_word_in_too_few_texts_relates_to_nothing() -> None:
    related = learn_related([normalize(text) for text in [*CORPUS, "kemeja gayo"]], min_df=3)
    assert related.related("gayo") == ()
    assert "gayo" not in dict(related.related("kemeja"))


def test_the_same_texts_give_the_same_table_and_version() -> None:
    texts = [normalize(text) for text in CORPUS]
    first, second = learn_related(texts), learn_related(list(reversed(texts)))
    assert first.table == second.table
    assert first.version != learn_related(texts[:-1]).version
