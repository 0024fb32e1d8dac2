"""Opening a bulk-import file (CSV or XLSX) and streaming its rows as text, the way the user typed them.

``open_table`` reads only what it needs to know the headers; ``Table.rows()`` then streams the data rows
from the start of the file each time it is called, so a 500,000-row file is never held in memory. Rows
carry the number the user sees in their spreadsheet (the first row is 1), so error reports point at the
right line.

CSV files come as people really have them (issue #3): UTF-8 with or without a byte order mark, UTF-16
(Excel's "Unicode text"), otherwise Windows-1252 (Excel's "CSV" on Windows), separated by ``,``, ``;``
(Excel with Indonesian regional settings) or tabs.

An XLSX file is a zip archive, and a few hundred kilobytes can unpack to gigabytes (issue #9, finding 4:
a 300 KB file holding a 300 MB shared string). Before openpyxl reads anything, the archive's table of
contents is checked against ``XlsxLimits`` (what it unpacks to, how far each part is compressed, the text
openpyxl would hold in memory); the first sheet's stated size is checked next, and its cells are counted
while they stream, since a sheet may state a false size.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from types import TracebackType
from typing import IO, Any, BinaryIO
from xml.etree.ElementTree import ParseError

import openpyxl  # type: ignore[import-untyped]  # ships without type information
from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]

from rantai.kit.errors import Invalid
from rantai.kit.text import N_
from rantai.settings import get_settings

Row = tuple[int, dict[str, str]]

_ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx file is a zip archive
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls format
_EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xls"}
_SAMPLE_BYTES = 64 * 1024
_SCAN_CHUNK = 256 * 1024
_SPOOL_IN_MEMORY = 8 * 1024 * 1024
_DELIMITERS = (",", ";", "\t")
_HEADER_SEPARATORS = re.compile(r"[\s\-]+")
_MB = 1024 * 1024
# Parts smaller than this may be packed as tightly as they like; a few header parts compress 100 times.
_RATIO_CHECKED_FROM = _MB

MSG_XLSX_TOO_LARGE_UNPACKED = N_(
    "%(filename)s unpacks to more than %(limit)s MB, more than Rantai reads from one workbook; "
    "split it into smaller files, or save it as .csv, and upload it again."
)
MSG_XLSX_TOO_MUCH_TEXT = N_(
    "%(filename)s holds more than %(limit)s MB of text, more than Rantai reads from one workbook; "
    "split it into smaller files, or save it as .csv, and upload it again."
)
MSG_XLSX_PACKED_ODDLY = N_(
    "%(filename)s does not look like a workbook saved by a spreadsheet program: one of its parts unpacks "
    "to more than %(ratio)s times its size. Open it, save it again as .xlsx or .csv, and upload it again."
)
MSG_XLSX_TOO_MANY_CELLS = N_(
    "The first sheet of %(filename)s has more than %(limit)s cells, more than Rantai reads from one "
    "workbook; split it into smaller files, or save it as .csv, and upload it again."
)


@dataclass(frozen=True)
class XlsxLimits:
    """How much of an Excel workbook Rantai agrees to unpack and read (issue #9, finding 4).

    ``max_unpacked_bytes`` caps the archive's parts together; the shared text (``sharedStrings.xml``,
    which openpyxl holds in memory whole) may take half of it. ``max_ratio`` refuses a part larger than
    a megabyte that unpacks to more than that many times its packed size: spreadsheet programs reach
    about 25, a zip bomb about 1,000. ``max_cells`` caps the first sheet's cells (an empty row counts as
    one), as stated in the sheet and as counted while reading it.
    """

    max_unpacked_bytes: int = 200 * _MB
    max_cells: int = 5_000_000
    max_ratio: int = 200

    @property
    def max_shared_strings_bytes(self) -> int:
        return self.max_unpacked_bytes // 2

    @classmethod
    def from_settings(cls) -> XlsxLimits:
        """The limits configured for this process (``RANTAI_IMPORT_MAX_UNPACKED_MB``, ``..._MAX_CELLS``)."""
        settings = get_settings()
        return cls(
            max_unpacked_bytes=settings.import_max_unpacked_mb * _MB, max_cells=settings.import_max_cells
        )


class FileFormat(StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


def normalize_header(text: str) -> str:
    """``" Nama Usaha "`` -> ``nama_usaha``: no byte order mark, lowercase, runs of spaces become ``_``."""
    return _HEADER_SEPARATORS.sub("_", text.replace("\ufeff", "").strip().lower()).strip("_")


class Table:
    """An opened import file: its normalized headers and a way to stream its data rows.

    Use it as a context manager (or call ``close``): it owns the file it opened from a path, and the
    temporary copy of a stream that could not seek.
    """

    format: FileFormat

    def __init__(self, stream: BinaryIO, *, filename: str, owned: bool) -> None:
        self.filename = filename
        self._stream = stream
        self._owned = owned
        self.headers: tuple[str, ...] = ()
        self.header_row = 1

    def rows(self) -> Iterator[Row]:
        """Every non-empty row below the header: ``(row_number, {header: stripped text})``.

        Each header of the file is a key (empty text for a short row); columns without a header are left
        out. Raises ``Invalid`` if the file turns out to be broken further down.
        """
        names = self.headers
        unnamed = "" in names
        for number, values in self.value_rows():
            row = dict(zip(names, values, strict=True))
            if unnamed:
                del row[""]
            yield number, row

    def value_rows(self) -> Iterator[tuple[int, list[str]]]:
        """Like ``rows``, with the stripped texts in a list in the order of ``headers``.

        The validators use this form: building a dict per row costs a tenth of their time budget.
        """
        header_row, width = self.header_row, len(self.headers)
        strip = str.strip
        for number, cells in self._records():
            if number <= header_row or not cells:
                continue
            values = list(map(strip, cells)) if len(cells) == width else _fit(cells, width)
            if any(values):
                yield number, values

    def close(self) -> None:
        if self._owned:
            self._stream.close()

    def __enter__(self) -> Table:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def _records(self) -> Iterator[tuple[int, Sequence[str]]]:
        raise NotImplementedError

    def _read_headers(self) -> None:
        for number, cells in self._records():
            names = [normalize_header(cell) for cell in cells]
            if any(names):
                while names and not names[-1]:
                    names.pop()
                self.header_row, self.headers = number, tuple(names)
                break
        else:
            raise Invalid(
                N_("%(filename)s is empty; fill in the template and upload it again."), filename=self.filename
            )
        seen: set[str] = set()
        for name in self.headers:
            if name and name in seen:
                raise Invalid(
                    N_("Column %(column)s appears more than once; keep one and upload the file again."),
                    column=name,
                )
            seen.add(name)


def _fit(cells: Sequence[str], width: int) -> list[str]:
    """A row cut or padded to the header's width: cells beyond the last header have no column."""
    values = [value.strip() for value in cells[:width]]
    values.extend([""] * (width - len(values)))
    return values


