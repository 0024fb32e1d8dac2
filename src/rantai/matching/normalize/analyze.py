"""The word-level steps of normalization, before any table lookup: fold, tokenize, drop stopwords, stem."""

from __future__ import annotations

from rantai.matching.normalize.fold import fold_text
from rantai.matching.normalize.stem import stem
from rantai.matching.normalize.stopwords import stopwords
from rantai.matching.normalize.tokenize import tokenize


def base_tokens(text: str) -> list[str]:
    """Tokens of `text` after folding, tokenizing, stopword removal and stemming (no variant folding)."""
    words = stopwords()
    tokens = []
    for token in tokenize(fold_text(text)):
        if token in words:
            continue
        stemmed = stem(token)
        # A possessive can hide a stopword (`harinya` -> `hari`); check again after stemming.
        if stemmed not in words:
            tokens.append(stemmed)
    return tokens
