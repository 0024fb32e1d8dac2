"""A thin wrapper over tantivy: plain documents in, BM25-ranked plain hits out.

Two ways to search the same index:

- `search` / `search_weighted`: BM25 over the normalized text (`rantai.matching.normalize`), with
  weighted terms and phrases so that the matcher can add synonyms and feedback terms;
- `search_plain`: the baseline the quality harness compares against, BM25 with tantivy's default
  tokenizer on the raw text (no normalization, no synonyms). Its fields are only indexed when the index
  is built with `plain=True`.

Filters (`Filters`) select inside the tantivy query: exact `key:value` terms indexed untokenized, and
for terms that lapse (a certificate's end date) an integer per (term, last valid day) so that "valid on
the needed-by date" is a range test in the index, not a pass over the hits in Python. Documents are
stored in `Document.locality` order, so that a region filter selects one stretch of the index and
BM25 scores only the documents there (three times faster on the speed benchmark's million products).

`search_weighted` fetches every hit's stored fields. The matcher, which ranks a hundred hits and shows
ten, uses `candidates` (scores, category and group keys from columns, no stored fields) and `hits`
(stored fields for the few it shows).

A document may belong to a `group` (the app's supplier id: one document per product, grouped by
supplier) and carry `facts` (JSON-able plain data the shortlist rebuilds its suppliers and offers from,
so that ranking needs no database). Facts that every document of a group shares (the supplier's) are
given as `group_facts` and kept once per group beside the index (`rantai.matching.groups`), not in each
document: a hit's facts are its group's overlaid with its own. An on-disk index is kept current with
`update` (remove groups, add documents, commit), which any process may call: tantivy lets one writer at a
time hold a directory, and a process that finds it held gets `IndexBusy` and retries. Other processes
see a commit, and the group facts written with it, after `reload`.
`meta` is a small JSON sidecar (`rantai-meta.json`) written after each commit, under the writer lock,
for the app to record how far its change log has been applied.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Final, cast

import tantivy

from rantai.matching.groups import GROUPS_FILE, GroupFacts
from rantai.matching.normalize import Phrase, normalize, normalize_text

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
_FILTER: Final = "filter"
_FILTER_UNTIL: Final = "filter_until"
_CATEGORY_KEY: Final = "category_key"
_LOCALITY: Final = "locality"
_TITLE: Final = "title"
_GROUP: Final = "group"
_GROUP_KEY: Final = "group_key"
_FACTS: Final = "facts"
META_FILE: Final = "rantai-meta.json"
# A lapsing filter term is indexed as one integer: 48 bits of the term's hash, then 16 bits of its last
# valid day counted from 1970-01-01 (up to the year 2149). With ten thousand distinct lapsing terms
# (there are a few dozen kinds of certificate) two of them share a hash with odds of about 1 in 5 million.
_DAY_BITS: Final = 16
_EPOCH: Final = date(1970, 1, 1)
_LAST_DAY: Final = (1 << _DAY_BITS) - 1
# Writer memory: tantivy flushes a segment each time a thread's share is full, so more memory means
# fewer segments to search and merge.
DEFAULT_WRITER_MEMORY: Final = 512_000_000
_MIN_MEMORY_PER_THREAD: Final = 15_000_000
_BATCH: Final = 2000  # documents sent to a worker at a time
_BURST: Final = 1024  # documents handed to the writer at a time
# An update adds a few hundred documents at most (one supplier's products): one thread, a small heap.
_UPDATE_MEMORY: Final = 50_000_000


class IndexBusy(RuntimeError):
    """Another writer (in this process or another) holds the index directory: try again shortly."""


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


# The hits one task has read, by document address (segment, document), each with its stored document and
# whether its words were read (`SearchIndex.hits`' `seen`).
HitsRead = dict[tuple[int, int], tuple[Hit, tantivy.Document, bool]]


@dataclass(frozen=True, slots=True)
class Candidate:
    """A ranked document before its stored fields are read: score, and keys standing for its category
    and its group (equal values, equal keys; 0 for none). `SearchIndex.hits` turns it into a `Hit`."""

    score: float
    category: int
    address: tantivy.DocAddress = field(repr=False, compare=False)
    group: int = 0


def term_weights(tokens: Iterable[str]) -> dict[Phrase, float]:
    """A weighted query from normalized tokens: each token once, weighted by how often it occurs."""
    weights: dict[Phrase, float] = {}
    for token in tokens:
        weights[(token,)] = weights.get((token,), 0.0) + 1.0
    return weights


@lru_cache(maxsize=4096)
def category_key(category: str) -> int:
    """The integer that stands for a category in the index (0 for none)."""
    if not category:
        return 0
    return int.from_bytes(hashlib.blake2b(category.encode(), digest_size=8).digest(), "big") or 1


@lru_cache(maxsize=1 << 16)
def group_key(group: str) -> int:
    """The integer that stands for a group in the index (0 for none)."""
    if not group:
        return 0
    return int.from_bytes(hashlib.blake2b(group.encode(), digest_size=8).digest(), "big") or 1


@lru_cache(maxsize=4096)
def _term_hash(term: str) -> int:
    return int.from_bytes(hashlib.blake2b(term.encode(), digest_size=6).digest(), "big")


def _day_number(day: date) -> int:
    return min(max((day - _EPOCH).days, 0), _LAST_DAY)


def _schema(*, plain: bool) -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("category_label", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field(_CATEGORY_KEY, stored=False, indexed=False, fast=True)
    builder.add_unsigned_field(_LOCALITY, stored=False, indexed=False, fast=True)
    # The name as given, for reasons; stored only (a bytes field is not indexed).
    builder.add_bytes_field(_TITLE, stored=True, indexed=False, fast=False)
    builder.add_text_field(_FILTER, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field(_FILTER_UNTIL, stored=True, indexed=True, fast=False)
    builder.add_text_field(_GROUP, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field(_GROUP_KEY, stored=False, indexed=False, fast=True)
    builder.add_bytes_field(_FACTS, stored=True, indexed=False, fast=False)
    for name in TEXT_FIELDS:
        # Name and description tokens are stored for feedback and reasons; the category's label is.
        stored = name != "category"
        builder.add_text_field(name, stored=stored, tokenizer_name=_TOKENS, index_option="position")
        if plain:
            builder.add_text_field(_PLAIN_PREFIX + name, stored=False, tokenizer_name="default")
    return builder.build()


def _register(index: tantivy.Index) -> tantivy.Index:
    index.register_tokenizer(_TOKENS, tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
    return index


def default_threads() -> int:
    """Indexing threads for a bulk build: one per core but one, which the Python side needs to feed
    the writer (at most 8)."""
    return max(1, min(8, (os.cpu_count() or 2) - 1))


class SearchIndex:
    """A tantivy index of `Document`s, in memory or on disk. Build it with `build`, reopen with `open`
    (or `open_or_create`), keep it current with `update`."""

    def __init__(
        self, index: tantivy.Index, *, path: Path | None = None, groups: GroupFacts | None = None
    ) -> None:
        self._index = index
        self._schema = index.schema
        self._searcher = index.searcher()
        self.path = path
        self._meta: dict[str, Any] = {}  # an in-memory index's meta (an on-disk one keeps a file)
        if groups is None:
            groups = GroupFacts(path)
            groups.load()
        self._groups = groups
        try:
            tantivy.Query.term_query(self._schema, _PLAIN_PREFIX + "name", "")
        except ValueError:
            self.has_plain = False
        else:
            self.has_plain = True

    @classmethod
    def build(
        cls,
        documents: Iterable[Document],
        *,
        path: Path | None = None,
        plain: bool = True,
        threads: int = 1,
        memory: int = DEFAULT_WRITER_MEMORY,
        workers: int = 0,
    ) -> SearchIndex:
        """Index `documents` (in RAM, or in the empty-or-new directory `path`) and return the index.

        Documents are read as a stream. `plain=False` leaves out the plain-BM25 baseline fields (a third
        of the indexing work), which only the quality harness searches. `threads` and `memory` (bytes,
        shared by the threads; tantivy takes it as it fills, and flushes a segment when it is full) set
        tantivy's writer: one thread suits a small index built on the fly, a bulk build wants
        `default_threads()`. `workers` > 0 analyses the text in that many processes while this one
        feeds the writer: worth it for a bulk build of more than about 100,000 documents; each worker
        takes a few tenths of a second to start. Workers are spawned (a fresh interpreter each), so a
        script that builds with workers must guard its entry point with `if __name__ == "__main__":`.

        Raises ValueError when two documents share an id: hits are reported by id, so they must be unique.
        """
        schema = _schema(plain=plain)
        if path is not None:
            path.mkdir(parents=True, exist_ok=True)
        index = _register(
            tantivy.Index(
                schema, path=None if path is None else str(path), reuse=False, sort_by_field=_LOCALITY
            )
        )
        threads = max(1, threads)
        pool = _start_workers(workers)
        shared = _SharedFacts()
        converter = _Converter(plain=plain)
        try:
            writer = index.writer(
                heap_size=max(memory, threads * _MIN_MEMORY_PER_THREAD), num_threads=threads
            )
            add, convert, remember = writer.add_document, converter.convert, shared.remember
            pairs: Iterable[tuple[Document, tuple[str, str] | None]] = (
                ((document, None) for document in _unique(documents))
                if pool is None
                else _analysed(documents, pool, workers)
            )
            # Handed to the writer in bursts: its indexing thread then works through a burst at a time
            # instead of waking for each document (the wake-ups cost as much CPU as indexing did).
            burst: list[tantivy.Document] = []
            keep = burst.append
            for document, tokens in pairs:
                keep(convert(document, tokens))
                remember(document)
                if len(burst) == _BURST:
                    for doc in burst:
                        add(doc)
                    burst.clear()
            for doc in burst:
                add(doc)
            # The group facts first: a process that sees the commit finds them.
            groups = GroupFacts(path)
            groups.rewrite(shared.texts)
            writer.commit()
            writer.wait_merging_threads()
        finally:
            if pool is not None:
                pool.shutdown(cancel_futures=True)
        index.reload()
        return cls(index, path=path, groups=groups)

    @classmethod
    def build_parallel(
        cls,
        sources: Sequence[Callable[[], Iterable[Document]]],
        *,
        path: Path,
        plain: bool = True,
        memory: int = DEFAULT_WRITER_MEMORY,
    ) -> SearchIndex:
        """Index the documents of `sources` into the empty-or-new directory `path`, one process per
        source, and return the index: what `build` does, on every core.

        Python can run one thread at a time per process, so a single process that feeds tantivy spends
        most of its time making documents while the other cores wait. Here each source is built into a
        part of its own (a tantivy index with one writer thread) in a spawned process, and the parts'
        segments are then brought together into one index: tantivy keeps an index as independent
        segments listed in its `meta.json`, so the parts' segment files are moved into `path` and listed
        in one `meta.json` (the schema and settings are the same, since the parts were built by the same
        code). Each part's group facts are kept likewise (the logs are joined).

        A source is a picklable callable (a module-level function, or a `functools.partial` of one) that
        yields documents; the sources should split the documents by group (a supplier's products in one
        source), so that a group's facts come from one place. Raises ValueError when two documents share
        an id, within a source or across them. Spawned processes import the caller's main module: a
        script that calls this must guard its entry point with `if __name__ == "__main__":`.
        """
        path.mkdir(parents=True, exist_ok=True)
        if any(path.iterdir()):
            raise ValueError(f"{path} is not empty")
        try:
            if len(sources) <= 1:
                documents = sources[0]() if sources else ()
                return cls.build(documents, path=path, plain=plain, threads=default_threads(), memory=memory)
            parts = [path / f".part-{number}" for number in range(len(sources))]
            share = max(memory // len(sources), _MIN_MEMORY_PER_THREAD)
            jobs = [(source, part, plain, share) for source, part in zip(sources, parts, strict=True)]
            # A pool that `terminate`s: when a part fails, the others are stopped, not waited for.
            with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
                seen: set[str] = set()
                for ids in pool.imap_unordered(_build_part, jobs):
                    if not seen.isdisjoint(ids):  # each part checked its own
                        raise ValueError("a document id appears in more than one source")
                    seen.update(ids)
            _join_parts(parts, path)
            return cls.open(path)
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise

    @classmethod
    def open(cls, path: Path) -> SearchIndex:
        """Reopen an index that `build` wrote to `path` (ValueError if there is none)."""
        if not _exists(path):
            raise ValueError(f"no index at {path}")
        return cls(_register(tantivy.Index.open(str(path))), path=path)

    @classmethod
    def open_or_create(cls, path: Path, *, plain: bool = False) -> SearchIndex:
        """The index at `path`, created empty if there is none yet (what an app process calls at start).

        Two processes creating it at once is safe: the loser of the writer lock gets `IndexBusy`, and the
        index exists when it retries.
        """
        if _exists(path):
            return cls.open(path)
        try:
            return cls.build((), path=path, plain=plain, memory=_UPDATE_MEMORY)
        except ValueError as error:
            if _exists(path):  # another process created it first
                return cls.open(path)
            raise _busy_or(error) from error

    def __len__(self) -> int:
        return int(self._searcher.num_docs)

    def reload(self) -> None:
        """See the commits made since this index was opened or last reloaded, by any process."""
        self._groups.load()  # first: group facts are written before the commit they go with
        self._index.reload()
        self._searcher = self._index.searcher()

    def group_facts(self, group: str) -> Mapping[str, object]:
        """The facts kept for `group` (`Document.group_facts`; empty when none). Shared: do not change."""
        return self._groups.get(group)

    def update(
        self,
        *,
        remove_groups: Iterable[str] = (),
        add: Iterable[Document] = (),
        meta: Mapping[str, Any] | None = None,
    ) -> None:
        """Delete every document of `remove_groups`, add `add`, commit, then see the result.

        A document of `add` replaces any document with the same id, wherever it was. The facts of a group
        of `remove_groups` are forgotten unless a document of `add` gives them again. `meta`, when given,
        is written (`meta` property) after the commit while the writer lock is still held, so it never
        claims more than the index holds; if the process dies between the two, the next update repeats
        changes already applied, which is harmless because an update replaces whole groups.

        Raises `IndexBusy` when another writer holds the index (retry later), ValueError when two
        documents of `add` share an id.
        """
        documents = list(_unique(add))
        groups = list(dict.fromkeys(remove_groups))
        writer = self._writer()
        undo: dict[str, str | None] | None = None
        committed = False
        try:
            converter = _Converter(plain=self.has_plain)
            for group in groups:
                writer.delete_documents_by_term(_GROUP, group)
            for document in documents:
                writer.delete_documents_by_term("id", document.id)
                writer.add_document(converter.convert(document, None))
            self._groups.load()  # what other writers recorded since this process last looked
            changes = self._group_changes(groups, documents)
            undo = self._groups.snapshot(changes)
            # The group facts first: a process that sees the commit finds them.
            self._groups.write(changes)
            writer.commit()
            committed = True
            if meta is not None:
                self._write_meta(meta)
        except BaseException:
            if not committed:
                if undo:
                    self._groups.write(undo)
                writer.rollback()
            raise
        finally:
            # Merges of the small segments that updates make finish here, so searches stay fast; this
            # also drops the writer, which releases the lock.
            writer.wait_merging_threads()
        self.reload()

    def _group_changes(self, removed: Sequence[str], added: Sequence[Document]) -> dict[str, str | None]:
        """The group facts an update changes: forgotten for removed groups, replaced for added documents
        that give them (no entry where nothing changes)."""
        changes: dict[str, str | None] = {group: None for group in removed if group in self._groups}
        shared = _SharedFacts()
        for document in added:
            shared.remember(document)
        changes.update(shared.texts)
        return {group: text for group, text in changes.items() if self._groups.text(group) != text}

    @property
    def meta(self) -> dict[str, Any]:
        """The small dict last written with `update(meta=...)` or `write_meta` (empty if none)."""
        if self.path is None:
            return dict(self._meta)
        try:
            data = json.loads((self.path / META_FILE).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        return dict(data) if isinstance(data, dict) else {}

    def write_meta(self, meta: Mapping[str, Any]) -> None:
        """Replace `meta` under the writer lock (IndexBusy if another writer holds it)."""
        writer = self._writer()
        try:
            self._write_meta(meta)
        finally:
            writer.wait_merging_threads()  # drops the writer: releases the lock

    def _writer(self) -> tantivy.IndexWriter:
        try:
            return self._index.writer(heap_size=_UPDATE_MEMORY, num_threads=1)
        except ValueError as error:
            raise _busy_or(error) from error

    def _write_meta(self, meta: Mapping[str, Any]) -> None:
        text = json.dumps(dict(meta), ensure_ascii=False, sort_keys=True, default=str)
        if self.path is None:
            self._meta = json.loads(text)
            return
        _write_whole(self.path / META_FILE, text)

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
        filters: Filters | Sequence[str] = (),
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
        filters: Filters | Sequence[str] = (),
    ) -> list[Hit]:
        """BM25 for weighted normalized terms and phrases: {('keripik',): 1.0, ('makanan', 'ringan'): 0.5}."""
        return self.hits(
            self.candidates(query, limit=limit, fields=fields, exclude_ids=exclude_ids, filters=filters)
        )

    def candidates(
        self,
        query: Mapping[Phrase, float],
        *,
        limit: int = 10,
        fields: FieldWeights = FieldWeights(),
        exclude_ids: Collection[str] = (),
        filters: Filters | Sequence[str] = (),
        same_as: Mapping[Phrase, Phrase] = {},
    ) -> list[Candidate]:
        """Like `search_weighted`, without reading stored fields: scores and category keys only.

        `same_as` maps phrases of `query` to another phrase of it they stand for (a synonym to the need's
        word): in each field a document scores the best of such a group, not their sum, so that an item
        saying `jilbab kerudung hijab` counts the idea once.
        """
        groups: dict[Phrase, list[tuple[Phrase, float]]] = {}
        for phrase, weight in query.items():
            if weight > 0 and phrase:
                groups.setdefault(same_as.get(phrase, phrase), []).append((phrase, weight))
        clauses: list[tantivy.Query] = []
        for field_name, field_weight in fields.items():
            for members in groups.values():
                alike = [
                    tantivy.Query.boost_query(self._phrase_query(field_name, phrase), weight * field_weight)
                    for phrase, weight in members
                ]
                clauses.append(alike[0] if len(alike) == 1 else tantivy.Query.disjunction_max_query(alike))
        return self._run(clauses, limit=limit, exclude_ids=exclude_ids, filters=Filters.of(filters))

    def _phrase_query(self, field_name: str, phrase: Phrase) -> tantivy.Query:
        if len(phrase) == 1:
            return tantivy.Query.term_query(self._schema, field_name, phrase[0])
        return tantivy.Query.phrase_query(self._schema, field_name, list(phrase))

    def search_plain(
        self,
        text: str,
        *,
        limit: int = 10,
        fields: FieldWeights = FieldWeights(),
        exclude_ids: Collection[str] = (),
        filters: Filters | Sequence[str] = (),
    ) -> list[Hit]:
        """Plain BM25: tantivy's default tokenizer on the raw text, every searched field counting the same.

        This is what `Index.parse_query` would do with the words of `text` (OR of terms over the default
        fields), without its query syntax, so any need text is accepted. Needs an index built with
        `plain=True` (ValueError otherwise).
        """
        if not self.has_plain:
            raise ValueError("this index was built without the plain-BM25 fields (plain=False)")
        clauses = [
            tantivy.Query.term_query(self._schema, _PLAIN_PREFIX + field_name, token)
            for field_name, _ in fields.items()
            for token in _PLAIN_ANALYZER.analyze(text)
        ]
        return self.hits(
            self._run(clauses, limit=limit, exclude_ids=exclude_ids, filters=Filters.of(filters))
        )

    def hits(
        self, candidates: Iterable[Candidate], *, terms: bool = True, seen: HitsRead | None = None
    ) -> list[Hit]:
        """The stored fields of `candidates`, in their order; `terms=False` leaves out the normalized
        text (`Hit.terms` empty), which is most of the cost of a hit after reading it.

        `seen` keeps the hits read for one task (a shortlist reads a product for its score, again for
        its reasons, and again in the search without hard rules): a document in it is not read again,
        its hit is given the candidate's score. Keep it for one task only: an update or a reload
        changes what a document address points to."""
        if seen is None:
            return [self._hit(self._searcher.doc(c.address), c.score, terms=terms) for c in candidates]
        hits = []
        for candidate in candidates:
            address = candidate.address
            key = (address.segment_ord, address.doc)
            known = seen.get(key)
            if known is None:
                stored = self._searcher.doc(address)
                hit = self._hit(stored, candidate.score, terms=terms)
                seen[key] = (hit, stored, terms)
            else:
                hit, stored, with_terms = known
                if terms and not with_terms:  # its words are wanted now: from the document already read
                    hit = _rescored(hit, hit.score, _terms_of(stored))
                    seen[key] = (hit, stored, True)
                if hit.score != candidate.score:
                    hit = _rescored(hit, candidate.score, hit.terms)
            hits.append(hit)
        return hits

    def _hit(self, stored: tantivy.Document, score: float, *, terms: bool) -> Hit:
        """A read document's stored fields."""
        title = stored.get_first(_TITLE)
        facts = stored.get_first(_FACTS)
        own: Mapping[str, object] = json.loads(facts) if facts else {}
        group = str(stored.get_first(_GROUP) or "")
        shared = self._groups.get(group) if group else None
        filters = tuple(str(term) for term in stored.get_all(_FILTER))
        return Hit(
            id=str(stored.get_first("id")),
            score=score,
            category=str(stored.get_first("category_label") or ""),
            terms=_terms_of(stored) if terms else (),
            name=bytes(title).decode() if title is not None else "",
            filters=filters,
            valid_until=_decode_until(filters, [int(value) for value in stored.get_all(_FILTER_UNTIL)]),
            group=group,
            facts={**shared, **own} if shared else own,
        )

    def _run(
        self,
        should: list[tantivy.Query],
        *,
        limit: int,
        exclude_ids: Collection[str],
        filters: Filters,
    ) -> list[Candidate]:
        if not should or limit <= 0:
            return []
        occur = tantivy.Occur
        text_query = tantivy.Query.boolean_query([(occur.Should, clause) for clause in should])
        subqueries = [(occur.Must, text_query), *self._filter_clauses(filters)]
        for excluded in exclude_ids:
            subqueries.append((occur.MustNot, tantivy.Query.term_query(self._schema, "id", excluded)))
        query = tantivy.Query.boolean_query(subqueries)
        found = self._searcher.search(query, limit=limit, count=False).hits
        if not found:
            return []
        addresses = [address for _, address in found]
        keys = self._searcher.fast_field_values(_CATEGORY_KEY, addresses)
        groups = self._searcher.fast_field_values(_GROUP_KEY, addresses)
        return [
            Candidate(score=float(score), category=int(key or 0), address=address, group=int(group or 0))
            for (score, address), key, group in zip(found, keys, groups, strict=True)
        ]

    def _filter_clauses(self, filters: Filters) -> list[tuple[tantivy.Occur, tantivy.Query]]:
        """Boolean clauses that select, each scoring 0 so that BM25 stays as it is."""
        occur = tantivy.Occur
        clauses = []
        for term in filters.all_of:
            clauses.append((occur.Must, tantivy.Query.const_score_query(self._holds(term, filters), 0.0)))
        for group in filters.any_of:
            either = tantivy.Query.boolean_query(
                [(occur.Should, self._holds(term, filters)) for term in group]
            )
            clauses.append((occur.Must, tantivy.Query.const_score_query(either, 0.0)))
        for term in filters.none_of:
            clauses.append((occur.MustNot, tantivy.Query.term_query(self._schema, _FILTER, term)))
        if filters.in_groups:
            member = tantivy.Query.boolean_query(
                [
                    (occur.Should, tantivy.Query.term_query(self._schema, _GROUP, name))
                    for name in dict.fromkeys(filters.in_groups)
                ]
            )
            clauses.append((occur.Must, tantivy.Query.const_score_query(member, 0.0)))
        for name in filters.not_groups:
            clauses.append((occur.MustNot, tantivy.Query.term_query(self._schema, _GROUP, name)))
        return clauses

    def _holds(self, term: str, filters: Filters) -> tantivy.Query:
        """Documents that hold `term`, and still hold it on `filters.valid_on` if a day is given."""
        holds = tantivy.Query.term_query(self._schema, _FILTER, term)
        if filters.valid_on is None:
            return holds
        day = _day_number(filters.valid_on)
        if day == 0:
            return holds
        base = _term_hash(term) << _DAY_BITS
        # Lapsed = the term's end day falls before the day asked for; terms with no end never lapse.
        lapsed = tantivy.Query.range_query(
            self._schema,
            _FILTER_UNTIL,
            tantivy.FieldType.Unsigned,
            base,
            base + day - 1,
            use_inverted_index=True,
        )
        occur = tantivy.Occur
        return tantivy.Query.boolean_query([(occur.Must, holds), (occur.MustNot, lapsed)])


