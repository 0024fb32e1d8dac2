"""The tantivy wrapper: plain documents in, BM25-ranked hits out, with the plain baseline beside it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from rantai.matching import (
    Document,
    FieldWeights,
    Hit,
    OfferFacts,
    SearchIndex,
    SupplierFacts,
    offer_document,
)
from rantai.matching.history import PastWin, history_document

DOCUMENTS = [
    Document("k1", "Keripik Singkong Pedas 250gr", "camilan renyah khas Garut", "Makanan", ("province:32",)),
    Document("k2", "Kripik Pisang Manis 0,25 kg", "", "Makanan", ("province:61",)),
    Document("s1", "Sablon Kaos Custom", "sablonan satuan", "Pakaian", ("province:61",)),
    Document("s2", "Kaos Polos Katun Combed 30s", "", "Pakaian", ("province:31",)),
    Document("a1", "Pulpen Gel Hitam 12 pcs", "alat tulis kantor", "ATK", ("province:31",)),
    Document("a2", "Kertas HVS A4 70 gram 1 rim", "", "ATK", ()),
]


@pytest.fixture(scope="module")
def index() -> SearchIndex:
    return SearchIndex.build(DOCUMENTS)


def ids(hits: Sequence[Hit]) -> list[str]:
    return [hit.id for hit in hits]


def test_counts_documents(index: SearchIndex) -> None:
    assert len(index) == len(DOCUMENTS)


def test_search_finds_spelling_variant_and_quantity(index: SearchIndex) -> None:
    # "kripik" and "keripik", "250 g" and "0,25 kg" meet only through normalization.
    hits = index.search("keripik 250 g")
    assert set(ids(hits)[:2]) == {"k1", "k2"}
    assert "qty:250g" in hits[0].terms
    # The paper sold by the gram shares only the kind of amount, and comes last.
    assert ids(hits)[2:] == ["a2"]


def test_plain_baseline_does_not_normalize(index: SearchIndex) -> None:
    assert ids(index.search_plain("keripik")) == ["k1"]
    assert set(ids(index.search("keripik"))) == {"k1", "k2"}


def test_plain_baseline_takes_any_text(index: SearchIndex) -> None:
    # Query-parser syntax in a need must not raise.
    assert ids(index.search_plain('kaos "polos" (katun) AND -combed:'))[0] == "s2"


def test_hit_carries_category_and_score(index: SearchIndex) -> None:
    hit = index.search("kaos polos")[0]
    assert (hit.id, hit.category) == ("s2", "Pakaian")
    assert hit.score > 0


def test_exclude_ids(index: SearchIndex) -> None:
    assert ids(index.search("kaos", exclude_ids={"s2"})) == ["s1"]


def test_filters_select_without_changing_scores(index: SearchIndex) -> None:
    unfiltered = {hit.id: hit.score for hit in index.search("keripik")}
    filtered = index.search("keripik", filters=["province:61"])
    assert ids(filtered) == ["k2"]
    assert filtered[0].score == pytest.approx(unfiltered["k2"])
    assert index.search("keripik", filters=["province:99"]) == []


def test_description_field_counts_less_than_name(index: SearchIndex) -> None:
    # "camilan" is only in k1's description; a name match would outrank it.
    assert ids(index.search("camilan")) == ["k1"]
    assert ids(index.search("camilan", fields=FieldWeights(name=1.0, description=0.0))) == []


def test_weighted_phrase_query(index: SearchIndex) -> None:
    hits = index.search_weighted({("alat", "tulis", "kantor"): 1.0})
    assert ids(hits) == ["a1"]
    assert index.search_weighted({("kantor", "tulis"): 1.0}) == []


def test_empty_or_stopword_only_query(index: SearchIndex) -> None:
    assert index.search("") == []
    assert index.search("yang dan untuk") == []
    assert index.search_plain("") == []


def test_on_disk_index_reopens(tmp_path: Path) -> None:
    SearchIndex.build(DOCUMENTS, path=tmp_path / "idx")
    reopened = SearchIndex.open(tmp_path / "idx")
    assert len(reopened) == len(DOCUMENTS)
    assert ids(reopened.search("kripik pisang"))[0] == "k2"


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        SearchIndex.build([Document("x", "a"), Document("x", "b")])


def test_a_supplier_s_documents_share_its_filter_terms_for_the_build() -> None:
    # The build makes what a document has from its supplier once and copies it while the next document
    # carries the very same terms (`index.schema.Converter`; issue #14's speed figure): the unit an offer
    # is sold in, or a past package's `history` term, must not make a new tuple per document.
    supplier = SupplierFacts(id="s1", name="CV Satu", verified=True, size_class="kecil", kabkota="61.71")
    first, second, by_sack = (
        offer_document(supplier, OfferFacts(id, "Beras", unit=unit))
        for id, unit in (("p1", "kg"), ("p2", "kg"), ("p3", "karung"))
    )
    assert first.filters is second.filters
    assert "unit:kg" in first.filters and "unit:karung" in by_sack.filters
    wins = [history_document(supplier, PastWin(id, "Pengadaan Beras")) for id in ("a1", "a2")]
    assert wins[0].filters is wins[1].filters and "history" in wins[0].filters


def test_holding_finds_documents_by_their_terms_whatever_their_words(index: SearchIndex) -> None:
    found = index.hits(index.holding(("province:61",), limit=10))
    assert sorted(ids(found)) == ["k2", "s1"]
    assert len({hit.score for hit in found}) == 1  # found by what they hold: no score tells them apart
    assert len(index.holding(("province:31",), limit=1)) == 1
    assert index.holding(("province:99",), limit=10) == []
