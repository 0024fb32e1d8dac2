"""The reservation check of an award (issue #11): inside [floor, ceiling] only the allowed size classes may
win, outside it and without a rule anything goes; the message names the rule, the range and the winners;
the shipped rules load and pass their checks."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rantai.identity.roles import BUYER_TYPES
from rantai.reference import reservation
from rantai.reference.datasets import DATASETS, build_umkm_reservations, read_contents
from rantai.reference.errors import ReferenceDataError
from rantai.reference.reservation import (
    MSG_RESERVED_BROKEN,
    SIZE_CODES,
    ReservationRule,
    Standing,
    Winner,
    check_award,
    explain,
    parse_size_classes,
)

JUTA = 1_000_000
MILIAR = 1_000_000_000
BUMN = ReservationRule(
    buyer_kind="bumn",
    effective_from=dt.date(2023, 3, 3),
    floor=250 * JUTA,
    ceiling=14 * MILIAR,
    size_classes=SIZE_CODES,
    legal_basis="Peraturan Menteri BUMN PER-2/MBU/03/2023",
)
INSTANSI = ReservationRule(
    buyer_kind="instansi_pemerintah",
    effective_from=dt.date(2021, 2, 2),
    floor=0,
    ceiling=15 * MILIAR,
    size_classes=("mikro", "kecil", "koperasi"),
    legal_basis="Perpres 12/2021",
)
SIZES = ("mikro", "kecil", "menengah", "besar", None)


# --- the rule's range, bounds included ---


@pytest.mark.parametrize(
    ("total", "standing", "allowed"),
    [
        (0, Standing.BELOW_FLOOR, True),
        (250 * JUTA - 1, Standing.BELOW_FLOOR, True),
        (250 * JUTA, Standing.RESERVED, False),  # "mulai dari": the floor is inside
        (1_200 * JUTA, Standing.RESERVED, False),
        (14 * MILIAR, Standing.RESERVED, False),  # "sampai dengan": the ceiling is inside
        (14 * MILIAR + 1, Standing.ABOVE_CEILING, True),
    ],
)
def test_a_large_winner_breaks_the_rule_only_inside_its_range(
    total: int, standing: Standing, allowed: bool
) -> None:
    verdict = check_award(BUMN, total, [Winner("PT Besar Sekali", "besar")])
    assert verdict.standing is standing
    assert verdict.allowed is allowed
    assert verdict.reserved is (standing is Standing.RESERVED)
    assert (verdict.message is None) is allowed


def test_no_rule_lets_anything_win() -> None:
    verdict = check_award(
        None, 1_200 * JUTA, [Winner("PT Besar Sekali", "besar"), Winner("Tanpa Data", None)]
    )
    assert verdict.allowed
    assert verdict.standing is Standing.NO_RULE
    assert verdict.rule is None
    assert verdict.message is None
    assert explain(verdict, "en") is None


def test_a_cooperative_counts_as_koperasi_whatever_its_size() -> None:
    koperasi = Winner("Koperasi Tani Makmur", None, koperasi=True)
    assert check_award(INSTANSI, 5 * MILIAR, [koperasi]).allowed
    assert check_award(INSTANSI, 5 * MILIAR, [Winner("Koperasi Besar", "besar", koperasi=True)]).allowed
    # A rule leaving cooperatives out judges a cooperative by its size alone.
    umkm_only = ReservationRule("bumn", dt.date(2030, 1, 1), 0, MILIAR, ("mikro", "kecil", "menengah"), "X")
    assert not check_award(umkm_only, MILIAR, [koperasi]).allowed
    assert check_award(umkm_only, MILIAR, [Winner("Koperasi Kecil", "kecil", koperasi=True)]).allowed


def test_a_medium_business_may_win_from_a_bumn_but_not_from_a_government_agency() -> None:
    menengah = [Winner("CV Sedang", "menengah")]
    assert check_award(BUMN, 5 * MILIAR, menengah).allowed
    verdict = check_award(INSTANSI, 5 * MILIAR, menengah)
    assert not verdict.allowed
    assert verdict.breaches == tuple(menengah)


def test_every_winner_of_a_split_award_counts() -> None:
    winners = [Winner("CV Maju", "kecil"), Winner("PT Besar", "besar"), Winner("UD Baru", None)]
    verdict = check_award(BUMN, 2 * MILIAR, winners)
    assert not verdict.allowed
    assert [w.name for w in verdict.breaches] == ["PT Besar", "UD Baru"]  # unknown size: not proven UMKM
    assert verdict.message == MSG_RESERVED_BROKEN
    assert verdict.params == {
        "total": 2 * MILIAR,
        "floor": 250 * JUTA,
        "ceiling": 14 * MILIAR,
        "basis": "Peraturan Menteri BUMN PER-2/MBU/03/2023",
        "size_classes": SIZE_CODES,
        "breaches": (("PT Besar", "besar", False), ("UD Baru", None, False)),
    }


def test_a_negative_total_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="negative"):
        check_award(BUMN, -1, [])


# --- the invariant ---

winners = st.lists(
    st.builds(
        Winner,
        name=st.text(min_size=1, max_size=10),
        size_class=st.sampled_from(SIZES),
        koperasi=st.booleans(),
    ),
    max_size=5,
)


@st.composite
def rules(draw: st.DrawFn) -> ReservationRule:
    floor = draw(st.integers(0, 10**13))
    ceiling = draw(st.integers(floor, 10**14))
    classes = draw(st.sets(st.sampled_from(SIZE_CODES), min_size=1))
    return ReservationRule(
        "bumn", dt.date(2023, 3, 3), floor, ceiling, parse_size_classes("|".join(classes)), "X"
    )


@given(rule=rules(), total=st.integers(0, 10**15), chosen=winners)
def test_inside_the_range_only_allowed_classes_pass_and_outside_anything_passes(
    rule: ReservationRule, total: int, chosen: list[Winner]
) -> None:
    verdict = check_award(rule, total, chosen)
    inside = rule.floor <= total <= rule.ceiling
    assert verdict.reserved is inside
    if not inside:
        assert verdict.allowed
        assert verdict.breaches == ()
        return
    fits = [bool(w.classes & set(rule.size_classes)) for w in chosen]
    assert verdict.allowed is all(fits)
    assert list(verdict.breaches) == [w for w, ok in zip(chosen, fits, strict=True) if not ok]
    assert (verdict.message is None) is verdict.allowed


@given(rule=rules(), total=st.integers(0, 10**15), chosen=winners)
def test_a_refusal_always_words_its_winners(rule: ReservationRule, total: int, chosen: list[Winner]) -> None:
    verdict = check_award(rule, total, chosen)
    text = explain(verdict, "en")
    assert (text is None) is verdict.allowed
    for winner in verdict.breaches:
        assert text is not None and winner.name in text


# --- the words ---


def test_the_message_names_the_rule_the_range_and_who_breaks_it() -> None:
    verdict = check_award(BUMN, 1_200 * JUTA, [Winner("PT X", "besar")])
    assert explain(verdict, "en") == (
        "This package of IDR1,200,000,000 is reserved for UMKM and cooperatives "
        "(Peraturan Menteri BUMN PER-2/MBU/03/2023, IDR250 million to IDR14 billion); PT X is a large business. "
        "Record an exception with its reason for the approver, or award the package to UMKM and cooperatives."
    )
    indonesian = explain(verdict, "id")
    assert indonesian is not None
    assert "Rp1.200.000.000" in indonesian
    assert "Rp250 juta" in indonesian
    assert "Rp14 miliar" in indonesian


def test_a_rule_from_zero_says_up_to_and_names_its_classes() -> None:
    verdict = check_award(INSTANSI, 15 * MILIAR, [Winner("CV Sedang", "menengah"), Winner("PT Y", "besar")])
    text = explain(verdict, "en")
    assert text is not None
    assert (
        "reserved for micro and small businesses and cooperatives (Perpres 12/2021, up to IDR15 billion)"
        in text
    )
    assert "CV Sedang is a medium business and PT Y is a large business" in text


def test_a_bound_that_is_not_round_is_written_in_full() -> None:
    odd = ReservationRule("bumn", dt.date(2030, 1, 1), 1_234_567, 2_500 * JUTA, ("mikro",), "X")
    text = explain(check_award(odd, 2 * MILIAR, [Winner("PT X", "besar")]), "en")
    assert text is not None
    assert "IDR1,234,567 to IDR2.5 billion" in text


# --- the rule and the shipped data ---


@pytest.mark.parametrize(
    ("floor", "ceiling", "classes", "complaint"),
    [
        (-1, 10, ("mikro",), "floor <= ceiling"),
        (11, 10, ("mikro",), "floor <= ceiling"),
        (0, 10, (), "size classes must be known codes"),
        (0, 10, ("kecil", "mikro"), "size classes must be known codes"),
        (0, 10, ("besar",), "unknown size classes"),
    ],
)
def test_a_rule_refuses_a_bad_range_or_classes(
    floor: int, ceiling: int, classes: tuple[str, ...], complaint: str
) -> None:
    with pytest.raises(ValueError, match=complaint):
        ReservationRule("bumn", dt.date(2030, 1, 1), floor, ceiling, classes, "X")


def test_size_classes_parse_in_order_and_refuse_unknown_codes() -> None:
    assert parse_size_classes(" koperasi|kecil |mikro") == ("mikro", "kecil", "koperasi")
    assert parse_size_classes("") == ()
    with pytest.raises(ValueError, match="besar"):
        parse_size_classes("mikro|besar")


def test_the_buyer_kinds_are_the_buyer_organization_types() -> None:
    assert set(reservation.BUYER_KINDS) == {t.value for t in BUYER_TYPES}


def test_the_shipped_rules_cover_every_buyer_kind() -> None:
    dataset = next(d for d in DATASETS if d.name == "umkm_reservation")
    rows = {row["buyer_kind"]: row for row in build_umkm_reservations(read_contents(dataset))}
    assert set(rows) == set(reservation.BUYER_KINDS)
    bumn, instansi = rows["bumn"], rows["instansi_pemerintah"]
    assert (bumn["floor"], bumn["ceiling"], bumn["size_classes"]) == (
        250 * JUTA,
        14 * MILIAR,
        "mikro|kecil|menengah|koperasi",
    )
    assert bumn["effective_from"] == dt.date(2023, 3, 3)
    assert (instansi["floor"], instansi["ceiling"], instansi["size_classes"]) == (
        0,
        15 * MILIAR,
        "mikro|kecil|koperasi",
    )
    assert instansi["effective_from"] == dt.date(2021, 2, 2)
    for kind in ("swasta_besar", "pembeli_global"):  # a row that says "no rule", on purpose
        assert (rows[kind]["ceiling"], rows[kind]["size_classes"]) == (None, "")


HEADER = "buyer_kind,effective_from,floor,ceiling,size_classes,legal_basis,note\n"


@pytest.mark.parametrize(
    ("line", "complaint"),
    [
        ("bumn,2023-03-03,20,10,mikro,X,", "floor 20 must lie between 0 and the ceiling 10"),
        ("bumn,2023-03-03,-5,10,mikro,X,", "floor -5"),
        ("bumn,2023-03-03,0,10,mikro|besar,X,", "unknown size classes ['besar']"),
        ("bumn,2023-03-03,0,10,,X,", "must name the size classes"),
        ("swasta_besar,2023-03-03,0,,mikro,X,", "reserves nothing"),
        ("umkm,2023-03-03,0,10,mikro,X,", "unknown buyer kind"),
        (
            "bumn,2023-03-03,0,10,mikro,X,\nbumn,2023-03-03,0,12,mikro,Y,",
            "two rows for one buyer kind and date",
        ),
    ],
)
def test_the_loader_refuses_a_bad_rule(line: str, complaint: str) -> None:
    with pytest.raises(ReferenceDataError, match=re.escape(complaint)):
        build_umkm_reservations({"umkm_reservation.csv": HEADER + line + "\n"})
