"""Supplier shortlists: every hard rule, every soft feature, newcomer slots, reasons and "why not"."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
import tantivy

from rantai.matching import (
    Certificate,
    NeedLine,
    OfferFacts,
    Reason,
    RelatedWords,
    SearchIndex,
    ShortlistConfig,
    Shortlister,
    SupplierFacts,
    offer_document,
    offer_from_facts,
    supplier_from_facts,
)
from rantai.matching.supplier_ranking import Shortlist, newcomer_slots

TODAY = date(2026, 6, 1)
NEED_BY = date(2026, 8, 30)  # 90 days from today
PONTIANAK = (-0.03, 109.33)
BANDUNG = (-6.91, 107.61)
UNITS = {"gram": ("kg", 0.001), "ons": ("kg", 0.1), "kg": ("kg", 1.0)}
HALAL = Certificate("halal")


def supplier(id_: str, **changes: object) -> SupplierFacts:
    """A verified micro supplier in Pontianak with a halal certificate, three awards and a good record."""
    base = SupplierFacts(
        id=id_,
        name=f"UD {id_}",
        verified=True,
        size_class="mikro",
        kabkota="61.71",
        lat=PONTIANAK[0],
        lng=PONTIANAK[1],
        certificates=(HALAL,),
        awards_won=3,
        orders_completed=20,
        orders_on_time=18,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def offer(id_: str, name: str = "Keripik Singkong Balado", **changes: object) -> OfferFacts:
    base = OfferFacts(
        id=id_,
        name=name,
        category="Makanan Ringan",
        unit="bungkus",
        price_min=10_000,
        capacity_per_month=10_000,
        lead_time_days=7,
        kbli="10794",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


SUPPLIERS = {
    "pon": (supplier("pon", orders_completed=50, orders_on_time=45), [offer("pon-1")]),
    # Halal lapses before the needed-by day.
    "exp": (supplier("exp", certificates=(Certificate("halal", date(2026, 7, 1)),)), [offer("exp-1")]),
    "unv": (supplier("unv", verified=False), [offer("unv-1")]),
    "big": (supplier("big", size_class="besar"), [offer("big-1")]),
    "nohal": (
        supplier("nohal", certificates=(Certificate("spp_irt", date(2030, 1, 1)),)),
        [offer("nohal-1")],
    ),
    "bdg": (supplier("bdg", kabkota="32.73", lat=BANDUNG[0], lng=BANDUNG[1]), [offer("bdg-1")]),
    "small": (supplier("small"), [offer("small-1", capacity_per_month=100)]),
    # Its best match is too small; its second product fits.
    "two": (
        supplier("two"),
        [
            offer("two-1", "Keripik Singkong Balado Kecil", capacity_per_month=50),
            offer("two-2", "Keripik Singkong Balado Pabrik", capacity_per_month=50_000),
        ],
    ),
    "shirt": (supplier("shirt"), [offer("shirt-1", "Kaos Polos Hitam", category="Pakaian", kbli="14111")]),
}


def build(suppliers: dict[str, tuple[SupplierFacts, list[OfferFacts]]]) -> SearchIndex:
    return SearchIndex.build(
        offer_document(facts, item, description="camilan renyah")
        for facts, items in suppliers.values()
        for item in items
    )


@pytest.fixture(scope="module")
def shortlister() -> Shortlister:
    return Shortlister(build(SUPPLIERS), ShortlistConfig(units=UNITS))


def need(**changes: object) -> NeedLine:
    base = NeedLine(
        text="keripik singkong balado",
        today=TODAY,
        quantity=5000,
        unit="bungkus",
        needed_by=NEED_BY,
        required_certs=("halal",),
        lat=PONTIANAK[0],
        lng=PONTIANAK[1],
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def ids(shortlist: Shortlist) -> list[str]:
    return [entry.supplier.id for entry in shortlist.entries]


def reasons_of(shortlist: Shortlist) -> dict[str, tuple[Reason, ...]]:
    return {exclusion.supplier.id: exclusion.reasons for exclusion in shortlist.excluded}


def codes(reasons: tuple[Reason, ...]) -> list[str]:
    return [reason.code for reason in reasons]


# Hard rules.


def test_only_eligible_suppliers_are_shortlisted(shortlister: Shortlister) -> None:
    found = shortlister.shortlist(need())
    assert set(ids(found)) == {"pon", "bdg", "two"}
    assert found.excluded == ()  # only when asked


def test_why_not_lists_each_failing_rule(shortlister: Shortlister) -> None:
    found = shortlister.shortlist(need(), explain_exclusions=True)
    why = reasons_of(found)
    assert why["exp"] == (Reason.of("cert_expired", code="halal", until=date(2026, 7, 1)),)
    assert why["unv"] == (Reason.of("not_verified"),)
    assert why["big"] == (Reason.of("size_excluded", size="besar"),)
    assert why["nohal"] == (Reason.of("cert_missing", code="halal"),)
    # 100 a month over (90 - 7) / 30 months is short of 5000.
    assert why["small"] == (
        Reason.of("capacity_short", per_month=100, quantity=5000, months=2.8, unit="bungkus"),
    )
    assert not set(why) & set(ids(found))
    assert "shirt" not in why  # not a good text match


def test_expired_certificate_is_never_an_entry_but_valid_today_without_a_needed_by_day(
    shortlister: Shortlister,
) -> None:
    assert "exp" not in ids(shortlister.shortlist(need(), top=50))
    # Without a needed-by day the certificate must be valid today, which it is.
    assert "exp" in ids(shortlister.shortlist(need(needed_by=None), top=50))


def test_unverified_suppliers_when_asked(shortlister: Shortlister) -> None:
    assert "unv" in ids(shortlister.shortlist(need(), include_unverified=True))


def test_large_firms_only_on_lines_open_to_them(shortlister: Shortlister) -> None:
    assert "big" in ids(shortlister.shortlist(need(umkm_only=False)))


def test_every_required_certificate_is_needed(shortlister: Shortlister) -> None:
    found = shortlister.shortlist(need(required_certs=("halal", "spp_irt")), explain_exclusions=True)
    assert ids(found) == []
    assert Reason.of("cert_missing", code="spp_irt") in reasons_of(found)["pon"]
    assert ids(shortlister.shortlist(need(required_certs=()), top=50)) != []


def test_region_is_a_hard_filter(shortlister: Shortlister) -> None:
    found = shortlister.shortlist(need(region="province:61"), explain_exclusions=True)
    assert "bdg" not in ids(found)
    assert reasons_of(found)["bdg"] == (Reason.of("region_outside", region="province:61"),)
    assert ids(shortlister.shortlist(need(region="kabkota:32.73"))) == ["bdg"]


def test_capacity_falls_back_to_the_supplier_s_product_that_fits(shortlister: Shortlister) -> None:
    entry = next(entry for entry in shortlister.shortlist(need()).entries if entry.supplier.id == "two")
    assert entry.offer.id == "two-2"


def test_capacity_counts_the_months_to_the_needed_by_day(shortlister: Shortlister) -> None:
    # 100 a month for one month (no needed-by day) covers 90, not 5000.
    assert "small" in ids(shortlister.shortlist(need(quantity=90, needed_by=None), top=50))
    # 101 is covered in part (99%): shown as covering part; 1001 (under a tenth covered) is left out.
    partial = next(
        e
        for e in shortlister.shortlist(need(quantity=101, needed_by=None), top=50).entries
        if e.supplier.id == "small"
    )
    assert "capacity_partial" in codes(partial.reasons)
    assert "small" not in ids(shortlister.shortlist(need(quantity=1001, needed_by=None), top=50))
    # A needed-by day a year away gives (365 - 7) / 30 months: 1193 bungkus.
    far = date(2027, 6, 1)
    assert "small" in ids(shortlister.shortlist(need(quantity=1190, needed_by=far), top=50))
    beyond = next(
        e
        for e in shortlister.shortlist(need(quantity=1200, needed_by=far), top=50).entries
        if e.supplier.id == "small"
    )
    assert [r.code for r in beyond.reasons if r.code.startswith("capacity")] == ["capacity_partial"]


def test_capacity_converts_comparable_units() -> None:
    catalogue = {
        "kg": (supplier("kg"), [offer("kg-1", unit="kg", capacity_per_month=1000)]),
    }
    shortlister = Shortlister(build(catalogue), ShortlistConfig(units=UNITS))
    # 1000 kg a month: 900,000 gram fits, 1,100,000 gram does not.
    line = need(quantity=900_000, unit="gram", needed_by=None)
    entry = shortlister.shortlist(line).entries[0]
    assert Reason.of("capacity_fits", per_month=1000, quantity=900, months=1.0, unit="kg") in entry.reasons
    assert (
        Reason.of("capacity_partial", per_month=1000, quantity=1100, months=1.0, unit="kg", share_pct=90)
        in shortlister.shortlist(replace(line, quantity=1_100_000)).entries[0].reasons
    )
    assert ids(shortlister.shortlist(replace(line, quantity=11_000_000))) == []


def test_unknown_capacity_or_incomparable_units_exclude_nobody() -> None:
    catalogue = {
        "kg": (supplier("kg"), [offer("kg-1", unit="kg", capacity_per_month=1)]),
        "none": (supplier("none"), [offer("none-1", capacity_per_month=None)]),
    }
    shortlister = Shortlister(build(catalogue), ShortlistConfig(units=UNITS))
    found = shortlister.shortlist(need(quantity=1_000_000, unit="liter"))
    assert set(ids(found)) == {"kg", "none"}
    for entry in found.entries:
        assert "capacity_fits" not in codes(entry.reasons)
        assert entry.features["capacity"] == 0.5


def test_unrelated_products_are_not_shortlisted(shortlister: Shortlister) -> None:
    assert "shirt" not in ids(shortlister.shortlist(need(), top=50))
    assert ids(shortlister.shortlist(need(text="kaos polos", required_certs=()))) == ["shirt"]


def test_excluded_suppliers_stay_out(shortlister: Shortlister) -> None:
    assert "pon" not in ids(shortlister.shortlist(need(), exclude_suppliers={"pon"}))


# Soft features.

TWINS = {
    "near": (supplier("near"), [offer("near-1")]),
    "far": (supplier("far", kabkota="32.73", lat=BANDUNG[0], lng=BANDUNG[1]), [offer("far-1")]),
}


def entries_by_id(shortlist: Shortlist) -> dict[str, object]:
    return {entry.supplier.id: entry for entry in shortlist.entries}


def test_nearer_supplier_ranks_first() -> None:
    found = Shortlister(build(TWINS)).shortlist(need())
    assert ids(found) == ["near", "far"]
    near, far = found.entries
    assert near.features["text"] == far.features["text"] == 1.0
    assert near.features["distance"] > 0.99
    assert 0.05 < far.features["distance"] < 0.1  # exp(-790 km / 300 km)
    assert Reason.of("distance", km=0) in near.reasons
    assert any(reason.code == "distance" and 700 < int(reason.get("km") or 0) < 900 for reason in far.reasons)
    # Without a delivery place, distance is neutral and says nothing.
    unplaced = Shortlister(build(TWINS)).shortlist(need(lat=None, lng=None))
    assert all(entry.features["distance"] == 0.5 for entry in unplaced.entries)
    assert all("distance" not in codes(entry.reasons) for entry in unplaced.entries)


def test_price_within_budget_beats_price_above_it() -> None:
    catalogue = {
        "cheap": (supplier("cheap"), [offer("cheap-1", price_min=9_000)]),
        "dear": (supplier("dear"), [offer("dear-1", price_min=12_000)]),
    }
    found = Shortlister(build(catalogue)).shortlist(need(budget=50_000_000))
    assert ids(found) == ["cheap", "dear"]
    cheap, dear = found.entries
    assert Reason.of("price_fits", unit_price=9_000, total=45_000_000, budget=50_000_000) in cheap.reasons
    assert (
        Reason.of("price_over_budget", unit_price=12_000, total=60_000_000, budget=50_000_000) in dear.reasons
    )
    assert cheap.features["price"] == 1.0
    assert dear.features["price"] == pytest.approx((50 / 60) ** 2)
    # No budget: neutral.
    assert all(
        entry.features["price"] == 0.5 for entry in Shortlister(build(catalogue)).shortlist(need()).entries
    )


def test_track_record_prefers_many_orders_on_time_over_one() -> None:
    catalogue = {
        "one": (supplier("one", orders_completed=1, orders_on_time=1), [offer("one-1")]),
        "many": (supplier("many", orders_completed=50, orders_on_time=45), [offer("many-1")]),
    }
    found = Shortlister(build(catalogue)).shortlist(need())
    assert ids(found) == ["many", "one"]
    many, one = found.entries
    assert many.features["track_record"] > one.features["track_record"]
    assert Reason.of("track_record", completed=50, on_time_pct=90) in many.reasons


def test_kbli_agreement_with_the_need_s_codes() -> None:
    catalogue = {
        "same": (supplier("same"), [offer("same-1", kbli="10794")]),
        "group": (supplier("group"), [offer("group-1", kbli="10799")]),
        "other": (supplier("other"), [offer("other-1", kbli="46311")]),
    }
    found = entries_by_id(Shortlister(build(catalogue)).shortlist(need(kbli=("10794",))))
    assert found["same"].features["codes"] == 1.0  # type: ignore[attr-defined]
    assert Reason.of("kbli_agrees", kbli="10794") in found["same"].reasons  # type: ignore[attr-defined]
    assert found["group"].features["codes"] == 0.5  # type: ignore[attr-defined]
    assert found["other"].features["codes"] == 0.0  # type: ignore[attr-defined]


def test_kbli_agreement_with_the_majority_of_the_best_matches() -> None:
    catalogue = {
        "a": (supplier("a"), [offer("a-1", kbli="10794")]),
        "b": (supplier("b"), [offer("b-1", kbli="10794")]),
        "odd": (supplier("odd"), [offer("odd-1", kbli="46311")]),
    }
    found = Shortlister(build(catalogue)).shortlist(need())
    assert ids(found)[-1] == "odd"
    assert entries_by_id(found)["odd"].features["codes"] == 0.0  # type: ignore[attr-defined]
    assert entries_by_id(found)["a"].features["codes"] == 1.0  # type: ignore[attr-defined]


def test_preferred_size_class() -> None:
    catalogue = {
        "mikro": (supplier("mikro"), [offer("mikro-1")]),
        "kecil": (supplier("kecil", size_class="kecil"), [offer("kecil-1")]),
    }
    found = Shortlister(build(catalogue)).shortlist(need(preferred_size="kecil"))
    assert ids(found) == ["kecil", "mikro"]
    assert Reason.of("size_preferred", size="kecil") in found.entries[0].reasons


def test_capacity_headroom_scores_higher() -> None:
    catalogue = {
        "just": (supplier("just"), [offer("just-1", capacity_per_month=1_900)]),  # 2.77 months: 1.05x
        "ample": (supplier("ample"), [offer("ample-1", capacity_per_month=10_000)]),
    }
    found = entries_by_id(Shortlister(build(catalogue)).shortlist(need()))
    assert found["ample"].features["capacity"] == 1.0  # type: ignore[attr-defined]
    assert 0.5 < found["just"].features["capacity"] < 0.6  # type: ignore[attr-defined]


def test_text_relevance_orders_the_rest() -> None:
    catalogue = {
        "exact": (supplier("exact"), [offer("exact-1", "Keripik Singkong Balado")]),
        "part": (supplier("part"), [offer("part-1", "Singkong Goreng Renyah Gurih")]),
    }
    found = Shortlister(build(catalogue)).shortlist(need())
    assert ids(found) == ["exact", "part"]
    assert found.entries[0].features["text"] == 1.0 > found.entries[1].features["text"]


# Reasons and the entry.


def test_entry_reasons(shortlister: Shortlister) -> None:
    lapsing = {
        "lap": (supplier("lap", certificates=(Certificate("halal", date(2027, 1, 31)),)), [offer("lap-1")])
    }
    entry = Shortlister(build(lapsing)).shortlist(need()).entries[0]
    assert entry.reasons[0] == Reason.of("matched_offer", name="Keripik Singkong Balado")
    assert Reason.of("matched_terms", terms="keripik singkong balado") in entry.reasons
    assert Reason.of("category_agrees", category="Makanan Ringan") in entry.reasons
    assert Reason.of("cert_valid", code="halal", until=date(2027, 1, 31)) in entry.reasons
    first = shortlister.shortlist(need()).entries[0]
    assert Reason.of("cert_valid", code="halal") in first.reasons  # no end, no date
    assert first.rank == 1 and 0 < first.score <= 1
    assert set(first.features) == {"text", "codes", "capacity", "distance", "price", "track_record", "size"}


def test_other_matching_offers_of_the_supplier() -> None:
    catalogue = {
        "many": (
            supplier("many"),
            [offer("many-1"), offer("many-2", "Keripik Singkong Pedas"), offer("many-3", "Kaos Polos")],
        )
    }
    entry = Shortlister(build(catalogue)).shortlist(need()).entries[0]
    assert entry.offer.id == "many-1"
    assert [other.id for other in entry.other_offers] == ["many-2"]


# Newcomer slots.


def test_newcomer_slots_scale_with_the_shortlist() -> None:
    assert [newcomer_slots(top, 2) for top in (1, 2, 3, 5, 8, 10, 20)] == [0, 0, 1, 1, 2, 2, 4]
    assert newcomer_slots(10, 0) == 0


VETERANS_AND_NEWCOMERS = {
    **{
        f"v{n:02d}": (supplier(f"v{n:02d}", orders_completed=40, orders_on_time=40), [offer(f"v{n:02d}-1")])
        for n in range(12)
    },
    "n1": (
        supplier("n1", awards_won=0, orders_completed=0, orders_on_time=0),
        [offer("n1-1", "Keripik Singkong Balado Pedas")],
    ),
    "n2": (
        supplier("n2", awards_won=0, orders_completed=0, orders_on_time=0),
        [offer("n2-1", "Keripik Singkong Balado Pedas Manis Gurih")],
    ),
    # A newcomer matching one word only, in another category: not qualified for a slot.
    "n3": (
        supplier("n3", awards_won=0, orders_completed=0, orders_on_time=0),
        [offer("n3-1", "Tepung Singkong Curah", category="Bahan Pangan")],
    ),
}


def test_newcomers_take_the_last_places_of_the_slots() -> None:
    shortlister = Shortlister(build(VETERANS_AND_NEWCOMERS))
    scored = shortlister.shortlist(need(), top=15, explain_exclusions=False)
    assert ids(scored)[:12] == sorted(ids(scored)[:12])  # veterans first: equal but for their ids
    found = shortlister.shortlist(need(), top=10)
    assert ids(found)[8:] == ["n1", "n2"]
    assert [entry.newcomer for entry in found.entries] == [False] * 8 + [True, True]
    assert Reason.of("newcomer") in found.entries[9].reasons
    assert [entry.rank for entry in found.entries] == list(range(1, 11))
    assert ids(shortlister.shortlist(need(), top=5))[4:] == ["n1"]
    # No slots: the best scores only.
    plain = Shortlister(build(VETERANS_AND_NEWCOMERS), ShortlistConfig(newcomer_slots=0))
    assert not {"n1", "n2"} & set(ids(plain.shortlist(need(), top=10)))


def test_more_says_whether_another_eligible_supplier_ranks_below() -> None:
    shortlister = Shortlister(build(VETERANS_AND_NEWCOMERS))
    found = shortlister.shortlist(need(), top=10)
    assert found.more and len(found.entries) == 10
    everyone = shortlister.shortlist(need(), top=50)
    assert not everyone.more
    assert not shortlister.shortlist(need(), top=len(everyone.entries)).more
    # Asking for one more and cutting it off is not the shortlist of ten: it loses a newcomer's place.
    longer = shortlister.shortlist(need(), top=11)
    assert ids(longer)[:10] != ids(found)


def test_weak_text_newcomer_takes_no_slot() -> None:
    catalogue = {key: value for key, value in VETERANS_AND_NEWCOMERS.items() if key != "n2"}
    found = Shortlister(build(catalogue)).shortlist(need(), top=10)
    assert ids(found)[9:] == ["n1"]
    assert "n3" not in ids(found)


# Explain.


def test_explain_an_included_supplier(shortlister: Shortlister) -> None:
    first = shortlister.shortlist(need()).entries[0]
    explained = shortlister.explain(need(), first.supplier.id)
    assert explained.included
    assert explained.entry is not None and explained.entry.rank == 1
    assert explained.reasons == ()


def test_explain_a_supplier_that_fails_rules(shortlister: Shortlister) -> None:
    explained = shortlister.explain(need(), "exp")
    assert not explained.included and explained.entry is None
    assert explained.reasons == (Reason.of("cert_expired", code="halal", until=date(2026, 7, 1)),)
    assert explained.supplier is not None and explained.supplier.id == "exp"
    assert codes(shortlister.explain(need(), "small").reasons) == ["capacity_short"]
    assert codes(shortlister.explain(need(), "unv", include_unverified=True).reasons) != ["not_verified"]


def test_explain_a_supplier_without_a_matching_offer(shortlister: Shortlister) -> None:
    explained = shortlister.explain(need(), "shirt")
    assert explained.reasons == (Reason.of("no_matching_offer"),)
    assert shortlister.explain(need(), "nobody").reasons == (Reason.of("no_matching_offer"),)


def test_explain_an_eligible_supplier_ranked_below(shortlister: Shortlister) -> None:
    full = ids(shortlister.shortlist(need(), top=10))
    last = full[-1]
    explained = shortlister.explain(need(), last, top=1)
    assert not explained.included
    assert explained.entry is not None and explained.entry.rank == len(full)
    assert explained.reasons == (Reason.of("ranked_below", rank=len(full), top=1),)


# Facts.


def test_facts_round_trip_through_the_document() -> None:
    facts = supplier(
        "rt", certificates=(HALAL, Certificate("sni", date(2027, 3, 1))), size_class=None, lat=None, lng=None
    )
    item = offer("rt-1", certificates=("halal",), hs="20052000", price_max=12_000, moq=100)
    document = offer_document(facts, item)
    assert supplier_from_facts(document.group_facts) == facts
    assert offer_from_facts(document.facts) == item
    # Through the index: a hit's facts are its supplier's (kept once per group) with its offer's.
    hit = SearchIndex.build([document]).search(item.name)[0]
    assert (supplier_from_facts(hit.facts), offer_from_facts(hit.facts)) == (facts, item)
    assert document.group == "rt"
    assert document.locality == 6171
    assert set(document.filters) == {"verified", "kabkota:61.71", "province:61", "cert:halal", "unit:bungkus"}
    assert document.valid_until == (("cert:sni", date(2027, 3, 1)),)


def test_a_certificate_without_end_outlasts_one_with_an_end() -> None:
    facts = supplier("c", certificates=(Certificate("halal", date(2020, 1, 1)), HALAL))
    assert "cert:halal" in offer_document(facts, offer("c-1")).filters
    assert offer_document(facts, offer("c-1")).valid_until == ()


def test_equal_scores_are_ranked_by_supplier_id_wherever_the_documents_sit() -> None:
    twins = {key: (supplier(key), [offer(f"{key}-1")]) for key in ("100", "10", "9")}
    for order in (["100", "10", "9"], ["9", "100", "10"]):
        shortlist = Shortlister(
            build({key: twins[key] for key in order}), ShortlistConfig(units=UNITS)
        ).shortlist(need())
        assert len({entry.score for entry in shortlist.entries}) == 1
        assert ids(shortlist) == ["9", "10", "100"]


def test_a_shortlist_reads_each_stored_product_once() -> None:
    # Reading a stored document is the costly step of a search (issue #9: server CPU per shortlist
    # page): the steps of one shortlist (feedback, scoring, capacity, reasons, "why not") share what they
    # read, and the shortlist they give is the same as when every step read for itself.
    index = build(SUPPLIERS)
    searcher = index._searcher
    read: list[tuple[int, int]] = []

    class Counting:
        def __getattr__(self, name: str) -> object:
            return getattr(searcher, name)

        def doc(self, address: tantivy.DocAddress) -> tantivy.Document:
            read.append((address.segment_ord, address.doc))
            return searcher.doc(address)

    index._searcher = Counting()  # type: ignore[assignment]
    shortlister = Shortlister(index, ShortlistConfig(units=UNITS))
    shortlist = shortlister.shortlist(need(), explain_exclusions=True)
    assert ids(shortlist) and shortlist.excluded
    # Read twice at most: without its words for scoring, then with them for the reasons shown.
    assert max(read.count(address) for address in read) <= 2
    assert len(read) < 2 * len(set(read))
    explanation = shortlister.explain(need(), "exp")
    assert codes(explanation.reasons) == ["cert_expired"]


def test_a_shortlist_finds_a_supplier_through_a_related_word_learned_from_the_catalogue() -> None:
    # Issue #14 item 2: no product says "oblong"; the platform learned that it keeps kaos's company.
    index = build(SUPPLIERS)
    line = need(text="oblong", required_certs=(), quantity=10, unit="bungkus")
    assert ids(Shortlister(index, ShortlistConfig(units=UNITS)).shortlist(line, top=5)) == []
    related = RelatedWords.of([("oblong", "kaos", 0.7)])
    found = Shortlister(index, ShortlistConfig(units=UNITS), related=related).shortlist(line, top=5)
    assert ids(found) == ["shirt"]
