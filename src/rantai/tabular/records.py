"""What validating an import file yields per row: a typed record ready to upsert, or the row's errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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


def name_key(name: str) -> str:
    """A product name as compared to find the same product: case and repeated spaces do not count."""
    return " ".join(name.casefold().split())
