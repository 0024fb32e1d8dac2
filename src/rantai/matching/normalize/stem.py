"""A deliberately conservative Indonesian stemmer for trade text.

Full Indonesian stemmers (Nazief-Adriani, Sastrawi) strip prefixes and confixes and so merge trade words
with everyday words: kerajinan (handicraft) becomes rajin (diligent), pengadaan (procurement) ada
(exist), pakaian (clothing) pakai (use). Product titles and procurement lines are noun phrases, where
those merges cost more than they bring. This stemmer therefore only

- drops the possessive `-nya` (keripiknya -> keripik), and
- drops the nominal suffix `-an` from a bare root (sablonan -> sablon, obatan -> obat),

and never touches a word with a derivational prefix (ke-, pe-, per-, peng-, me-, ber-, ter-, di-), a
word shorter than six letters, a word with digits, or a word in `data/protected_words.txt`.
"""

from __future__ import annotations

from functools import cache
from typing import Final

from rantai.matching.normalize.lexicon import word_set

# A word starting like this and ending in -an is a confix noun (ke-an, pe-an, per-an, ber-an): its
# meaning is not its root's, so it is kept whole.
_CONFIX_PREFIXES: Final = ("ke", "pe", "me", "ber", "ter", "di")
_MIN_STEM: Final = 4


@cache
def protected_words() -> frozenset[str]:
    """Words the stemmer leaves whole (see `data/protected_words.txt` for why each is there)."""
    return word_set("protected_words.txt")


@cache
def stem(word: str) -> str:
    """The stem of one lower-case token, or the token itself when stripping would be unsafe."""
    protected = protected_words()
    if word in protected or not word.isalpha():
        return word
    if word.endswith("nya") and len(word) - 3 >= _MIN_STEM:
        word = word[:-3]
        if word in protected:
            return word
    if word.endswith("an") and len(word) - 2 >= _MIN_STEM and not word.startswith(_CONFIX_PREFIXES):
        return word[:-2]
    return word
