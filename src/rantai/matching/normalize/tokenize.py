"""Splitting folded text into word, number and quantity tokens."""

from __future__ import annotations

import re
from typing import Final

from rantai.matching.normalize.quantity import (
    NUMBER_PATTERN,
    QUANTITY_PATTERN,
    canonical_number,
    quantity_token,
    unit_token,
)
from rantai.matching.normalize.stem import stem
from rantai.matching.normalize.stopwords import stopwords

_TOKEN: Final = re.compile(
    rf"(?P<qty>{QUANTITY_PATTERN})"
    rf"|(?P<number>(?<![a-z0-9.,]){NUMBER_PATTERN})(?![a-z0-9])"
    r"|(?P<word>[a-z0-9]+(?:'[a-z0-9]+)*(?:-[a-z0-9]+(?:'[a-z0-9]+)*)*)"
)
# `2x50gr` and `40x60cm` are a count or a size times a quantity: split so the quantity is seen.
_TIMES: Final = re.compile(r"(?<=\d)x(?=\d)")


def _split_hyphenated(word: str) -> list[str]:
    """`obat-obatan` and `rambu-rambu` are one word said twice; `anti-air` is two words."""
    parts = [part for part in word.split("-") if part]
    if len(parts) > 1 and len({stem(part) for part in parts}) == 1:
        if word in stopwords():
            return []  # masing-masing, sama-sama
        # A reduplicated function word is a content word of its own: oleh-oleh (souvenirs) is not
        # oleh (by), so it stays whole rather than fall to the stopword list.
        return ["".join(parts)] if parts[0] in stopwords() else [parts[0]]
    return parts


def tokenize(folded: str) -> list[str]:
    """Tokens of already-folded text: `qty:` tokens for quantities, canonical numbers, and words.

    Apostrophes join (`l'oreal` -> `loreal`), hyphens split (`anti-air` -> `anti`, `air`) except in a
    reduplication, which counts once. Everything that is not a letter or digit separates tokens.
    """
    tokens: list[str] = []
    for match in _TOKEN.finditer(_TIMES.sub(" x ", folded)):
        if match.group("qty") is not None:
            token = quantity_token(match.group("amount"), match.group("unit"))
            unit = unit_token(match.group("unit"))
            if token is None or unit is None:
                tokens.append(canonical_number(match.group("amount")))
            else:
                tokens += [token, unit]
        elif match.group("number") is not None:
            tokens.append(canonical_number(match.group("number")))
        else:
            tokens.extend(part.replace("'", "") for part in _split_hyphenated(match.group("word")))
    return tokens
