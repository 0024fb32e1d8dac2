"""Excel workbooks that unpack to too much are refused before they are read (issue #9, finding 4).

The bombs are real: workbooks of a few hundred kilobytes whose shared strings (the part openpyxl loads
whole when it opens a workbook) unpack to hundreds of megabytes. They are built by ``_xlsx`` like the
normal workbook at the end, which openpyxl reads, so only the size of one string tells them apart.
"""

from __future__ import annotations

import io
import random
import string
import zipfile
from pathlib import Path

import pytest

from rantai.i18n import translate
from rantai.kit.errors import Invalid
from rantai.settings import get_settings
from rantai.tabular.reading import (
    MSG_XLSX_PACKED_ODDLY,
    MSG_XLSX_TOO_LARGE_UNPACKED,
    MSG_XLSX_TOO_MANY_CELLS,
    MSG_XLSX_TOO_MUCH_TEXT,
    XlsxLimits,
    open_table,
)

MB = 1024 * 1024
HEADER = ["nib", "nama_usaha", "kode_wilayah", "kbli"]
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PACKAGE = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{_CT}.sheet.main+xml"/>'
        f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_CT}.worksheet+xml"/>'
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_CT}.sharedStrings+xml"/></Types>'
    ),
    "_rels/.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
        '<sheets><sheet name="Pemasok" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}">'
        f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
    ),
}


def _column(index: int) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[index]


def _xlsx(
    rows: list[list[str]],
    *,
    dimension: str | None = None,
    far_row: int | None = None,
    big_string: bytes = b"",
    big_string_repeats: int = 0,
) -> bytes:
    """A workbook whose cells are all shared strings, the way Excel saves them.

    ``dimension`` is the size the sheet states (the true one unless given); ``far_row`` adds one cell
    in a row with that number; ``big_string`` repeated ``big_string_repeats`` times is one more shared
    string, used by the cell below the last row.
    """
    strings: list[str] = []
    cells: list[str] = []
    for number, row in enumerate(rows, start=1):
        refs = []
        for index, value in enumerate(row):
            refs.append(f'<c r="{_column(index)}{number}" t="s"><v>{len(strings)}</v></c>')
            strings.append(value)
        cells.append(f'<row r="{number}">{"".join(refs)}</row>')
    if big_string_repeats:
        cells.append(
            f'<row r="{len(rows) + 1}"><c r="A{len(rows) + 1}" t="s"><v>{len(strings)}</v></c></row>'
        )
    if far_row:
        cells.append(f'<row r="{far_row}"><c r="A{far_row}" t="s"><v>0</v></c></row>')
    stated = dimension or f"A1:{_column(max(len(row) for row in rows) - 1)}{len(rows)}"
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_MAIN}"><dimension ref="{stated}"/>'
        f"<sheetData>{''.join(cells)}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PACKAGE.items():
            archive.writestr(name, text)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
        # Streamed into the archive, so a bomb is never whole in this process's memory either.
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as part:
            part.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{_MAIN}">'.encode())
            part.write("".join(f"<si><t>{value}</t></si>" for value in strings).encode())
            if big_string_repeats:
                part.write(b"<si><t>")
                for _ in range(big_string_repeats):
                    part.write(big_string)
                part.write(b"</t></si>")
            part.write(b"</sst>")
    return out.getvalue()


def _suppliers(count: int) -> list[list[str]]:
    return [HEADER] + [[f"91200{i:08d}", f"Usaha Mikro {i}", "32.73", "10794"] for i in range(count)]


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """The issue's bomb: a small file holding a 300 MB shared string."""
    return _xlsx(_suppliers(2), big_string=b"A" * MB, big_string_repeats=300)


def _refusal(data: bytes, limits: XlsxLimits | None = None) -> Invalid:
    with (
        pytest.raises(Invalid) as caught,
        open_table(io.BytesIO(data), filename="pemasok.xlsx", limits=limits) as table,
    ):
        list(table.rows())
    return caught.value


