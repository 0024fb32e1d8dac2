"""The award file (issue #14): past contracts as rows with Indonesian headers, read into `AwardRow`s.

One row per contract won: the buyer, the package's title, its value, the date, the winner's NIB or NPWP,
the delivery region and, when known, the method (tender, non tender, e-katalog...). The file machinery
(reading, cells, reports) is ``rantai.tabular``, as for the supplier import; what an award is, and what
the import does with it, is `rantai.suppliers.past_awards`, which takes `AwardRow`s from any reader (an
OCDS package reader feeds it the same rows).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeAlias

from rantai.kit.errors import Invalid
from rantai.kit.text import N_
from rantai.matching.history import CONSULTING, GOODS, SERVICES, WORKS
from rantai.tabular.cells import (
    CellError,
    ResolveRegion,
    parse_name,
    parse_nib,
    parse_npwp,
    parse_region_code,
    parse_rupiah,
)
from rantai.tabular.columns import Column, ImportSpec, check_headers
from rantai.tabular.reading import Table
from rantai.tabular.records import RejectedRow, RowError
from rantai.tabular.validate import Field, RowPlan, memo

TITLE_MAX = 1000
BUYER_MAX = 500
METHOD_MAX = 60
CODE_MAX = 100
MSG_WINNER_REQUIRED = N_("Fill in the winner's NIB or NPWP (nib_pemenang or npwp_pemenang).")
MSG_DATE = N_("Enter a date as 2026-03-31 or 31/03/2026; found %(value)s.")
MSG_FUTURE_DATE = N_("The award date %(date)s is in the future.")
MSG_PROCUREMENT_TYPE = N_(
    "Enter the procurement type as barang, pekerjaan konstruksi, jasa konsultansi or jasa lainnya; "
    "found %(value)s."
)
_PROCUREMENT_TYPES = {
    "barang": GOODS,
    "goods": GOODS,
    "pekerjaan konstruksi": WORKS,
    "konstruksi": WORKS,
    "works": WORKS,
    "konsultansi": CONSULTING,
    "jasa konsultansi": CONSULTING,
    "consulting": CONSULTING,
    "consultancy": CONSULTING,
    "jasa lainnya": SERVICES,
    "lainnya": SERVICES,
    "services": SERVICES,
    "other services": SERVICES,
}
_DATE_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")

AWARDS = ImportSpec(
    name="awards",
    title=N_("Awards"),
    intro=N_(
        "Fill in one row per contract won on the first sheet, below the header row. "
        "The example row is skipped on import; replace it or delete it."
    ),
    columns=(
        Column("pembeli", required=True, example="PT Contoh Persero", help=N_("The buyer, as named.")),
        Column(
            "nama_paket",
            required=True,
            example="Pengadaan Tas Seminar Kit",
            help=N_("The package's title, as announced."),
        ),
        Column(
            "nilai", required=False, example="125000000", help=N_("The contract's value in whole Rupiah.")
        ),
        Column(
            "tanggal",
            required=True,
            example="2026-03-31",
            help=N_("The award or contract date, as 2026-03-31 or 31/03/2026."),
        ),
        Column(
            "nib_pemenang",
            required=False,
            text=True,
            example="1234567890123",
            help=N_("The winner's NIB, 13 digits (or give the NPWP)."),
        ),
        Column(
            "npwp_pemenang",
            required=False,
            text=True,
            example="",
            help=N_("The winner's NPWP, 15 or 16 digits (or give the NIB)."),
        ),
        Column(
            "kode_wilayah_pengiriman",
            required=False,
            text=True,
            example="32.73",
            help=N_("Where it was delivered: a Kemendagri region code such as 32.73, or the region's name."),
        ),
        Column(
            "metode",
            required=False,
            example="tender",
            help=N_("How it was procured: tender, non tender, e-katalog, pengadaan langsung..."),
        ),
        Column("kode_paket", required=False, text=True, example="", help=N_("The package's code, if any.")),
        Column(
            "jenis_pengadaan",
            required=False,
            example="barang",
            help=N_(
                "The procurement type: barang, pekerjaan konstruksi, jasa konsultansi or jasa lainnya "
                "(goods, works, consulting, services)."
            ),
        ),
    ),
)


@dataclass(frozen=True, slots=True)
class AwardRow:
    """One past contract, from a file row or an OCDS award: what `past_awards.import_awards` records.

    `row` is the file's row number (or the position in an OCDS package) that errors name."""

    row: int
    buyer: str
    title: str
    value_idr: int | None
    awarded_on: dt.date
    winner_nib: str | None
    winner_npwp: str | None
    region_code: str | None = None
    method: str | None = None
    package_code: str | None = None
    procurement_type: str | None = None  # `rantai.matching.history.KINDS`


