"""The hard rules as index filters and as Python checks, units, the production window; the features."""

from __future__ import annotations

from datetime import date

import pytest

from rantai.matching import Certificate, Filters, NeedLine, OfferFacts, Reason, SupplierFacts
from rantai.matching.eligibility import capacity, convert, months_available, need_filters, supplier_failures
from rantai.matching.features import (
    FeatureWeights,
    code_agreement,
    combine,
    majority_code,
    track_record_feature,
)
from rantai.matching.geo import haversine_km

TODAY = date(2026, 6, 1)
UNITS = {"gram": ("kg", 0.001), "kg": ("kg", 1.0), "lusin": ("buah", 12.0), "liter": ("liter", 1.0)}


def test_need_filters_hold_every_rule_but_capacity() -> None:
    need = NeedLine(
        "keripik", TODAY, needed_by=date(2026, 9, 1), required_certs=("halal", "sni"), region="province:61"
    )
    assert need_filters(need, not_groups=("s9",)) == Filters(
        all_of=("province:61", "verified", "cert:halal", "cert:sni"),
        none_of=("scale:besar", "history"),  # products only: histories are searched apart
        valid_on=date(2026, 9, 1),
        not_groups=("s9",),
    )
    open_line = NeedLine("keripik", TODAY, umkm_only=False, required_certs=("halal",))
    assert need_filters(open_line, include_unverified=True) == Filters(
        all_of=("cert:halal",), none_of=("history",), valid_on=TODAY
    )


def test_supplier_failures_in_order() -> None:
    supplier = SupplierFacts(
        "s",
        "S",
        verified=False,
        size_class="besar",
        kabkota="32.73",
        certificates=(Certificate("sni", date(2026, 7, 1)),),
    )
    need = NeedLine(
        "x", TODAY, needed_by=date(2026, 8, 1), required_certs=("halal", "sni"), region="province:61"
    )
    assert supplier_failures(supplier, need) == [
        Reason.of("not_verified"),
        Reason.of("cert_missing", code="halal"),
        Reason.of("cert_expired", code="sni", until=date(2026, 7, 1)),
        Reason.of("size_excluded", size="besar"),
        Reason.of("region_outside", region="province:61"),
    ]
    assert supplier_failures(supplier, NeedLine("x", TODAY, umkm_only=False), include_unverified=True) == []
    # Valid through the needed-by day itself.
    assert (
        supplier_failures(
            supplier,
            NeedLine("x", TODAY, needed_by=date(2026, 7, 1), required_certs=("sni",), umkm_only=False),
            include_unverified=True,
        )
        == []
    )


@pytest.mark.parametrize(
    ("amount", "unit", "to_unit", "expected"),
    [
        (1500, "gram", "kg", 1.5),
        (2, "kg", "gram", 2000),
        (3, "lusin", "buah", 36),
        (5, "bungkus", "bungkus", 5),  # the same code needs no table
        (5, "liter", "kg", None),  # different things
        (5, None, "kg", None),
        (5, "dus", "bungkus", None),  # not in the table, not the same
    ],
)
def test_convert(amount: int, unit: str | None, to_unit: str, expected: float | None) -> None:
    assert convert(amount, unit, to_unit, UNITS) == expected


def test_months_available() -> None:
    offer = OfferFacts("o", "x", lead_time_days=10)
    assert months_available(NeedLine("x", TODAY), offer) == 1.0  # no needed-by day: the horizon
    assert months_available(NeedLine("x", TODAY), offer, horizon_months=2.0) == 2.0
    assert months_available(NeedLine("x", TODAY, needed_by=date(2026, 7, 31)), offer) == pytest.approx(
        50 / 30
    )
    # Due sooner than the lead time allows: a week's window, not an exclusion for time.
    assert months_available(NeedLine("x", TODAY, needed_by=date(2026, 6, 5)), offer) == pytest.approx(7 / 30)


def test_capacity_check() -> None:
    offer = OfferFacts("o", "x", unit="kg", capacity_per_month=100)
    need = NeedLine("x", TODAY, quantity=150_000, unit="gram")
    check = capacity(offer, need, UNITS)
    assert check is not None and not check.fits and check.quantity == 150
    assert check.reason() == Reason.of("capacity_short", per_month=100, quantity=150, months=1.0, unit="kg")
    assert capacity(OfferFacts("o", "x", unit="kg"), need, UNITS) is None  # capacity unknown
    assert capacity(offer, NeedLine("x", TODAY), UNITS) is None  # no quantity
    assert capacity(offer, NeedLine("x", TODAY, quantity=5, unit="liter"), UNITS) is None


def test_code_agreement() -> None:
    assert code_agreement("10794", ["10794"], 3) == 1.0
    assert code_agreement("10794", ["107"], 3) == 1.0  # a prefix agrees
    assert code_agreement("10799", ["10794"], 3) == 0.5  # same KBLI group
    assert code_agreement("46311", ["10794"], 3) == 0.0
    assert code_agreement(None, ["10794"], 3) is None
    assert code_agreement("10794", [], 3) is None


def test_majority_code_needs_two_votes() -> None:
    assert majority_code([("a", 1.0), ("b", 0.5), ("b", 0.6)]) == "b"
    assert majority_code([("a", 1.0), (None, 1.0)]) is None
    assert majority_code([]) is None


def test_track_record_prior() -> None:
    def value(completed: int, on_time: int) -> float:
        supplier = SupplierFacts("s", "S", True, None, orders_completed=completed, orders_on_time=on_time)
        return track_record_feature(supplier)[0]

    assert value(0, 0) == pytest.approx(0.7)
    assert value(1, 1) < value(50, 45)
    assert value(50, 10) < value(0, 0)


def test_combine_is_a_weighted_mean() -> None:
    weights = FeatureWeights(text=3, codes=1, capacity=0, distance=0, price=0, track_record=0, size=0)
    assert combine({"text": 1.0, "codes": 0.0}, weights) == pytest.approx(0.75)


def test_haversine() -> None:
    assert haversine_km(0, 0, 0, 1) == pytest.approx(111.2, abs=0.1)
    assert haversine_km(-0.03, 109.33, -0.03, 109.33) == 0
