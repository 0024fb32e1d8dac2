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
from functools import partial
from typing import Any

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
from rantai.suppliers.importing.reading import Table
from rantai.suppliers.importing.records import (
    ProductRecord,
    ProductResult,
    RejectedRow,
    RowError,
    SupplierRecord,
    SupplierResult,
    name_key,
)

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


def _memo(parse: Callable[[str], Any]) -> Parser:
    return _Memo(parse).__getitem__


class _Plan:
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


def _data_rows(table: Table, spec: ImportSpec) -> Iterator[tuple[int, list[str]]]:
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
        ("nama_usaha", partial(parse_name, max_length=MAX_NAME), True),
        ("bentuk_usaha", _memo(parse_legal_form), True),
        ("npwp", parse_npwp, False),
        (
            "kode_wilayah",
            _memo(partial(parse_region_code, resolve_region=resolve_region, known_region=known_region)),
            True,
        ),
        ("alamat", partial(parse_name, max_length=MAX_ADDRESS), False),
        ("kbli", _memo(partial(parse_kbli_codes, known_kbli=known_kbli)), True),
        ("modal_usaha", parse_rupiah, False),
        ("omzet_tahunan", parse_rupiah, False),
        ("jumlah_tenaga_kerja", parse_count, False),
        ("telepon", parse_phone, False),
        ("email", parse_email, False),
        ("tahun_berdiri", partial(parse_year, max_year=year), False),
        ("nib_koperasi", _memo(parse_nib), False),
    )
    return _suppliers(_data_rows(table, SUPPLIERS), _Plan(table.headers, fields), table.headers)


def _suppliers(
    rows: Iterator[tuple[int, list[str]]], plan: _Plan, headers: tuple[str, ...]
) -> Iterator[SupplierResult]:
    nib_index = headers.index("nib")
    first_row: dict[str, int] = {}
    for number, cells in rows:
        values, errors = plan.parse(number, cells)
        nib = values[0]
        if nib is not None:
            earlier = first_row.setdefault(nib, number)
            if earlier != number:
                errors.append(
                    RowError(
                        number,
                        "nib",
                        cells[nib_index],
                        N_("NIB %(nib)s already appears in row %(row)d; keep one row per supplier."),
                        {"nib": nib, "row": earlier},
                    )
                )
            if values[-1] == nib:
                errors.append(
                    RowError(
                        number,
                        "nib_koperasi",
                        cells[headers.index("nib_koperasi")],
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
        ("nib", _memo(nib), True),
        ("kode_produk", partial(parse_name, max_length=MAX_PRODUCT_CODE), False),
        ("nama_produk", partial(parse_name, max_length=MAX_NAME), True),
        ("deskripsi", partial(check_length, max_length=MAX_DESCRIPTION), False),
        ("kategori", _memo(partial(parse_name, max_length=MAX_CATEGORY)), False),
        ("kbli", _memo(partial(parse_kbli_code, known_kbli=known_kbli)), False),
        ("kode_hs", _memo(partial(parse_hs_code, known_hs=known_hs)), False),
        ("satuan", _memo(partial(parse_unit, resolve_unit=resolve_unit)), True),
        ("harga_satuan", partial(parse_rupiah, minimum=1), False),
        ("moq", parse_count, False),
        ("kapasitas_per_bulan", parse_count, False),
        ("waktu_produksi_hari", partial(parse_count, minimum=0), False),
        ("sertifikasi", _memo(partial(parse_certifications, types=certification_types)), False),
    )
    return _products(_data_rows(table, PRODUCTS), _Plan(table.headers, fields), table.headers)


def _products(
    rows: Iterator[tuple[int, list[str]]], plan: _Plan, headers: tuple[str, ...]
) -> Iterator[ProductResult]:
    code_index = headers.index("kode_produk") if "kode_produk" in headers else -1
    name_index = headers.index("nama_produk")
    first_row: dict[int, int] = {}  # hash of a product key -> the row it was first seen in
    for number, cells in rows:
        values, errors = plan.parse(number, cells)
        nib, code, name = values[0], values[1], values[2]
        if nib is not None and code is not None:
            earlier = first_row.setdefault(hash((nib, "code", code)), number)
            if earlier != number:
                errors.append(
                    RowError(
                        number,
                        "kode_produk",
                        cells[code_index],
                        N_(
                            "Product code %(code)s of NIB %(nib)s already appears in row %(row)d; "
                            "keep one row per product."
                        ),
                        {"code": code, "nib": nib, "row": earlier},
                    )
                )
        if nib is not None and name is not None:
            earlier = first_row.setdefault(hash((nib, "name", name_key(name))), number)
            if earlier != number and not (code_index >= 0 and cells[code_index]):
                errors.append(
                    RowError(
                        number,
                        "nama_produk",
                        cells[name_index],
                        N_(
                            "Product %(name)s of NIB %(nib)s already appears in row %(row)d; "
                            "keep one row per product or give each its own kode_produk."
                        ),
                        {"name": name, "nib": nib, "row": earlier},
                    )
                )
        if errors:
            yield RejectedRow(number, tuple(errors))
        else:
            values[-1] = values[-1] or ()  # no certificates: an empty tuple, as the record declares
            yield ProductRecord(number, *values)
