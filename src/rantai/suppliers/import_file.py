"""The supplier import file (issue #3): its columns with their Indonesian headers, its typed record, and
the validator that turns each row into a record or into every error the row has. The file machinery
(reading, cells, row validation, reports) is ``rantai.tabular``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from typing import TypeAlias

from rantai.kit.text import N_
from rantai.tabular.cells import (
    LegalForm,
    ResolveRegion,
    parse_count,
    parse_email,
    parse_kbli_codes,
    parse_legal_form,
    parse_name,
    parse_nib,
    parse_npwp,
    parse_phone,
    parse_region_code,
    parse_rupiah,
    parse_year,
)
from rantai.tabular.columns import Column, ImportSpec, check_headers
from rantai.tabular.reading import Table
from rantai.tabular.records import RejectedRow, RowError
from rantai.tabular.validate import MAX_ADDRESS, MAX_NAME, Field, RowPlan, current_max_year, data_rows, memo

SUPPLIERS = ImportSpec(
    name="suppliers",
    title=N_("Suppliers"),
    intro=N_(
        "Fill in one row per supplier on the first sheet, below the header row. "
        "The example row is skipped on import; replace it or delete it."
    ),
    columns=(
        Column(
            "nib",
            required=True,
            text=True,
            example="1234567890123",
            help=N_("NIB from OSS, 13 digits. Keep the column formatted as text so leading zeros stay."),
        ),
        Column(
            "nama_usaha", required=True, example="UD Contoh Makmur", help=N_("Business name as registered.")
        ),
        Column(
            "bentuk_usaha",
            required=True,
            example="UD",
            help=N_("Legal form: perorangan, UD, CV, firma, PT, PT perorangan or koperasi."),
        ),
        Column(
            "npwp",
            required=False,
            text=True,
            example="0012345674421000",
            help=N_("Tax number (NPWP), 15 or 16 digits; dots and dashes are allowed."),
        ),
        Column(
            "kode_wilayah",
            required=True,
            text=True,
            example="32.73",
            help=N_(
                "Kemendagri region code such as 32.73 (kab/kota) or 32.73.01 (kecamatan), or the region's name."
            ),
        ),
        Column("alamat", required=False, example="Jl. Contoh No. 1, Bandung", help=N_("Street address.")),
        Column(
            "kbli",
            required=True,
            text=True,
            example="10761;10792",
            help=N_("KBLI 2020 codes of 5 digits separated by semicolons; the first is the main activity."),
        ),
        Column(
            "modal_usaha",
            required=False,
            example="50000000",
            help=N_("Business capital in whole Rupiah, without land and buildings."),
        ),
        Column(
            "omzet_tahunan", required=False, example="300000000", help=N_("Annual sales in whole Rupiah.")
        ),
        Column(
            "jumlah_tenaga_kerja",
            required=False,
            example="5",
            help=N_("Number of workers, the owner included."),
        ),
        Column(
            "telepon",
            required=False,
            text=True,
            example="081234567890",
            help=N_("Phone or WhatsApp number, such as 0812 3456 7890."),
        ),
        Column("email", required=False, example="halo@contoh.co.id", help=N_("Email address.")),
        Column(
            "tahun_berdiri",
            required=False,
            example="2015",
            help=N_("Year the business started, such as 2015."),
        ),
        Column(
            "nib_koperasi",
            required=False,
            text=True,
            example="",
            help=N_("NIB of the cooperative the business is a member of, if any."),
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class SupplierRecord:
    """One valid row of a supplier file; suppliers are keyed by NIB."""

    row: int
    nib: str
    name: str
    legal_form: LegalForm
    npwp: str | None  # 16 digits
    region_code: str  # Kemendagri, dotted
    address: str | None
    kbli_codes: tuple[str, ...]  # the first is the primary activity
    business_capital: int | None  # modal usaha, whole Rupiah
    annual_sales: int | None  # omzet tahunan, whole Rupiah
    employee_count: int | None
    phone: str | None  # +62...
    email: str | None
    year_founded: int | None
    cooperative_nib: str | None  # the cooperative the business is a member of


SupplierResult: TypeAlias = SupplierRecord | RejectedRow


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
    year = max_year if max_year is not None else current_max_year()
    fields: tuple[Field, ...] = (
        ("nib", parse_nib, True),
        ("nama_usaha", partial(parse_name, max_length=MAX_NAME), True),
        ("bentuk_usaha", memo(parse_legal_form), True),
        ("npwp", parse_npwp, False),
        (
            "kode_wilayah",
            memo(partial(parse_region_code, resolve_region=resolve_region, known_region=known_region)),
            True,
        ),
        ("alamat", partial(parse_name, max_length=MAX_ADDRESS), False),
        ("kbli", memo(partial(parse_kbli_codes, known_kbli=known_kbli)), True),
        ("modal_usaha", parse_rupiah, False),
        ("omzet_tahunan", parse_rupiah, False),
        ("jumlah_tenaga_kerja", parse_count, False),
        ("telepon", parse_phone, False),
        ("email", parse_email, False),
        ("tahun_berdiri", partial(parse_year, max_year=year), False),
        ("nib_koperasi", memo(parse_nib), False),
    )
    return _suppliers(data_rows(table, SUPPLIERS), RowPlan(table.headers, fields), table.headers)


def _suppliers(
    rows: Iterator[tuple[int, list[str]]], plan: RowPlan, headers: tuple[str, ...]
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
