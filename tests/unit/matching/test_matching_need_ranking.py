"""The supplier's view: recommended open lines, relevance, and the gaps that would open more."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from rantai.matching import Certificate, Gap, NeedIndex, NeedLine, OfferFacts, Reason, SupplierFacts

TODAY = date(2026, 6, 1)


def line(text: str, **changes: object) -> NeedLine:
    base = NeedLine(text=text, today=TODAY, needed_by=date(2026, 8, 30), budget=10_000_000)
    return replace(base, **changes)  # type: ignore[arg-type]


LINES = {
    "ok": line("keripik singkong balado", required_certs=("halal",), quantity=1000, unit="bungkus"),
    "plain": line("keripik singkong", budget=20_000_000),
    "spp1": line("keripik singkong balado", required_certs=("spp_irt",), budget=30_000_000),
    "spp2": line("Keripik Singkong", required_certs=("spp_irt",), budget=40_000_000),
    "lapsed": line("keripik singkong balado", required_certs=("bpom_md",), budget=5_000_000),
    "twice": line("keripik singkong", required_certs=("spp_irt", "bpom_md"), budget=99_000_000),
    "big": line("keripik singkong 50.000 bungkus", quantity=50_000, unit="bungkus", budget=70_000_000),
    "far": line("keripik singkong balado", region="province:32", budget=80_000_000),
    "shirt": line("kaos polos hitam", budget=90_000_000),
    "desk": line("meja kantor kayu jati", budget=90_000_000),
    "banana": line("keripik pisang coklat", budget=90_000_000),
}
SUPPLIER = SupplierFacts(
    id="s1",
    name="UD Singkong Jaya",
    verified=True,
    size_class="mikro",
    kabkota="61.71",
    certificates=(Certificate("halal"), Certificate("bpom_md", date(2026, 7, 1))),
)
OFFERS = [
    OfferFacts(
        id="o1",
        name="Keripik Singkong Balado",
        category="Makanan Ringan",
        unit="bungkus",
        capacity_per_month=5_000,
        lead_time_days=0,
    )
]


@pytest.fixture(scope="module")
def needs() -> NeedIndex:
    return NeedIndex.build(LINES)


def test_recommends_relevant_lines_it_is_eligible_for(needs: NeedIndex) -> None:
    found = needs.opportunities(SUPPLIER, OFFERS)
    assert {item.line_id for item in found.recommended} == {"ok", "plain"}
    best = found.recommended[0]
    assert best.line_id == "ok"  # every word of it is in the offer
    assert best.relevance == 1.0
    assert best.offer.id == "o1"
    assert Reason.of("cert_valid", code="halal") in best.reasons
    assert (
        Reason.of("capacity_fits", per_month=5000, quantity=1000, months=3.0, unit="bungkus") in best.reasons
    )


def test_unrelated_lines_are_neither_recommended_nor_gaps(needs: NeedIndex) -> None:
    found = needs.opportunities(SUPPLIER, OFFERS)
    mentioned = {item.line_id for item in found.recommended} | {
        line_id for gap in found.gaps for line_id in gap.line_ids
    }
    assert not mentioned & {"shirt", "desk", "banana"}


def test_relevance_is_the_idf_weighted_share_of_the_line_s_words(needs: NeedIndex) -> None:
    words = {"keripik", "singkong", "balado"}
    assert needs.relevance("ok", words)[0] == 1.0
    assert needs.relevance("desk", words)[0] == 0.0
    # "keripik" is in most lines, "coklat" and "pisang" in one: sharing only "keripik" is well below half.
    assert needs.relevance("shirt", words) == (0.0, ())
    share, found = needs.relevance("banana", words)
    assert found == ("keripik",)
    assert 0 < share < 0.5
    # The rarer word weighs more than the common one.
    assert needs.relevance("plain", {"singkong"})[0] > needs.relevance("plain", {"keripik"})[0]


def test_gaps_group_single_missing_certificates_by_value(needs: NeedIndex) -> None:
    gaps = needs.opportunities(SUPPLIER, OFFERS).gaps
    spp = next(gap for gap in gaps if gap.code == "spp_irt")
    assert spp == Gap(kind="cert", lines=2, value=70_000_000, line_ids=("spp1", "spp2"), code="spp_irt")
    # bpom_md lapses on 1 July, before the needed-by day: renewing it opens the line.
    assert next(gap for gap in gaps if gap.code == "bpom_md").line_ids == ("lapsed",)
    # Two missing certificates, or a region, are no single change.
    assert all("twice" not in gap.line_ids and "far" not in gap.line_ids for gap in gaps)
    assert [gap.value for gap in gaps] == sorted((gap.value for gap in gaps), reverse=True)


def test_capacity_gap_says_the_capacity_that_opens_the_lines(needs: NeedIndex) -> None:
    gaps = needs.opportunities(SUPPLIER, OFFERS).gaps
    capacity = next(gap for gap in gaps if gap.kind == "capacity")
    # 50,000 bungkus in 90 days: 16,667 a month.
    assert capacity == Gap(
        kind="capacity",
        lines=1,
        value=70_000_000,
        line_ids=("big",),
        offer_id="o1",
        needed_per_month=16_667,
    )


def test_verification_gap(needs: NeedIndex) -> None:
    found = needs.opportunities(replace(SUPPLIER, verified=False), OFFERS)
    assert found.recommended == ()
    verification = next(gap for gap in found.gaps if gap.kind == "verification")
    assert set(verification.line_ids) == {"ok", "plain"}
    assert verification.value == 30_000_000


def test_synonyms_count_for_relevance() -> None:
    needs = NeedIndex.build({"snack": line("camilan pedas"), "other": line("meja kayu")})
    offers = [OfferFacts(id="o", name="Snack Pedas")]
    assert [item.line_id for item in needs.opportunities(SUPPLIER, offers).recommended] == ["snack"]


def test_top_limits_the_recommendations(needs: NeedIndex) -> None:
    assert len(needs.opportunities(SUPPLIER, OFFERS, top=1).recommended) == 1
    assert len(needs) == len(LINES)


def test_a_line_matching_only_the_offer_s_category_is_not_relevant() -> None:
    needs = NeedIndex.build(
        {
            "jamuan": line("Makan dan Minum Jamuan Tamu"),
            "mebel": line("Mebel"),
            "gula": line("Gula Aren"),
            "keranjang": line("Keranjang Bambu"),
        }
    )
    offers = [
        OfferFacts(id="gula", name="Gula Aren Cair", category="Makanan dan minuman olahan"),
        OfferFacts(id="keranjang", name="Keranjang Bambu Anyaman", category="Mebel dan kerajinan"),
    ]
    found = {item.line_id: item.offer.id for item in needs.opportunities(SUPPLIER, offers).recommended}
    assert found == {"gula": "gula", "keranjang": "keranjang"}


def test_category_words_add_to_a_share_the_name_opened() -> None:
    needs = NeedIndex.build({"kursi": line("kursi kerja kantor"), "other": line("meja makan")})
    chair = OfferFacts(id="o", name="Kursi Kerja Jaring", category="Perabot Kantor")
    assert needs.relevance(
        "kursi", {"kursi", "kerja", "jaring", "perabot", "kantor"}, {"kursi", "kerja"}
    ) == (
        1.0,
        ("kursi", "kerja", "kantor"),
    )
    assert needs.relevance("kursi", {"kantor", "perabot"}, {"jaring"}) == (0.0, ())
    found = needs.opportunities(SUPPLIER, [chair]).recommended
    assert [(item.line_id, item.relevance) for item in found] == [("kursi", 1.0)]


def test_a_synonym_of_a_line_word_in_the_name_opens_the_line() -> None:
    needs = NeedIndex.build({"jilbab": line("jilbab instan"), "other": line("kaos polos")})
    offers = [OfferFacts(id="o", name="Kerudung Instan Bergo", category="Busana Muslim")]
    assert [item.line_id for item in needs.opportunities(SUPPLIER, offers).recommended] == ["jilbab"]
