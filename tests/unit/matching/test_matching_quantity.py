"""Numbers and quantities with units fold to one token however a seller writes them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from rantai.matching.normalize import normalize, parse_number


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("5.000", Decimal(5000)),  # Indonesian thousands dot
        ("1.250.000", Decimal(1250000)),
        ("0,25", Decimal("0.25")),  # Indonesian decimal comma
        ("1.250.000,50", Decimal("1250000.50")),
        ("1,500,000", Decimal(1500000)),  # English thousands, only reading possible
        ("1,250.5", Decimal("1250.5")),  # both separators: the last one is the decimal one
        ("0.3", Decimal("0.3")),  # a dot not followed by three digits is a decimal point
        ("14.0", Decimal(14)),
        ("250", Decimal(250)),
    ],
)
def test_numbers_read_the_indonesian_way(written: str, value: Decimal) -> None:
    assert parse_number(written) == value


@pytest.mark.parametrize(
    ("written", "token"),
    [
        # mass, in grams
        ("250gr", "qty:250g"),
        ("250 g", "qty:250g"),
        ("250 gram", "qty:250g"),
        ("0,25 kg", "qty:250g"),
        ("0.25kg", "qty:250g"),
        ("1 kilo", "qty:1000g"),
        ("2 ons", "qty:200g"),
        ("500 mg", "qty:0.5g"),
        # volume, in millilitres
        ("500ml", "qty:500ml"),
        ("0,5 l", "qty:500ml"),
        ("0,5 liter", "qty:500ml"),
        ("1 ltr", "qty:1000ml"),
        ("250 cc", "qty:250ml"),
        # length, in millimetres
        ("1 m", "qty:1000mm"),
        ("100 cm", "qty:1000mm"),
        ("1000mm", "qty:1000mm"),
        ("2 meter", "qty:2000mm"),
        ("12 inch", "qty:12in"),
        ('43"', "qty:43in"),
        # counts
        ("10 pcs", "qty:10pcs"),
        ("10 buah", "qty:10pcs"),
        ("10 pc", "qty:10pcs"),
        ("1 lusin", "qty:12pcs"),
        ("2 kodi", "qty:40pcs"),
        ("5 lembar", "qty:5lembar"),
        ("3 pasang", "qty:3pasang"),
        # packaging, electricity, data
        ("2 dus", "qty:2box"),
        ("2 box", "qty:2box"),
        ("3 bungkus", "qty:3pack"),
        ("1000 watt", "qty:1000w"),
        ("1 kw", "qty:1000w"),
        ("5000mAh", "qty:5000mah"),
        ("128GB", "qty:128gb"),
    ],
)
def test_quantities_fold_to_one_token(written: str, token: str) -> None:
    assert token in normalize(written)


def test_same_amount_in_different_units_is_the_same_token() -> None:
    assert normalize("Keripik 250gr") == normalize("keripik 250 g") == normalize("KERIPIK 0,25 kg")


def test_quantity_also_gives_the_kind_of_amount() -> None:
    # 3 gr and 0,25 gr are different amounts of goods sold by the gram: the unit token links them.
    assert normalize("3 gr") == ["qty:3g", "unit:g"]
    assert "unit:g" in normalize("0,25 gr")


def test_thousands_dot_in_a_quantity() -> None:
    assert normalize("5.000 ml")[0] == "qty:5000ml"


def test_bare_numbers_are_canonical() -> None:
    assert normalize("Rp 5.000") == ["rp", "5000"]
    assert normalize("tipe 1,5") == ["tipe", "1.5"]


def test_count_times_quantity() -> None:
    assert normalize("2x50gr") == ["2", "x", "qty:50g", "unit:g"]
    assert normalize("40x60cm")[2] == "qty:600mm"


def test_unit_must_end_the_word() -> None:
    assert normalize("5 menit") == ["5", "menit"]
    assert normalize("2 in 1") == ["2", "in", "1"]


def test_a_list_of_sizes_is_not_one_decimal_number() -> None:
    assert normalize("38,39,40") == ["38", "39", "40"]


def test_letters_glued_before_a_number_make_a_model_code() -> None:
    assert normalize("N4020 W10") == ["n4020", "w10"]
