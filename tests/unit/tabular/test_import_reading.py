"""Opening import files as people really have them: encodings, separators, Excel workbooks (issue #3)."""

from __future__ import annotations

import datetime as dt
import io
import tracemalloc
from pathlib import Path

import openpyxl  # type: ignore[import-untyped]
import pytest

from rantai.kit.errors import Invalid
from rantai.tabular.reading import FileFormat, cell_text, normalize_header, open_table

HEADER = "nib,nama_usaha,kode_wilayah\n"


def _rows(data: bytes, filename: str = "pemasok.csv") -> list[tuple[int, dict[str, str]]]:
    with open_table(io.BytesIO(data), filename=filename) as table:
        return list(table.rows())


def test_utf8_with_bom() -> None:
    data = ("\ufeff" + HEADER + "9120001234567,Kopi Gunung Puntang,32.04\n").encode()
    with open_table(io.BytesIO(data), filename="a.csv") as table:
        assert table.format is FileFormat.CSV
        assert table.headers == ("nib", "nama_usaha", "kode_wilayah")  # no BOM glued to "nib"
        assert list(table.rows()) == [
            (2, {"nib": "9120001234567", "nama_usaha": "Kopi Gunung Puntang", "kode_wilayah": "32.04"})
        ]


def test_utf8_without_bom() -> None:
    data = (HEADER + "9120001234567,Sambal Bu Rudy Surabaya,35.78\n").encode()
    assert _rows(data)[0][1]["nama_usaha"] == "Sambal Bu Rudy Surabaya"


def test_windows_1252() -> None:
    data = (HEADER + "9120001234567,Kerupuk Ikan Tenggiri é,16.71\n").encode("cp1252")
    assert _rows(data)[0][1]["nama_usaha"] == "Kerupuk Ikan Tenggiri é"


def test_windows_1252_detected_even_far_down_the_file() -> None:
    lines = [HEADER] + [f"91200012{i:05d},Usaha {i},32.73\n" for i in range(40_000)]
    lines.append("9120009999999,Café Kopi Aroma,32.73\n")
    data = "".join(lines).encode("cp1252")  # the only non-ASCII byte is past the first megabyte
    assert len(data) > 1024 * 1024
    with open_table(io.BytesIO(data), filename="a.csv") as table:
        assert table.encoding == "cp1252"
        *_, (number, last) = table.rows()
    assert (number, last["nama_usaha"]) == (40_002, "Café Kopi Aroma")


def test_utf16_from_excel_unicode_text() -> None:
    data = "nib\tnama_usaha\n9120001234567\tBatik Trusmi\n".encode("utf-16")
    assert _rows(data, "pemasok.txt") == [(2, {"nib": "9120001234567", "nama_usaha": "Batik Trusmi"})]


@pytest.mark.parametrize("delimiter", [";", "\t", ","])
def test_delimiter_is_sniffed(delimiter: str) -> None:
    data = delimiter.join(["nib", "nama_usaha", "alamat"]) + "\n"
    data += delimiter.join(["9120001234567", "CV Maju", '"Jl. Merdeka 1, Bandung"']) + "\n"
    assert _rows(data.encode())[0][1]["alamat"] == "Jl. Merdeka 1, Bandung"


def test_headers_are_normalized() -> None:
    data = b"\xef\xbb\xbf NIB ; Nama Usaha ;Kode-Wilayah;Jumlah  Tenaga Kerja\n1;2;3;4\n"
    with open_table(io.BytesIO(data), filename="a.csv") as table:
        assert table.headers == ("nib", "nama_usaha", "kode_wilayah", "jumlah_tenaga_kerja")
    assert normalize_header("\ufeffNama Usaha ") == "nama_usaha"


def test_values_are_stripped_and_row_numbers_are_what_the_user_sees() -> None:
    data = (
        b"nib;nama_usaha;alamat\n"
        b"9120001234567 ;  Keripik Tempe  ;Jl. A\n"
        b"\n"  # an empty line: skipped, but it is still row 3 in the spreadsheet
        b";;\n"  # an empty row with separators
        b'9120001234568;Batik;"Jl. B\nRT 02"\n'  # a cell with a line break is still one row
        b"9120001234569;Rendang;Jl. C\n"
    )
    rows = _rows(data)
    assert [number for number, _ in rows] == [2, 5, 6]
    assert rows[0][1] == {"nib": "9120001234567", "nama_usaha": "Keripik Tempe", "alamat": "Jl. A"}
    assert rows[1][1]["alamat"] == "Jl. B\nRT 02"


def test_short_and_long_rows_fit_the_header() -> None:
    data = b"nib,nama_usaha\n9120001234567\n9120001234568,Batik,surplus\n"
    assert [row for _, row in _rows(data)] == [
        {"nib": "9120001234567", "nama_usaha": ""},
        {"nib": "9120001234568", "nama_usaha": "Batik"},
    ]


def test_header_may_follow_blank_lines_and_unnamed_columns_are_dropped() -> None:
    data = b"\n,,\nnib,,nama_usaha,\n9120001234567,x,Batik,y\n"
    with open_table(io.BytesIO(data), filename="a.csv") as table:
        assert table.header_row == 3
        assert list(table.rows()) == [(4, {"nib": "9120001234567", "nama_usaha": "Batik"})]


def test_rows_can_be_read_again() -> None:
    with open_table(io.BytesIO(b"nib\n1\n2\n"), filename="a.csv") as table:
        assert list(table.rows()) == list(table.rows())


