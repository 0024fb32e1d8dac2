"""The fast, piece-by-piece analysis gives the same tokens as tokenizing the whole text at once."""

from __future__ import annotations

import re
import sys
import threading

import pytest

from rantai.matching.normalize import analyze, fold_text, normalize, normalize_text, pipeline, variant_table
from rantai.matching.normalize.analyze import PieceTexts, base_tokens, chunks, reference_tokens

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


# The chunks as first written, slow but plain: a piece with a digit, the pieces with a digit after it,
# and one piece more (the unit), or any other piece.
_PLAIN_CHUNK = re.compile(r"\S*[0-9]\S*(?:\s+\S*[0-9]\S*)*(?:\s+\S+)?|\S+")
CHUNKY = [
    *TRICKY,
    "a1 b2 c",
    "250 500 gr x",
    "x12",
    "ab12cd 3 kg lagi",
    "\t5\tkg\n",
    "250 gr 500 ml",
    "akhir 12",
    "1",
    "kata\x1ckata 2\x1dkg",  # separators Python counts as whitespace
]


@pytest.mark.parametrize("text", CHUNKY)
def test_chunks_are_the_plain_patterns_chunks(text: str) -> None:
    folded = fold_text(text)
    assert chunks(folded) == _PLAIN_CHUNK.findall(folded)


VARIANTS = [
    *CHUNKY,
    "Flash Disk 16 GB flash-disk",  # a variant of two words
    "kripik singkong dan kripik pisang",  # one word
    "T-Shirt polos wi fi hard disk",
    "ball point, ballpoint",
    "harinya cenderamata",  # a variant that becomes two words
]


@pytest.mark.parametrize("text", VARIANTS)
def test_normalize_text_is_normalize_joined(text: str) -> None:
    assert normalize_text(text) == " ".join(normalize(text))
    assert normalize_text(text) == " ".join(normalize(text))  # again, from the piece cache


def test_normalize_text_empties_its_cache_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analyze, "_CACHE_SIZE", 3)
    texts = PieceTexts(variant_table().firsts)
    assert texts.base_text("flash disk") == ("flash disk", True)
    assert texts.base_text("satu dua tiga") == ("satu dua tiga", False)
    assert len(texts) == 5  # emptied before a text, never in the middle of one
    assert texts.base_text("empat lima") == ("empat lima", False)
    assert len(texts) == 2
    assert texts.base_text("flash disk") == ("flash disk", True)  # marked again when made again


def test_normalize_text_under_threads_that_empty_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    """Other threads emptying the cache between this thread's lookups cost lookups, never a variant."""
    monkeypatch.setattr(analyze, "_CACHE_SIZE", 4)
    pipeline._piece_texts().clear()
    texts = [f"flash disk {number} kripik wi fi {number % 7}" for number in range(400)]
    expected = {text: " ".join(normalize(text)) for text in texts}
    wrong: list[str] = []
    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:

        def work() -> None:
            wrong.extend(text for text in texts if normalize_text(text) != expected[text])

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(switch)
        pipeline._piece_texts().clear()
    assert wrong == []
