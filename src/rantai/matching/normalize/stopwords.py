"""Indonesian stopwords, minus the words that carry meaning in trade language."""

from __future__ import annotations

from functools import cache

from rantai.matching.normalize.lexicon import word_set


@cache
def stopwords() -> frozenset[str]:
    """The general list (Tala 2003) without the trade words kept in `stopwords_keep.txt`."""
    return word_set("stopwords_id.txt") - word_set("stopwords_keep.txt")


def is_stopword(token: str) -> bool:
    """True for a word that says nothing about what is bought or sold (`yang`, `untuk`, `lainnya`)."""
    return token in stopwords()


def remove_stopwords(tokens: list[str]) -> list[str]:
    """The tokens that are not stopwords, in order."""
    words = stopwords()
    return [token for token in tokens if token not in words]