class CsvTable(Table):
    """A CSV file, decoded with the encoding and split on the delimiter found when it was opened."""

    format = FileFormat.CSV

    def __init__(self, stream: BinaryIO, *, filename: str, owned: bool) -> None:
        super().__init__(stream, filename=filename, owned=owned)
        self.encoding = _detect_encoding(stream, filename)
        self.delimiter = _sniff_delimiter(stream, self.encoding)
        self._read_headers()

    def _records(self) -> Iterator[tuple[int, Sequence[str]]]:
        self._stream.seek(0)
        # newline="" lets the csv module see line breaks inside quoted cells (Alt+Enter in Excel).
        text = io.TextIOWrapper(self._stream, encoding=self.encoding, errors="replace", newline="")
        number = 0
        try:
            # A record is one spreadsheet row, even when a quoted cell spans lines, so counting records
            # (blank lines included) gives the row numbers the user sees.
            for number, cells in enumerate(csv.reader(text, delimiter=self.delimiter), start=1):
                yield number, cells
        except csv.Error:
            raise Invalid(
                N_(
                    '%(filename)s cannot be read after row %(row)d; check that row for a quote mark (") that is not closed.'
                ),
                filename=self.filename,
                row=number,
            ) from None
        finally:
            text.detach()  # the stream belongs to the table; closing the wrapper would close it


