"""The downloadable import templates: the Indonesian header row and one example row, as CSV or XLSX.

The XLSX template formats identifier columns (NIB, NPWP, codes, phone) as text, so what users type
there keeps its leading zeros and all 13 NIB digits: prevention of what ``cells`` has to repair. Its
second sheet explains each column; the data stays on the first, which is the one the importer reads.
The example row is skipped on import when left as it is (see ``validate``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl  # type: ignore[import-untyped]  # ships without type information
from openpyxl.styles import Alignment, Font  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]

from rantai.kit.text import N_
from rantai.tabular.columns import ImportSpec
from rantai.tabular.report import CSV_DELIMITER, Translate, sheet_title

TEXT_FORMAT = "@"  # Excel's "Text" number format
_MAX_WIDTH = 60
_GENERAL_NOTES = (
    N_("Keep the header row as it is. Columns may come in any order; columns not listed here are ignored."),
    N_("Required columns must be filled in on every row."),
    N_("Importing the same file again updates the rows it imported before instead of adding them twice."),
    N_("Save the file as .xlsx or .csv. Do not let Excel turn NIB, NPWP or codes into numbers."),
)


def write_template_csv(spec: ImportSpec, out: BinaryIO, *, delimiter: str = CSV_DELIMITER) -> None:
    """Write the CSV template to ``out``: UTF-8 with a byte order mark and ``;``, as Excel in Indonesia
    expects (see ``report``); the importer reads either separator."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    try:
        writer = csv.writer(text, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(spec.names)
        writer.writerow(column.example for column in spec.columns)
        text.flush()
    finally:
        text.detach()  # ``out`` belongs to the caller


def write_template_xlsx(spec: ImportSpec, out: BinaryIO | Path, *, translate: Translate) -> None:
    """Write the XLSX template to ``out``: the data sheet, then an instructions sheet in the user's language."""
    workbook: Any = openpyxl.Workbook()
    _data_sheet(workbook.active, spec, translate)
    _instructions_sheet(
        workbook.create_sheet(sheet_title(translate(N_("Instructions"), {}))), spec, translate
    )
    workbook.save(out)


def _data_sheet(sheet: Any, spec: ImportSpec, translate: Translate) -> None:
    sheet.title = sheet_title(translate(spec.title, {}))
    bold = Font(bold=True)
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=column.name)
        header.font = bold
        example = sheet.cell(row=2, column=index, value=column.example or None)
        dimension = sheet.column_dimensions[letter]
        dimension.width = min(_MAX_WIDTH, max(len(column.name), len(column.example)) + 2)
        if column.text:
            # The column's own format applies to the cells users fill in later, not only to these two.
            dimension.number_format = TEXT_FORMAT
            example.number_format = TEXT_FORMAT
    sheet.freeze_panes = "A2"


def _instructions_sheet(sheet: Any, spec: ImportSpec, translate: Translate) -> None:
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.append([translate(N_("How to fill in this template"), {})])
    sheet["A1"].font = Font(bold=True, size=14)
    for note in (spec.intro, *_GENERAL_NOTES):
        sheet.append([translate(note, {})])
    sheet.append([])
    headings = (N_("Column"), N_("Required"), N_("How to fill it in"), N_("Example"))
    sheet.append([translate(heading, {}) for heading in headings])
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    yes, no = translate(N_("Yes"), {}), translate(N_("No"), {})
    for column in spec.columns:
        sheet.append(
            [column.name, yes if column.required else no, translate(column.help, {}), column.example]
        )
        for cell in sheet[sheet.max_row]:
            cell.alignment = wrap
    for letter, width in zip("ABCD", (22, 10, 70, 40), strict=True):
        sheet.column_dimensions[letter].width = width
