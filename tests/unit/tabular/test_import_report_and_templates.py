"""The downloadable error report and import templates (issue #3)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl  # type: ignore[import-untyped]
import pytest

from rantai.catalog.import_file import PRODUCTS
from rantai.kit.errors import Invalid
from rantai.suppliers.import_file import SUPPLIERS, SupplierRecord, validate_suppliers
from rantai.tabular.cells import RegionMatch
from rantai.tabular.reading import open_table
from rantai.tabular.records import RejectedRow, RowError
from rantai.tabular.report import write_report_csv, write_report_xlsx
from rantai.tabular.templates import write_template_csv, write_template_xlsx

INDONESIAN = {
    "NIB must have 13 digits; found %(digits)d.": "NIB harus 13 digit; ditemukan %(digits)d.",
    "Required: fill in this cell.": "Wajib: isi sel ini.",
}
ERRORS = [
    RowError(3, "nib", "91200012345", "NIB must have 13 digits; found %(digits)d.", {"digits": 11}),
    RowError(4, "nama_usaha", "", "Required: fill in this cell."),
    RowError(5, "alamat", '=HYPERLINK("http://x")', "Required: fill in this cell."),
]


def _translate(message: str, params: dict[str, Any]) -> str:
    return INDONESIAN.get(message, message) % params


def _bracketed(message: str, params: dict[str, Any]) -> str:
    return f"[{_translate(message, params)}]"


def _no_region(name: str) -> RegionMatch:
    return RegionMatch.unknown()


def _any_kbli(code: str) -> bool:
    return True


def test_csv_report_opens_in_excel_with_indonesian_settings() -> None:
    out = io.BytesIO()
    assert write_report_csv(ERRORS, out, translate=_translate) == 3
    data = out.getvalue()
    assert data.startswith(b"\xef\xbb\xbf")  # byte order mark: Excel reads UTF-8
    lines = data.decode("utf-8-sig").split("\r\n")
    assert lines[0] == "baris;kolom;nilai;pesan"
    assert lines[1] == '3;nib;91200012345;"NIB harus 13 digit; ditemukan 11."'  # quoted: it holds a ;
    assert lines[2] == "4;nama_usaha;;Wajib: isi sel ini."
    assert lines[3].startswith("5;alamat;\"'=HYPERLINK")  # a formula in user text is kept inert
    assert not out.closed


def test_xlsx_report_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "laporan.xlsx"
    assert write_report_xlsx(ERRORS, path, translate=_translate) == 3
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["baris", "kolom", "nilai", "pesan"]
    assert rows[1] == [3, "nib", "91200012345", "NIB harus 13 digit; ditemukan 11."]
    assert rows[3][2] == '=HYPERLINK("http://x")'
    assert sheet["C4"].data_type == "s"  # text, not a formula


def test_xlsx_report_says_when_it_is_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("rantai.tabular.report.MAX_XLSX_PROBLEMS", 2)
    out = io.BytesIO()
    assert write_report_xlsx(ERRORS, out, translate=_translate) == 2
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert sheet.max_row == 4
    assert sheet["D4"].value == "Only the first 2 problems are listed; fix them and import the file again."


def test_report_of_a_real_import_points_at_the_cells() -> None:
    data = b"nib;nama_usaha;bentuk_usaha;kode_wilayah;kbli\n91200012345;;CV;32.73;10761\n"
    with open_table(io.BytesIO(data), filename="a.csv") as table:
        (result,) = validate_suppliers(table, resolve_region=_no_region, known_kbli=_any_kbli)
    assert isinstance(result, RejectedRow)
    out = io.BytesIO()
    write_report_csv(result.errors, out, translate=_translate)
    assert out.getvalue().decode("utf-8-sig").split("\r\n")[1:3] == [
        '2;nib;91200012345;"NIB harus 13 digit; ditemukan 11."',
        "2;nama_usaha;;Wajib: isi sel ini.",
    ]


@pytest.mark.parametrize("spec", [SUPPLIERS, PRODUCTS])
def test_csv_template_reads_back_as_the_spec(spec: Any) -> None:
    out = io.BytesIO()
    write_template_csv(spec, out)
    assert out.getvalue().startswith(b"\xef\xbb\xbf")
    with open_table(io.BytesIO(out.getvalue()), filename="template.csv") as table:
        assert table.delimiter == ";"
        assert table.headers == spec.names
        assert list(table.rows()) == [(2, spec.example)]


def test_xlsx_template(tmp_path: Path) -> None:
    path = tmp_path / "template_suppliers.xlsx"
    write_template_xlsx(SUPPLIERS, path, translate=_bracketed)
    workbook = openpyxl.load_workbook(path)
    data, instructions = workbook.worksheets
    assert data.title == "Suppliers"  # brackets are not allowed in sheet names
    assert [cell.value for cell in data[1]] == list(SUPPLIERS.names)
    assert data.column_dimensions["A"].number_format == "@"  # NIB typed later stays text
    assert data["A2"].value == "1234567890123"
    assert instructions.title == "Instructions"
    texts = [cell.value for row in instructions.iter_rows() for cell in row if cell.value]
    assert "[How to fill in this template]" in texts
    assert "[Legal form: perorangan, UD, CV, firma, PT, PT perorangan or koperasi.]" in texts


def test_untouched_xlsx_template_imports_as_empty(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template_xlsx(SUPPLIERS, path, translate=_translate)
    with open_table(path) as table, pytest.raises(Invalid) as caught:
        list(validate_suppliers(table, resolve_region=_no_region, known_kbli=bool))
    assert "no data rows" in caught.value.message


def test_filled_xlsx_template_imports(tmp_path: Path) -> None:
    path = tmp_path / "template.xlsx"
    write_template_xlsx(SUPPLIERS, path, translate=_translate)
    workbook = openpyxl.load_workbook(path)
    workbook.worksheets[0].append(["0120001234567", "Tenun Ikat Sumba", "CV", None, 53.71, None, 10761])
    workbook.save(path)
    with open_table(path) as table:
        (record,) = validate_suppliers(table, resolve_region=_no_region, known_kbli=_any_kbli)
    assert isinstance(record, SupplierRecord)
    assert (record.row, record.nib, record.region_code, record.kbli_codes) == (
        3,
        "0120001234567",
        "53.71",
        ("10761",),
    )