def _terms_of(stored: tantivy.Document) -> tuple[str, ...]:
    """A read document's normalized words: its name's, then its description's."""
    return tuple(" ".join(str(stored.get_first(name) or "") for name in ("name", "description")).split())


def _rescored(hit: Hit, score: float, terms: tuple[str, ...]) -> Hit:
    """`hit` with another score and words, the same facts (positional: `replace` costs twice as much)."""
    return Hit(
        hit.id, score, hit.category, terms, hit.name, hit.filters, hit.valid_until, hit.group, hit.facts
    )


def _exists(path: Path) -> bool:
    return path.is_dir() and bool(tantivy.Index.exists(str(path)))


def _busy_or(error: ValueError) -> Exception:
    """`IndexBusy` for tantivy's "lock busy" error; the error itself for any other."""
    return IndexBusy(str(error)) if "LockBusy" in str(error) else error


def _tokens_of(text: str) -> str:
    """The normalized tokens of `text` as the index's token fields hold them."""
    return normalize_text(text)


def _analyse(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """In a worker process: the token fields of a batch of (name, description) pairs."""
    return [(_tokens_of(name), _tokens_of(description)) for name, description in texts]


def _start_workers(workers: int) -> ProcessPoolExecutor | None:
    if workers <= 0:
        return None
    # A fresh interpreter per worker (spawn): forking a process that runs threads (tantivy's) is unsafe.
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def _unique(documents: Iterable[Document]) -> Iterator[Document]:
    """`documents`, refusing a second document with an id seen before."""
    seen: set[str] = set()
    for document in documents:
        if document.id in seen:
            raise ValueError(f"document id {document.id!r} appears twice")
        seen.add(document.id)
        yield document


def _analysed(
    documents: Iterable[Document], pool: ProcessPoolExecutor, workers: int
) -> Iterator[tuple[Document, tuple[str, str]]]:
    """`documents` with the token fields of their name and description, analysed by `pool`, in order, a
    bounded number of batches ahead (so that a stream of documents stays a stream)."""
    pending: deque[tuple[list[Document], Future[list[tuple[str, str]]]]] = deque()

    def ready() -> Iterator[tuple[Document, tuple[str, str]]]:
        batch, future = pending.popleft()
        return zip(batch, future.result(), strict=True)

    batch: list[Document] = []
    for document in _unique(documents):
        batch.append(document)
        if len(batch) == _BATCH:
            pending.append((batch, pool.submit(_analyse, [(d.name, d.description) for d in batch])))
            batch = []
            if len(pending) > 2 * workers:
                yield from ready()
    if batch:
        pending.append((batch, pool.submit(_analyse, [(d.name, d.description) for d in batch])))
    while pending:
        yield from ready()


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


class _Converter:
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
        doc.add_unsigned(_CATEGORY_KEY, category_key(category))
        name = document.name
        doc.add_bytes(_TITLE, name.encode())
        facts = document.facts
        if facts:
            doc.add_bytes(
                _FACTS, (facts.json if type(facts) is EncodedFacts else _facts_json(facts)).encode()
            )
        if tokens is None:
            tokens = (_tokens_of(name), _tokens_of(document.description))
        doc.add_text("name", tokens[0])
        doc.add_text("description", tokens[1])
        doc.add_text("category", _normalized(category))
        if self._plain:
            doc.add_text(_PLAIN_PREFIX + "name", name)
            doc.add_text(_PLAIN_PREFIX + "description", document.description)
            doc.add_text(_PLAIN_PREFIX + "category", category)
        return doc


def _group_part(document: Document) -> tantivy.Document:
    """A tantivy document holding what `document` has from its group: filter terms (with the end days
    of those that lapse), group and locality."""
    doc = tantivy.Document()
    doc.add_unsigned(_LOCALITY, document.locality)
    if document.group:
        doc.add_text(_GROUP, document.group)
        doc.add_unsigned(_GROUP_KEY, group_key(document.group))
    if document.valid_until:
        ends: dict[str, date] = {}
        for term, until in document.valid_until:
            # One end per term, the latest: a renewed certificate replaces the lapsed one.
            ends[term] = max(until, ends.get(term, until))
        for term in dict.fromkeys((*document.filters, *ends)):
            doc.add_text(_FILTER, term)
        for term, until in ends.items():
            doc.add_unsigned(_FILTER_UNTIL, (_term_hash(term) << _DAY_BITS) | _day_number(until))
    else:
        for term in dict.fromkeys(document.filters):
            doc.add_text(_FILTER, term)
    return doc


class _SharedFacts:
    """The group facts of a stream of documents, as JSON text per group (each object encoded once)."""

    __slots__ = ("_last", "texts")

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}
        self._last: tuple[object, str] = (None, "")

    def remember(self, document: Document) -> None:
        facts = document.group_facts
        if not facts or not document.group:
            return
        last, text = self._last
        if facts is not last:
            text = facts.json if type(facts) is EncodedFacts else _facts_json(facts)
            if "\n" in text or "\r" in text:  # allowed between JSON tokens, not in the one-line log
                text = _facts_json(json.loads(text))
            self._last = (facts, text)
        self.texts[document.group] = text


