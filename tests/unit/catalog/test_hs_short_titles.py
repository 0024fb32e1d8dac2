"""Short HS titles (issue #13): a line's own words, or its nearest meaningful ancestor's before a bare
"Lain-lain"; never longer than a phone line or two."""

from __future__ import annotations

from rantai.catalog.suggest import SHORT_TITLE_MAX, hs_short_title


def test_a_line_that_says_something_is_its_own_title() -> None:
    assert hs_short_title("Sabun lainnya termasuk sabun mandi", ["Sabun", "Sabun; produk ..."]) == (
        "Sabun lainnya termasuk sabun mandi"
    )


def test_lain_lain_takes_the_nearest_ancestor_that_says_something() -> None:
    title = hs_short_title("Lain-lain", ["Lain-lain :", "Makanan olahan diperoleh dengan menggembungkan"])
    assert title == "Makanan olahan diperoleh dengan menggembungkan — Lain-lain"


def test_long_text_is_cut_at_a_word() -> None:
    long = "Makanan olahan yang diperoleh dari keripik serealia tidak digongseng atau campuran " * 3
    title = hs_short_title(long, [])
    assert len(title) <= SHORT_TITLE_MAX and title.endswith("…")
    assert hs_short_title("Lain-lain", [long]).endswith("… — Lain-lain")
