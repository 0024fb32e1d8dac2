"""Changes proposed for src/ after profiling, applied by monkeypatching inside a bench's child process only,
so that their effect is measured on the real code path without touching the code.

``--patch NAME[,NAME...]`` on the bench scripts repeats the measurement with these applied. A patch must
change how the work is done, never what is written or found: import_registry.py compares every table a
patched import writes with the code as it is, directory_search.py the totals each query finds.

Proposed here, measured, and since applied to src/ (so no longer patches):

- 4fff2a0: Core bulk inserts instead of ORM-enabled ``insert(Model)`` (the ORM path drops None-valued
  keys, then groups consecutive rows by key set, so rows with different empty cells became one INSERT
  each, and the RETURNING rows were spliced quadratically per batch), memoized
  ``directory.search_terms``, the directory refresh after a supplier import. SQLite, 100,000 + 500,000
  rows: 204 s before, 42 s after.
- 67be6b0: ``db.bulk_insert`` sends PostgreSQL bulk inserts as ``unnest()`` arrays (psycopg re-parsed the
  placeholders of every multi-row VALUES batch in Python: over half of the import; 162 s to 83 s), and
  ``prepare_threshold=None`` (generic plans of psycopg's automatic prepares made directory queries take
  100-300 ms instead of 5-30 ms).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final

PATCHES: Final[dict[str, Callable[[], None]]] = {}


def apply(names: tuple[str, ...]) -> None:
    for name in names:
        PATCHES[name]()


def check(value: str) -> tuple[str, ...]:
    """The names of a comma-separated ``--patch`` value; SystemExit naming an unknown one."""
    names = tuple(name for name in value.split(",") if name)
    unknown = [name for name in names if name not in PATCHES]
    if unknown:
        raise SystemExit(f"unknown patch {', '.join(unknown)}; known: {', '.join(PATCHES) or 'none'}")
    return names
