"""`normalize`: the one function the index and the matcher call on every text."""

from __future__ import annotations

from functools import cache

from rantai.matching.normalize.analyze import PieceTexts, base_tokens
from rantai.matching.normalize.variants import fold_variants, variant_table


def normalize(text: str) -> list[str]:
    """Tokens of trade text for indexing and matching.

    Folds case, punctuation and accents; turns quantities into `qty:` tokens (`250gr`, `0,25 kg` ->
    `qty:250g`); drops stopwords; stems conservatively (`sablonan` -> `sablon`, never `pakaian` ->
    `pakai`); folds spelling variants (`kripik` -> `keripik`).
    """
    return fold_variants(base_tokens(text))


@cache
def _piece_texts() -> PieceTexts:
    return PieceTexts(variant_table().firsts)


def normalize_text(text: str) -> str:
    """`normalize(text)` joined by single spaces, as the index stores it: the same tokens, made faster.

    A bulk build normalizes millions of texts of a few words each, nearly all seen before. So each
    piece's tokens are kept as text, a text is its pieces' texts joined, and only a text with a piece
    that may start a spelling variant (`flash` of `flash disk`) goes through the token lists.
    """
    joined, marked = _piece_texts().base_text(text)
    if marked:
        return " ".join(fold_variants(joined.split()))
    return joined
