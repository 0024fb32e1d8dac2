"""Writing checked rows in batches, for every import (issue #10): the modes (all-or-nothing, valid rows),
the outcome with its counts and row errors, the spool that keeps checked rows aside until they are
written, and the two steps every import takes: check every row, then write."""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import IO, Generic, TypeVar

from sqlalchemy.orm import Session, SessionTransaction

from rantai.db import take_turns
from rantai.tabular.records import RejectedRow, RowError, dropped_cell

BATCH = 2000  # rows checked, spooled and written at a time
T = TypeVar("T")
R = TypeVar("R")


class ImportMode(StrEnum):
    ALL_OR_NOTHING = "all_or_nothing"
    VALID_ROWS = "valid_rows"


@dataclass
class ImportOutcome:
    """What an import did (or, rolled back, would have done) and every problem it found."""

    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    rolled_back: bool = False
    rejected_rows: int = 0
    touched_supplier_ids: list[int] = field(default_factory=list)

    def roll_back(self) -> ImportOutcome:
        """Mark the outcome as rolled back: the counts of what was written no longer hold."""
        self.rolled_back = True
        self.inserted = self.updated = self.unchanged = 0
        self.touched_supplier_ids = []
        return self


Progress = Callable[[int], None]


# Called between checking and writing, with the import's session: a job ends its read transaction there
# and begins a writing one, so the write lock is not held while the file is read and checked.
ReadyToWrite = Callable[[Session], None]


def batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class Spool(Generic[R]):
    """Checked rows set aside in a temporary file (pickled batches) until they are written."""

    def __init__(self) -> None:
        self._file: IO[bytes] = tempfile.TemporaryFile(prefix="rantai-import-")  # noqa: SIM115 - closed by __exit__
        self.batches = 0

    def add(self, batch: list[R]) -> None:
        pickle.dump(batch, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self.batches += 1

    def __iter__(self) -> Iterator[list[R]]:
        self._file.seek(0)
        for _ in range(self.batches):
            # Our own file, written just above by this process: not untrusted input.
            yield pickle.load(self._file)  # noqa: S301

    def __enter__(self) -> Spool[R]:
        return self

    def __exit__(self, *_exc: object) -> None:
        self._file.close()


def stage(
    results: Iterable[R | RejectedRow],
    *,
    mode: ImportMode,
    outcome: ImportOutcome,
    progress: Progress | None,
    check: Callable[[R], tuple[RowError, ...]] | None = None,
) -> Spool[R] | None:
    """Read and check every row, collecting every problem and setting the good rows aside; nothing is
    written. None when nothing may be written (all-or-nothing and some row is bad)."""
    spool: Spool[R] = Spool()
    try:
        for batch in batched(results, BATCH):
            records: list[R] = []
            for result in batch:
                outcome.rows += 1
                problems = _problems(result, mode=mode, outcome=outcome, check=check)
                if problems:
                    outcome.errors.extend(problems)
                    outcome.rejected_rows += 1
                else:
                    records.append(result)  # type: ignore[arg-type]
            if records and not (mode is ImportMode.ALL_OR_NOTHING and outcome.errors):
                spool.add(records)
            if progress is not None:
                progress(outcome.rows)
    except BaseException:
        spool.__exit__()
        raise
    if mode is ImportMode.ALL_OR_NOTHING and outcome.errors:
        spool.__exit__()
        return None
    return spool


def _problems(
    result: R | RejectedRow,
    *,
    mode: ImportMode,
    outcome: ImportOutcome,
    check: Callable[[R], tuple[RowError, ...]] | None,
) -> tuple[RowError, ...]:
    """What refuses a row. Bad optional cells a record was read without (its `dropped`, issue #14):
    valid-rows mode keeps the row and warns about each cell; all-or-nothing refuses the file for them."""
    if isinstance(result, RejectedRow):
        return result.errors
    problems = check(result) if check else ()
    if dropped := getattr(result, "dropped", ()):
        if mode is ImportMode.VALID_ROWS:
            outcome.warnings.extend(dropped_cell(error) for error in dropped)
        else:
            problems = (*problems, *dropped)
    return problems


def check_then_write(
    session: Session,
    results: Iterable[R | RejectedRow],
    *,
    mode: ImportMode,
    outcome: ImportOutcome,
    progress: Progress | None,
    write: Callable[[list[R]], None],
    ready_to_write: ReadyToWrite | None,
    check: Callable[[R], tuple[RowError, ...]] | None = None,
) -> SessionTransaction | None:
    """The two steps of an import: check every row (``stage``), then, once ``ready_to_write`` has run,
    write the good ones. Returns an open savepoint for the caller's last writes and commit, or None when
    nothing may stay (the outcome is then marked rolled back).

    All-or-nothing writes every row inside one savepoint. Valid-rows mode, when the caller hands the
    transaction over (``ready_to_write`` given: a job or the CLI, not a request), commits each batch of
    ``BATCH`` rows and lets waiting writers take their turn between batches (``db.take_turns``): on
    SQLite the write lock is then never held for more than one batch, so requests around a 100,000-row
    import wait a fraction of a second instead of timing out (issue #9). An import cut short keeps the
    batches it committed; as an upsert by NIB it completes when run again (the job's retry does)."""
    spool = stage(results, mode=mode, outcome=outcome, progress=progress, check=check)
    if spool is None:
        outcome.roll_back()
        return None
    with spool:
        if ready_to_write is not None:
            ready_to_write(session)
        if mode is ImportMode.VALID_ROWS and ready_to_write is not None:
            for number, records in enumerate(spool):
                if number:
                    take_turns(session)
                write(records)
            return session.begin_nested()
        savepoint = session.begin_nested()
        if write_staged(spool, mode=mode, outcome=outcome, write=write):
            savepoint.rollback()
            outcome.roll_back()
            return None
    return savepoint


def write_staged(
    spool: Spool[R], *, mode: ImportMode, outcome: ImportOutcome, write: Callable[[list[R]], None]
) -> bool:
    """Write the set-aside rows batch by batch; True when the import must be rolled back (all-or-nothing
    and a row was refused while writing, such as a profile the importer does not manage)."""
    for records in spool:
        write(records)
        if mode is ImportMode.ALL_OR_NOTHING and outcome.errors:
            return True
    return False


def reject_row(outcome: ImportOutcome, error: RowError) -> None:
    """A row found bad while writing (not by the file checks): reported, and nothing of it written."""
    outcome.errors.append(error)
    outcome.rejected_rows += 1
