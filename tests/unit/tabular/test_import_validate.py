"""Validating supplier and product files into typed records or every error of each row (issue #3)."""

from __future__ import annotations

import csv
import dataclasses
import io

import pytest

from rantai.catalog.import_file import PRODUCTS, ProductRecord, ProductResult, validate_products
from rantai.kit.errors import Invalid
from rantai.suppliers.import_file import SUPPLIERS, SupplierRecord, SupplierResult, validate_suppliers
from rantai.tabular.cells import Certification, LegalForm, RegionMatch
from rantai.tabular.columns import check_headers
from rantai.tabular.reading import open_table
from rantai.tabular.records import RejectedRow, name_key

KBLI = {"10761", "10792", "01111", "03111", "10793"}
UNITS = {"kg": "kg", "pak": "pak", "pcs": "buah", "buah": "buah"}


class Regions:
    """A fake region resolver that counts its calls."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __call__(self, name: str) -> RegionMatch:
        self.calls.append(name)
        if name.casefold() == "kota bandung":
            return RegionMatch.found("32.73")
        if name.casefold() == "bandung":
            return RegionMatch.ambiguous([("32.04", "Kabupaten Bandung"), ("32.73", "Kota Bandung")])
        return RegionMatch.unknown()


def _csv(*lines: str) -> io.BytesIO:
    return io.BytesIO(("\n".join(lines) + "\n").encode())


def _suppliers(*lines: str, regions: Regions | None = None) -> list[SupplierResult]:
    with open_table(_csv(*lines), filename="pemasok.csv") as table:
        return list(
            validate_suppliers(
                table, resolve_region=regions or Regions(), known_kbli=KBLI.__contains__, max_year=2026
            )
        )


def _products(*lines: str) -> list[ProductResult]:
    with open_table(_csv(*lines), filename="produk.csv") as table:
        return list(
            validate_products(
                table, resolve_unit=lambda text: UNITS.get(text.lower()), known_kbli=KBLI.__contains__
            )
        )


def _errors(result: SupplierResult | ProductResult) -> list[tuple[str, str]]:
    assert isinstance(result, RejectedRow)
    return [(error.column, error.message) for error in result.errors]


SUPPLIER_HEADER = ";".join(SUPPLIERS.names)


def test_supplier_row_parsed_into_typed_values() -> None:
    (record,) = _suppliers(
        "nib,nama_usaha,bentuk_usaha,npwp,kode_wilayah,alamat,kbli,modal_usaha,omzet_tahunan,"
        "jumlah_tenaga_kerja,telepon,email,tahun_berdiri,nib_koperasi",
        '9120001234567 ,UD Kopi Puntang ,U.D.,01.312.166.0-091.000,Kota Bandung,Jl. Braga 1,"10761;10792",'
        '"Rp 50.000.000","1,2 miliar",7,0812-3456-7890,Halo@Kopi.id,2015,120001234567',
    )
    assert record == SupplierRecord(
        row=2,
        nib="9120001234567",
        name="UD Kopi Puntang",
        legal_form=LegalForm.UD,
        npwp="0013121660091000",
        region_code="32.73",
        address="Jl. Braga 1",
        kbli_codes=("10761", "10792"),
        business_capital=50_000_000,
        annual_sales=1_200_000_000,
        employee_count=7,
        phone="+6281234567890",
        email="halo@kopi.id",
        year_founded=2015,
        cooperative_nib="0120001234567",
    )


def test_record_fields_follow_the_validators_order() -> None:
    # The validators build records positionally from their field lists, in column order.
    supplier_fields = [field.name for field in dataclasses.fields(SupplierRecord)]
    assert supplier_fields[:3] == ["row", "nib", "name"]
    assert len(supplier_fields) == len(SUPPLIERS.columns) + 1
    # ... and a product record ends with the bad optional cells it was read without (issue #14).
    product_fields = [field.name for field in dataclasses.fields(ProductRecord)]
    assert len(product_fields) == len(PRODUCTS.columns) + 2
    assert product_fields[-1] == "dropped"


def test_every_error_of_a_row_is_reported() -> None:
    (result,) = _suppliers(
        "nib;nama_usaha;bentuk_usaha;kode_wilayah;kbli;email;tahun_berdiri",
        "9.12E+12;;Yayasan;Atlantis;99999;bukan-email;1850",
    )
    assert [column for column, _ in _errors(result)] == [
        "nib",
        "nama_usaha",
        "bentuk_usaha",
        "kode_wilayah",
        "kbli",
        "email",
        "tahun_berdiri",
    ]
    assert isinstance(result, RejectedRow)
    nib_error = result.errors[0]
    assert (nib_error.row, nib_error.value) == (2, "9.12E+12")
    assert result.errors[1].message == "Required: fill in this cell."


def test_region_names_resolved_reported_and_looked_up_once() -> None:
    regions = Regions()
    results = _suppliers(
        "nib;nama_usaha;bentuk_usaha;kode_wilayah;kbli",
        "9120001234561;A;CV;Kota Bandung;10761",
        "9120001234562;B;CV;Bandung;10761",
        "9120001234563;C;CV;Gotham;10761",
        "9120001234564;D;CV;Kota Bandung;10761",
        "9120001234565;E;CV;Bandung;10761",
        regions=regions,
    )
    assert isinstance(results[0], SupplierRecord)
    assert results[0].region_code == "32.73"
    assert _errors(results[1]) == [
        (
            "kode_wilayah",
            "Region %(name)s matches more than one region (%(candidates)s); enter the code instead.",
        )
    ]
    assert _errors(results[2]) == [
        ("kode_wilayah", "Region %(name)s was not found; enter its Kemendagri code, such as 32.73.")
    ]
    assert isinstance(results[3], SupplierRecord)
    assert _errors(results[4]) == _errors(results[1])  # a remembered error is reported again
    assert sorted(regions.calls) == ["Bandung", "Gotham", "Kota Bandung"]


def test_duplicate_nib_names_the_earlier_row() -> None:
    results = _suppliers(
        "nib;nama_usaha;bentuk_usaha;kode_wilayah;kbli",
        "9120001234567;Batik Trusmi;CV;32.09;10761",
        "9120001234568;Other;CV;32.09;10761",
        "9120001234567.0;Batik Trusmi Cabang;CV;32.09;10761",  # the same NIB, as Excel wrote it
    )
    assert isinstance(results[0], SupplierRecord)
    assert isinstance(results[2], RejectedRow)
    (error,) = results[2].errors
    assert (error.row, error.column, error.value) == (4, "nib", "9120001234567.0")
    assert error.params == {"nib": "9120001234567", "row": 2}


def test_lost_leading_zero_and_duplicates_meet() -> None:
    results = _suppliers(
        "nib;nama_usaha;bentuk_usaha;kode_wilayah;kbli",
        "0120001234567;A;CV;32.09;1111",
        "120001234567;A again;CV;32.09;01111",
    )
    assert isinstance(results[0], SupplierRecord)
    assert results[0].kbli_codes == ("01111",)
    assert isinstance(results[1], RejectedRow)
    assert results[1].errors[0].params == {"nib": "0120001234567", "row": 2}


def test_cooperative_cannot_be_the_business_itself() -> None:
    (result,) = _suppliers(
        "nib;nama_usaha;bentuk_usaha;kode_wilayah;kbli;nib_koperasi",
        "9120001234567;KUD Sari;koperasi;32.09;10761;9120001234567",
    )
    assert [column for column, _ in _errors(result)] == ["nib_koperasi"]


def test_missing_required_columns_are_named_before_any_row() -> None:
    with (
        open_table(_csv("nib;nama;alamat", "1;2;3"), filename="a.csv") as table,
        pytest.raises(Invalid) as caught,
    ):
        validate_suppliers(table, resolve_region=Regions(), known_kbli=KBLI.__contains__)
    assert caught.value.params == {"columns": "nama_usaha, bentuk_usaha, kode_wilayah, kbli"}


def test_header_only_file_has_no_data_rows() -> None:
    with pytest.raises(Invalid) as caught:
        _suppliers("nib;nama_usaha;bentuk_usaha;kode_wilayah;kbli")
    assert caught.value.message == "%(filename)s has a header row but no data rows; add at least one row."


def test_template_example_row_is_skipped() -> None:
    written = io.StringIO()
    csv.writer(written, delimiter=";").writerow(SUPPLIERS.example[name] for name in SUPPLIERS.names)
    example = written.getvalue().strip()
    results = _suppliers(SUPPLIER_HEADER, example, "9120001234567;Tenun Ikat;CV;53.71;10761" + ";" * 9)
    assert [result.row for result in results] == [3]
    with pytest.raises(Invalid):
        _suppliers(SUPPLIER_HEADER, example)  # nothing but the example: no data


def test_extra_columns_are_reported_not_fatal() -> None:
    lines = (
        "nib;nama_usaha;bentuk_usaha;kode_wilayah;kbli;Catatan;warna",
        "9120001234567;A;CV;32.09;10761;x;y",
    )
    with open_table(_csv(*lines), filename="a.csv") as table:
        report = check_headers(table.headers, SUPPLIERS, header_row=table.header_row)
        results = list(validate_suppliers(table, resolve_region=Regions(), known_kbli=KBLI.__contains__))
    assert report.ok
    assert report.extra == ("catatan", "warna")
    assert [(warning.row, warning.column, warning.params) for warning in report.warnings()] == [
        (1, "catatan", {"column": "catatan"}),
        (1, "warna", {"column": "warna"}),
    ]
    assert isinstance(results[0], SupplierRecord)


def test_header_report_names_missing_columns() -> None:
    report = check_headers(("nib", "kode_produk"), PRODUCTS)
    assert report.missing == ("nama_produk", "satuan")
    assert not report.ok


# -- products --------------------------------------------------------------------------------

PRODUCT_HEADER = ",".join(PRODUCTS.names)


def test_a_full_product_row() -> None:
    (record,) = _products(
        PRODUCT_HEADER,
        '9120001234567,KOPI-250,Kopi Arabika  Bubuk,"Sangrai sedang",Minuman,10761,0901.21.20,Pak,"Rp 45.000",50,'
        '"2.000",0,"halal:ID32110000123450123;PIRT:2093273010123-25"',
    )
    assert record == ProductRecord(
        row=2,
        nib="9120001234567",
        product_code="KOPI-250",
        name="Kopi Arabika Bubuk",
        description="Sangrai sedang",
        category="Minuman",
        kbli_code="10761",
        hs_code="09.01.21.20",
        unit_code="pak",
        unit_price=45_000,
        min_order_quantity=50,
        monthly_capacity=2_000,
        lead_time_days=0,
        certifications=(
            Certification("halal", "ID32110000123450123"),
            Certification("spp_irt", "2093273010123-25"),
        ),
    )
    assert record.key == ("9120001234567", "code", "KOPI-250")


def test_product_without_optional_columns() -> None:
    (record,) = _products("nib,nama_produk,satuan", "9120001234567,Keripik Tempe,pcs")
    assert isinstance(record, ProductRecord)
    assert (record.unit_code, record.certifications, record.unit_price) == ("buah", (), None)
    assert record.key == ("9120001234567", "name", "keripik tempe")


def test_product_duplicates_by_code_and_by_name() -> None:
    results = _products(
        "nib,kode_produk,nama_produk,satuan",
        "9120001234567,K1,Keripik Tempe,pak",
        "9120001234567,K1,Keripik Tempe Pedas,pak",  # same code
        "9120001234567,,keripik  TEMPE,pak",  # no code: same name as row 2, which the upsert would update
        "9120001234568,K1,Keripik Tempe,pak",  # another supplier: not a duplicate
        "9120001234567,,Tahu Bakso,kg",
        "9120001234567,,Tahu Bakso,kg",
        "9120001234567,K9,Tahu Bakso,kg",  # has a code, so it is keyed by the code: a new product
    )
    assert [type(result).__name__ for result in results] == [
        "ProductRecord",
        "RejectedRow",
        "RejectedRow",
        "ProductRecord",
        "ProductRecord",
        "RejectedRow",
        "ProductRecord",
    ]
    assert isinstance(results[1], RejectedRow)
    assert results[1].errors[0].params == {"code": "K1", "nib": "9120001234567", "row": 2}
    assert isinstance(results[2], RejectedRow)
    assert results[2].errors[0].column == "nama_produk"
    assert results[2].errors[0].params == {"name": "keripik TEMPE", "nib": "9120001234567", "row": 2}
    assert isinstance(results[5], RejectedRow)
    assert results[5].errors[0].params["row"] == 6


def test_product_errors_together() -> None:
    (result,) = _products(
        PRODUCT_HEADER,
        '9.12E+12,,,,,1076,0901,karung goni,"1,5",0,-1,x,gmp:1',
    )
    assert [column for column, _ in _errors(result)] == [
        "nib",
        "nama_produk",
        "kbli",
        "kode_hs",
        "satuan",
        "harga_satuan",
        "moq",
        "kapasitas_per_bulan",
        "waktu_produksi_hari",
        "sertifikasi",
    ]


def test_product_supplier_must_exist_when_checked() -> None:
    lines = ("nib,nama_produk,satuan", "9120001234567,Keripik,kg", "9120001234568,Rengginang,kg")
    with open_table(_csv(*lines), filename="p.csv") as table:
        results = list(
            validate_products(
                table,
                resolve_unit=UNITS.get,
                known_kbli=KBLI.__contains__,
                known_nib={"9120001234567"}.__contains__,
            )
        )
    assert isinstance(results[0], ProductRecord)
    assert _errors(results[1]) == [("nib", "No supplier has NIB %(nib)s; import the supplier first.")]


def test_name_key() -> None:
    assert name_key("  Keripik   TEMPE ") == name_key("keripik tempe") == "keripik tempe"