def test_stream_that_cannot_seek_is_copied() -> None:
    class Pipe(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            chunk = self._data.read(len(buffer))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    with open_table(Pipe(b"nib\n9120001234567\n"), filename="a.csv") as table:  # type: ignore[arg-type]
        assert list(table.rows()) == [(2, {"nib": "9120001234567"})]


def test_open_from_a_path_closes_the_file(tmp_path: Path) -> None:
    path = tmp_path / "pemasok.csv"
    path.write_bytes(b"nib\n9120001234567\n")
    with open_table(path) as table:
        assert table.filename == "pemasok.csv"
        assert len(list(table.rows())) == 1
    assert table._stream.closed


def test_callers_stream_is_left_open() -> None:
    stream = io.BytesIO(b"nib\n9120001234567\n")
    with open_table(stream, filename="a.csv") as table:
        list(table.rows())
    assert not stream.closed


@pytest.mark.parametrize("data", [b"", b"  \r\n\n", b",,\n,,\n"])
def test_empty_file(data: bytes) -> None:
    with pytest.raises(Invalid) as caught:
        open_table(io.BytesIO(data), filename="kosong.csv")
    assert caught.value.message == "%(filename)s is empty; fill in the template and upload it again."
    assert caught.value.params == {"filename": "kosong.csv"}


def test_old_xls_is_refused_with_advice() -> None:
    with pytest.raises(Invalid) as caught:
        open_table(io.BytesIO(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100), filename="lama.xls")
    assert ".xls" in caught.value.message


@pytest.mark.parametrize(
    ("data", "filename"),
    [
        (b"%PDF-1.4\x00\x01binary", "scan.csv"),
        (b"PK\x03\x04not really a zip", "x.xlsx"),
        (b"nib\n1\n", "x.xlsx"),
    ],
)
def test_unreadable_files(data: bytes, filename: str) -> None:
    with pytest.raises(Invalid) as caught:
        open_table(io.BytesIO(data), filename=filename)
    assert "cannot be read as a CSV or XLSX file" in caught.value.message


def test_repeated_column_is_refused() -> None:
    with pytest.raises(Invalid) as caught:
        open_table(io.BytesIO(b"nib,Email,email\n1,2,3\n"), filename="a.csv")
    assert caught.value.params == {"column": "email"}


# -- XLSX ------------------------------------------------------------------------------------


def _workbook(tmp_path: Path, rows: list[list[object]], name: str = "pemasok.xlsx") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("Petunjuk").append(["ignored: only the first sheet is data"])
    path = tmp_path / name
    workbook.save(path)
    return path


def test_xlsx_round_trip_gives_what_people_typed(tmp_path: Path) -> None:
    path = _workbook(
        tmp_path,
        [
            ["NIB", "Nama Usaha", "modal_usaha", "tahun_berdiri", "tanggal", "harga", "aktif"],
            [9120001234567, " Dodol Garut ", 1500000.0, 2015, dt.datetime(2024, 1, 31), 12.5, True],  # noqa: DTZ001 - Excel dates are naive
            [None, None, None, None, None, None, None],
            ["0120001234567", "Bakpia", 2e6, 1999.0, dt.date(2023, 5, 1), 0.1 + 0.2, False],
        ],
    )
    with open_table(path) as table:
        assert table.format is FileFormat.XLSX
        assert table.headers == (
            "nib",
            "nama_usaha",
            "modal_usaha",
            "tahun_berdiri",
            "tanggal",
            "harga",
            "aktif",
        )
        rows = list(table.rows())
    assert rows == [
        (
            2,
            {
                "nib": "9120001234567",
                "nama_usaha": "Dodol Garut",
                "modal_usaha": "1500000",
                "tahun_berdiri": "2015",
                "tanggal": "2024-01-31",
                "harga": "12.5",
                "aktif": "TRUE",
            },
        ),
        (
            4,
            {
                "nib": "0120001234567",
                "nama_usaha": "Bakpia",
                "modal_usaha": "2000000",
                "tahun_berdiri": "1999",
                "tanggal": "2023-05-01",
                "harga": "0.3",
                "aktif": "FALSE",
            },
        ),
    ]


def test_xlsx_detected_by_content_not_name(tmp_path: Path) -> None:
    path = _workbook(tmp_path, [["nib"], ["9120001234567"]], name="renamed.csv")
    with open_table(path) as table:
        assert table.format is FileFormat.XLSX


def test_xlsx_with_only_empty_sheet_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "kosong.xlsx"
    openpyxl.Workbook().save(path)
    with pytest.raises(Invalid) as caught:
        open_table(path)
    assert caught.value.params == {"filename": "kosong.xlsx"}


def test_cell_text() -> None:
    assert cell_text(9.12e12) == "9120000000000"
    assert cell_text(1e15 + 1) == "1000000000000001"
    assert cell_text(dt.datetime(2024, 1, 31, 10, 30)) == "2024-01-31 10:30:00"  # noqa: DTZ001 - as Excel gives them
    assert cell_text(dt.time(8, 0)) == "08:00:00"
    assert cell_text(None) == ""


# -- streaming -------------------------------------------------------------------------------


def test_large_csv_streams_without_loading_it(tmp_path: Path) -> None:
    path = tmp_path / "besar.csv"
    rows = 100_000  # tracemalloc slows reading down several times; this keeps the test near a second
    with path.open("w", encoding="utf-8") as handle:
        handle.write("nib;nama_usaha;kode_wilayah\n")
        handle.writelines(f"91200{i:08d};Usaha Mikro {i};32.73\n" for i in range(rows))
    size = path.stat().st_size
    tracemalloc.start()
    try:
        with open_table(path) as table:
            count = sum(1 for _ in table.rows())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == rows
    # Keeping the rows would take tens of megabytes; streaming holds a few read buffers.
    assert size > 3_000_000
    assert peak < 1_500_000, f"peak {peak} bytes for a {size}-byte file"
