"""Text analysed in worker processes while this process feeds tantivy's writer (`SearchIndex.build`
with `workers`): normalizing is Python, so one process cannot both analyse and feed fast enough."""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Final

from rantai.matching.index.schema import tokens_of
from rantai.matching.index.types import Document

_BATCH: Final = 2000  # documents sent to a worker at a time


def _analyse(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """In a worker process: the token fields of a batch of (name, description) pairs."""
    return [(tokens_of(name), tokens_of(description)) for name, description in texts]


def start_workers(workers: int) -> ProcessPoolExecutor | None:
    if workers <= 0:
        return None
    # A fresh interpreter per worker (spawn): forking a process that runs threads (tantivy's) is unsafe.
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def analysed(
    documents: Iterable[Document], pool: ProcessPoolExecutor, workers: int
) -> Iterator[tuple[Document, tuple[str, str]]]:
    """`documents` with the token fields of their name and description, analysed by `pool`, in order, a
    bounded number of batches ahead (so that a stream of documents stays a stream)."""
    pending: deque[tuple[list[Document], Future[list[tuple[str, str]]]]] = deque()

    def ready() -> Iterator[tuple[Document, tuple[str, str]]]:
        batch, future = pending.popleft()
        return zip(batch, future.result(), strict=True)

    batch: list[Document] = []
    for document in documents:
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