AwardResult: TypeAlias = AwardRow | RejectedRow


def parse_award_date(value: str, *, today: dt.date) -> dt.date:
    """A date as 2026-03-31 (ISO, as spreadsheet cells are read) or 31/03/2026; not after `today`."""
    text = value.strip()
    day: dt.date | None = None
    try:
        day = dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text).date()
    except ValueError:
        match = _DATE_DMY.fullmatch(text)
        if match:
            try:
                day = dt.date(int(match[3]), int(match[2]), int(match[1]))
            except ValueError:
                day = None
    if day is None:
        raise CellError(MSG_DATE, value=value)
    if day > today:
        raise CellError(MSG_FUTURE_DATE, date=day.isoformat())
    return day


def parse_procurement_type(value: str) -> str:
    """A procurement type (jenis pengadaan) as the engine names it: goods, works, consulting or services.
    Takes the Indonesian names (as LKPP's portals write them, in any case) or the English ones."""
    key = " ".join(value.lower().replace("/", " ").split())
    found = _PROCUREMENT_TYPES.get(key) or _PROCUREMENT_TYPES.get(key.removeprefix("jasa "))
    if found is None and key.startswith("jasa konsultansi"):
        found = CONSULTING  # "Jasa Konsultansi Badan Usaha Konstruksi" and the other consulting kinds
    if found is None and key.startswith("pekerjaan konstruksi"):
        found = WORKS  # "Pekerjaan Konstruksi Terintegrasi"
    if found is None:
        raise CellError(MSG_PROCUREMENT_TYPE, value=value)
    return found


def row_plan(
    headers: Sequence[str],
    *,
    resolve_region: ResolveRegion,
    known_region: Callable[[str], bool] | None = None,
    today: dt.date,
) -> RowPlan:
    """How each column of an award row is read; an OCDS package's awards are read with it too
    (``award_ocds``), as cells in the columns of ``AWARDS``."""
    fields: tuple[Field, ...] = (
        ("pembeli", memo(partial(parse_name, max_length=BUYER_MAX)), True),
        ("nama_paket", partial(parse_name, max_length=TITLE_MAX), True),
        ("nilai", parse_rupiah, False),
        ("tanggal", memo(partial(parse_award_date, today=today)), True),
        ("nib_pemenang", memo(parse_nib), False),
        ("npwp_pemenang", memo(parse_npwp), False),
        (
            "kode_wilayah_pengiriman",
            memo(partial(parse_region_code, resolve_region=resolve_region, known_region=known_region)),
            False,
        ),
        ("metode", memo(partial(parse_name, max_length=METHOD_MAX)), False),
        ("kode_paket", partial(parse_name, max_length=CODE_MAX), False),
        ("jenis_pengadaan", memo(parse_procurement_type), False),
    )
    return RowPlan(tuple(headers), fields)


def award_or_rejected(plan: RowPlan, number: int, cells: list[str]) -> AwardResult:
    """The row as an `AwardRow`, or a `RejectedRow` with every problem (a winner needs a NIB or NPWP)."""
    values, errors = plan.parse(number, cells)
    if (
        values[4] is None
        and values[5] is None
        and not any(error.column in ("nib_pemenang", "npwp_pemenang") for error in errors)
    ):
        errors.append(RowError(number, "nib_pemenang", "", MSG_WINNER_REQUIRED))
    if errors:
        return RejectedRow(number, tuple(errors))
    return AwardRow(number, *values)


def read_awards(
    table: Table,
    *,
    resolve_region: ResolveRegion,
    known_region: Callable[[str], bool] | None = None,
    today: dt.date,
) -> Iterator[AwardResult]:
    """An `AwardRow` or a `RejectedRow` (with every problem of the row) per data row, in file order.
    Raises ``Invalid`` at once when a required column is missing or the file has no data row."""
    check_headers(table.headers, AWARDS, header_row=table.header_row).raise_for_missing()
    plan = row_plan(table.headers, resolve_region=resolve_region, known_region=known_region, today=today)
    example = AWARDS.example
    checks = [(index, example[header]) for index, header in enumerate(table.headers) if header in example]
    seen = False
    for number, cells in table.value_rows():
        if all(cells[index] == text for index, text in checks):
            continue  # the template's example row
        seen = True
        yield award_or_rejected(plan, number, cells)
    if not seen:
        raise Invalid(
            N_("%(filename)s has a header row but no data rows; add at least one row."),
            filename=table.filename,
        )
