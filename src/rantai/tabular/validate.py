"""Turning the rows of an import file into typed records, or into every error each row has.

The validators stream: they hold only the keys seen so far (to report a row repeating an earlier one),
and a bounded cache of cell values that repeat across rows (region, KBLI, unit, a products file's NIB),
so the look-up callbacks, which may query the database, run once per distinct value.

Product keys are remembered as 64-bit hashes, which halves the memory of a 500,000-row file (about
110 MB instead of 200 MB); a row is wrongly reported as a repeat only if two different keys collide,
less than one chance in 10^7 for a million keys.

Headers are checked when a validator is called, before any row is read: a missing required column
raises ``Invalid`` at once. A file with a header but no data rows raises ``Invalid`` once the rows are
exhausted; the caller has written nothing by then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

from rantai.kit import clock
from rantai.kit.errors import Invalid
from rantai.kit.text import N_
from rantai.tabular.cells import (
    CellError,
)
from rantai.tabular.columns import ImportSpec
from rantai.tabular.reading import Table
from rantai.tabular.records import RowError

MAX_NAME = 200
# Marketplace titles run to 255 characters and more; need titles already take 500 (issue #14).
MAX_PRODUCT_NAME = 500
MAX_ADDRESS = 500
MAX_PRODUCT_CODE = 64
MAX_CATEGORY = 100
MAX_DESCRIPTION = 4000
_CACHE_LIMIT = 50_000
# The latest founding year allowed is the current year in WIT (UTC+9), the easternmost Indonesian zone,
# so a business founded today is accepted wherever it is.
_EASTERNMOST_OFFSET = dt.timedelta(hours=9)

REQUIRED = N_("Required: fill in this cell.")

Parser = Callable[[str], Any]
Field = tuple[str, Parser, bool]  # column, parser, required; in the order of the record's fields


class _Failure:
    """A remembered parse error, reported again for every row holding the same text."""

    __slots__ = ("message", "params")

    def __init__(self, error: CellError) -> None:
        self.message = error.message
        self.params = error.params


class _Memo(dict[str, Any]):
    """Answers (values or ``_Failure``) of a parser for texts that repeat across rows.

    A dict, so that a repeated text costs one C-level look-up: ``memo[text]`` parses only on a miss.
    Bounded: it starts over when full, so a column of all-distinct values cannot grow it without end.
    """

    def __init__(self, parse: Callable[[str], Any]) -> None:
        super().__init__()
        self._parse = parse

    def __missing__(self, text: str) -> Any:
        if len(self) >= _CACHE_LIMIT:
            self.clear()
        try:
            answer = self._parse(text)
        except CellError as error:
            answer = _Failure(error)
        self[text] = answer
        return answer


def memo(parse: Callable[[str], Any]) -> Parser:
    return _Memo(parse).__getitem__


class RowPlan:
    """Where each field's text sits in the table's rows, and how to parse it."""

    def __init__(self, headers: tuple[str, ...], fields: tuple[Field, ...]) -> None:
        self.width = len(fields)
        # Optional columns absent from the file are left out: their fields stay None.
        self.steps = tuple(
            (position, headers.index(column), column, parse, required)
            for position, (column, parse, required) in enumerate(fields)
            if column in headers
        )

    def parse(self, number: int, cells: list[str]) -> tuple[list[Any], list[RowError]]:
        """Every field of a row parsed, and every error: a row's problems are reported together."""
        values: list[Any] = [None] * self.width
        errors: list[RowError] = []
        for position, index, column, parse, required in self.steps:
            text = cells[index]
            if text:
                try:
                    value = parse(text)
                except CellError as error:
                    errors.append(RowError(number, column, text, error.message, error.params))
                    continue
                if type(value) is _Failure:
                    errors.append(RowError(number, column, text, value.message, value.params))
                else:
                    values[position] = value
            elif required:
                errors.append(RowError(number, column, "", REQUIRED))
        return values, errors


def data_rows(table: Table, spec: ImportSpec) -> Iterator[tuple[int, list[str]]]:
    """The table's rows without the template's example row; ``Invalid`` if none is left."""
    example = spec.example
    headers = table.headers
    nib_index = headers.index("nib")
    example_nib = example["nib"]
    checks = [(index, example[header]) for index, header in enumerate(headers) if header in example]
    seen = False
    for number, cells in table.value_rows():
        if cells[nib_index] == example_nib and all(cells[index] == text for index, text in checks):
            continue
        seen = True
        yield number, cells
    if not seen:
        raise Invalid(
            N_("%(filename)s has a header row but no data rows; add at least one row."),
            filename=table.filename,
        )


def current_max_year() -> int:
    return (clock.now() + _EASTERNMOST_OFFSET).year
