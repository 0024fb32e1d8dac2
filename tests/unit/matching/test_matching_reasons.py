"""Every match says why it is there, and the bulk build paths give the same index."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from rantai.matching import Document, Filters, Matcher, MatcherConfig, SearchIndex

CATALOGUE = [
    Document(
        "s1",
        "Snack Keripik Singkong Balado 250 gr",
        "camilan pedas",
        "Makanan",
        ("province:61", "kabkota:61.71", "cert:halal"),
        (("cert:spp_irt", date(2027, 3, 31)),),
        locality=6171,
    ),
    Document("s2", "Keripik Pisang Coklat", "", "Makanan", ("province:61", "kabkota:61.72"), locality=6172),
    Document("s3", "Keripik Tempe Sagu", "", "Makanan", ("province:32", "cert:halal"), locality=3273),
    Document("p1", "Kaos Polos Hitam", "", "Pakaian", ("province:61",), locality=6171),
    Document("p2", "Kemeja Kerja Pria", "", "Pakaian", ("province:61",), locality=6171),
]
NO_FEEDBACK = MatcherConfig(feedback_weight=0)


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(CATALOGUE)


def test_match_gives_name_words_and_filters(index: SearchIndex) -> None:
    filters = Filters(all_of=("province:61", "cert:spp_irt"), valid_on=date(2026, 12, 1))
    best = Matcher(index).match("keripik singkong 0,25 kg", filters=filters)[0]
    assert best.id == "s1"
    assert best.name == "Snack Keripik Singkong Balado 250 gr"
    # The need's words found in the item, quantities folded to one token.
    assert best.matched_terms == ("keripik", "singkong", "qty:250g", "unit:g")
    assert best.matched_filters == ("province:61", "cert:spp_irt")
    assert best.valid_until == (("cert:spp_irt", date(2027, 3, 31)),)


def test_related_terms_show_a_synonym_match(index: SearchIndex) -> None:
    # The need says "camilan"; the name says "snack": a synonym, not one of the need's words.
    found = Matcher(index, NO_FEEDBACK).match("camilan")
    best = next(match for match in found if match.id == "s1")
    assert "snack" in best.related_terms
    assert "snack" not in best.matched_terms
    assert best.matched_terms == ("camil",)  # the need's own word, stemmed, is in the description


def test_filtered_matches_hold_the_filters(index: SearchIndex) -> None:
    found = Matcher(index).match("keripik", filters=["cert:halal"])
    assert {match.id for match in found} == {"s1", "s3"}
    assert all(match.matched_filters == ("cert:halal",) for match in found)
    assert all(match.valid_until == () for match in found)


def test_no_filter_no_filter_reasons(index: SearchIndex) -> None:
    found = Matcher(index).match("kaos polos")
    assert found[0].id == "p1"
    assert found[0].matched_filters == ()


def test_lapsed_filter_empties_the_result(index: SearchIndex) -> None:
    lapsed = Filters(all_of=("cert:spp_irt",), valid_on=date(2027, 4, 1))
    assert Matcher(index).match("keripik singkong", filters=lapsed) == []


def test_plain_fields_can_be_left_out() -> None:
    lean = SearchIndex.build(CATALOGUE, plain=False)
    assert not lean.has_plain
    assert [hit.id for hit in lean.search("kaos")] == ["p1"]
    with pytest.raises(ValueError, match="plain"):
        lean.search_plain("kaos")


def test_worker_processes_build_the_same_index() -> None:
    # Enough documents for several batches sent to the worker, and a remainder.
    many = [replace(document, id=f"{document.id}-{n}") for n in range(900) for document in CATALOGUE]
    alone = SearchIndex.build(many, plain=False, threads=1)
    helped = SearchIndex.build(many, plain=False, threads=2, workers=1)
    assert len(helped) == len(alone) == len(many)
    need = Filters(all_of=("province:61",), valid_on=date(2026, 1, 1))
    first = alone.search("keripik singkong balado", filters=need, limit=len(many))
    second = helped.search("keripik singkong balado", filters=need, limit=len(many))
    assert len(first) == 1800
    assert {hit.id: hit.score for hit in first} == pytest.approx({hit.id: hit.score for hit in second})
    assert {hit.terms for hit in first} == {hit.terms for hit in second}


def test_worker_build_refuses_duplicate_ids() -> None:
    with pytest.raises(ValueError, match="twice"):
        SearchIndex.build([Document("x", "a"), Document("x", "b")], workers=1)