class XlsxTable(Table):
    """The first worksheet of an Excel workbook, read in openpyxl's streaming (read-only) mode."""

    format = FileFormat.XLSX

    def __init__(self, stream: BinaryIO, *, filename: str, owned: bool, limits: XlsxLimits) -> None:
        super().__init__(stream, filename=filename, owned=owned)
        self._limits = limits
        _check_archive(stream, filename, limits)  # before openpyxl unpacks anything
        try:
            self._workbook: Any = openpyxl.load_workbook(
                stream, read_only=True, data_only=True, keep_links=False
            )
        except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, OSError, ParseError):
            raise _unreadable(filename) from None
        try:
            if not self._workbook.worksheets:
                raise _unreadable(filename)
            # The data is on the first sheet; the template keeps its instructions on the second.
            self._sheet: Any = self._workbook.worksheets[0]
            self._check_stated_size()
            # Some programs write a wrong size into the sheet, and openpyxl would stop reading there.
            self._sheet.reset_dimensions()
            self._read_headers()
        except BaseException:
            self._workbook.close()
            raise

    def _check_stated_size(self) -> None:
        """Refuse a sheet that says it is larger than the cell cap (``_records`` counts the real cells)."""
        sheet = self._sheet
        if None in (sheet.min_row, sheet.max_row, sheet.min_column, sheet.max_column):
            return
        cells = (sheet.max_row - sheet.min_row + 1) * (sheet.max_column - sheet.min_column + 1)
        if cells > self._limits.max_cells:
            raise _too_many_cells(self.filename, self._limits)

    def _records(self) -> Iterator[tuple[int, Sequence[str]]]:
        limit, counted = self._limits.max_cells, 0
        try:
            # openpyxl yields every row from the first, empty ones included, so counting gives row numbers.
            for number, values in enumerate(self._sheet.iter_rows(min_row=1, values_only=True), start=1):
                # A row numbered 1,000,000,000 in a tiny file makes openpyxl yield as many empty rows:
                # each counts as a cell.
                counted += len(values) or 1
                if counted > limit:
                    raise _too_many_cells(self.filename, self._limits)
                yield number, [cell_text(value) for value in values]
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, ParseError):
            raise _unreadable(self.filename) from None

    def close(self) -> None:
        self._workbook.close()
        super().close()


def cell_text(value: object) -> str:
    """What a person would have typed to get this Excel cell value.

    Whole numbers lose Excel's ``.0`` (a NIB stored as a number reads ``9120000000001``), other numbers
    keep at most 15 significant digits as Excel shows them, dates are ISO (``2024-01-31``).
    """
    if type(value) is str:
        return value
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else format(value, ".15g")
    elif isinstance(value, dt.datetime):
        text = value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    elif isinstance(value, dt.date | dt.time):
        text = value.isoformat()
    else:
        text = str(value)  # int, and whatever else a cell may hold
    return text


def open_table(
    source: Path | BinaryIO, *, filename: str | None = None, limits: XlsxLimits | None = None
) -> Table:
    """Open a CSV or XLSX file for import and read its header row.

    The format comes from the file's first bytes (an ``.xlsx`` is a zip archive), so a workbook renamed
    to ``.csv`` still opens; the name (``filename``, else the path's) only serves the error messages and
    tells an unreadable Excel file from a text one. ``limits`` bound what a workbook may unpack to (the
    configured ones when not given). Raises ``Invalid`` for an unreadable, empty or oversized file or a
    repeated column.
    """
    if isinstance(source, Path):
        name = filename or source.name
        try:
            stream: BinaryIO = source.open("rb")
        except OSError:
            raise _unreadable(name) from None
        owned = True
    else:
        name = filename or "upload"
        stream, owned = _seekable(source)
    try:
        return _open(stream, name, owned=owned, limits=limits or XlsxLimits.from_settings())
    except BaseException:
        if owned:
            stream.close()
        raise


