"""The downloadable error report of an import: one line per problem, as CSV or XLSX.

Columns ``baris, kolom, nilai, pesan``: the row and column the user sees, the text found there, and the
message already translated by the ``translate`` callback the door passes in (domain code never knows the
user's language). Both writers stream, so a report of a million problems is never held in memory.

The CSV is UTF-8 with a byte order mark, without which Excel reads UTF-8 as Windows-1252, and is
separated by ``;``: Excel opens a double-clicked CSV with the Windows list separator, which is ``;`` under
Indonesian regional settings (where ``,`` is the decimal mark). Excel's ``sep=;`` hint line cannot be used
instead, because Excel then ignores the byte order mark.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl  # type: ignore[import-untyped]  # ships without type information
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]

from rantai.kit.text import N_
from rantai.tabular.records import RowError

Translate = Callable[[str, dict[str, Any]], str]

REPORT_COLUMNS = ("baris", "kolom", "nilai", "pesan")
CSV_DELIMITER = ";"
# An XLSX sheet holds 1,048,576 rows: the header, the problems, and a last line saying the list was cut.
MAX_XLSX_PROBLEMS = 1_048_576 - 2
# Text starting like a formula would run as one when the report is opened (CSV injection, OWASP).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NOT_IN_SHEET_TITLES = str.maketrans("", "", "[]:*?/\\")


def sheet_title(text: str) -> str:
    """``text`` as an Excel sheet name: without the characters Excel refuses, at most 31 long."""
    return text.translate(_NOT_IN_SHEET_TITLES).strip()[:31] or "Sheet"


def _report_lines(errors: Iterable[RowError], translate: Translate) -> Iterator[tuple[int, str, str, str]]:
    for error in errors:
        yield error.row, error.column, error.value, translate(error.message, dict(error.params))


def _inert(text: str) -> str:
    """``text`` that a spreadsheet shows as text: a leading apostrophe keeps ``=...`` from running."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def write_report_csv(
    errors: Iterable[RowError], out: BinaryIO, *, translate: Translate, delimiter: str = CSV_DELIMITER
) -> int:
    """Write the report as CSV to the binary stream ``out``; returns the number of problems written.

    User text that a spreadsheet would run as a formula gets a leading apostrophe, shown as it is.
    """
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    count = 0
    try:
        writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(REPORT_COLUMNS)
        for row, column, value, message in _report_lines(errors, translate):
            writer.writerow((row, _inert(column), _inert(value), _inert(message)))
            count += 1
        text.flush()
    finally:
        text.detach()  # ``out`` belongs to the caller
    return count


def write_report_xlsx(errors: Iterable[RowError], out: BinaryIO | Path, *, translate: Translate) -> int:
    """Write the report as an XLSX workbook (streamed by openpyxl's write-only mode) to ``out``.

    Returns the number of problems written; past what a sheet holds, a last line says the list was cut.
    """
    workbook: Any = openpyxl.Workbook(write_only=True)
    sheet: Any = workbook.create_sheet(sheet_title(translate(N_("Import problems"), {})))
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCD", (8, 24, 30, 90), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.append(REPORT_COLUMNS)
    count = 0
    for row, column, value, message in _report_lines(errors, translate):
        if count == MAX_XLSX_PROBLEMS:
            note = N_("Only the first %(count)d problems are listed; fix them and import the file again.")
            sheet.append(["", "", "", translate(note, {"count": count})])
            break
        sheet.append([row, _text_cell(sheet, column), _text_cell(sheet, value), _text_cell(sheet, message)])
        count += 1
    workbook.save(out)
    return count


def _text_cell(sheet: Any, text: str) -> Any:
    """``text`` as a cell value that stays text: openpyxl would store ``=...`` as a formula."""
    if not text.startswith("="):
        return text
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"
    return cell
