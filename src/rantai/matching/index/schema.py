"""The index's tantivy schema, its analyzers, and how a `Document` is encoded into its fields (and a
stored document decoded back).

Filters (`Filters`) select inside the tantivy query: exact `key:value` terms indexed untokenized, and
for terms that lapse (a certificate's end date) an integer per (term, last valid day) so that "valid on
the needed-by date" is a range test in the index, not a pass over the hits in Python (on the integers'
column, for an index built since that column exists; see `Searching._holds`). Documents are
stored in `Document.locality` order, so that a region filter selects one stretch of the index and
BM25 scores only the documents there (three times faster on the speed benchmark's million products).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Final, cast

import tantivy

from rantai.matching.index.types import Document, EncodedFacts, category_key, group_key
from rantai.matching.normalize import normalize, normalize_text

# The engine's fields hold normalized tokens joined by spaces; they are split on whitespace only and kept
# as they are (normalize() already folded case), so a `qty:250g` token stays whole.
_TOKENS: Final = "rantai_tokens"
# Tantivy's `default` analyzer, spelled out so the baseline can tokenize a query exactly as the index did.
PLAIN_ANALYZER: Final = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.remove_long(40))
    .filter(tantivy.Filter.lowercase())
    .build()
)
TEXT_FIELDS: Final = ("name", "description", "category")
PLAIN_PREFIX: Final = "plain_"
FILTER: Final = "filter"
FILTER_UNTIL: Final = "filter_until"
CATEGORY_KEY: Final = "category_key"
LOCALITY: Final = "locality"
TITLE: Final = "title"
GROUP: Final = "group"
GROUP_KEY: Final = "group_key"
FACTS: Final = "facts"
# A lapsing filter term is indexed as one integer: 48 bits of the term's hash, then 16 bits of its last
# valid day counted from 1970-01-01 (up to the year 2149). With ten thousand distinct lapsing terms
# (there are a few dozen kinds of certificate) two of them share a hash with odds of about 1 in 5 million.
DAY_BITS: Final = 16
_EPOCH: Final = date(1970, 1, 1)
LAST_DAY: Final = (1 << DAY_BITS) - 1


@lru_cache(maxsize=4096)
def term_hash(term: str) -> int:
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=6).digest(), "big")


def day_number(day: date) -> int:
    return min(max((day - _EPOCH).days, 0), LAST_DAY)


def build_schema(*, plain: bool, until_column: bool = True) -> tantivy.Schema:
    """The index's schema; `until_column=False` gives that of an index built before the lapsing terms'
    end days were also a column (still searched right: `Searching._holds`)."""
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("category_label", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field(CATEGORY_KEY, stored=False, indexed=False, fast=True)
    builder.add_unsigned_field(LOCALITY, stored=False, indexed=False, fast=True)
    # The name as given, for reasons; stored only (a bytes field is not indexed).
    builder.add_bytes_field(TITLE, stored=True, indexed=False, fast=False)
    builder.add_text_field(FILTER, stored=True, tokenizer_name="raw", index_option="basic")
    # Also a column: "lapsed by the needed-by day" is then checked per candidate (issue #14: a range over
    # the inverted index gathers every document whose certificate ended before that day, 0.4 ms of every
    # search on a million products; the column, 0.2 ms).
    builder.add_unsigned_field(FILTER_UNTIL, stored=True, indexed=True, fast=until_column)
    builder.add_text_field(GROUP, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field(GROUP_KEY, stored=False, indexed=False, fast=True)
    builder.add_bytes_field(FACTS, stored=True, indexed=False, fast=False)
    for name in TEXT_FIELDS:
        # Name and description tokens are stored for feedback and reasons; the category's label is.
        stored = name != "category"
        builder.add_text_field(name, stored=stored, tokenizer_name=_TOKENS, index_option="position")
        if plain:
            builder.add_text_field(PLAIN_PREFIX + name, stored=False, tokenizer_name="default")
    return builder.build()


def register(index: tantivy.Index) -> tantivy.Index:
    """`index` with the engine's token analyzer registered (each `tantivy.Index` object needs it)."""
    index.register_tokenizer(_TOKENS, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    return index


def tokens_of(text: str) -> str:
    """The normalized tokens of `text` as the index's token fields hold them."""
    return normalize_text(text)


@lru_cache(maxsize=4096)
def _normalized(text: str) -> str:
    """Normalized text of a short field that repeats across documents (a category)."""
    return " ".join(normalize(text))


# A tantivy document copies itself with `__copy__` (missing from its type stubs); `copy.copy` would add a
# lookup per document.
_copy_document: Final = cast(
    "Callable[[tantivy.Document], tantivy.Document]",
    tantivy.Document.__copy__,  # type: ignore[attr-defined]
)


class Converter:
    """Turns `Document`s into tantivy documents. What a document has from its group (filter terms,
    lapsing terms, group, locality) is made once into a template, copied for each following document
    with the very same values (a stream grouped by supplier gives it once per supplier)."""

    __slots__ = ("_filters", "_group", "_locality", "_plain", "_template", "_until")

    def __init__(self, *, plain: bool) -> None:
        self._plain = plain
        self._filters: tuple[str, ...] | None = None
        self._until: tuple[tuple[str, date], ...] | None = None
        self._group = ""
        self._locality = -1
        self._template = tantivy.Document()

    def convert(self, document: Document, tokens: tuple[str, str] | None) -> tantivy.Document:
        """The tantivy document of `document`; `tokens`: its name and description already analysed."""
        # The same tuples (not merely equal ones), and an equal group and locality.
        if not (
            document.filters is self._filters
            and document.valid_until is self._until
            and document.group == self._group
            and document.locality == self._locality
        ):
            self._template = _group_part(document)
            self._filters, self._until = document.filters, document.valid_until
            self._group, self._locality = document.group, document.locality
        doc = _copy_document(self._template)
        doc.add_text("id", document.id)
        category = document.category
        doc.add_text("category_label", category)
        doc.add_unsigned(CATEGORY_KEY, category_key(category, round(document.category_confidence, 2)))
        name = document.name
        doc.add_bytes(TITLE, name.encode())
        facts = document.facts
        if facts:
            doc.add_bytes(FACTS, (facts.json if type(facts) is EncodedFacts else facts_json(facts)).encode())
        if tokens is None:
            tokens = (tokens_of(name), tokens_of(document.description))
        doc.add_text("name", tokens[0])
        doc.add_text("description", tokens[1])
        doc.add_text("category", _normalized(category))
        if self._plain:
            doc.add_text(PLAIN_PREFIX + "name", name)
            doc.add_text(PLAIN_PREFIX + "description", document.description)
            doc.add_text(PLAIN_PREFIX + "category", category)
        return doc


def _group_part(document: Document) -> tantivy.Document:
    """A tantivy document holding what `document` has from its group: filter terms (with the end days
    of those that lapse), group and locality."""
    doc = tantivy.Document()
    doc.add_unsigned(LOCALITY, document.locality)
    if document.group:
        doc.add_text(GROUP, document.group)
        doc.add_unsigned(GROUP_KEY, group_key(document.group))
    if document.valid_until:
        ends: dict[str, date] = {}
        for term, until in document.valid_until:
            # One end per term, the latest: a renewed certificate replaces the lapsed one.
            ends[term] = max(until, ends.get(term, until))
        for term in dict.fromkeys((*document.filters, *ends)):
            doc.add_text(FILTER, term)
        for term, until in ends.items():
            doc.add_unsigned(FILTER_UNTIL, (term_hash(term) << DAY_BITS) | day_number(until))
    else:
        for term in dict.fromkeys(document.filters):
            doc.add_text(FILTER, term)
    return doc


def facts_json(facts: Mapping[str, object]) -> str:
    return json.dumps(facts, separators=(",", ":"), default=_json_default)


def _json_default(value: object) -> object:
    """Dates (and anything else with an ISO form) as ISO text; tuples and sets as lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON-able in Document.facts: {value!r}")


def words_of(stored: tantivy.Document) -> str:
    """A read document's normalized words as one text (split on whitespace): its name's, then its
    description's."""
    return " ".join(str(stored.get_first(name) or "") for name in ("name", "description"))


def decode_until(filters: Sequence[str], values: Sequence[int]) -> tuple[tuple[str, date], ...]:
    """The (term, last day) pairs of a stored document, matched back to its filter terms by hash."""
    if not values:
        return ()
    days = {value >> DAY_BITS: value & LAST_DAY for value in values}
    return tuple(
        (term, date.fromordinal(_EPOCH.toordinal() + days[term_hash(term)]))
        for term in filters
        if term_hash(term) in days
    )
