"""What validating an import file yields per row: a typed record ready to upsert, or the row's errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from rantai.i18n import translate
from rantai.kit.text import N_, Localized

MSG_CELL_DROPPED = N_("This cell was left out and the rest of the row imported: %(problem)s")


@dataclass(frozen=True, slots=True)
class RowError:
    """One problem in the file: where (the row and column the user sees), the text found, and why.

    ``message`` is an English msgid with ``%(name)s`` placeholders filled from ``params``; the door
    translates it. Row 1 is the header row, where unknown columns are reported.
    """

    row: int
    column: str
    value: str
    message: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class RejectedRow:
    """A row that cannot be imported, with every problem found in it (not only the first)."""

    row: int
    errors: tuple[RowError, ...]


def dropped_cell(error: RowError) -> RowError:
    """A bad optional cell that valid-rows mode leaves out, keeping its row (issue #14: a price of 0 refused
    a whole real listing): the report names the cell and says why, in the reader's language."""
    problem = Localized(partial(_worded, error.message, error.params))
    return RowError(error.row, error.column, error.value, MSG_CELL_DROPPED, {"problem": problem})


def _worded(message: str, params: dict[str, Any], locale: str) -> str:
    return translate(locale, message, **params)


def name_key(name: str) -> str:
    """A product name as compared to find the same product: case and repeated spaces do not count."""
    return " ".join(name.casefold().split())