def _facts_json(facts: Mapping[str, object]) -> str:
    return json.dumps(facts, separators=(",", ":"), default=_json_default)


def _json_default(value: object) -> object:
    """Dates (and anything else with an ISO form) as ISO text; tuples and sets as lists."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON-able in Document.facts: {value!r}")


def _decode_until(filters: Sequence[str], values: Sequence[int]) -> tuple[tuple[str, date], ...]:
    """The (term, last day) pairs of a stored document, matched back to its filter terms by hash."""
    if not values:
        return ()
    days = {value >> _DAY_BITS: value & _LAST_DAY for value in values}
    return tuple(
        (term, date.fromordinal(_EPOCH.toordinal() + days[_term_hash(term)]))
        for term in filters
        if _term_hash(term) in days
    )


def _build_part(job: tuple[Callable[[], Iterable[Document]], Path, bool, int]) -> list[str]:
    """In a spawned process: build one part of `SearchIndex.build_parallel` (source, directory, plain
    fields, writer memory); return its document ids."""
    source, path, plain, memory = job
    ids: list[str] = []
    keep = ids.append

    def documents() -> Iterator[Document]:
        for document in source():
            keep(document.id)
            yield document

    SearchIndex.build(documents(), path=path, plain=plain, threads=1, memory=memory)
    return ids


_TANTIVY_OWN: Final = frozenset({"meta.json", ".managed.json", ".tantivy-meta.lock", ".tantivy-writer.lock"})


def _join_parts(parts: Sequence[Path], path: Path) -> None:
    """Move the segments of the indexes in `parts` into the index at `path` (none there yet) and list
    them all in its `meta.json`; join the parts' group facts logs; remove the parts."""
    metas = [json.loads((part / "meta.json").read_text(encoding="utf-8")) for part in parts]
    first = metas[0]
    managed: list[str] = []
    segments: list[dict[str, Any]] = []
    for part, meta in zip(parts, metas, strict=True):
        if meta["schema"] != first["schema"] or meta["index_settings"] != first["index_settings"]:
            raise ValueError(f"{part}: another schema or settings than {parts[0]}")
        segments.extend(meta["segments"])
        managed.extend(json.loads((part / ".managed.json").read_text(encoding="utf-8")))
        for item in part.iterdir():
            if item.name not in _TANTIVY_OWN and item.name != GROUPS_FILE:
                os.replace(item, path / item.name)
    GroupFacts.join([part / GROUPS_FILE for part in parts], path)
    joined = {**first, "segments": segments, "opstamp": max(int(meta["opstamp"]) for meta in metas)}
    _sync_directory(path)  # the moved segment files, before the meta.json that lists them
    _write_whole(path / ".managed.json", json.dumps(sorted(set(managed))))
    _write_whole(path / "meta.json", json.dumps(joined))  # last: this makes the index
    _sync_directory(path)
    for part in parts:
        shutil.rmtree(part)


def _sync_directory(path: Path) -> None:
    """Make the names in `path` (renames into it) durable."""
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def _write_whole(target: Path, text: str) -> None:
    """Write `text` to `target` whole or not at all (beside it first, synced, then renamed over it)."""
    handle, temporary = tempfile.mkstemp(prefix=f".{target.stem}-", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
