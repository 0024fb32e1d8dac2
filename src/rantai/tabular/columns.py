"""The columns of the two import files, with the Indonesian header names of issue #3, and header checks.

Headers are compared after ``reading.normalize_header`` (``Nama Usaha`` is ``nama_usaha``), so their order
does not matter. A required column must be present and filled in on every row; an optional one may be
missing or left empty. Columns not listed here are reported and ignored, never fatal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rantai.kit.errors import Invalid
from rantai.kit.text import N_
from rantai.tabular.records import RowError


@dataclass(frozen=True, slots=True)
class Column:
    """One column of a template: its header, whether it is required, an example and a help msgid."""

    name: str
    required: bool
    example: str
    help: str
    # Written as a text column in the XLSX template, so Excel keeps leading zeros and all 13 NIB digits.
    text: bool = False


@dataclass(frozen=True, slots=True)
class ImportSpec:
    """The columns of one kind of import file, with the msgids the template shows for it."""

    name: str  # used in file names: template_suppliers.xlsx
    title: str  # msgid: the data sheet's name
    intro: str  # msgid: the first instruction
    columns: tuple[Column, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)

    @property
    def example(self) -> dict[str, str]:
        """The template's example row; a row exactly like it is skipped on import."""
        return {column.name: column.example for column in self.columns}


@dataclass(frozen=True, slots=True)
class HeaderReport:
    """How a file's headers compare with a spec: required columns missing, unknown columns to ignore."""

    header_row: int
    missing: tuple[str, ...]
    extra: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.missing

    def raise_for_missing(self) -> None:
        """Raise ``Invalid`` naming the missing required columns, if any."""
        if self.missing:
            raise Invalid(
                N_("Required columns are missing: %(columns)s. Copy the header row from the template."),
                columns=", ".join(self.missing),
            )

    def warnings(self) -> list[RowError]:
        """One report line per ignored column, to show next to the row errors."""
        return [
            RowError(
                self.header_row,
                column,
                "",
                N_("Column %(column)s is not in the template and was ignored."),
                {"column": column},
            )
            for column in self.extra
        ]


def check_headers(headers: Sequence[str], spec: ImportSpec, *, header_row: int = 1) -> HeaderReport:
    """Compare normalized ``headers`` with ``spec``."""
    present = {header for header in headers if header}
    known = set(spec.names)
    return HeaderReport(
        header_row=header_row,
        missing=tuple(name for name in spec.required if name not in present),
        extra=tuple(header for header in headers if header and header not in known),
    )
