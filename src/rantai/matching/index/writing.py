"""Writing the index: a bulk build, updates of whole groups, and the meta sidecar.

An on-disk index is kept current with `update` (remove groups, add documents, commit), which any process
may call: tantivy lets one writer at a time hold a directory, and a process that finds it held gets
`IndexBusy` and retries. Other processes see a commit, and the group facts written with it, after
`reload`. The facts a group's documents share are encoded once per group (`SharedFacts`) and kept beside
the index (`rantai.matching.groups`), written before the commit they go with.
`meta` is a small JSON sidecar (`rantai-meta.json`) written after each commit, under the writer lock,
for the app to record how far its change log has been applied.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import tantivy

from rantai.matching.groups import GroupFacts
from rantai.matching.index.files import write_whole
from rantai.matching.index.schema import GROUP, LOCALITY, Converter, build_schema, facts_json, register
from rantai.matching.index.types import Document, EncodedFacts, unique
from rantai.matching.index.workers import analysed, start_workers

META_FILE: Final = "rantai-meta.json"
# Writer memory: tantivy flushes a segment each time a thread's share is full, so more memory means
# fewer segments to search and merge.
DEFAULT_WRITER_MEMORY: Final = 512_000_000
MIN_MEMORY_PER_THREAD: Final = 15_000_000
_BURST: Final = 1024  # documents handed to the writer at a time
# An update adds a few hundred documents at most (one supplier's products): one thread, a small heap.
UPDATE_MEMORY: Final = 50_000_000


class IndexBusy(RuntimeError):
    """Another writer (in this process or another) holds the index directory: try again shortly."""


def busy_or(error: ValueError) -> Exception:
    """`IndexBusy` for tantivy's "lock busy" error; the error itself for any other."""
    return IndexBusy(str(error)) if "LockBusy" in str(error) else error


def default_threads() -> int:
    """Indexing threads for a bulk build: one per core but one, which the Python side needs to feed
    the writer (at most 8)."""
    return max(1, min(8, (os.cpu_count() or 2) - 1))


class SharedFacts:
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
            text = facts.json if type(facts) is EncodedFacts else facts_json(facts)
            if "\n" in text or "\r" in text:  # allowed between JSON tokens, not in the one-line log
                text = facts_json(json.loads(text))
            self._last = (facts, text)
        self.texts[document.group] = text


def build_index(
    documents: Iterable[Document], *, path: Path | None, plain: bool, threads: int, memory: int, workers: int
) -> tuple[tantivy.Index, GroupFacts]:
    """The tantivy index of `documents` and its group facts, for `SearchIndex.build` (which says how)."""
    schema = build_schema(plain=plain)
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
    index = register(
        tantivy.Index(schema, path=None if path is None else str(path), reuse=False, sort_by_field=LOCALITY)
    )
    threads = max(1, threads)
    pool = start_workers(workers)
    shared = SharedFacts()
    converter = Converter(plain=plain)
    try:
        writer = index.writer(heap_size=max(memory, threads * MIN_MEMORY_PER_THREAD), num_threads=threads)
        add, convert, remember = writer.add_document, converter.convert, shared.remember
        pairs: Iterable[tuple[Document, tuple[str, str] | None]] = (
            ((document, None) for document in unique(documents))
            if pool is None
            else analysed(unique(documents), pool, workers)
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
    return index, groups


class Writing:
    """`SearchIndex`'s writing side: updates and the meta sidecar."""

    path: Path | None
    has_plain: bool
    _index: tantivy.Index
    _groups: GroupFacts
    _meta: dict[str, Any]  # an in-memory index's meta (an on-disk one keeps a file)

    if TYPE_CHECKING:

        def reload(self) -> None: ...  # the reading side's (`Searching.reload`)

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
        documents = list(unique(add))
        groups = list(dict.fromkeys(remove_groups))
        writer = self._writer()
        undo: dict[str, str | None] | None = None
        committed = False
        try:
            converter = Converter(plain=self.has_plain)
            for group in groups:
                writer.delete_documents_by_term(GROUP, group)
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
        shared = SharedFacts()
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
            return self._index.writer(heap_size=UPDATE_MEMORY, num_threads=1)
        except ValueError as error:
            raise busy_or(error) from error

    def _write_meta(self, meta: Mapping[str, Any]) -> None:
        text = json.dumps(dict(meta), ensure_ascii=False, sort_keys=True, default=str)
        if self.path is None:
            self._meta = json.loads(text)
            return
        write_whole(self.path / META_FILE, text)
