"""`normalize`: the one function the index and the matcher call on every text."""

from __future__ import annotations

from rantai.matching.normalize.analyze import base_tokens
from rantai.matching.normalize.variants import fold_variants


def normalize(text: str) -> list[str]:
    """Tokens of trade text for indexing and matching.

    Folds case, punctuation and accents; turns quantities into `qty:` tokens (`250gr`, `0,25 kg` ->
    `qty:250g`); drops stopwords; stems conservatively (`sablonan` -> `sablon`, never `pakaian` ->
    `pakai`); folds spelling variants (`kripik` -> `keripik`).
    """
    return fold_variants(base_tokens(text))
