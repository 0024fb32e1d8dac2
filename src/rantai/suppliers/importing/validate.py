"""Turning the rows of an import file into typed records, or into every error each row has.

The validators stream: they hold only the keys seen so far (to report a row repeating an earlier one),
and a bounded cache of cell values that repeat across rows (region, KBLI, unit, a products file's NIB),
so the look-up callbacks, which may query the database, run once per distinct value.

Headers are checked when a validator is called, before any row is read: a missing required column
raises ``Invalid`` at once. A file with a header but no data rows raises ``Invalid`` once the rows are
exhausted; the caller has written nothing by then.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar

from rantai.kit import clock
from rantai.kit.errors import Invalid
from rantai.kit.text import N_
from rantai.suppliers.importing.cells import (
    DEFAULT_CERTIFICATION_TYPES,
    CellError,
    CertificationTypes,
    ResolveRegion,
    check_length,
    parse_certifications,
    parse_count,
    parse_email,
    parse_hs_code,
    parse_kbli_code,
    parse_kbli_codes,
    parse_legal_form,
    parse_name,
    parse_nib,
    parse_npwp,
    parse_phone,
    parse_region_code,
    parse_rupiah,
    parse_unit,
    parse_year,
)
from rantai.suppliers.importing.columns import PRODUCTS, SUPPLIERS, ImportSpec, check_headers
from rantai.suppliers.importing.reading import Row, Table
from rantai.suppliers.importing.records import (
    ProductRecord,
    ProductResult,
    RejectedRow,
    RowError,
    SupplierRecord,
    SupplierResult,
    name_key,
)

T = TypeVar("T")

MAX_NAME = 200
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
Field = tuple[str, Parser, bool]  # column, parser, required


class _Failure:
    """A remembered parse error."""

    __slots__ = ("message", "params")

    def __init__(self, error: CellError) -> None:
        self.message = error.message
        self.params = error.params


class _Memo(Generic[T]):
    """A parser that remembers its answers (values or errors) for texts that repeat across rows.

    Bounded: it starts over when full, so a column of all-distinct values cannot grow it without end.
    """

    __slots__ = ("_answers", "_parse")

    def __init__(self, parse: Callable[[str], T]) -> None:
        self._parse = parse
        self._answers: dict[str, T | _Failure] = {}

    def __call__(self, text: str) -> T:
        answer = self._answers.get(text)  # parsers never answer None, so None means not seen yet
        if answer is None:
            if len(self._answers) >= _CACHE_LIMIT:
                self._answers.clear()
            try:
                value = self._parse(text)
            except CellError as error:
                self._answers[text] = _Failure(error)
                raise
            self._answers[text] = value
            return value
        if isinstance(answer, _Failure):
            # A fresh error each time: re-raising one instance would grow its traceback row after row.
            raise CellError(answer.message, **answer.params)
        return answer


def _parse_fields(
    number: int, row: dict[str, str], fields: tuple[Field, ...]
) -> tuple[list[Any], list[RowError]]:
    """Every field of ``row`` parsed, and every error: a row's problems are reported together."""
    values: list[Any] = []
    errors: list[RowError] = []
    for column, parse, required in fields:
        text = row.get(column, "")
        if not text:
            if required:
                errors.append(RowError(number, column, "", REQUIRED))
            values.append(None)
            continue
        try:
            values.append(parse(text))
        except CellError as error:
            errors.append(RowError(number, column, text, error.message, error.params))
            values.append(None)
    return values, errors


def _is_example(row: dict[str, str], example: dict[str, str]) -> bool:
    return all(row.get(column, value) == value for column, value in example.items())


def _data_rows(table: Table, spec: ImportSpec) -> Iterator[Row]:
    """The table's rows without the template's example row; ``Invalid`` if none is left."""
    example = spec.example
    example_nib = example["nib"]
    seen = False
    for number, row in table.rows():
        if row.get("nib") == example_nib and _is_example(row, example):
            continue
        seen = True
        yield number, row
    if not seen:
        raise Invalid(
            N_("%(filename)s has a header row but no data rows; add at least one row."),
            filename=table.filename,
        )


def _current_max_year() -> int:
    return (clock.now() + _EASTERNMOST_OFFSET).year


def validate_suppliers(
    table: Table,
    *,
    resolve_region: ResolveRegion,
    known_kbli: Callable[[str], bool],
    known_region: Callable[[str], bool] | None = None,
    max_year: int | None = None,
) -> Iterator[SupplierResult]:
    """A ``SupplierRecord`` or a ``RejectedRow`` per data row of a supplier file, in file order.

    ``resolve_region`` looks up region names (codes are taken as they are, or checked by
    ``known_region``); ``known_kbli`` says whether a 5-digit KBLI 2020 code exists. A NIB seen in an
    earlier row makes the later row an error naming the earlier one. Raises ``Invalid`` at once when a
    required column is missing.
    """
    check_headers(table.headers, SUPPLIERS, header_row=table.header_row).raise_for_missing()
    year = max_year if max_year is not None else _current_max_year()
    fields: tuple[Field, ...] = (
        ("nib", parse_nib, True),
        ("nama_usaha", lambda text: parse_name(text, max_length=MAX_NAME), True),
        ("bentuk_usaha", _Memo(parse_legal_form), True),
        ("npwp", parse_npwp, False),
        (
            "kode_wilayah",
            _Memo(
                lambda text: parse_region_code(text, resolve_region=resolve_region, known_region=known_region)
            ),
            True,
        ),
        ("alamat", lambda text: parse_name(text, max_length=MAX_ADDRESS), False),
        ("kbli", _Memo(lambda text: parse_kbli_codes(text, known_kbli=known_kbli)), True),
        ("modal_usaha", parse_rupiah, False),
        ("omzet_tahunan", parse_rupiah, False),
        ("jumlah_tenaga_kerja", parse_count, False),
        ("telepon", parse_phone, False),
        ("email", parse_email, False),
        ("tahun_berdiri", lambda text: parse_year(text, max_year=year), False),
        ("nib_koperasi", _Memo(parse_nib), False),
    )
    return _suppliers(_data_rows(table, SUPPLIERS), fields)


