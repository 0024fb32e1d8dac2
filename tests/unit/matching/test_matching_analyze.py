"""The fast, piece-by-piece analysis gives the same tokens as tokenizing the whole text at once."""

from __future__ import annotations

import pytest

from rantai.matching.normalize import fold_text
from rantai.matching.normalize.analyze import base_tokens, reference_tokens

TRICKY = [
    "Keripik Singkong 250 gr",
    "Kopi 0,25   kg bubuk",  # a quantity across several spaces
    "Kertas HVS 75 gr A4 isi 500 lembar",
    "Snack 2 x50gr dan 2x 50 gr",  # counts times quantities, split every way
    'TV 43" LED',
    "Baju 38,39,40 ukuran",  # a list of sizes is no decimal number
    "Harga 1.250.000,50 per 1,500,000 unit",
    "obat-obatan masing-masing oleh-oleh anti-air",
    "l'oreal men's",
    "Ｋｏｐｉ １ｋｇ CAFÉ",  # full width and accents take the slow fold
    "Tinta 664 (Magenta), 003 (Black);no.10,",
    "5 menit 5 m 5m2 12V 2,5L",
    "",
    "   ",
    "dan yang untuk",
]


@pytest.mark.parametrize("text", TRICKY)
def test_fast_path_agrees_with_whole_text_tokenizing(text: str) -> None:
    assert base_tokens(text) == reference_tokens(text)


def test_ascii_fold_matches_the_unicode_fold() -> None:
    assert fold_text("Men`s KAOS") == "men's kaos"
    assert fold_text("Kaos\u2019s CAFÉ") == "kaos's cafe"
