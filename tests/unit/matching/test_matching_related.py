"""Issue #14 item 2: related words learned from the catalogue widen a need under a guard against common
words, and a supplier whose product says the thing otherwise is found."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from rantai.matching import Document, Matcher, MatcherConfig, RelatedWords, SearchIndex
from rantai.matching.related import expansions


def _idf(df: int, total: int) -> float:
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def test_a_table_lists_each_words_related_words_best_first_without_itself() -> None:
    table = RelatedWords.of([("kaos", "tshirt", 0.5), ("kaos", "oblong", 0.9), ("kaos", "kaos", 1.0)])
    assert table.related("kaos") == (("oblong", 0.9), ("tshirt", 0.5))
    assert table.related("kopi") == ()


def test_a_common_word_does_not_widen_a_rare_one() -> None:
    table = RelatedWords.of([("jilbab", "wanita", 0.9), ("jilbab", "kerudung", 0.8)])
    freq = {"jilbab": 3, "wanita": 400, "kerudung": 4}
    found = expansions(
        table,
        {("jilbab",): 1.0},
        doc_freq=freq.__getitem__,
        num_docs=1000,
        weight=0.5,
        per_word=3,
        max_commoner=0.5,
    )
    assert set(found) == {"kerudung"}  # wanita is in 400 of 1,000 items: it would find everything
    word, weight = found["kerudung"]
    assert word == "jilbab" and weight <= 0.5 * 0.8 * 1.0


@given(
    own_df=st.integers(1, 10_000),
    other_df=st.integers(0, 10_000),
    own=st.floats(0.01, 10),
    strength=st.floats(0.01, 1.0),
    weight=st.floats(0.0, 1.0),
    max_commoner=st.floats(0.0, 1.0),
)
def test_a_related_word_never_weighs_more_than_the_word_it_comes_from(
    own_df: int, other_df: int, own: float, strength: float, weight: float, max_commoner: float
) -> None:
    total = 10_000
    freq = {"rare": own_df, "other": other_df}
    found = expansions(
        RelatedWords.of([("rare", "other", strength)]),
        {("rare",): own},
        doc_freq=freq.__getitem__,
        num_docs=total,
        weight=weight,
        per_word=2,
        max_commoner=max_commoner,
    )
    if "other" not in found:
        return
    _, value = found["other"]
    assert other_df > 0  # a word no item holds finds nothing: never added
    assert value <= own * weight + 1e-12
    own_idf, other_idf = _idf(own_df, total), _idf(other_df, total)
    assert other_idf >= max_commoner * own_idf
    # An item holding the commoner related word scores no more than its share of one holding the word.
    assert value * other_idf <= weight * strength * own * own_idf + 1e-9


def test_expansions_are_capped_per_word() -> None:
    table = RelatedWords.of([("kaos", f"w{n}", 1 - n / 10) for n in range(8)])
    freq = dict.fromkeys([f"w{n}" for n in range(8)], 5) | {"kaos": 5}
    found = expansions(
        table,
        {("kaos",): 1.0},
        doc_freq=freq.__getitem__,
        num_docs=100,
        weight=0.5,
        per_word=3,
        max_commoner=0.5,
    )
    assert set(found) == {"w0", "w1", "w2"}


def _index() -> SearchIndex:
    return SearchIndex.build(
        [
            Document(id="shirt", name="blus katun combed hitam"),
            Document(id="coffee", name="kopi bubuk arabika"),
            Document(id="tea", name="teh celup melati"),
        ]
    )


def test_a_need_word_no_product_holds_finds_a_product_with_its_related_word() -> None:
    config = MatcherConfig(feedback_weight=0.0)
    need = "kemeja lengan"
    assert [m.id for m in Matcher(_index(), config).match(need)] == []
    related = RelatedWords.of([("kemeja", "blus", 0.8), ("kemeja", "kopi", 0.1)])
    matches = Matcher(_index(), config, related).match(need)
    assert [m.id for m in matches][:1] == ["shirt"]
    assert "blus" in matches[0].related_terms


def test_without_a_table_or_with_weight_zero_the_need_is_not_widened() -> None:
    related = RelatedWords.of([("kopi", "teh", 0.9)])
    plain = Matcher(_index(), MatcherConfig(feedback_weight=0.0)).query_for("kopi")[1]
    off = Matcher(_index(), MatcherConfig(feedback_weight=0.0, related_weight=0.0), related).query_for("kopi")
    on = Matcher(_index(), MatcherConfig(feedback_weight=0.0, related_max_share=1.0), related).query_for(
        "kopi"
    )[1]
    assert off[1] == plain
    assert ("teh",) in on and on[("teh",)] < on[("kopi",)]


def test_a_need_word_many_items_hold_is_not_widened() -> None:
    table = RelatedWords.of([("kemeja", "blus", 0.9)])
    freq = {"kemeja": 50, "blus": 40}
    widen = lambda share: expansions(  # noqa: E731
        table,
        {("kemeja",): 1.0},
        doc_freq=freq.__getitem__,
        num_docs=1000,
        weight=0.5,
        per_word=2,
        max_commoner=0.5,
        max_share=share,
    )
    assert widen(0.01) == {}  # kemeja is in 5% of the items: it finds enough by itself
    assert set(widen(0.1)) == {"blus"}
