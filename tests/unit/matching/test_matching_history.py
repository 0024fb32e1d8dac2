"""A supplier's past packages as a second document (issue #14, item 3): suppliers of works and services
are found by the contracts they won, closer and more recent packages first, and the reason says so."""

from __future__ import annotations

from datetime import date

from rantai.matching import (
    NeedLine,
    OfferFacts,
    SearchIndex,
    ShortlistConfig,
    Shortlister,
    SupplierFacts,
    offer_document,
)
from rantai.matching.history import PastWin, history_document, score_histories

TODAY = date(2026, 6, 1)


def supplier(id_: str, awards: int = 0) -> SupplierFacts:
    return SupplierFacts(id=id_, name=f"CV {id_}", verified=True, size_class="kecil", awards_won=awards)


def win(id_: str, title: str, year: int = 2026) -> PastWin:
    return PastWin(id_, title, year, 100_000_000)


def shortlister(*, histories: bool = True) -> Shortlister:
    bersih, lama, tenda = supplier("bersih", 3), supplier("lama", 2), supplier("tenda", 1)
    documents = [
        offer_document(supplier("sabun"), OfferFacts("p1", "Sabun Cuci Piring Kebersihan Dapur")),
        offer_document(supplier("sapu"), OfferFacts("p2", "Sapu Ijuk")),
    ]
    if histories:
        documents += [
            history_document(bersih, win("a1", "Jasa Kebersihan Gedung Kantor")),
            history_document(bersih, win("a2", "Jasa Kebersihan Gedung Kantor Wilayah")),
            history_document(bersih, win("a3", "Jasa Cleaning Service Gedung", 2025)),
            history_document(lama, win("b1", "Jasa Kebersihan Gedung Kantor", 2019)),
            history_document(lama, win("b2", "Jasa Kebersihan Gedung", 2018)),
            history_document(tenda, win("c1", "Sewa Tenda dan Kursi Acara")),
        ]
    return Shortlister(SearchIndex.build(documents), ShortlistConfig(newcomer_slots=0))


def test_a_works_supplier_is_found_by_the_packages_it_won() -> None:
    found = shortlister().shortlist(NeedLine("jasa kebersihan gedung kantor", TODAY), top=5)
    ranked = [entry.supplier.id for entry in found.entries]
    assert ranked[0] == "bersih"
    # The same packages won seven years ago count for less than last year's.
    assert ranked.index("bersih") < ranked.index("lama")
    assert "tenda" not in ranked
    first = found.entries[0]
    assert first.offer.name == "Jasa Kebersihan Gedung Kantor"  # its best package stands for its offer
    won = next(reason for reason in first.reasons if reason.code == "won_similar")
    assert won.as_dict() == {"count": 3, "year": 2026}  # "cleaning service" is kebersihan too
    assert (
        first.features["history"]
        > next(e for e in found.entries if e.supplier.id == "lama").features["history"]
    )


def test_histories_stay_out_of_product_matches() -> None:
    plain = shortlister(histories=False).shortlist(NeedLine("sabun cuci piring", TODAY), top=5)
    with_history = shortlister().shortlist(NeedLine("sabun cuci piring", TODAY), top=5)
    assert (
        [e.supplier.id for e in plain.entries] == [e.supplier.id for e in with_history.entries] == ["sabun"]
    )
    # No past package fits soap: the history feature is left out for every entry alike.
    assert "history" not in plain.entries[0].features
    assert with_history.entries[0].score == plain.entries[0].score


def test_score_histories_weighs_relevance_by_age() -> None:
    scores = score_histories(
        [("a", 10.0, win("1", "x", 2026)), ("b", 10.0, win("2", "y", 2022)), ("b", 4.0, win("3", "z", 2026))],
        year=2026,
    )
    assert scores["a"].value == 1.0 and (scores["a"].similar, scores["a"].latest_year) == (1, 2026)
    assert scores["b"].value == 0.4  # 0.25 for the 4-year-old best, 0.4 for the weaker recent one
    assert scores["b"].similar == 1 and scores["b"].latest_year == 2022
