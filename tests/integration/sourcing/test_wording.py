"""Reasons worded in the user's language, with the issue's own examples."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from rantai.matching import Reason
from rantai.sourcing.wording import Vocabulary, describe


def reason(reason_code: str, /, **params: object) -> Reason:
    return Reason(reason_code, tuple(params.items()))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("given", "indonesian"),
    [
        (
            reason("matched_offer", name="Keripik Singkong Balado 250 g"),
            "cocok dengan produk Keripik Singkong Balado 250 g",
        ),
        (
            reason("cert_valid", code="halal", until=dt.date(2027, 3, 31)),
            "sertifikat Halal berlaku s.d. Mar 2027",
        ),
        (reason("cert_valid", code="spp_irt"), "sertifikat SPP-IRT (tanpa masa berlaku)"),
        (
            reason("capacity_fits", per_month=2000, quantity=5000, months=3, unit="bungkus"),
            "kapasitas 2.000/bulan cukup untuk 5.000 bungkus dalam 3 bulan",
        ),
        (reason("distance", km=12), "jarak 12 km"),
        (
            reason("price_fits", unit_price=9000, total=45_000_000, budget=50_000_000),
            "harga Rp9.000 per satuan: total Rp45.000.000, dalam pagu Rp50.000.000",
        ),
        (reason("newcomer"), "pendatang baru: belum pernah menang di Rantai"),
        (
            reason("cert_expired", code="sni", until=dt.date(2026, 10, 31)),
            "sertifikat SNI kedaluwarsa sebelum tanggal dibutuhkan (berlaku s.d. Okt 2026)",
        ),
        (
            reason("capacity_short", per_month=200, quantity=1000, months=1, unit="buah"),
            "kapasitas 200/bulan < 1.000 buah diminta (dalam 1 bulan)",
        ),
        (reason("not_verified"), "belum terverifikasi"),
        (reason("size_excluded", size="besar"), "usaha besar: paket ini khusus UMKM"),
        (reason("no_matching_offer"), "tidak ada produknya yang cocok dengan kebutuhan ini"),
        (
            reason("ranked_below", rank=14, top=10),
            "memenuhi syarat, tetapi di peringkat 14 sedangkan daftar pendek memuat 10",
        ),
    ],
)
def test_reasons_in_indonesian(db: Session, given: Reason, indonesian: str) -> None:
    assert describe(given, Vocabulary(db, "id")) == indonesian


def test_reasons_in_english_with_a_singular_for_one(db: Session) -> None:
    english = Vocabulary(db, "en")
    assert describe(reason("capacity_fits", per_month=800, quantity=500, months=1, unit="pak"), english) == (
        "capacity 800/month is enough for 500 pack in 1 month"
    )
    assert (
        describe(reason("track_record", completed=1, on_time_pct=100), english)
        == "1 order completed, 100% on time"
    )
    assert (
        describe(reason("track_record", completed=12, on_time_pct=75), english)
        == "12 orders completed, 75% on time"
    )
    assert describe(reason("distance", km=1250), english) == "1,250 km away"


def test_an_unknown_code_is_shown_plainly(db: Session) -> None:
    assert describe(reason("future_rule"), Vocabulary(db, "id")) == "future rule"


def test_what_was_won_and_what_is_covered_in_english(db: Session) -> None:
    english = Vocabulary(db, "en")
    assert describe(reason("won_similar", count=3, year=2025), english) == "won 3 similar packages in 2025"
    assert describe(reason("won_similar", count=1, year=2026), english) == "won 1 similar package in 2026"
    assert describe(reason("won_similar", count=2), english) == "won 2 similar packages"
    assert describe(reason("won_here", count=4), english) == "won 4 packages delivered to this place"
    assert describe(reason("won_here", count=1), english) == "won 1 package delivered to this place"
    partial = reason("capacity_partial", per_month=2700, quantity=20000, months=1, unit="buah", share_pct=13)
    assert describe(partial, english) == (
        "covers part: capacity 2,700/month is 13% of 20,000 piece in 1 month"
    )
