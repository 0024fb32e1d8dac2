"""The conservative stemmer: folds suffixes that change nothing, never merges a trade word away."""

from __future__ import annotations

import pytest

from rantai.matching.normalize import normalize, stem
from rantai.matching.normalize.stem import protected_words


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [
        ("sablonan", "sablon"),
        ("keripiknya", "keripik"),
        ("obatan", "obat"),
        ("jahitan", "jahit"),
        ("rajutan", "rajut"),
        ("sablonannya", "sablon"),  # possessive, then -an
        ("cetakan", "cetak"),  # -an, not -kan: cetak + an
    ],
)
def test_suffixes_fold(word: str, stemmed: str) -> None:
    assert stem(word) == stemmed


@pytest.mark.parametrize(
    ("word", "everyday_word"),
    [("kerajinan", "rajin"), ("pengadaan", "ada"), ("pakaian", "pakai")],
)
def test_the_issue_s_examples_stay_apart(word: str, everyday_word: str) -> None:
    assert stem(word) == word
    assert normalize(word) != normalize(everyday_word)


@pytest.mark.parametrize("word", sorted(protected_words()))
def test_every_protected_word_stays_whole(word: str) -> None:
    assert stem(word) == word
    assert normalize(word) == [word]


def test_protected_word_with_possessive_keeps_its_root() -> None:
    assert stem("pakaiannya") == "pakaian"


@pytest.mark.parametrize("word", ["keamanan", "perlengkapan", "pembangunan", "berlian", "terusan"])
def test_words_with_a_derivational_prefix_are_left_whole(word: str) -> None:
    assert stem(word) == word


@pytest.mark.parametrize("word", ["ikan", "jalan", "bahan", "pakan", "taman", "tanya"])
def test_short_words_are_left_whole(word: str) -> None:
    assert stem(word) == word


def test_words_with_digits_are_left_whole() -> None:
    assert stem("rtx3060an") == "rtx3060an"
