"""Business size under PP 7/2021 Pasal 35: boundaries, the basis used, dates of effect, bad input."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from rantai.reference.errors import CannotClassifySize
from rantai.reference.service import SizeClassification, classify_size, thresholds_in_force

MILIAR = 1_000_000_000
PP_7_2021 = dt.date(2021, 2, 2)
ON = dt.date(2025, 6, 1)


@dataclass(frozen=True)
class Threshold:
    size_class: str
    rank: int
    effective_from: dt.date
    business_capital_max: int
    annual_sales_max: int


THRESHOLDS = [
    Threshold("menengah", 3, PP_7_2021, 10 * MILIAR, 50 * MILIAR),
    Threshold("mikro", 1, PP_7_2021, 1 * MILIAR, 2 * MILIAR),
    Threshold("kecil", 2, PP_7_2021, 5 * MILIAR, 15 * MILIAR),
]


@pytest.mark.parametrize(
    ("annual_sales", "expected"),
    [
        (0, "mikro"),
        (2 * MILIAR, "mikro"),
        (2 * MILIAR + 1, "kecil"),
        (15 * MILIAR, "kecil"),
        (15 * MILIAR + 1, "menengah"),
        (50 * MILIAR, "menengah"),
        (50 * MILIAR + 1, "besar"),
    ],
)
def test_annual_sales_bounds_are_inclusive(annual_sales: int, expected: str) -> None:
    result = classify_size(THRESHOLDS, annual_sales=annual_sales, business_capital=None, on=ON)
    assert result == SizeClassification(expected, "annual_sales")


@pytest.mark.parametrize(
    ("business_capital", "expected"),
    [
        (1 * MILIAR, "mikro"),
        (1 * MILIAR + 1, "kecil"),
        (5 * MILIAR, "kecil"),
        (5 * MILIAR + 1, "menengah"),
        (10 * MILIAR, "menengah"),
        (10 * MILIAR + 1, "besar"),
    ],
)
def test_business_capital_decides_when_sales_are_unknown(business_capital: int, expected: str) -> None:
    size_class, basis = classify_size(THRESHOLDS, annual_sales=None, business_capital=business_capital, on=ON)
    assert (size_class, basis) == (expected, "business_capital")


def test_sales_win_over_capital() -> None:
    # Capital alone would make this menengah; the sales say mikro, and sales come first.
    result = classify_size(THRESHOLDS, annual_sales=500_000_000, business_capital=8 * MILIAR, on=ON)
    assert result == ("mikro", "annual_sales")


def test_the_latest_thresholds_in_force_on_the_date_apply() -> None:
    raised = [
        Threshold("mikro", 1, dt.date(2030, 1, 1), 2 * MILIAR, 4 * MILIAR),
        Threshold("kecil", 2, dt.date(2030, 1, 1), 10 * MILIAR, 30 * MILIAR),
        Threshold("menengah", 3, dt.date(2030, 1, 1), 20 * MILIAR, 100 * MILIAR),
    ]
    both = THRESHOLDS + raised
    sales = 3 * MILIAR
    assert classify_size(both, annual_sales=sales, business_capital=None, on=ON).size_class == "kecil"
    later = dt.date(2030, 1, 1)
    assert classify_size(both, annual_sales=sales, business_capital=None, on=later).size_class == "mikro"
    assert [t.size_class for t in thresholds_in_force(both, later)] == ["mikro", "kecil", "menengah"]
    assert thresholds_in_force(both, dt.date(2020, 12, 31)) == []


def test_without_figures_the_user_is_told_what_to_give() -> None:
    with pytest.raises(CannotClassifySize) as caught:
        classify_size(THRESHOLDS, annual_sales=None, business_capital=None, on=ON)
    assert "annual sales or the business capital" in caught.value.message
    assert caught.value.status_code == 422


def test_negative_amounts_are_refused_on_their_field() -> None:
    with pytest.raises(CannotClassifySize) as caught:
        classify_size(THRESHOLDS, annual_sales=None, business_capital=-1, on=ON)
    assert caught.value.field == "business_capital"


def test_a_date_before_pp_7_2021_has_no_thresholds() -> None:
    with pytest.raises(CannotClassifySize) as caught:
        classify_size(THRESHOLDS, annual_sales=1, business_capital=None, on=dt.date(2021, 2, 1))
    assert caught.value.params == {"date": "2021-02-01"}
