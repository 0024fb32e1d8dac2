"""Stopwords go; the words that matter in trade stay."""

from __future__ import annotations

import pytest

from rantai.matching.normalize import is_stopword, normalize, remove_stopwords
from rantai.matching.normalize.lexicon import word_set


def test_common_function_words_go() -> None:
    assert normalize("kaos yang untuk dan dengan lainnya") == ["kaos"]


def test_stopword_hidden_by_a_possessive_goes() -> None:
    assert normalize("kirim harinya") == ["kirim"]


@pytest.mark.parametrize("word", sorted(word_set("stopwords_keep.txt")))
def test_trade_words_of_the_general_list_stay(word: str) -> None:
    assert not is_stopword(word)
    assert word in normalize(f"kaos {word}")


def test_every_kept_word_is_in_the_general_list() -> None:
    # A keep entry missing from the list would be dead configuration (a typo, or a word never dropped).
    assert word_set("stopwords_keep.txt") <= word_set("stopwords_id.txt")


def test_trade_phrases_keep_their_meaning() -> None:
    assert normalize("celana dalam") == ["celana", "dalam"]
    assert normalize("tempat sampah besar") == ["tempat", "sampah", "besar"]
    assert normalize("keripik rasa balado") == ["keripik", "rasa", "balado"]


def test_remove_stopwords_keeps_order() -> None:
    assert remove_stopwords(["meja", "yang", "kursi"]) == ["meja", "kursi"]
