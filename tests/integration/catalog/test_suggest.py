"""Code suggestions on the real reference titles (issue #13): only codes whose title shares a word of the
product name, short HS titles with the full text kept for on demand."""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session

from rantai.catalog.suggest import SHORT_TITLE_MAX, describe, suggest


def test_keripik_gets_no_smart_card(db: Session) -> None:
    kbli = [s.code for s in suggest(db, "keripik", "kbli")]
    assert "10794" in kbli  # Industri Kerupuk, Keripik, Peyek Dan Sejenisnya
    assert "26391" not in kbli  # Industri Kartu Cerdas (Smart Card): "chip" in its description only
    assert all("keripik" in s.full_title.casefold() for s in suggest(db, "keripik", "hs"))


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("kopi bubuk arabika", "kbli", "10761"),  # Industri Pengolahan Kopi
        ("batik tulis", "kbli", "13134"),  # Industri Batik
        ("sabun mandi", "hs", "34.01.11.50"),  # Sabun lainnya termasuk sabun mandi
    ],
)
def test_real_titles_share_the_product_words(db: Session, name: str, kind: str, expected: str) -> None:
    found = suggest(db, name, kind)
    assert expected in [s.code for s in found]
    words = set(name.split())
    for s in found:  # every suggestion's title holds one of the words (folded as the analyzer does)
        assert words & set(re.findall(r"\w+", s.full_title.casefold())), s


def test_no_shared_word_no_suggestion(db: Session) -> None:
    assert suggest(db, "qwertyuiop", "kbli") == []
    assert suggest(db, "", "hs") == []


def test_hs_titles_are_short_with_the_long_text_on_demand(db: Session) -> None:
    for s in suggest(db, "keripik singkong", "hs"):
        assert len(s.title) <= SHORT_TITLE_MAX
        assert len(s.full_title) > len(s.title) and s.longer
        assert s.title != "Lain-lain"  # a bare "Lain-lain" says which heading it belongs to


def test_describe_a_chosen_code(db: Session) -> None:
    chosen = describe(db, "10794", "kbli")
    assert chosen is not None and chosen.title.startswith("Industri Kerupuk")
    assert describe(db, "99999", "kbli") is None
