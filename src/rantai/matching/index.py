"""A thin wrapper over tantivy: plain documents in, BM25-ranked plain hits out.

Two ways to search the same index:

- `search` / `search_weighted`: BM25 over the normalized text (`rantai.matching.normalize`), with
  weighted terms and phrases so that the matcher can add synonyms and feedback terms;
- `search_plain`: the baseline the quality harness compares against, BM25 with tantivy's default
  tokenizer on the raw text (no normalization, no synonyms).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import tantivy

from rantai.matching.normalize import Phrase, normalize

# The engine's fields hold normalized tokens joined by spaces; they are split on whitespace only and kept
# as they are (normalize() already folded case), so a `qty:250g` token stays whole.
_TOKENS: Final = "rantai_tokens"
# Tantivy's `default` analyzer, spelled out so the baseline can tokenize a query exactly as the index did.
_PLAIN_ANALYZER: Final = (
    tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    .filter(tantivy.Filter.remove_long(40))
    .filter(tantivy.Filter.lowercase())
    .build()
)
TEXT_FIELDS: Final = ("name", "description", "category")
_PLAIN_PREFIX: Final = "plain_"


@dataclass(frozen=True, slots=True)
class Document:
    """Something a supplier offers, as the matcher sees it.

    `filters` are exact `key:value` terms a search can require (`province:61`, `kbli:10794`,
    `scale:mikro`); they take no part in ranking.
    """

    id: str
    name: str
    description: str = ""
    category: str = ""
    filters: tuple[str, ...] = ()


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
    """One ranked document: its id, BM25 score, category and normalized text (for feedback and reasons)."""

    id: str
    score: float
    category: str
    terms: tuple[str, ...] = field(default=(), repr=False)


def term_weights(tokens: Iterable[str]) -> dict[Phrase, float]:
    """A weighted query from normalized tokens: each token once, weighted by how often it occurs."""
    weights: dict[Phrase, float] = {}
    for token in tokens:
        weights[(token,)] = weights.get((token,), 0.0) + 1.0
    return weights


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("category_label", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("filter", stored=False, tokenizer_name="raw", index_option="basic")
    for name in TEXT_FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name=_TOKENS, index_option="position")
        builder.add_text_field(_PLAIN_PREFIX + name, stored=False, tokenizer_name="default")
    return builder.build()


def _register(index: tantivy.Index) -> tantivy.Index:
    index.register_tokenizer(_TOKENS, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    return index


class SearchIndex:
    """A tantivy index of `Document`s, in memory or on disk. Build it with `build`, reopen with `open`."""

    def __init__(self, index: tantivy.Index) -> None:
        self._index = index
        self._schema = index.schema
        self._searcher = index.searcher()

    @classmethod
    def build(cls, documents: Iterable[Document], *, path: Path | None = None) -> SearchIndex:
        """Index `documents` (in RAM, or in the empty-or-new directory `path`) and return the index.

        Raises ValueError when two documents share an id: hits are reported by id, so they must be unique.
        """
        schema = _schema()
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
        index = _register(tantivy.Index(schema, path=None if path is None else str(path), reuse=False))
        # One thread: indexing a catalogue is small work, and several threads would make many segments.
        writer = index.writer(heap_size=64_000_000, num_threads=1)
        seen: set[str] = set()
        for document in documents:
            if document.id in seen:
                raise ValueError(f"document id {document.id!r} appears twice")
            seen.add(document.id)
            writer.add_document(_to_tantivy(document))
        writer.commit()
        writer.wait_merging_threads()
        index.reload()
        return cls(index)

    @classmethod
    def open(cls, path: Path) -> SearchIndex:
        """Reopen an index that `build` wrote to `path`."""
        return cls(_register(tantivy.Index.open(str(path))))

    def __len__(self) -> int:
        return int(self._searcher.num_docs)

    def doc_freq(self, term: str, field_name: str = "name") -> int:
        """How many documents hold the normalized `term` in `field_name`."""
        return int(self._searcher.doc_freq(field_name, term))

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        fields: FieldWeights = FieldWeights(),
        exclude_ids: Collection[str] = (),
        filters: Sequence[str] = (),
    ) -> list[Hit]:
        """BM25 over the normalized text of `text` (no synonyms, no feedback)."""
        return self.search_weighted(
            term_weights(normalize(text)),
            limit=limit,
            fields=fields,
            exclude_ids=exclude_ids,
            filters=filters,
        )

    def search_weighted(
        self,
        query: Mapping[Phrase, float],
        *,
        limit: int = 10,
        fields: FieldWeights = FieldWeights(),
        exclude_ids: Collection[str] = (),
        filters: Sequence[str] = (),
    ) -> list[Hit]:
        """BM25 for weighted normalized terms and phrases: {('keripik',): 1.0, ('makanan', 'ringan'): 0.5}."""
        clauses: list[tantivy.Query] = []
        for phrase, weight in query.items():
            if weight <= 0 or not phrase:
                continue
            for field_name, field_weight in fields.items():
                if len(phrase) == 1:
                    clause = tantivy.Query.term_query(self._schema, field_name, phrase[0])
                else:
                    clause = tantivy.Query.phrase_query(self._schema, field_name, list(phrase))
                clauses.append(tantivy.Query.boost_query(clause, weight * field_weight))
        return self._run(clauses, limit=limit, exclude_ids=exclude_ids, filters=filters)

    def search_plain(
        self,
        text: str,
        *,
        limit: int = 10,
        fields: FieldWeights = FieldWeights(),
        exclude_ids: Collection[str] = (),
        filters: Sequence[str] = (),
    ) -> list[Hit]:
        """Plain BM25: tantivy's default tokenizer on the raw text, every searched field counting the same.

        This is what `Index.parse_query` would do with the words of `text` (OR of terms over the default
        fields), without its query syntax, so any need text is accepted.
        """
        clauses = [
            tantivy.Query.term_query(self._schema, _PLAIN_PREFIX + field_name, token)
            for field_name, _ in fields.items()
            for token in _PLAIN_ANALYZER.analyze(text)
        ]
        return self._run(clauses, limit=limit, exclude_ids=exclude_ids, filters=filters)

    def _run(
        self,
        should: list[tantivy.Query],
        *,
        limit: int,
        exclude_ids: Collection[str],
        filters: Sequence[str],
    ) -> list[Hit]:
        if not should or limit <= 0:
            return []
        occur = tantivy.Occur
        text_query = tantivy.Query.boolean_query([(occur.Should, clause) for clause in should])
        subqueries = [(occur.Must, text_query)]
        for term in filters:
            # Filters select, they do not rank: a constant score of 0 leaves BM25 as it is.
            required = tantivy.Query.term_query(self._schema, "filter", term)
            subqueries.append((occur.Must, tantivy.Query.const_score_query(required, 0.0)))
        for excluded in exclude_ids:
            subqueries.append((occur.MustNot, tantivy.Query.term_query(self._schema, "id", excluded)))
        query = tantivy.Query.boolean_query(subqueries)
        hits = []
        for score, address in self._searcher.search(query, limit=limit, count=False).hits:
            stored = self._searcher.doc(address)
            terms = " ".join(str(stored.get_first(name) or "") for name in ("name", "description"))
            hits.append(
                Hit(
                    id=str(stored.get_first("id")),
                    score=float(score),
                    category=str(stored.get_first("category_label") or ""),
                    terms=tuple(terms.split()),
                )
            )
        return hits


def _to_tantivy(document: Document) -> tantivy.Document:
    doc = tantivy.Document()
    doc.add_text("id", document.id)
    doc.add_text("category_label", document.category)
    for term in document.filters:
        doc.add_text("filter", term)
    for name, text in (
        ("name", document.name),
        ("description", document.description),
        ("category", document.category),
    ):
        doc.add_text(name, " ".join(normalize(text)))
        doc.add_text(_PLAIN_PREFIX + name, text)
    return doc
