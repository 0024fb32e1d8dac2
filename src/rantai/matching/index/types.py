"""What goes into the index and what comes out: documents, filters, field weights, hits and candidates,
and the integer keys that stand for a category or a group in the index's columns.

A document may belong to a `group` (the app's supplier id: one document per product, grouped by
supplier) and carry `facts` (JSON-able plain data the shortlist rebuilds its suppliers and offers from,
so that ranking needs no database). Facts that every document of a group shares (the supplier's) are
given as `group_facts` and kept once per group beside the index (`rantai.matching.groups`), not in each
document: a hit's facts are its group's overlaid with its own.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Final, NamedTuple

import tantivy


class EncodedFacts(Mapping[str, object]):
    """Facts already encoded as a JSON object, stored as they are (a bulk build's writer then skips the
    encoding); read like any mapping, decoded on first use."""

    __slots__ = ("_decoded", "json")

    def __init__(self, json_text: str) -> None:
        self.json = json_text
        self._decoded: dict[str, object] | None = None

    def _data(self) -> dict[str, object]:
        if self._decoded is None:
            self._decoded = json.loads(self.json)
        return self._decoded

    def __getitem__(self, key: str) -> object:
        return self._data()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._data())

    def __len__(self) -> int:
        return len(self._data())

    def __bool__(self) -> bool:
        return self.json not in ("", "{}")  # without decoding

    def __repr__(self) -> str:
        return f"EncodedFacts({self.json!r})"


@dataclass(frozen=True, slots=True)
class Document:
    """Something a supplier offers, as the matcher sees it.

    `filters` are exact `key:value` terms a search can require (`province:61`, `kabkota:61.71`,
    `cert:halal`, `scale:mikro`, `verified`); they take no part in ranking. `valid_until` lists terms
    that lapse, each with the last day it holds (`("cert:sni", date(2027, 3, 31))`): they are filters
    of the document too, and a search with `Filters.valid_on` counts them only up to that day.

    `locality` orders the index: documents are stored by it, so documents with close values sit
    together. Give documents that a filter selects together close values (the kab/kota code as a
    number, 6171 for 61.71, puts a kab/kota and a province each in one stretch of the index) and a
    filtered search reads that stretch instead of the whole index. It takes no part in ranking.

    `group` is what the document belongs to (the supplier of a product): a search can be kept to some
    groups or keep them out (`Filters.in_groups`, `Filters.not_groups`), and `SearchIndex.update`
    replaces a group's documents at once. `facts` is JSON-able data stored with the document and given
    back on its `Hit` (the shortlist keeps its offer facts there); it takes no part in search.
    `group_facts` is JSON-able data about the group, kept once per group (the last document of the group
    to give it wins; the shortlist keeps its supplier facts there): a `Hit`'s facts are its group's
    facts overlaid with the document's own. Give every document of a group the same `group_facts`
    object, so that it is encoded once.
    """

    id: str
    name: str
    description: str = ""
    category: str = ""
    filters: tuple[str, ...] = ()
    valid_until: tuple[tuple[str, date], ...] = ()
    locality: int = 0
    group: str = ""
    facts: Mapping[str, object] = field(default_factory=dict, hash=False, compare=False)
    group_facts: Mapping[str, object] = field(default_factory=dict, hash=False, compare=False)
    # How sure `category` is (0..1): 1 for a category the owner gave, a classifier's confidence for one it
    # inferred (issue #14). The category re-rank weighs the document's vote and support by it.
    category_confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Filters:
    """Which documents a search may return. Filters select; they never change a score.

    - `all_of`: the document holds every one of these terms;
    - `any_of`: for each group, the document holds at least one term of the group;
    - `none_of`: the document holds none of these terms (a UMKM-only line: `none_of=("scale:besar",)`);
    - `valid_on`: terms the document holds only until a day (`Document.valid_until`) count for
      `all_of` and `any_of` only if that day is on or after `valid_on`;
    - `in_groups`: the document's group is one of these (empty: any group);
    - `not_groups`: the document's group is none of these.
    """

    all_of: tuple[str, ...] = ()
    any_of: tuple[tuple[str, ...], ...] = ()
    none_of: tuple[str, ...] = ()
    valid_on: date | None = None
    in_groups: tuple[str, ...] = ()
    not_groups: tuple[str, ...] = ()

    @classmethod
    def of(cls, filters: Filters | Iterable[str]) -> Filters:
        """`filters` as they are, or a plain list of terms read as `all_of` (the older call style)."""
        return filters if isinstance(filters, Filters) else cls(all_of=tuple(filters))

    def wanted(self) -> frozenset[str]:
        """Every term a matching document may hold because of these filters (for reasons)."""
        return frozenset(self.all_of).union(*self.any_of)

    def __bool__(self) -> bool:
        return bool(self.all_of or self.any_of or self.none_of or self.in_groups or self.not_groups)


@dataclass(frozen=True, slots=True)
class FieldWeights:
    """How much a match in each text field counts; 0 leaves the field out of the query."""

    name: float = 1.0
    description: float = 0.5
    category: float = 0.0

    def items(self) -> list[tuple[str, float]]:
        """(field, weight) for the fields that take part in a query."""
        weights = {"name": self.name, "description": self.description, "category": self.category}
        return [(name, weight) for name, weight in weights.items() if weight > 0]


@dataclass(frozen=True, slots=True)
class Hit:
    """One ranked document: its id, BM25 score, category and normalized text (for feedback and reasons),
    the name as it was indexed, its filter terms with the end dates of those that lapse, its group and
    its facts (its group's `Document.group_facts` overlaid with its own `Document.facts`)."""

    id: str
    score: float
    category: str
    terms: tuple[str, ...] = field(default=(), repr=False)
    name: str = ""
    filters: tuple[str, ...] = field(default=(), repr=False)
    valid_until: tuple[tuple[str, date], ...] = field(default=(), repr=False)
    group: str = ""
    facts: Mapping[str, object] = field(default_factory=dict, repr=False, hash=False, compare=False)


class Candidate(NamedTuple):
    """A ranked document before its stored fields are read: score, and keys standing for its category
    and its group (equal values, equal keys; 0 for none). `SearchIndex.hits` turns it into a `Hit`.

    A named tuple, not a frozen dataclass: a shortlist makes about 270 of them, and a frozen dataclass
    takes three times as long to make (issue #9: server CPU per page)."""

    score: float
    category: int
    address: tantivy.DocAddress
    group: int = 0


# A category key's low bits hold how sure the category is, in hundredths (1..100; 100 for a category its
# owner gave, less for one a classifier inferred, issue #14), so that the re-rank reads it from the column it
# already reads, with no stored field and no second column. The bits above name the category.
CONFIDENCE_BITS: Final = 7
_CONFIDENCE_MASK: Final = (1 << CONFIDENCE_BITS) - 1


@lru_cache(maxsize=4096)
def category_key(category: str, confidence: float = 1.0) -> int:
    """The integer that stands for a category, and how sure it is (0..1), in the index (0 for none).

    Keys of one category are equal above `CONFIDENCE_BITS` (`category_kind`)."""
    if not category:
        return 0
    digest = int.from_bytes(hashlib.blake2b(category.encode(), digest_size=8).digest(), "big")
    hundredths = min(100, max(1, round(confidence * 100)))
    return (digest >> CONFIDENCE_BITS << CONFIDENCE_BITS) | hundredths


def category_kind(key: int) -> int:
    """The part of a category key that names the category (0 for none)."""
    return key >> CONFIDENCE_BITS


def category_confidence(key: int) -> float:
    """How sure the category of a key is (0..1; 0 for none). A key written before the confidence was
    kept (low bits past 100) counts as sure: rebuild the index to read them right."""
    if not key:
        return 0.0
    hundredths = key & _CONFIDENCE_MASK
    return hundredths / 100 if hundredths <= 100 else 1.0


@lru_cache(maxsize=1 << 16)
def group_key(group: str) -> int:
    """The integer that stands for a group in the index (0 for none)."""
    if not group:
        return 0
    return int.from_bytes(hashlib.blake2b(group.encode(), digest_size=8).digest(), "big") or 1


def unique(documents: Iterable[Document]) -> Iterator[Document]:
    """`documents`, refusing a second document with an id seen before."""
    seen: set[str] = set()
    for document in documents:
        if document.id in seen:
            raise ValueError(f"document id {document.id!r} appears twice")
        seen.add(document.id)
        yield document