def test_zip_bomb_is_refused_naming_the_limit(bomb: bytes) -> None:
    assert len(bomb) < 2 * MB  # small on the wire ...
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert sum(part.file_size for part in archive.infolist()) > 300 * MB  # ... huge once unpacked
    error = _refusal(bomb, XlsxLimits())
    assert error.message == MSG_XLSX_TOO_LARGE_UNPACKED
    assert error.params == {"filename": "pemasok.xlsx", "limit": 200}
    assert translate("en", error.message, **error.params) == (
        "pemasok.xlsx unpacks to more than 200 MB, more than Rantai reads from one workbook; split it into "
        "smaller files, or save it as .csv, and upload it again."
    )


def test_the_configured_limit_applies(bomb: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RANTAI_IMPORT_MAX_UNPACKED_MB", "150")
    get_settings.cache_clear()
    try:
        error = _refusal(bomb)  # no limits given: the process's settings
    finally:
        get_settings.cache_clear()
    assert error.params["limit"] == 150


def test_part_packed_like_a_bomb_is_refused_below_the_size_limit() -> None:
    # 20 MB of one letter: within the size limits, but packed about 1,000 times.
    data = _xlsx(_suppliers(2), big_string=b"A" * MB, big_string_repeats=20)
    error = _refusal(data, XlsxLimits())
    assert error.message == MSG_XLSX_PACKED_ODDLY
    assert error.params == {"filename": "pemasok.xlsx", "ratio": 200}


def test_too_much_shared_text_is_refused() -> None:
    # 3 MB of text that packs like real text, so that only the shared-text cap (half of 4 MB) stops it.
    letters = string.ascii_letters + string.digits + " .,;"
    text = "".join(random.Random(9).choices(letters, k=3 * MB)).encode()  # noqa: S311 - test data, not secrets
    data = _xlsx(_suppliers(2), big_string=text, big_string_repeats=1)
    error = _refusal(data, XlsxLimits(max_unpacked_bytes=4 * MB))
    assert error.message == MSG_XLSX_TOO_MUCH_TEXT
    assert error.params == {"filename": "pemasok.xlsx", "limit": 2}


def test_sheet_stating_too_many_cells_is_refused_when_opened() -> None:
    data = _xlsx(_suppliers(30))  # 31 rows x 4 columns, as the sheet states (A1:D31)
    with pytest.raises(Invalid) as caught:
        open_table(io.BytesIO(data), filename="pemasok.xlsx", limits=XlsxLimits(max_cells=100))
    assert caught.value.message == MSG_XLSX_TOO_MANY_CELLS
    assert caught.value.params == {"filename": "pemasok.xlsx", "limit": 100}


def test_cells_are_counted_while_reading_when_the_sheet_understates_its_size() -> None:
    data = _xlsx(_suppliers(30), dimension="A1:D1")
    with open_table(io.BytesIO(data), filename="pemasok.xlsx", limits=XlsxLimits(max_cells=100)) as table:
        assert table.headers == tuple(HEADER)  # the header is read; the cap strikes further down
        with pytest.raises(Invalid) as caught:
            list(table.rows())
    assert caught.value.message == MSG_XLSX_TOO_MANY_CELLS


def test_a_far_away_row_counts_as_the_empty_rows_before_it() -> None:
    # A row numbered 900,000,000 would make openpyxl yield 900 million empty rows one by one.
    data = _xlsx(_suppliers(2), dimension="A1:D1", far_row=900_000_000)
    assert _refusal(data, XlsxLimits(max_cells=10_000)).message == MSG_XLSX_TOO_MANY_CELLS


def test_a_normal_workbook_within_the_limits_is_read(tmp_path: Path) -> None:
    path = tmp_path / "pemasok.xlsx"
    path.write_bytes(_xlsx(_suppliers(30), big_string=b"Jl. Merdeka 1, Bandung", big_string_repeats=1))
    with open_table(path, limits=XlsxLimits(max_cells=125)) as table:  # its 31 x 4 cells and the address
        rows = list(table.rows())
    assert len(rows) == 31
    assert rows[-2] == (
        31,
        dict(zip(HEADER, ["9120000000029", "Usaha Mikro 29", "32.73", "10794"], strict=True)),
    )
    assert rows[-1] == (
        32,
        {"nib": "Jl. Merdeka 1, Bandung", "nama_usaha": "", "kode_wilayah": "", "kbli": ""},
    )
