"""`SearchIndex`: a tantivy index of `Document`s a process holds, built, opened or created here, with its
reading side (`searching`) and writing side (`writing`) mixed in."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import tantivy

from rantai.matching.groups import GroupFacts
from rantai.matching.index.parallel import build_in_parts
from rantai.matching.index.schema import PLAIN_PREFIX, register
from rantai.matching.index.searching import Searching, has_until_column
from rantai.matching.index.types import Document
from rantai.matching.index.writing import (
    DEFAULT_WRITER_MEMORY,
    UPDATE_MEMORY,
    Writing,
    build_index,
    busy_or,
    default_threads,
)


class SearchIndex(Searching, Writing):
    """A tantivy index of `Document`s, in memory or on disk. Build it with `build`, reopen with `open`
    (or `open_or_create`), keep it current with `update`."""

    def __init__(
        self, index: tantivy.Index, *, path: Path | None = None, groups: GroupFacts | None = None
    ) -> None:
        self._index = index
        self._schema = index.schema
        self._searcher = index.searcher()
        self.until_in_columns = has_until_column(self._searcher)
        self._kept = None  # documents read through `_searcher` (`Searching.hits`)
        self.path = path
        self._meta: dict[str, Any] = {}  # an in-memory index's meta (an on-disk one keeps a file)
        if groups is None:
            groups = GroupFacts(path)
            groups.load()
        self._groups = groups
        try:
            tantivy.Query.term_query(self._schema, PLAIN_PREFIX + "name", "")
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
        index, groups = build_index(
            documents, path=path, plain=plain, threads=threads, memory=memory, workers=workers
        )
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
            build_in_parts(sources, path=path, plain=plain, memory=memory)
            return cls.open(path)
        except BaseException:
            shutil.rmtree(path, ignore_errors=True)
            raise

    @classmethod
    def open(cls, path: Path) -> SearchIndex:
        """Reopen an index that `build` wrote to `path` (ValueError if there is none)."""
        if not _exists(path):
            raise ValueError(f"no index at {path}")
        return cls(register(tantivy.Index.open(str(path))), path=path)

    @classmethod
    def open_or_create(cls, path: Path, *, plain: bool = False) -> SearchIndex:
        """The index at `path`, created empty if there is none yet (what an app process calls at start).

        Two processes creating it at once is safe: the loser of the writer lock gets `IndexBusy`, and the
        index exists when it retries.
        """
        if _exists(path):
            return cls.open(path)
        try:
            return cls.build((), path=path, plain=plain, memory=UPDATE_MEMORY)
        except ValueError as error:
            if _exists(path):  # another process created it first
                return cls.open(path)
            raise busy_or(error) from error


def _exists(path: Path) -> bool:
    return path.is_dir() and bool(tantivy.Index.exists(str(path)))
