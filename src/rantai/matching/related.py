"""Related words learned from the platform's own texts (issue #14, item 2), as the engine uses them.

The hand-kept synonym groups (`normalize.synonyms`) know `camilan = snack`; they cannot know every way
sellers and buyers of this platform write about a thing. A table learned from the catalogue's own words
(`rantai.catalog.relatedness`: words that keep the same company across product names, descriptions and
need lines) adds what they missed: `kaos` and `tshirt`, `sepatu` and `sneakers`. The engine receives the
table as plain data (it reads no file): `RelatedWords` maps a normalized word to its related words, best
first, each with a strength (0..1, how alike their company is).

A need's word widens to its related words under a guard against common words (`expansions`): a related
word never weighs more than the need's word it comes from, its weight is lowered by the ratio of their
IDFs when it is the rarer word (as a synonym's is), a much commoner word than the need's own is not taken at all (it would
find everything), and each word takes at most `per_word` of them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

Related = tuple[tuple[str, float], ...]


@dataclass(frozen=True, slots=True)
class RelatedWords:
    """word -> its related words, best first, each with a strength in (0, 1]. `version` names what it
    was learned from (the model file's digest), for tracing; empty for a table made by hand."""

    table: Mapping[str, Related] = field(default_factory=lambda: MappingProxyType({}))
    version: str = ""

    @classmethod
    def of(cls, pairs: Iterable[tuple[str, str, float]], *, version: str = "") -> RelatedWords:
        """A table from (word, related word, strength) triples; each word's list is sorted best first.
        Strengths outside (0, 1] are clipped to it and a word related to itself is left out."""
        table: dict[str, list[tuple[str, float]]] = {}
        for word, other, strength in pairs:
            if word and other and word != other and strength > 0:
                table.setdefault(word, []).append((other, min(1.0, float(strength))))
        return cls(
            MappingProxyType(
                {
                    word: tuple(sorted(dict(found).items(), key=lambda item: (-item[1], item[0])))
                    for word, found in table.items()
                }
            ),
            version,
        )

    def __len__(self) -> int:
        return len(self.table)

    def __bool__(self) -> bool:
        return bool(self.table)

    def related(self, word: str) -> Related:
        """`word`'s related words, best first (empty when it has none)."""
        return self.table.get(word, ())


NO_RELATED_WORDS = RelatedWords()


def expansions(
    related: RelatedWords,
    query: Mapping[tuple[str, ...], float],
    *,
    doc_freq: Callable[[str], int],
    num_docs: int,
    weight: float,
    per_word: int,
    max_commoner: float,
    max_share: float = 1.0,
) -> dict[str, tuple[str, float]]:
    """The related words that widen `query` (single words and their weights) in an index of `num_docs`
    items with `doc_freq`: related word -> (the query
    word it stands for, its weight). Words already in the query are left out; a word related to several
    query words stands for the one giving it the highest weight.

    The guard: the weight is `weight` * strength * the query word's weight, times idf(word) /
    idf(related) when the related word is the rarer (so that an item holding it scores no more than
    that share of an item holding the need's own word: BM25 alone would rank a rare related word above
    the need's own), so never above the query word's own weight when `weight` <= 1; a related word with
    less than `max_commoner` times the query word's IDF (a much commoner word, which would find
    everything: 0.5 is about the square of its document frequency) is not taken at all. A query word held
    by more than `max_share` of the items is not widened: it finds enough by itself, and each related
    word is one more clause for every search of the shortlist.
    """
    found: dict[str, tuple[str, float]] = {}
    if weight <= 0 or per_word <= 0 or not related or num_docs <= 0:
        return found

    def idf(term: str) -> float:
        # BM25's IDF, as the index scores a term; 0 for a term no item holds (nothing to find with it).
        df = doc_freq(term)
        return math.log(1 + (num_docs - df + 0.5) / (df + 0.5)) if df > 0 else 0.0

    present = {phrase[0] for phrase in query if len(phrase) == 1}
    for phrase, own in query.items():
        if len(phrase) != 1 or own <= 0:
            continue
        word = phrase[0]
        candidates = related.related(word)
        if not candidates:
            continue
        if doc_freq(word) > max_share * num_docs:
            continue  # a word this many items hold finds enough by itself: no clauses spent on it
        # A need word no item holds counts as the rarest word any item holds (held by one).
        own_idf = idf(word) or math.log(1 + (num_docs - 0.5) / 1.5)
        taken = 0
        for other, strength in candidates:
            if taken >= per_word:
                break
            if other in present:
                continue
            other_idf = idf(other)
            if other_idf <= 0 or other_idf < max_commoner * own_idf:
                continue  # absent from the index (nothing to find) or much commoner than the need's word
            taken += 1
            value = weight * strength * own * min(1.0, own_idf / other_idf)
            if value > found.get(other, ("", 0.0))[1]:
                found[other] = (word, value)
    return found
