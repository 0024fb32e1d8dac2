"""Document sources for tests of `SearchIndex.build_parallel`: module-level, so a spawned process can
import them (a `functools.partial` of one is what the build sends to each process)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

from rantai.matching import Document

# Two suppliers per kab/kota in three kab/kota, four products each, certificates on some.
_WORDS = ("Keripik Singkong Balado", "Keripik Pisang Coklat", "Kaos Polos Hitam", "Sambal Bawang 150 ml")
_PLACES = ((3273, "kabkota:32.73"), (6171, "kabkota:61.71"), (3578, "kabkota:35.78"))


def catalogue() -> list[Document]:
    """Every document of the test catalogue, a supplier's products one after another."""
    documents = []
    for number in range(6):
        locality, place = _PLACES[number % 3]
        group = f"s{number}"
        filters = (place, "verified") if number % 2 == 0 else (place,)
        facts = {"s": {"id": group, "name": f"Usaha {number}"}}
        for item, name in enumerate(_WORDS):
            documents.append(
                Document(
                    f"{group}-{item}",
                    f"{name} {group}",
                    description=f"buatan usaha {number}",
                    category="Makanan" if item != 2 else "Pakaian",
                    filters=filters,
                    locality=locality,
                    group=group,
                    facts={"price": 1000 * (item + 1)},
                    group_facts=facts,
                )
            )
    return documents


def groups_of(first: int, last: int) -> Iterator[Document]:
    """The documents of suppliers s<first> to s<last>."""
    wanted = {f"s{number}" for number in range(first, last + 1)}
    return (document for document in catalogue() if document.group in wanted)


def with_a_stray(first: int, last: int) -> Iterator[Document]:
    """`groups_of`, plus a copy of the first document of s0 (an id another source gives too)."""
    yield from groups_of(first, last)
    yield catalogue()[0]


def failing() -> Iterator[Document]:
    """A source whose reading fails at once (a database error, say)."""
    raise RuntimeError("source failed")
    yield  # pragma: no cover - makes this a generator


def slow(marker: str) -> Iterator[Document]:
    """A source that takes 20 seconds, then leaves a file at `marker` (if it was let finish)."""
    time.sleep(20)
    Path(marker).write_text("finished")
    yield from ()
