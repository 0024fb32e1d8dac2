"""Filters select inside the index: region, certificates valid on a day, verified, size class."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from datetime import date

import pytest

from rantai.matching import Document, Filters, Hit, SearchIndex
from rantai.matching.index import schema, writing

NEED_BY = date(2026, 6, 30)
DOCUMENTS = [
    # Pontianak, halal without end, SPP-IRT valid past the needed-by day.
    Document(
        "pon",
        "Keripik Pisang Pontianak 250 gr",
        "",
        "Makanan",
        ("province:61", "kabkota:61.71", "scale:mikro", "verified", "cert:halal"),
        (("cert:spp_irt", date(2027, 1, 31)),),
        locality=6171,
    ),
    # Singkawang, SPP-IRT ending exactly on the needed-by day.
    Document(
        "skw",
        "Keripik Pisang Singkawang",
        "",
        "Makanan",
        ("province:61", "kabkota:61.72", "scale:kecil"),
        (("cert:spp_irt", NEED_BY),),
        locality=6172,
    ),
    # Sambas, SPP-IRT lapsed before the needed-by day, not verified.
    Document(
        "sbs",
        "Keripik Pisang Sambas",
        "",
        "Makanan",
        ("province:61", "kabkota:61.01", "scale:mikro"),
        (("cert:spp_irt", date(2026, 6, 29)),),
        locality=6101,
    ),
    # A large firm in Bandung, halal.
    Document(
        "bdg",
        "Keripik Pisang Bandung",
        "",
        "Makanan",
        ("province:32", "kabkota:32.73", "scale:besar", "verified", "cert:halal"),
        locality=3273,
    ),
    # Renewed: an old SPP-IRT lapsed, the new one is valid.
    Document(
        "rnw",
        "Keripik Pisang Kubu Raya",
        "",
        "Makanan",
        ("province:61", "kabkota:61.12", "scale:menengah"),
        (("cert:spp_irt", date(2024, 1, 1)), ("cert:spp_irt", date(2030, 1, 1))),
        locality=6112,
    ),
]


@pytest.fixture(scope="module", params=["column", "inverted index"])
def index(request: pytest.FixtureRequest) -> Iterator[SearchIndex]:
    """The documents indexed as now (end days also a column), and as an index built before that column
    (end days in the inverted index only): both must select alike."""
    if request.param == "column":
        yield SearchIndex.build(DOCUMENTS)
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writing, "build_schema", functools.partial(schema.build_schema, until_column=False))
        built = SearchIndex.build(DOCUMENTS)
    assert not built.until_in_columns
    yield built


def test_an_index_keeps_end_days_as_a_column() -> None:
    assert SearchIndex.build(DOCUMENTS).until_in_columns


def ids(hits: Sequence[Hit]) -> set[str]:
    return {hit.id for hit in hits}


def test_no_filter_finds_all(index: SearchIndex) -> None:
    assert ids(index.search("keripik pisang")) == {"pon", "skw", "sbs", "bdg", "rnw"}


def test_region_filters_by_province_or_kabkota(index: SearchIndex) -> None:
    assert ids(index.search("keripik", filters=Filters(all_of=("province:61",)))) == {
        "pon",
        "skw",
        "sbs",
        "rnw",
    }
    assert ids(index.search("keripik", filters=Filters(all_of=("kabkota:61.72",)))) == {"skw"}
    assert index.search("keripik", filters=Filters(all_of=("kabkota:99.99",))) == []


def test_every_term_of_all_of_is_required(index: SearchIndex) -> None:
    found = index.search("keripik", filters=Filters(all_of=("province:61", "cert:halal", "verified")))
    assert ids(found) == {"pon"}


def test_any_of_needs_one_term_of_each_group(index: SearchIndex) -> None:
    either = Filters(any_of=(("kabkota:61.71", "kabkota:61.72"),))
    assert ids(index.search("keripik", filters=either)) == {"pon", "skw"}
    both_groups = Filters(any_of=(("kabkota:61.71", "kabkota:61.72"), ("scale:kecil", "scale:menengah")))
    assert ids(index.search("keripik", filters=both_groups)) == {"skw"}


def test_none_of_excludes_large_firms_from_umkm_lines(index: SearchIndex) -> None:
    umkm_only = Filters(all_of=("cert:halal",), none_of=("scale:besar",))
    assert ids(index.search("keripik", filters=umkm_only)) == {"pon"}


def test_lapsed_certificate_is_excluded_on_the_needed_by_day(index: SearchIndex) -> None:
    valid = Filters(all_of=("cert:spp_irt",), valid_on=NEED_BY)
    # pon: valid later; skw: valid through the day itself; rnw: renewed; sbs: lapsed the day before.
    assert ids(index.search("keripik", filters=valid)) == {"pon", "skw", "rnw"}
    assert ids(
        index.search("keripik", filters=Filters(all_of=("cert:spp_irt",), valid_on=date(2026, 7, 1)))
    ) == {
        "pon",
        "rnw",
    }
    # Without a day, holding the certificate is enough.
    assert ids(index.search("keripik", filters=["cert:spp_irt"])) == {"pon", "skw", "sbs", "rnw"}


def test_terms_without_end_never_lapse(index: SearchIndex) -> None:
    far = Filters(all_of=("cert:halal", "province:61"), valid_on=date(2100, 1, 1))
    assert ids(index.search("keripik", filters=far)) == {"pon"}


def test_valid_on_applies_inside_any_of(index: SearchIndex) -> None:
    either = Filters(any_of=(("cert:halal", "cert:spp_irt"),), valid_on=NEED_BY)
    assert ids(index.search("keripik", filters=either)) == {"pon", "skw", "bdg", "rnw"}


def test_filters_do_not_change_scores(index: SearchIndex) -> None:
    unfiltered = {hit.id: hit.score for hit in index.search("keripik pisang pontianak")}
    filtered = index.search(
        "keripik pisang pontianak", filters=Filters(all_of=("verified",), valid_on=NEED_BY)
    )
    assert {hit.id: hit.score for hit in filtered} == pytest.approx(
        {key: unfiltered[key] for key in ("pon", "bdg")}
    )


def test_hit_carries_name_filters_and_end_dates(index: SearchIndex) -> None:
    hit = index.search("pontianak")[0]
    assert hit.id == "pon"
    assert hit.name == "Keripik Pisang Pontianak 250 gr"
    assert set(hit.filters) == {
        "province:61",
        "kabkota:61.71",
        "scale:mikro",
        "verified",
        "cert:halal",
        "cert:spp_irt",
    }
    assert hit.valid_until == (("cert:spp_irt", date(2027, 1, 31)),)
    renewed = index.search("kubu raya")[0]
    assert renewed.valid_until == (("cert:spp_irt", date(2030, 1, 1)),)


def test_candidates_rank_without_stored_fields(index: SearchIndex) -> None:
    candidates = index.candidates({("pontianak",): 1.0, ("keripik",): 1.0}, limit=3)
    hits = index.hits(candidates)
    assert hits[0].id == "pon"
    assert [hit.score for hit in hits] == [candidate.score for candidate in candidates]
    # Same category, same key; none is 0.
    assert len({candidate.category for candidate in candidates}) == 1
    assert candidates[0].category != 0


def test_locality_orders_storage_not_results() -> None:
    moved = [
        Document(
            d.id, d.name, d.description, d.category, d.filters, d.valid_until, locality=9999 - d.locality
        )
        for d in DOCUMENTS
    ]
    one, other = SearchIndex.build(DOCUMENTS), SearchIndex.build(moved)
    filters = Filters(all_of=("province:61",), valid_on=NEED_BY)
    first = {hit.id: hit.score for hit in one.search("keripik pisang", filters=filters)}
    second = {hit.id: hit.score for hit in other.search("keripik pisang", filters=filters)}
    assert first == pytest.approx(second)


def test_filters_of_reads_a_plain_list_as_all_of() -> None:
    assert Filters.of(["province:61", "verified"]) == Filters(all_of=("province:61", "verified"))
    given = Filters(none_of=("scale:besar",))
    assert Filters.of(given) is given
    assert not Filters() and Filters(none_of=("x",))
    assert Filters(all_of=("a",), any_of=(("b", "c"),), none_of=("d",)).wanted() == {"a", "b", "c"}
