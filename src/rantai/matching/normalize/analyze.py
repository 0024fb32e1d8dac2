"""The word-level steps of normalization, before any table lookup: fold, tokenize, drop stopwords, stem.

Indexing a million products runs these steps on tens of millions of words, most of them words seen
before. So the folded text is cut at whitespace and each piece is analysed once and remembered; only a
piece with a digit goes, with the pieces its quantity may reach (`250 gr`, `2 x 50 gr`), through the
full tokenizer, because a quantity is the one token that can span whitespace. The result is the same as
tokenizing the whole text at once (a test compares both on tricky text; the quality harness on real
titles).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Final

from rantai.matching.normalize.fold import fold_text
from rantai.matching.normalize.stem import stem
from rantai.matching.normalize.stopwords import stopwords
from rantai.matching.normalize.tokenize import tokenize

# Enough for the vocabulary of a large catalogue (distinct pieces, not texts); about 30 MB when full.
_CACHE_SIZE: Final = 1 << 17
# A chunk is a piece of text between whitespace, except that a piece with a digit may start a quantity
# whose unit is the next piece (`250 gr`), and that piece may hold a digit again (`2 x50gr`): the pieces
# a quantity can reach form one chunk, tokenized as one text.
# Written for speed, the same chunks as `\S*[0-9]\S*(?:\s+\S*[0-9]\S*)*(?:\s+\S+)?|\S+`: a piece
# without a digit (most pieces) is read once by the first branch, and possessive repeats never
# backtrack through a piece (together 40% less time on product titles).
_CHUNK: Final = re.compile(r"[^\s0-9]++(?!\S)|[^\s0-9]*+[0-9]\S*+(?:\s++[^\s0-9]*+[0-9]\S*+)*+(?:\s++\S++)?+")
_DIGIT: Final = re.compile(r"[0-9]")


def _content_tokens(tokens: list[str]) -> tuple[str, ...]:
    """Stopwords dropped, the rest stemmed."""
    words = stopwords()
    kept = []
    for token in tokens:
        if token in words:
            continue
        stemmed = stem(token)
        # A possessive can hide a stopword (`harinya` -> `hari`); check again after stemming.
        if stemmed not in words:
            kept.append(stemmed)
    return tuple(kept)


@lru_cache(maxsize=_CACHE_SIZE)
def _piece_tokens(piece: str) -> tuple[str, ...]:
    """The content tokens of one whitespace-free piece of folded text (or of a quantity run)."""
    return _content_tokens(tokenize(piece))


def chunks(folded: str) -> list[str]:
    """The pieces of folded text that are analysed apart (`_CHUNK`); without a digit, its words."""
    return _CHUNK.findall(folded) if _DIGIT.search(folded) else folded.split()


def base_tokens(text: str) -> list[str]:
    """Tokens of `text` after folding, tokenizing, stopword removal and stemming (no variant folding)."""
    return [token for chunk in chunks(fold_text(text)) for token in _piece_tokens(chunk)]


# Put before the text of a piece that holds a marked token: the mark travels with the text, so a text
# learns whether it holds one from its own joined string (no token holds a control character).
_MARK: Final = "\x01"


class PieceTexts(dict[str, str]):
    """Piece -> its content tokens joined by spaces, made on first use (`base_text`); the text of a piece
    whose tokens `marked` picks (the variant table's first words) starts with a mark, so one scan of
    a joined text says whether it needs more than its pieces' texts. Bounded: it is emptied, between
    texts, when full (another thread's lookups then only miss)."""

    def __init__(self, marked: frozenset[str]) -> None:
        super().__init__()
        self.marked = marked

    def __missing__(self, piece: str) -> str:
        tokens = _piece_tokens(piece)
        text = " ".join(tokens)
        if not self.marked.isdisjoint(tokens):
            text = _MARK + text
        self[piece] = text
        return text

    def base_text(self, text: str) -> tuple[str, bool]:
        """`base_tokens(text)` joined by spaces, and whether a piece of it holds a marked token."""
        if len(self) >= _CACHE_SIZE:
            self.clear()
        joined = " ".join(filter(None, map(self.__getitem__, chunks(fold_text(text)))))
        if _MARK in joined:
            return joined.replace(_MARK, ""), True
        return joined, False


def reference_tokens(text: str) -> list[str]:
    """`base_tokens` the slow, obvious way: the whole folded text through the tokenizer at once."""
    return list(_content_tokens(tokenize(fold_text(text))))
