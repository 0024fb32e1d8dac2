"""The curated synonym table of trade terms, used to widen a buyer's need at search time.

`camilan = makanan ringan = snack`, `seragam = baju kerja`, `ATK = alat tulis kantor`: each line of
`data/synonyms.tsv` is one group. Synonyms only widen queries; the index keeps each seller's own words.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from rantai.matching.normalize.lexicon import tsv_rows
from rantai.matching.normalize.phrases import Phrase, PhraseFinder


class SynonymTable:
    """Groups of interchangeable phrases, each phrase already normalized."""

    def __init__(self, groups: Iterable[Iterable[Phrase]]) -> None:
        self._groups_of: dict[Phrase, list[tuple[Phrase, ...]]] = {}
        for group in groups:
            members = tuple(dict.fromkeys(member for member in group if member))
            if len(members) < 2:
                continue
            for member in members:
                self._groups_of.setdefault(member, []).append(members)
        self._finder = PhraseFinder(self._groups_of)

    def alternatives(self, tokens: Sequence[str]) -> list[Phrase]:
        """The phrases that may stand for a phrase found in `tokens`, minus those already there."""
        return list(dict.fromkeys(alternative for _, alternative in self.expansions(tokens)))

    def expansions(self, tokens: Sequence[str]) -> list[tuple[Phrase, Phrase]]:
        """(phrase found in `tokens`, a phrase that may stand for it), for every alternative not already
        in `tokens`; an alternative of two found phrases is given with the first."""
        found = [phrase for _, phrase in self._finder.find(tokens)]
        present = set(found)
        pairs: dict[Phrase, Phrase] = {}
        for phrase in found:
            for group in self._groups_of[phrase]:
                for member in group:
                    if member not in present and member not in pairs:
                        pairs[member] = phrase
        return [(phrase, member) for member, phrase in pairs.items()]


@cache
def synonym_table() -> SynonymTable:
    """The shipped table (`data/synonyms.tsv`), its members normalized like any other text."""
    # Imported here because normalize() itself sits above this module in the package.
    from rantai.matching.normalize.pipeline import normalize  # noqa: PLC0415

    return SynonymTable((tuple(normalize(member)) for member in row) for row in tsv_rows("synonyms.tsv"))


def expand_synonyms(tokens: Sequence[str]) -> list[Phrase]:
    """Alternative phrases from the shipped synonym table for the normalized tokens of a need."""
    return synonym_table().alternatives(tokens)


def synonym_pairs(tokens: Sequence[str]) -> list[tuple[Phrase, Phrase]]:
    """(phrase of the need, alternative) pairs from the shipped synonym table (`SynonymTable.expansions`)."""
    return synonym_table().expansions(tokens)
