"""A supplier's past packages as a second document (issue #14, item 3): suppliers of works and services
are found by the contracts they won, closer and more recent packages first, and the reason says so."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from rantai.matching import (
    NeedLine,
    OfferFacts,
    Reason,
    SearchIndex,
    Shortlist,
    ShortlistConfig,
    Shortlister,
    SupplierFacts,
    offer_document,
)
from rantai.matching.history import (
    PastWin,
    aggregate,
    delivered_term,
    history_document,
    history_profile,
    profile_fit,
    score_histories,
)

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


# What the need carries beside its words (issue #14, the awards figure): the procurement type, the value
# and the delivery place, against each supplier's whole history.


def test_a_history_profile_counts_types_places_and_the_usual_value() -> None:
    profile = history_profile(
        [
            PastWin("1", "a", 2026, 100, "61.71", "goods"),
            PastWin("2", "b", 2026, 300, "61.04", "goods"),
            PastWin("3", "c", 2026, 200, "32", "works"),
            PastWin("4", "d", 2026, None, None, None),
        ]
    )
    assert profile.count == 4
    assert dict(profile.kinds) == {"goods": 2, "works": 1}
    assert dict(profile.places) == {"61.71": 1, "61.04": 1, "61": 2, "32": 1}
    assert profile.usual_value == 200


def test_the_fit_weighs_the_share_of_the_need_s_procurement_type() -> None:
    consultant = history_profile([PastWin(str(i), "x", kind="consulting") for i in range(4)])
    mixed = history_profile([PastWin("1", "x", kind="consulting"), PastWin("2", "x", kind="goods")])
    assert profile_fit(consultant, kind="goods") == 0.0
    assert profile_fit(mixed, kind="goods") == 0.5
    assert profile_fit(consultant, kind="consulting") == 1.0


def test_the_fit_weighs_the_need_s_value_against_the_usual_one() -> None:
    profile = history_profile([PastWin("1", "x", value=100_000_000)])
    assert profile_fit(profile, value=100_000_000) == 1.0
    near = profile_fit(profile, value=150_000_000)
    far = profile_fit(profile, value=5_000_000_000)
    assert near is not None and far is not None and 1.0 > near > far > 0.0


def test_the_fit_weighs_where_the_supplier_delivered_before() -> None:
    local = history_profile([PastWin("1", "x", place="61.71"), PastWin("2", "x", place="61.71")])
    same_province = history_profile([PastWin("1", "x", place="61.04")])
    elsewhere = history_profile([PastWin("1", "x", place="32.73")])
    fits = [profile_fit(profile, place="61.71") for profile in (local, same_province, elsewhere)]
    assert fits == [1.0, 0.6, 0.0]
    # A need delivered anywhere in the province: the province's share.
    assert profile_fit(same_province, place="61") == 1.0


def test_no_fit_when_the_need_or_the_history_says_nothing_to_compare() -> None:
    bare = history_profile([PastWin("1", "x")])
    assert profile_fit(bare, kind="goods", value=10) is None
    # A package whose place is unknown counts as delivered elsewhere.
    assert profile_fit(bare, place="61.71") == 0.0
    full = history_profile([PastWin("1", "x", 2026, 10, "61.71", "goods")])
    assert profile_fit(full) is None


def fitted_shortlister() -> Shortlister:
    """Two suppliers whose past packages read alike: one a consultant of Kalimantan Barat with small
    packages, the other a builder of Jawa Barat with large ones."""
    documents = []
    for id_, kind, place, value in (
        ("konsultan", "consulting", "61.71", 100_000_000),
        ("kontraktor", "works", "32.73", 5_000_000_000),
    ):
        wins = [
            PastWin(f"{id_}-{n}", f"Pengawasan Pembangunan Gedung Kantor {n}", 2026, value, place, kind)
            for n in range(2)
        ]
        profile = history_profile(wins)
        documents += [history_document(supplier(id_, 2), one, profile) for one in wins]
    return Shortlister(SearchIndex.build(documents), ShortlistConfig(newcomer_slots=0))


def ranked_for(**carried: object) -> list[str]:
    need = NeedLine("pengawasan pembangunan gedung kantor", TODAY, **carried)  # type: ignore[arg-type]
    return [entry.supplier.id for entry in fitted_shortlister().shortlist(need, top=5).entries]


def test_the_need_s_procurement_type_ranks_the_supplier_of_that_type_first() -> None:
    assert ranked_for(kind="consulting") == ["konsultan", "kontraktor"]
    assert ranked_for(kind="works") == ["kontraktor", "konsultan"]


def test_the_need_s_value_ranks_the_supplier_of_that_size_first() -> None:
    assert ranked_for(budget=120_000_000) == ["konsultan", "kontraktor"]
    assert ranked_for(budget=4_000_000_000) == ["kontraktor", "konsultan"]


def test_the_delivery_place_ranks_the_supplier_who_delivered_there_first() -> None:
    assert ranked_for(delivery_place="61.71") == ["konsultan", "kontraktor"]
    assert ranked_for(delivery_place="32") == ["kontraktor", "konsultan"]


def test_the_fit_is_a_feature_only_when_the_need_carries_something_to_compare() -> None:
    need = NeedLine("pengawasan pembangunan gedung kantor", TODAY)
    entries = fitted_shortlister().shortlist(need, top=5).entries
    assert all("history_fit" not in entry.features for entry in entries)
    placed = fitted_shortlister().shortlist(replace(need, delivery_place="61.71"), top=5).entries
    assert [entry.features["history_fit"] for entry in placed] == [1.0, 0.0]


def test_the_reasons_say_how_many_packages_it_won_and_how_many_were_delivered_there() -> None:
    need = NeedLine("pengawasan pembangunan gedung kantor", TODAY, delivery_place="61.71")
    first = fitted_shortlister().shortlist(need, top=5).entries[0]
    assert first.supplier.id == "konsultan"
    assert Reason.of("won_similar", count=2, year=2026) in first.reasons
    assert Reason.of("won_here", count=2) in first.reasons
    elsewhere = fitted_shortlister().shortlist(need, top=5).entries[1]
    assert not any(reason.code == "won_here" for reason in elsewhere.reasons)


# A supplier's relevance from several packages (issue #14, the awards figure): its best package's plus half
# of each of its next ones (the shortlist's: the next one), relative to the best supplier's.


def test_with_history_others_a_supplier_that_won_several_close_packages_comes_first() -> None:
    many, once = supplier("many"), supplier("once")
    documents = [
        history_document(once, win("o1", "Pemeliharaan Gedung Kantor Pusat")),
        history_document(many, win("m1", "Pemeliharaan Gedung Kantor")),
        history_document(many, win("m2", "Pemeliharaan Gedung Kantor Wilayah")),
        history_document(many, win("m3", "Pemeliharaan Gedung Kantor Arsip")),
        # Unrelated packages keep the need's words rare enough to score.
        *(history_document(supplier(f"x{i}"), win(f"x{i}", f"Sewa Kendaraan Dinas {i}")) for i in range(6)),
    ]
    need = NeedLine("pemeliharaan gedung kantor pusat", TODAY)

    def ranked(config: ShortlistConfig) -> list[str]:
        found = Shortlister(SearchIndex.build(documents), config).shortlist(need, top=5)
        return [entry.supplier.id for entry in found.entries]

    assert ranked(ShortlistConfig(newcomer_slots=0, history_others=2))[0] == "many"
    # The shortlist's default counts half of the next package.
    assert ShortlistConfig().history_others == 1
    # With its best package alone, the single exact package comes first.
    alone = ranked(ShortlistConfig(newcomer_slots=0, history_others=0))
    assert alone.index("once") < alone.index("many")


def test_score_histories_adds_the_next_packages_relative_to_the_best_supplier() -> None:
    hits = [
        ("a", 10.0, win("1", "x")),
        ("b", 8.0, win("2", "y")),
        ("b", 6.0, win("3", "z")),
        ("b", 4.0, win("4", "w")),
        ("b", 2.0, win("5", "v")),  # beyond the next two: not counted
    ]
    alone = score_histories(hits, year=2026)
    assert (alone["a"].relevance, alone["b"].relevance) == (1.0, 0.8)
    summed = score_histories(hits, year=2026, others=2, others_weight=0.5)
    # b: 0.8 + 0.5 x (0.6 + 0.4) = 1.3, the best supplier's; a: 1.0 / 1.3.
    assert summed["b"].relevance == 1.0 and summed["b"].value == 1.0
    assert abs(summed["a"].relevance - 1.0 / 1.3) < 1e-9
    # What is said of the packages themselves does not change: similar packages, the best one.
    assert summed["b"].similar == alone["b"].similar == 2  # 0.8 and 0.6 (similar_at 0.5)
    assert summed["b"].best == alone["b"].best


@given(
    st.lists(st.floats(min_value=0.0, max_value=1.0), max_size=8),
    st.integers(min_value=0, max_value=4),
    st.floats(min_value=0.0, max_value=1.0),
)
def test_aggregate_is_the_best_score_plus_a_bounded_share_of_the_next(
    scores: list[float], others: int, weight: float
) -> None:
    total = aggregate(scores, others, weight)
    best = max(scores, default=0.0)
    assert best <= total <= best * (1 + weight * others) + 1e-9
    assert aggregate(list(reversed(scores)), others, weight) == total  # the order of the hits is irrelevant
    assert aggregate(scores, 0, weight) == best
    # One more package never lowers a supplier's relevance.
    assert aggregate([*scores, 0.5], others, weight) >= total - 1e-9


@given(
    st.lists(
        st.tuples(st.sampled_from("abcd"), st.floats(min_value=0.01, max_value=50.0)), min_size=1, max_size=12
    ),
    st.integers(min_value=0, max_value=3),
)
def test_history_relevance_stays_between_zero_and_one_and_the_best_supplier_has_one(
    hits: list[tuple[str, float]], others: int
) -> None:
    scores = score_histories(
        [(supplier_id, score, win(str(i), "x")) for i, (supplier_id, score) in enumerate(hits)],
        year=2026,
        others=others,
    )
    assert all(0.0 <= score.relevance <= 1.0 and 0.0 <= score.value <= 1.0 for score in scores.values())
    assert max(score.relevance for score in scores.values()) == 1.0


# How the history search runs (issue #14, the speed figure): each package read once per index commit,
# which may not change a shortlist.


def _answers(found: Shortlist) -> list[tuple[str, str, float, tuple[Reason, ...], dict[str, float]]]:
    return [
        (entry.supplier.id, entry.offer.name, entry.score, entry.reasons, entry.features)
        for entry in found.entries
    ]


def test_packages_read_before_give_the_same_shortlist() -> None:
    need = NeedLine("jasa kebersihan gedung kantor", TODAY, kind="services", delivery_place="61.71")
    first_time = shortlister()
    first = _answers(first_time.shortlist(need, top=5))
    explained = first_time.explain(need, "lama", top=5)
    # Again, with every package already read (kept with the index's searcher).
    assert first == _answers(first_time.shortlist(need, top=5))
    assert first_time.explain(need, "lama", top=5) == explained
    assert first[0][0] == "bersih" and any(reason.code == "won_similar" for reason in first[0][3])


def test_of_equally_weighed_packages_the_more_relevant_stands_for_the_history() -> None:
    # Half as relevant this year, or fully relevant two years ago (one half-life): equal weights.
    scores = score_histories(
        [("a", 5.0, win("new", "x", 2026)), ("a", 10.0, win("old", "y", 2024))], year=2026
    )
    assert (scores["a"].best.id, scores["a"].value, scores["a"].relevance) == ("old", 0.5, 1.0)
    assert scores["a"].similar == 2 and scores["a"].latest_year == 2026


# Suppliers found by where they delivered (issue #14, the awards figure): a winner whose packages share no
# word with the need, but which delivered packages to its place before, is still scored, by its fit.


def nearby_shortlister(config: ShortlistConfig | None = None) -> Shortlister:
    """A builder whose packages share no word with "rehabilitasi dermaga", which built in Kota Pontianak
    (61.71) before, another that built in Jawa Barat, and a supplier whose package shares the need's
    words, delivered elsewhere."""
    documents = []
    for id_, title, place in (
        ("lokal", "Pembangunan Talud Penahan Tanah", "61.71"),
        ("jauh", "Pembangunan Talud Penahan Tanah", "32.73"),
        ("dermaga", "Rehabilitasi Dermaga Penyeberangan", "73.71"),
    ):
        wins = [PastWin(f"{id_}-{n}", f"{title} {n}", 2026, 1_000_000_000, place, "works") for n in range(2)]
        profile = history_profile(wins)
        documents += [history_document(supplier(id_, 2), one, profile) for one in wins]
    return Shortlister(SearchIndex.build(documents), config or ShortlistConfig(newcomer_slots=0))


def test_a_supplier_that_delivered_to_the_need_s_place_is_found_without_a_common_word() -> None:
    need = NeedLine("rehabilitasi dermaga", TODAY, kind="works", delivery_place="61.71")
    entries = nearby_shortlister().shortlist(need, top=5).entries
    assert [entry.supplier.id for entry in entries] == ["dermaga", "lokal"]
    lokal = entries[1]
    # Its words count for little (the relevance given), its fit fully; the reason says where it delivered.
    assert lokal.features["text"] == 0.1 and lokal.features["history_fit"] == 1.0
    assert Reason.of("won_here", count=2) in lokal.reasons
    assert not any(reason.code == "won_similar" for reason in lokal.reasons)
    # A need in the province finds it too (each package holds its province's term); none off.
    in_province = nearby_shortlister().shortlist(replace(need, delivery_place="61"), top=5).entries
    assert "lokal" in [entry.supplier.id for entry in in_province]
    off = nearby_shortlister(ShortlistConfig(newcomer_slots=0, history_nearby_pool=0))
    assert [entry.supplier.id for entry in off.shortlist(need, top=5).entries] == ["dermaga"]
    # Without a delivery place, no supplier is found by place.
    placeless = nearby_shortlister().shortlist(replace(need, delivery_place=None), top=5).entries
    assert [entry.supplier.id for entry in placeless] == ["dermaga"]


def test_score_histories_adds_the_best_fitting_suppliers_found_by_place() -> None:
    here = history_profile([PastWin("h", "x", place="61.71", kind="works")] * 2)
    half = history_profile([PastWin("a", "x", place="61.71", kind="works"), PastWin("b", "x", place="32.73")])
    hits = [("a", 10.0, win("1", "rehabilitasi dermaga"), here)]
    nearby = [("a", win("2", "x"), here), ("b", win("3", "y"), half), ("c", win("4", "z"), here)]
    scores = score_histories(
        hits, year=2026, place="61.71", nearby=nearby, nearby_pool=1, nearby_relevance=0.1
    )
    # "a" keeps the score its words give; of "b" and "c", only the better fit, at the relevance given.
    assert set(scores) == {"a", "c"}
    assert scores["a"].relevance == 1.0
    assert (scores["c"].relevance, scores["c"].value, scores["c"].fit, scores["c"].similar) == (
        0.1,
        0.1,
        1.0,
        0,
    )
    assert scores["c"].here == 2
    # Found by place alone, when no package matches the words.
    alone = score_histories([], year=2026, place="61.71", nearby=nearby, nearby_pool=5)
    assert set(alone) == {"a", "b", "c"}
    assert score_histories([], year=2026, nearby=nearby, nearby_pool=5) == {}


def test_a_history_document_holds_the_terms_of_where_its_package_was_delivered() -> None:
    placed = history_document(supplier("s"), PastWin("1", "x", place="61.71"))
    assert {"history", delivered_term("61.71"), delivered_term("61")} <= set(placed.filters)
    bare = history_document(supplier("s"), PastWin("2", "x"))
    assert not any(term.startswith("delivered:") for term in bare.filters)
