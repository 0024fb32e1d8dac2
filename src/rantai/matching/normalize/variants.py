"""Folding spelling variants (kripik/keripik, fotocopy/fotokopi, flash disk/flashdisk) to one spelling."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache

from rantai.matching.normalize.analyze import base_tokens
from rantai.matching.normalize.lexicon import tsv_rows
from rantai.matching.normalize.phrases import Phrase, PhraseFinder


class VariantTable:
    """A mapping from variant phrases to their canonical phrase, applied longest match first."""

    def __init__(self, variants: Mapping[Phrase, Phrase]) -> None:
        self.variants = dict(variants)
        self._finder = PhraseFinder(self.variants)
        self.firsts = frozenset(variant[0] for variant in self.variants if variant)

    def fold(self, tokens: Sequence[str]) -> list[str]:
        """`tokens` with every variant phrase replaced by its canonical phrase."""
        if self.firsts.isdisjoint(tokens):
            return list(tokens)  # the common case: no variant starts anywhere
        folded: list[str] = []
        position = 0
        for start, phrase in self._finder.find(tokens):
            folded.extend(tokens[position:start])
            folded.extend(self.variants[phrase])
            position = start + len(phrase)
        folded.extend(tokens[position:])
        return folded


@cache
def variant_table() -> VariantTable:
    """The shipped table (`data/variants.tsv`), its entries analysed like any other text."""
    variants: dict[Phrase, Phrase] = {}
    for row in tsv_rows("variants.tsv", header=True):
        if len(row) != 2:
            raise ValueError(f"variants.tsv: expected 'variant<TAB>canonical', got {row!r}")
        variant, canonical = tuple(base_tokens(row[0])), tuple(base_tokens(row[1]))
        if not variant or not canonical or variant == canonical:
            raise ValueError(f"variants.tsv: {row!r} folds to nothing or to itself")
        variants[variant] = canonical
    return VariantTable(variants)


def fold_variants(tokens: Sequence[str]) -> list[str]:
    """Tokens with the shipped spelling variants folded (`kripik` -> `keripik`)."""
    return variant_table().fold(tokens)
