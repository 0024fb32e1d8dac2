"""The product import file (issue #3): its columns with their Indonesian headers, its typed record, and
the validator that turns each row into a record or into every error the row has. The file machinery
(reading, cells, row validation, reports) is ``rantai.tabular``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TypeAlias

from rantai.kit.text import N_
from rantai.tabular.cells import (
    DEFAULT_CERTIFICATION_TYPES,
    CellError,
    Certification,
    CertificationTypes,
    check_length,
    parse_certifications,
    parse_count,
    parse_hs_code,
    parse_kbli_code,
    parse_name,
    parse_nib,
    parse_rupiah,
    parse_unit,
)
from rantai.tabular.columns import Column, ImportSpec, check_headers
from rantai.tabular.reading import Table
from rantai.tabular.records import RejectedRow, RowError, name_key
from rantai.tabular.validate import (
    MAX_CATEGORY,
    MAX_DESCRIPTION,
    MAX_PRODUCT_CODE,
    MAX_PRODUCT_NAME,
    Field,
    RowPlan,
    data_rows,
    memo,
)

PRODUCTS = ImportSpec(
    name="products",
    title=N_("Products"),
    intro=N_(
        "Fill in one row per product on the first sheet, below the header row. "
        "The example row is skipped on import; replace it or delete it."
    ),
    columns=(
        Column(
            "nib",
            required=True,
            text=True,
            example="1234567890123",
            help=N_("NIB of the supplier that makes the product; import the supplier first."),
        ),
        Column(
            "kode_produk",
            required=False,
            text=True,
            example="KOPI-250",
            help=N_(
                "Your own product code. A row with the same NIB and code updates that product; "
                "without a code, the name is used."
            ),
        ),
        Column("nama_produk", required=True, example="Kopi Arabika Bubuk 250 g", help=N_("Product name.")),
        Column(
            "deskripsi",
            required=False,
            example="Kopi arabika Java Preanger sangrai sedang, digiling halus, kemasan standing pouch.",
            help=N_("Description: material, size, packaging."),
        ),
        Column("kategori", required=False, example="Makanan dan minuman", help=N_("Product category.")),
        Column(
            "kbli",
            required=False,
            text=True,
            example="10761",
            help=N_("KBLI 2020 code of the product, 5 digits."),
        ),
        Column(
            "kode_hs",
            required=False,
            text=True,
            example="0901.21.20",
            help=N_("HS code of 8 digits from BTKI 2022, such as 0901.21.20."),
        ),
        Column(
            "satuan",
            required=True,
            example="pak",
            help=N_("Unit of sale, such as kg, buah, liter, pak or dus."),
        ),
        Column("harga_satuan", required=False, example="45000", help=N_("Price per unit in whole Rupiah.")),
        Column("moq", required=False, example="50", help=N_("Minimum order quantity, in units.")),
        Column(
            "kapasitas_per_bulan",
            required=False,
            example="2000",
            help=N_("Production capacity per month, in units."),
        ),
        Column(
            "waktu_produksi_hari",
            required=False,
            example="7",
            help=N_("Production lead time in days; 0 for ready stock."),
        ),
        Column(
            "sertifikasi",
            required=False,
            example="halal:ID32110000123450123;spp_irt:2093273010123-25",
            help=N_(
                "Certificates as type:number separated by semicolons, "
                "such as halal:ID32110000123450123;sni:12345."
            ),
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class ProductRecord:
    """One valid row of a product file; products are keyed by NIB + product code, else NIB + name."""

    row: int
    nib: str
    product_code: str | None
    name: str
    description: str | None
    category: str | None
    kbli_code: str | None
    hs_code: str | None  # BTKI 2022, dotted: 09.01.21.20
    unit_code: str
    unit_price: int | None  # whole Rupiah
    min_order_quantity: int | None  # in the unit above
    monthly_capacity: int | None  # in the unit above
    lead_time_days: int | None  # 0 for ready stock
    certifications: tuple[Certification, ...]
    # Bad optional cells left out of this record (valid-rows mode warns about them, issue #14).
    dropped: tuple[RowError, ...] = ()

    @property
    def key(self) -> tuple[str, str, str]:
        """The upsert key: ``(nib, "code", code)``, or ``(nib, "name", name_key(name))`` without a code."""
        if self.product_code:
            return (self.nib, "code", self.product_code)
        return (self.nib, "name", name_key(self.name))


ProductResult: TypeAlias = ProductRecord | RejectedRow

# Optional columns whose bad cell can be left out without changing what the row is (its supplier, its key,
# its name and unit stay): in valid-rows mode the row is kept without that cell (issue #14).
DROPPABLE = frozenset(
    {
        "deskripsi",
        "kategori",
        "kbli",
        "kode_hs",
        "harga_satuan",
        "moq",
        "kapasitas_per_bulan",
        "waktu_produksi_hari",
        "sertifikasi",
    }
)


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
        ("nib", memo(nib), True),
        ("kode_produk", partial(parse_name, max_length=MAX_PRODUCT_CODE), False),
        ("nama_produk", partial(parse_name, max_length=MAX_PRODUCT_NAME), True),
        ("deskripsi", partial(check_length, max_length=MAX_DESCRIPTION), False),
        ("kategori", memo(partial(parse_name, max_length=MAX_CATEGORY)), False),
        ("kbli", memo(partial(parse_kbli_code, known_kbli=known_kbli)), False),
        ("kode_hs", memo(partial(parse_hs_code, known_hs=known_hs)), False),
        ("satuan", memo(partial(parse_unit, resolve_unit=resolve_unit)), True),
        ("harga_satuan", partial(parse_rupiah, minimum=1), False),
        ("moq", parse_count, False),
        ("kapasitas_per_bulan", parse_count, False),
        ("waktu_produksi_hari", partial(parse_count, minimum=0), False),
        ("sertifikasi", memo(partial(parse_certifications, types=certification_types)), False),
    )
    return _products(data_rows(table, PRODUCTS), RowPlan(table.headers, fields), table.headers)


def _products(
    rows: Iterator[tuple[int, list[str]]], plan: RowPlan, headers: tuple[str, ...]
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
        if any(error.column not in DROPPABLE for error in errors):
            yield RejectedRow(number, tuple(errors))
        else:
            values[-1] = values[-1] or ()  # no certificates: an empty tuple, as the record declares
            values.append(tuple(errors))  # the record's last field: the cells left out
            yield ProductRecord(number, *values)
