"""The matcher: synonyms, feedback and the category re-rank, and the reasons it gives."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rantai.matching import Document, Matcher, MatcherConfig, SearchIndex
from rantai.matching.feedback import feedback_terms, interpolate
from rantai.matching.index import Hit
from rantai.matching.rerank import category_votes, rerank_by_category

CATALOGUE = [
    Document("f1", "Snack Keripik Singkong Balado", "", "Makanan"),
    Document("f2", "Keripik Pisang Coklat", "", "Makanan"),
    Document("f3", "Kerupuk Udang Mentah 500 gr", "", "Makanan"),
    Document("f4", "Keripik Tempe Sagu", "", "Makanan"),
    Document("f5", "Keripik Singkong Original", "", "Makanan"),
    Document("f6", "Tela Singkong Keju", "", "Makanan"),
    Document("c1", "Seragam Kerja Wearpack Safety", "", "Pakaian"),
    Document("c2", "Kaos Polos Hitam", "", "Pakaian"),
    Document("c3", "Kemeja Kerja Pria Lengan Panjang", "", "Pakaian"),
    Document("o1", "Pulpen Gel Hitam", "alat tulis", "ATK"),
    Document("o2", "Map Plastik Kancing", "", "ATK"),
    Document("x1", "Mesin Keripik Perajang Singkong", "", "Mesin"),
]
NO_STEPS = MatcherConfig(synonym_weight=0, feedback_weight=0, category_weight=0)


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(CATALOGUE)


def test_synonym_finds_item_named_otherwise(index: SearchIndex) -> None:
    # The need says "camilan"; the item says "snack". Only the synonym table joins them.
    assert Matcher(index, NO_STEPS).match("camilan") == []
    assert [m.id for m in Matcher(index, replace(NO_STEPS, synonym_weight=0.5)).match("camilan")] == ["f1"]


def test_multiword_synonym(index: SearchIndex) -> None:
    found = Matcher(index, replace(NO_STEPS, synonym_weight=0.5)).match("baju kerja")
    assert found[0].id == "c1"  # "seragam" = "baju kerja"


FOOD, FARM = "Makanan dan Minuman", "Pertanian dan Perkebunan"
SEEDLINGS = [
    Document("k1", "Kopi Robusta Bubuk", category=FOOD),
    Document("k2", "Kopi Robusta Biji Sangrai 1 kg", category=FOOD),
    Document("k3", "Kopi Arabika Gayo Bubuk 250 gr", category=FOOD),
    Document("k4", "Kopi Bubuk Kapal Api 165 gr", category=FOOD),
    Document("k5", "Kopi Luwak Robusta Asli", category=FOOD),
    Document("k6", "Kopi Robusta Lampung Premium", category=FOOD),
    Document("k7", "Teh Celup Melati", category=FOOD),
    Document("k8", "Gula Aren Cair", category=FOOD),
    Document("b1", "Benih Kopi Robusta Siap Tanam", category=FARM),
    Document("b2", "Bibit Durian Musang King", category=FARM),
    Document("b3", "Benih Padi Inpari 32", category=FARM),
    Document("b4", "Bibit Alpukat Mentega", category=FARM),
    Document("b5", "Bibit Kakao Unggul Sambung Pucuk", category=FARM),
    Document("b6", "Pupuk NPK Mutiara 1 kg", category=FARM),
    Document("b7", "Benih Jagung Hibrida", category=FARM),
]


def test_a_synonym_counts_as_the_need_s_own_word() -> None:
    # "bibit" (seedling) = "benih": the seedling names the thing bought, the ground coffee only its kind.
    ranked = [
        match.id for match in Matcher(SearchIndex.build(SEEDLINGS)).match("Bibit Kopi Robusta", limit=5)
    ]
    assert ranked[0] == "b1"
    # The head of the need is the seedling (issue #14): other seedlings come before ground coffee.
    assert "k1" not in ranked[:2]


def test_the_head_of_the_need_weighs_more_than_its_modifiers() -> None:
    # "tas belanja kain": the thing is a bag; "kain" (cloth, the rarer word here) says what it is made of.
    index = SearchIndex.build(
        [
            Document("kain", "Kain Tenun Ikat"),
            Document("sutra", "Kain Sutra"),
            Document("tas", "Tas Anyaman Pandan"),
            Document("kulit", "Tas Kulit Wanita"),
            Document("kit", "Tas Seminar Kit"),
            *(Document(f"x{number}", f"Barang Lain {number}") for number in range(6)),
        ]
    )
    plain = [m.id for m in Matcher(index, replace(NO_STEPS, head_weight=1.0)).match("tas belanja kain")]
    headed = [m.id for m in Matcher(index, NO_STEPS).match("tas belanja kain")]
    assert plain[0] == "sutra"  # plain BM25: the rarer word wins
    assert set(headed[:3]) == {"tas", "kulit", "kit"}


def test_a_rare_synonym_does_not_outrank_the_need_s_own_word() -> None:
    index = SearchIndex.build(
        [
            Document("own", "Bibit Durian Montong"),
            Document("rare", "Seed Durian Montong"),  # "seed" is in one item, "bibit" in five
            *(
                Document(f"b{number}", f"Bibit {fruit}")
                for number, fruit in enumerate(["Mangga", "Jeruk", "Kakao", "Pala"])
            ),
        ]
    )
    found = {
        match.id: match.score
        for match in Matcher(index, replace(NO_STEPS, synonym_weight=1.0)).match("bibit durian")
    }
    # Without its IDF lowered to the need's word, "seed" (rarer) would score above "bibit".
    assert found["rare"] == pytest.approx(found["own"])


def test_an_item_naming_a_word_and_its_synonyms_counts_the_idea_once() -> None:
    index = SearchIndex.build(
        [
            Document("plain", "Jilbab Instan Bergo"),
            Document("stuffed", "Jilbab Kerudung Hijab Instan Bergo"),
            Document("other", "Kaos Polos Hitam"),
        ]
    )
    found = Matcher(index, replace(NO_STEPS, synonym_weight=1.0)).match("jilbab instan")
    assert [match.id for match in found] == ["plain", "stuffed"]


def test_category_rerank_favours_the_neighbourhood(index: SearchIndex) -> None:
    need = "keripik singkong"
    plain = [m.id for m in Matcher(index, NO_STEPS).match(need, limit=len(CATALOGUE))]
    reranked = Matcher(index, replace(NO_STEPS, category_weight=1.0)).match(need, limit=len(CATALOGUE))
    # The slicer matches both words and ranks high on text alone; the food items outvote it.
    assert plain.index("x1") < plain.index("f6")
    ranked_ids = [m.id for m in reranked]
    assert ranked_ids.index("f6") < ranked_ids.index("x1")
    assert reranked[0].category == "Makanan" and reranked[0].category_support > 0.5


def test_match_explains_itself(index: SearchIndex) -> None:
    best = Matcher(index).match("Keripik Pisang")[0]
    assert best.id == "f2"
    assert best.matched_terms == ("keripik", "pisang")
    assert best.text_score == pytest.approx(1.0)
    assert best.score >= best.text_score


def test_exclude_and_limit(index: SearchIndex) -> None:
    found = Matcher(index).match("keripik", limit=2, exclude_ids={"f2"})
    assert len(found) == 2
    assert "f2" not in {m.id for m in found}


def test_empty_need(index: SearchIndex) -> None:
    assert Matcher(index).match("  yang  ") == []


def hit(id_: str, score: float, category: str, *terms: str) -> Hit:
    return Hit(id=id_, score=score, category=category, terms=terms)


def test_category_votes_are_score_weighted_shares() -> None:
    votes = category_votes([hit("a", 2, "A"), hit("b", 2, "B"), hit("c", 1, "B")], neighbours=3, power=1)
    assert votes == pytest.approx({"A": 0.4, "B": 0.6})
    squared = category_votes([hit("a", 2, "A"), hit("b", 2, "B"), hit("c", 1, "B")], neighbours=3)
    assert squared == pytest.approx({"A": 1 / 2.25, "B": 1.25 / 2.25})


def test_rerank_without_weight_keeps_bm25_order() -> None:
    hits = [hit("a", 3, "A"), hit("b", 2, "B"), hit("c", 2, "B"), hit("d", 2, "B")]
    assert [r.hit.id for r in rerank_by_category(hits, neighbours=4, weight=0)] == ["a", "b", "c", "d"]
    # Votes: A 1, B 2 (shares 1/3, 2/3); a = 1 + 2/3, each B item = 2/3 + 4/3.
    reranked = rerank_by_category(hits, neighbours=4, weight=2, power=1)
    assert [r.hit.id for r in reranked] == ["b", "c", "d", "a"]
    assert reranked[0].score == pytest.approx(2.0)


def test_feedback_terms_prefer_shared_rare_words() -> None:
    hits = [hit("a", 2, "A", "kaos", "katun", "x1"), hit("b", 1, "A", "kaos", "katun", "polos")]
    df = {"kaos": 50, "katun": 2, "polos": 40, "x1": 1}
    terms = feedback_terms(hits, doc_freq=df.__getitem__, num_docs=100, terms=2)
    assert list(terms) == [("katun",), ("kaos",)]  # x1 is in one document only
    assert sum(terms.values()) == pytest.approx(1.0)


def test_interpolate_is_rm3_mix() -> None:
    mixed = interpolate({("a",): 2.0, ("b",): 2.0}, {("b",): 0.5, ("c",): 0.5}, 0.2)
    assert mixed == pytest.approx({("a",): 0.4, ("b",): 0.5, ("c",): 0.1})
