"""Procurement plan files (CSV/XLSX): the columns, reading rows into need lines, and the import.

A plan file lists packages as a procurement plan (RUP) does, one per row: ``nama_paket`` (required),
``spesifikasi``, ``jumlah``, ``satuan``, ``kode_wilayah_pengiriman``, ``pagu``, ``dibutuhkan_tanggal``,
``sertifikasi_wajib``, ``khusus_umkm``. Cells are read with the same rules as the supplier import
(`rantai.tabular.cells`): ``1.500.000``, ``Rp 1,5 juta``, ``32.73`` or ``Kota Bandung``,
``pcs`` for ``buah``. The import writes one need per row, or nothing when any row has an error.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rantai.catalog.bulk import unit_resolver
from rantai.identity.policy import Actor
from rantai.kit.clock import today
from rantai.kit.errors import Invalid
from rantai.kit.text import N_
from rantai.reference.models import CertificationType, Region, RegionLevel
from rantai.sourcing.errors import NeedInvalid
from rantai.sourcing.service import NAME_MAX, LineData, NeedData, check_line, create_need
from rantai.tabular.cells import (
    CellError,
    CertificationTypes,
    RegionMatch,
    check_length,
    parse_count,
    parse_region_code,
    parse_rupiah,
    parse_unit,
)
from rantai.tabular.columns import Column, ImportSpec, check_headers
from rantai.tabular.reading import Table
from rantai.tabular.records import RowError

MAX_ROWS = 5000

PLAN = ImportSpec(
    name="needs",
    title=N_("Procurement plan"),
    intro=N_("One row per package. Only nama_paket is required; fill in what you know."),
    columns=(
        Column(
            "nama_paket",
            required=True,
            example="Keripik singkong balado 250 g",
            help=N_("What you need: the package or item name."),
        ),
        Column(
            "spesifikasi",
            required=False,
            example="Kemasan standing pouch, kedaluwarsa min. 6 bulan",
            help=N_("Specification: size, material, packaging, standard."),
        ),
        Column(
            "jumlah",
            required=False,
            example="5000",
            help=N_("Quantity, a whole number (5.000 is five thousand)."),
        ),
        Column(
            "satuan",
            required=False,
            example="bungkus",
            help=N_("Unit, such as buah, bungkus, kg, liter, paket."),
        ),
        Column(
            "kode_wilayah_pengiriman",
            required=False,
            example="32.73",
            text=True,
            help=N_("Delivery kab/kota: its Kemendagri code (32.73) or name (Kota Bandung)."),
        ),
        Column(
            "pagu",
            required=False,
            example="75000000",
            help=N_("Budget ceiling (HPS/pagu) for the whole line, in whole Rupiah."),
        ),
        Column(
            "dibutuhkan_tanggal",
            required=False,
            example="2027-03-31",
            help=N_("Needed-by date: 2027-03-31 or 31/03/2027."),
        ),
        Column(
            "sertifikasi_wajib",
            required=False,
            example="halal;spp_irt",
            help=N_(
                "Required certificates, separated by semicolons: halal, sni, bpom_md, spp_irt, iso_9001..."
            ),
        ),
        Column(
            "khusus_umkm",
            required=False,
            example="ya",
            help=N_("Reserved for UMKM: ya or tidak. Empty: yes up to Rp14 billion."),
        ),
    ),
)

_DATE_DMY = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
_YES = {"ya", "y", "yes", "1", "true", "benar", "iya"}
_NO = {"tidak", "tdk", "t", "no", "n", "0", "false", "bukan"}


def parse_date(value: str) -> dt.date:
    """A date written as 2027-03-31 (ISO, as Excel cells are read) or 31/03/2027 (day first)."""
    text = value.strip()
    try:
        # 2027-03-31, or a spreadsheet's date-time cell (2027-03-31 08:00:00); nothing trailing.
        return dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text).date()
    except ValueError:
        pass
    match = _DATE_DMY.fullmatch(text)
    if match:
        try:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            pass
    raise CellError(N_("Enter a date as 2027-03-31 or 31/03/2027; found %(value)s."), value=value)


def parse_yes_no(value: str) -> bool:
    key = value.strip().lower()
    if key in _YES:
        return True
    if key in _NO:
        return False
    raise CellError(N_("Write ya or tidak; found %(value)s."), value=value)


def parse_cert_list(value: str, types: CertificationTypes) -> list[str]:
    codes = []
    for item in re.split(r"[;,/]", value):
        if not item.strip():
            continue
        code = types.resolve(item, "")
        if code is None:
            raise CellError(
                N_("Unknown certification type %(type)s; use one of: %(choices)s."),
                type=item.strip(),
                choices=", ".join(types.codes),
            )
        codes.append(code)
    return list(dict.fromkeys(codes))


class KabkotaNames:
    """Kab/kota codes by name for plan files and the quick entry ("Kota Bandung", "Bandung", "3273")."""

    def __init__(self, session: Session) -> None:
        self.names: dict[str, str] = {}
        self.by_name: dict[str, list[str]] = {}
        for code, name in session.execute(
            select(Region.code, Region.name).where(Region.level == RegionLevel.KABKOTA)
        ):
            self.names[code] = name
            key = _key(name)
            self.by_name.setdefault(key, []).append(code)
            bare = _key(name.removeprefix("Kabupaten ").removeprefix("Kab. ").removeprefix("Kota "))
            if bare != key:
                self.by_name.setdefault(bare, []).append(code)

    def resolve(self, name: str) -> RegionMatch:
        key = _key(name.replace("Kab.", "Kabupaten ").replace("Kab ", "Kabupaten "))
        codes = sorted(set(self.by_name.get(key, [])))
        if len(codes) == 1:
            return RegionMatch.found(codes[0])
        return RegionMatch.ambiguous((code, self.names[code]) for code in codes)

    def known(self, code: str) -> bool:
        return code in self.names


def _key(name: str) -> str:
    return " ".join(name.lower().split())


@dataclass(frozen=True, slots=True)
class PlanRow:
    """A row of a plan file read into a need line (or the row's errors)."""

    row: int
    line: LineData | None
    errors: tuple[RowError, ...] = ()


@dataclass
class PlanReport:
    """What an import of a plan file did (or would have done)."""

    rows: int = 0
    created: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    need_ids: list[int] = field(default_factory=list)


def read_plan(
    table: Table, session: Session, *, on: dt.date | None = None, check_dates: bool = True
) -> Iterator[PlanRow]:
    """Each data row of ``table`` as a need line checked like a form line, or with every error it has."""
    headers = check_headers(table.headers, PLAN, header_row=table.header_row)
    headers.raise_for_missing()
    on = on or today()
    regions = KabkotaNames(session)
    resolve_unit = unit_resolver(session)
    types = CertificationTypes(tuple(session.scalars(select(CertificationType.code))))
    parsers: dict[str, Callable[[str], Any]] = {
        "nama_paket": lambda v: check_length(" ".join(v.split()), max_length=NAME_MAX),
        "spesifikasi": lambda v: check_length(v.strip(), max_length=4000),
        "jumlah": lambda v: parse_count(v, minimum=1),
        "satuan": lambda v: parse_unit(v, resolve_unit=resolve_unit),
        "kode_wilayah_pengiriman": lambda v: _kabkota(v, regions),
        "pagu": parse_rupiah,
        "dibutuhkan_tanggal": parse_date,
        "sertifikasi_wajib": lambda v: parse_cert_list(v, types),
        "khusus_umkm": parse_yes_no,
    }
    count = 0
    for number, cells in table.rows():
        count += 1
        if count > MAX_ROWS:
            raise Invalid(N_("A plan file holds at most %(max)s rows; split it."), max=MAX_ROWS)
        values: dict[str, Any] = {}
        errors: list[RowError] = []
        for name, parse in parsers.items():
            raw = (cells.get(name) or "").strip()
            if not raw:
                if name == "nama_paket":
                    errors.append(RowError(number, name, "", N_("Required: fill in this cell.")))
                continue
            try:
                values[name] = parse(raw)
            except CellError as exc:
                errors.append(RowError(number, name, raw, exc.message, exc.params))
        if errors:
            yield PlanRow(number, None, tuple(errors))
            continue
        line = LineData(
            name=values["nama_paket"],
            specification=values.get("spesifikasi"),
            quantity=values.get("jumlah"),
            unit_code=values.get("satuan"),
            delivery_kabkota_code=values.get("kode_wilayah_pengiriman"),
            needed_by=values.get("dibutuhkan_tanggal"),
            budget=values.get("pagu"),
            umkm_only=values.get("khusus_umkm"),
            certifications=values.get("sertifikasi_wajib", []),
        )
        try:
            check_line(session, line, number=number, on=on, check_dates=check_dates)
        except NeedInvalid as exc:
            column = {"needed_by": "dibutuhkan_tanggal"}.get((exc.field or "").rsplit("-", 1)[-1], "")
            yield PlanRow(number, None, (RowError(number, column, "", exc.message, exc.params),))
            continue
        yield PlanRow(number, line)
    if count == 0:
        raise Invalid(N_("The file has a header row but no packages under it."))


def _kabkota(value: str, regions: KabkotaNames) -> str:
    code = parse_region_code(value, resolve_region=regions.resolve, known_region=regions.known)
    if not regions.known(code):
        raise CellError(
            N_(
                "Enter a kab/kota (such as 32.73 or Kota Bandung), not a province or a kecamatan; found %(value)s."
            ),
            value=value,
        )
    return code


def import_plan(
    session: Session, table: Table, *, actor: Actor | None, organization_id: int, source: str = "import"
) -> PlanReport:
    """One draft need per valid row; nothing at all when any row has an error (the report says which)."""
    report = PlanReport(warnings=check_headers(table.headers, PLAN, header_row=table.header_row).warnings())
    lines: list[tuple[int, LineData]] = []
    for row in read_plan(table, session):
        report.rows += 1
        if row.line is None:
            report.errors.extend(row.errors)
        else:
            lines.append((row.row, row.line))
    if report.errors:
        return report
    for _, line in lines:
        need = create_need(
            session,
            actor=actor,
            organization_id=organization_id,
            data=NeedData(title=line.name, lines=[line]),
            source=source,
        )
        report.need_ids.append(need.id)
        report.created += 1
    return report