def _open(stream: BinaryIO, filename: str, *, owned: bool, limits: XlsxLimits) -> Table:
    stream.seek(0)
    magic = stream.read(8)
    if magic.startswith(_ZIP_MAGIC):
        return XlsxTable(stream, filename=filename, owned=owned, limits=limits)
    if magic.startswith(_OLE_MAGIC):
        raise Invalid(
            N_("%(filename)s is an old Excel .xls file; save it as .xlsx or .csv and upload it again."),
            filename=filename,
        )
    if Path(filename).suffix.lower() in _EXCEL_SUFFIXES:
        raise _unreadable(filename)  # named like a workbook but is not one: a broken or misnamed file
    return CsvTable(stream, filename=filename, owned=owned)


def _seekable(source: BinaryIO) -> tuple[BinaryIO, bool]:
    """The stream itself if it can seek (rows are read twice: encoding scan, then parsing), else a copy."""
    try:
        if source.seekable():
            return source, False
    except (AttributeError, ValueError):
        pass
    copy: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL_IN_MEMORY)  # noqa: SIM115 - the table closes it
    shutil.copyfileobj(source, copy)
    return copy, True  # type: ignore[return-value]  # SpooledTemporaryFile is a binary file in all but name


def _check_archive(stream: BinaryIO, filename: str, limits: XlsxLimits) -> None:
    """Refuse a workbook whose parts would unpack to too much, from the archive's table of contents alone.

    The sizes it states can be trusted as upper bounds: Python's zipfile, which openpyxl reads through,
    never unpacks more of a part than its stated size (a longer part fails its checksum).
    """
    try:
        with zipfile.ZipFile(stream) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable(filename) from None
    if sum(part.file_size for part in parts) > limits.max_unpacked_bytes:
        raise Invalid(MSG_XLSX_TOO_LARGE_UNPACKED, filename=filename, limit=limits.max_unpacked_bytes // _MB)
    for part in parts:
        if part.file_size >= _RATIO_CHECKED_FROM and part.file_size > limits.max_ratio * max(
            part.compress_size, 1
        ):
            raise Invalid(MSG_XLSX_PACKED_ODDLY, filename=filename, ratio=limits.max_ratio)
        if part.filename.lower().endswith("sharedstrings.xml") and (
            part.file_size > limits.max_shared_strings_bytes
        ):
            raise Invalid(
                MSG_XLSX_TOO_MUCH_TEXT, filename=filename, limit=limits.max_shared_strings_bytes // _MB
            )


def _too_many_cells(filename: str, limits: XlsxLimits) -> Invalid:
    return Invalid(MSG_XLSX_TOO_MANY_CELLS, filename=filename, limit=limits.max_cells)


def _unreadable(filename: str) -> Invalid:
    return Invalid(
        N_(
            "%(filename)s cannot be read as a CSV or XLSX file; save it as .xlsx or .csv and upload it again."
        ),
        filename=filename,
    )


def _detect_encoding(stream: BinaryIO, filename: str) -> str:
    """UTF-8 (with or without byte order mark), UTF-16 with its mark, else Windows-1252.

    The whole file is scanned, in chunks, because a single "é" in row 90,000 decides it; ASCII chunks,
    the usual case, are skipped without decoding.
    """
    stream.seek(0)
    head = stream.read(_SAMPLE_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise _unreadable(filename)  # a binary file (a PDF, an image) with a .csv name
    if not head.strip():
        raise Invalid(
            N_("%(filename)s is empty; fill in the template and upload it again."), filename=filename
        )
    decoder = codecs.getincrementaldecoder("utf-8")()
    chunk = head
    try:
        while chunk:
            # A chunk may end inside a multi-byte character; the decoder then holds bytes to complete.
            if not (chunk.isascii() and not decoder.getstate()[0]):
                decoder.decode(chunk)
            chunk = stream.read(_SCAN_CHUNK)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _sniff_delimiter(stream: BinaryIO, encoding: str) -> str:
    """The separator used most on the header line, among ``,``, ``;`` and tab (``,`` if none is)."""
    stream.seek(0)
    sample = stream.read(_SAMPLE_BYTES).decode(encoding, errors="ignore")
    line = next((line for line in sample.splitlines() if line.strip()), "")
    counts = {delimiter: line.count(delimiter) for delimiter in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ","
