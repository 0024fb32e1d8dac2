"""Building one index on every core (`SearchIndex.build_parallel`): each source of documents is built
into a part of its own in a spawned process, then the parts are joined (`segments`)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from rantai.matching.index.segments import join_parts
from rantai.matching.index.types import Document
from rantai.matching.index.writing import MIN_MEMORY_PER_THREAD, build_index


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

    build_index(documents(), path=path, plain=plain, threads=1, memory=memory, workers=0)
    return ids


def build_in_parts(
    sources: Sequence[Callable[[], Iterable[Document]]], *, path: Path, plain: bool, memory: int
) -> None:
    """Build the documents of `sources` (two or more) into the empty directory `path`, a part per source
    in a process each, joined into one index. Raises ValueError when two documents share an id."""
    parts = [path / f".part-{number}" for number in range(len(sources))]
    share = max(memory // len(sources), MIN_MEMORY_PER_THREAD)
    jobs = [(source, part, plain, share) for source, part in zip(sources, parts, strict=True)]
    # A pool that `terminate`s: when a part fails, the others are stopped, not waited for.
    with multiprocessing.get_context("spawn").Pool(len(jobs)) as pool:
        seen: set[str] = set()
        for ids in pool.imap_unordered(_build_part, jobs):
            if not seen.isdisjoint(ids):  # each part checked its own
                raise ValueError("a document id appears in more than one source")
            seen.update(ids)
    join_parts(parts, path)