def _suppliers(rows: Iterator[Row], fields: tuple[Field, ...]) -> Iterator[SupplierResult]:
    first_row: dict[str, int] = {}
    for number, row in rows:
        values, errors = _parse_fields(number, row, fields)
        nib = values[0]
        if nib is not None:
            earlier = first_row.setdefault(nib, number)
            if earlier != number:
                errors.append(
                    RowError(
                        number,
                        "nib",
                        row["nib"],
                        N_("NIB %(nib)s already appears in row %(row)d; keep one row per supplier."),
                        {"nib": nib, "row": earlier},
                    )
                )
            if values[-1] == nib:
                errors.append(
                    RowError(
                        number,
                        "nib_koperasi",
                        row["nib_koperasi"],
                        N_(
                            "nib_koperasi is the NIB of the cooperative the business belongs to, not its own NIB."
                        ),
                    )
                )
        if errors:
            yield RejectedRow(number, tuple(errors))
        else:
            yield SupplierRecord(number, *values)


def validate_products(
    table: Table,
    *,
    resolve_unit: Callable[[str], str | None],
    known_kbli: Callable[[str], bool],
    known_hs: Callable[[str], bool] | None = None,
    known_nib: Callable[[str], bool] | None = None,
    certification_types: CertificationTypes = DEFAULT_CERTIFICATION_TYPES,
) -> Iterator[ProductResult]:
    """A ``ProductRecord`` or a ``RejectedRow`` per data row of a product file, in file order.

    ``resolve_unit`` maps what people write (``kg``, ``pcs``) to a unit code or None; ``known_kbli`` and
    ``known_hs`` say whether a code exists; ``known_nib``, when given, whether the supplier exists.
    Products are keyed by NIB + ``kode_produk``, else NIB + ``nama_produk`` (case and spaces aside, see
    ``name_key``); a row repeating an earlier key is an error naming that row. A row without a code also
    repeats any earlier row of the same NIB and name, since the upsert would find that product by name.
    """
    check_headers(table.headers, PRODUCTS, header_row=table.header_row).raise_for_missing()

    def nib(text: str) -> str:
        value = parse_nib(text)
        if known_nib is not None and not known_nib(value):
            raise CellError(N_("No supplier has NIB %(nib)s; import the supplier first."), nib=value)
        return value

    fields: tuple[Field, ...] = (
        ("nib", _Memo(nib), True),
        ("kode_produk", lambda text: parse_name(text, max_length=MAX_PRODUCT_CODE), False),
        ("nama_produk", lambda text: parse_name(text, max_length=MAX_NAME), True),
        ("deskripsi", lambda text: check_length(text, max_length=MAX_DESCRIPTION), False),
        ("kategori", _Memo(lambda text: parse_name(text, max_length=MAX_CATEGORY)), False),
        ("kbli", _Memo(lambda text: parse_kbli_code(text, known_kbli=known_kbli)), False),
        ("kode_hs", _Memo(lambda text: parse_hs_code(text, known_hs=known_hs)), False),
        ("satuan", _Memo(lambda text: parse_unit(text, resolve_unit=resolve_unit)), True),
        ("harga_satuan", lambda text: parse_rupiah(text, minimum=1), False),
        ("moq", parse_count, False),
        ("kapasitas_per_bulan", parse_count, False),
        ("waktu_produksi_hari", lambda text: parse_count(text, minimum=0), False),
        ("sertifikasi", _Memo(lambda text: parse_certifications(text, types=certification_types)), False),
    )
    return _products(_data_rows(table, PRODUCTS), fields)


def _products(rows: Iterator[Row], fields: tuple[Field, ...]) -> Iterator[ProductResult]:
    by_code: dict[tuple[str, str], int] = {}
    by_name: dict[tuple[str, str], int] = {}
    for number, row in rows:
        values, errors = _parse_fields(number, row, fields)
        nib, code, name = values[0], values[1], values[2]
        if nib is not None and code is not None:
            earlier = by_code.setdefault((nib, code), number)
            if earlier != number:
                errors.append(
                    RowError(
                        number,
                        "kode_produk",
                        row["kode_produk"],
                        N_(
                            "Product code %(code)s of NIB %(nib)s already appears in row %(row)d; keep one row per product."
                        ),
                        {"code": code, "nib": nib, "row": earlier},
                    )
                )
        if nib is not None and name is not None:
            earlier = by_name.setdefault((nib, name_key(name)), number)
            if earlier != number and not row.get("kode_produk"):
                errors.append(
                    RowError(
                        number,
                        "nama_produk",
                        row["nama_produk"],
                        N_(
                            "Product %(name)s of NIB %(nib)s already appears in row %(row)d; keep one row per product or give each its own kode_produk."
                        ),
                        {"name": name, "nib": nib, "row": earlier},
                    )
                )
        if errors:
            yield RejectedRow(number, tuple(errors))
        else:
            values[-1] = values[-1] or ()  # no certificates: an empty tuple, as the record declares
            yield ProductRecord(number, *values)
