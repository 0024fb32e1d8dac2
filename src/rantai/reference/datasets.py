"""The shipped reference datasets: which files each is built from, its checksum, and how rows are made.

Everything here is pure (files in, dictionaries out); ``service.load_reference_data`` writes the rows. Every
builder checks what it reads and raises ``ReferenceDataError`` rather than storing something half right.
See ``data/SOURCES.md`` for where each file comes from.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import itertools
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from importlib.resources import files
from typing import Any

from rantai.db import Base
from rantai.reference import reservation
from rantai.reference.errors import ReferenceDataError
from rantai.reference.hs import build_hs_lines
from rantai.reference.models import (
    CertificationType,
    HsCode,
    Kbli,
    KbliLevel,
    KemitraanPattern,
    ProgramFigure,
    Region,
    SizeThreshold,
    TaxRate,
    UmkmReservation,
    Unit,
)

Row = dict[str, Any]
Contents = Mapping[str, str]

# Indonesia with its outer islands, generously: a point outside is a typo in the source (see the fixes file).
LAT_RANGE = (-11.5, 6.5)
LNG_RANGE = (94.0, 142.0)

_KBLI_LEVELS = {
    "golongan_pokok_2d": KbliLevel.DIVISION,
    "golongan_3d": KbliLevel.GROUP,
    "subgolongan_4d": KbliLevel.SUBGROUP,
    "kelompok_5d": KbliLevel.CLASS,
}
_KBLI_CODE_LENGTH = {KbliLevel.DIVISION: 2, KbliLevel.GROUP: 3, KbliLevel.SUBGROUP: 4, KbliLevel.CLASS: 5}


@dataclass(frozen=True, slots=True)
class Dataset:
    """One versioned unit of loading: a table and the files its rows come from."""

    name: str
    version: str  # the edition of the source, shown to operators
    files: tuple[str, ...]
    model: type[Base]
    build: Callable[[Contents], list[Row]]
    # Bump when the builder changes what it makes of unchanged files, so that the next load applies it.
    revision: int = 1


@dataclass(frozen=True, slots=True)
class SectionRange:
    """A KBLI section letter and the divisions it spans (inclusive)."""

    section: str
    title_id: str
    title_en: str
    division_from: int
    division_to: int


# --- reading ---


def read_file(name: str) -> str:
    """The text of a shipped data file, gunzipped when its name ends in ``.gz``."""
    raw = (files("rantai.reference") / "data" / name).read_bytes()
    if name.endswith(".gz"):
        raw = gzip.decompress(raw)
    return raw.decode("utf-8-sig")


def read_contents(dataset: Dataset) -> dict[str, str]:
    return {name: read_file(name) for name in dataset.files}


def checksum(dataset: Dataset, contents: Contents) -> str:
    """SHA-256 over the dataset's name, revision and the uncompressed text of its files.

    Hashing the text rather than the .gz bytes means recompressing a file does not force a reload.
    """
    digest = hashlib.sha256(f"{dataset.name}\n{dataset.revision}\n".encode())
    for name in dataset.files:
        digest.update(f"{name}\n".encode())
        digest.update(contents[name].encode())
        digest.update(b"\n")
    return digest.hexdigest()


def _records(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _clean(text: str) -> str:
    # A few names carry trailing or doubled spaces in the source ("Kota Administrasi Jakarta Utara ").
    return re.sub(r"\s+", " ", text).strip()


def _optional(text: str) -> str | None:
    text = text.strip()
    return text or None


# --- KBLI ---


def parse_sections(text: str) -> list[SectionRange]:
    return [
        SectionRange(
            section=r["section"].strip(),
            title_id=_clean(r["title_id"]),
            title_en=_clean(r["title_en"]),
            division_from=int(r["division_from"]),
            division_to=int(r["division_to"]),
        )
        for r in _records(text)
    ]


def section_for_division(division: str, sections: Sequence[SectionRange]) -> str | None:
    """The section letter of a 2-digit division (``"10"`` -> ``"C"``), or None for a gap such as ``"04"``."""
    if len(division) != 2 or not division.isdigit():
        return None
    number = int(division)
    for section in sections:
        if section.division_from <= number <= section.division_to:
            return section.section
    return None


def _nearest_ancestor(code: str, present: set[str]) -> str | None:
    # The source lacks a few 4-digit subgroups (4942, 7410, 7730); their classes hang from the 3-digit group.
    for length in range(len(code) - 1, 1, -1):
        if code[:length] in present:
            return code[:length]
    return None


def build_kbli(contents: Contents) -> list[Row]:
    """KBLI 2020: the 21 hand-made sections, then every 2- to 5-digit code with its section letter."""
    sections = parse_sections(contents["kbli2020_sections.csv"])
    if len(sections) != 21:
        raise ReferenceDataError(f"expected 21 KBLI sections, found {len(sections)}")
    rows: list[Row] = [
        {
            "code": s.section,
            "level": KbliLevel.SECTION.value,
            "title": s.title_id,
            "title_en": s.title_en,
            "description": "",
            "parent_code": None,
            "section": s.section,
        }
        for s in sections
    ]
    records = _records(contents["kbli2020.csv.gz"])
    present = {r["code"].strip() for r in records}
    for record in records:
        code = record["code"].strip()
        level = _KBLI_LEVELS.get(record["level"].strip())
        if level is None or len(code) != _KBLI_CODE_LENGTH[level] or not code.isdigit():
            raise ReferenceDataError(f"KBLI {code!r}: unexpected level {record['level']!r}")
        section = section_for_division(code[:2], sections)
        if section is None:
            raise ReferenceDataError(f"KBLI {code}: division {code[:2]} belongs to no section")
        rows.append(
            {
                "code": code,
                "level": level.value,
                "title": _clean(record["title"]),
                "title_en": None,
                "description": record["description"].strip(),
                "parent_code": section if level is KbliLevel.DIVISION else _nearest_ancestor(code, present),
                "section": section,
            }
        )
    # Parents first, so the self-referencing foreign key holds at every insert.
    rows.sort(key=lambda r: (0 if r["level"] == KbliLevel.SECTION else len(r["code"]), r["code"]))
    return rows


# --- regions ---


def _coordinate(value: str, code: str, bounds: tuple[float, float]) -> float | None:
    if not value.strip():
        return None
    number = float(value)
    if not bounds[0] <= number <= bounds[1]:
        raise ReferenceDataError(f"region {code}: coordinate {number} lies outside Indonesia")
    return number


def build_regions(contents: Contents) -> list[Row]:
    """Kemendagri 2025 regions at all four levels; provinces and kab/kota get their point."""
    points: dict[str, tuple[str, str]] = {
        r["kode"].strip(): (r["lat"], r["lng"])
        for r in _records(contents["wilayah2025_prov_kabkota_centroids.csv.gz"])
    }
    for fix in _records(contents["wilayah2025_centroid_fixes.csv"]):
        points[fix["kode"].strip()] = (fix["lat"], fix["lng"])
    rows: list[Row] = []
    for record in _records(contents["wilayah2025_all_levels.csv.gz"]):
        code = record["kode"].strip()
        level = int(record["level"])
        if level != code.count(".") + 1:
            raise ReferenceDataError(f"region {code}: level {level} does not match the code")
        lat, lng = points.get(code, ("", ""))
        rows.append(
            {
                "code": code,
                "name": _clean(record["nama"]),
                "level": level,
                "parent_code": code.rsplit(".", 1)[0] if "." in code else None,
                "lat": _coordinate(lat, code, LAT_RANGE),
                "lng": _coordinate(lng, code, LNG_RANGE),
            }
        )
    codes = {r["code"] for r in rows}
    orphans = [r["code"] for r in rows if r["parent_code"] is not None and r["parent_code"] not in codes]
    if orphans:
        raise ReferenceDataError(f"regions without a parent: {orphans[:5]}")
    rows.sort(key=lambda r: (r["level"], r["code"]))
    return rows


# --- BTKI ---


def build_hs_codes(contents: Contents) -> list[Row]:
    """BTKI 2022 headings, subheadings and 8-digit lines with readable full descriptions (English helped by
    the HS 2022 subheading texts)."""
    hs6_en = {
        r["hscode"].strip(): _clean(r["description"])
        for r in _records(contents["hs2022_en.csv.gz"])
        if r["level"].strip() == "6"
    }
    lines = build_hs_lines(_records(contents["btki2022.csv.gz"]), hs6_en)
    rows = [asdict(line) for line in lines]
    bad = [r["code"] for r in rows if len(r["code"].replace(".", "")) != r["level"]]
    if bad:
        raise ReferenceDataError(f"BTKI codes whose length does not match their level: {bad[:5]}")
    return rows


# --- units ---


def _decimal(value: str, code: str) -> Decimal | None:
    if not value.strip():
        return None
    try:
        return Decimal(value.strip())
    except InvalidOperation as exc:
        raise ReferenceDataError(f"unit {code}: factor {value!r} is not a number") from exc


def build_units(contents: Contents) -> list[Row]:
    """Trade units and every Coretax unit, each Coretax code carried by exactly one unit."""
    coretax = {r["kode"].strip(): r["nama"].strip() for r in _records(contents["units_coretax.csv"])}
    rows: list[Row] = []
    for record in _records(contents["units.csv"]):
        code = record["code"].strip()
        rows.append(
            {
                "code": code,
                "name_id": _clean(record["name_id"]),
                "name_en": _clean(record["name_en"]),
                "kind": record["kind"].strip(),
                "base_unit_code": _optional(record["base_unit"]),
                "factor_to_base": _decimal(record["factor_to_base"], code),
                "coretax_code": _optional(record["coretax_code"]),
            }
        )
    by_code = {r["code"]: r for r in rows}
    mapped = Counter(r["coretax_code"] for r in rows if r["coretax_code"])
    problems = [f"{c} is not a Coretax unit" for c in mapped if c not in coretax]
    problems += [f"{c} is used {n} times" for c, n in mapped.items() if n > 1]
    problems += [f"Coretax {c} ({name}) has no unit" for c, name in coretax.items() if c not in mapped]
    for row in rows:
        base = row["base_unit_code"]
        if (base is None) != (row["factor_to_base"] is None):
            problems.append(f"{row['code']}: give both a base unit and a factor, or neither")
        elif base is not None and (base not in by_code or by_code[base]["base_unit_code"] is not None):
            problems.append(f"{row['code']}: base unit {base} is not a base unit")
    if len(by_code) != len(rows):
        problems.append("duplicate unit codes")
    if problems:
        raise ReferenceDataError("units: " + "; ".join(problems))
    rows.sort(key=lambda r: r["base_unit_code"] is not None)
    return rows


# --- small hand-made tables ---


def build_certification_types(contents: Contents) -> list[Row]:
    return [
        {
            "code": r["code"].strip(),
            "name_id": _clean(r["name_id"]),
            "name_en": _clean(r["name_en"]),
            "issuer": _clean(r["issuer"]),
            "applies_to": ",".join(t.strip() for t in r["applies_to"].split(",") if t.strip()),
            "validity_years": int(r["validity_years"]) if r["validity_years"].strip() else None,
            "note": _optional(r["note"]),
        }
        for r in _records(contents["certification_types.csv"])
    ]


def build_size_thresholds(contents: Contents) -> list[Row]:
    rows: list[Row] = [
        {
            "size_class": r["size_class"].strip(),
            "effective_from": dt.date.fromisoformat(r["effective_from"].strip()),
            "rank": int(r["rank"]),
            "business_capital_max": int(r["business_capital_max"]),
            "annual_sales_max": int(r["annual_sales_max"]),
            "legal_basis": _clean(r["legal_basis"]),
            "note": _optional(r["note"]),
        }
        for r in _records(contents["size_thresholds.csv"])
    ]
    by_date: dict[dt.date, list[Row]] = {}
    for row in rows:
        by_date.setdefault(row["effective_from"], []).append(row)
    for date, group in by_date.items():
        group.sort(key=lambda r: r["rank"])
        for lower, upper in itertools.pairwise(group):
            if not (
                lower["business_capital_max"] < upper["business_capital_max"]
                and lower["annual_sales_max"] < upper["annual_sales_max"]
            ):
                raise ReferenceDataError(
                    f"size thresholds of {date}: {upper['size_class']} must lie above {lower['size_class']}"
                )
    return rows


def build_kemitraan_patterns(contents: Contents) -> list[Row]:
    return [
        {
            "code": r["code"].strip(),
            "sort_order": int(r["sort_order"]),
            "name_id": _clean(r["name_id"]),
            "name_en": _clean(r["name_en"]),
            "description_id": _clean(r["description_id"]),
            "description_en": _clean(r["description_en"]),
            "legal_basis": _clean(r["legal_basis"]),
        }
        for r in _records(contents["kemitraan_patterns.csv"])
    ]


def build_umkm_reservations(contents: Contents) -> list[Row]:
    """The reservation rules, checked: a known buyer kind, 0 <= floor <= ceiling, and known size classes
    (at least one) when there is a ceiling; a row without a ceiling reserves nothing and lists none."""
    rows: list[Row] = []
    problems: list[str] = []
    for r in _records(contents["umkm_reservation.csv"]):
        kind = r["buyer_kind"].strip()
        where = f"{kind} {r['effective_from'].strip()}"
        floor = int(r["floor"]) if r["floor"].strip() else 0
        ceiling = int(r["ceiling"]) if r["ceiling"].strip() else None
        try:
            classes = reservation.parse_size_classes(r["size_classes"])
        except ValueError as error:
            problems.append(f"{where}: {error}")
            continue
        if kind not in reservation.BUYER_KINDS:
            problems.append(f"{where}: unknown buyer kind (known: {', '.join(reservation.BUYER_KINDS)})")
        if floor < 0 or (ceiling is not None and floor > ceiling):
            problems.append(f"{where}: the floor {floor} must lie between 0 and the ceiling {ceiling}")
        if ceiling is not None and not classes:
            problems.append(f"{where}: a rule with a ceiling must name the size classes that may win")
        if ceiling is None and (classes or floor):
            problems.append(
                f"{where}: a row without a ceiling reserves nothing; leave floor and classes empty"
            )
        rows.append(
            {
                "buyer_kind": kind,
                "effective_from": dt.date.fromisoformat(r["effective_from"].strip()),
                "floor": floor,
                "ceiling": ceiling,
                "size_classes": reservation.SEPARATOR.join(classes),
                "legal_basis": _clean(r["legal_basis"]),
                "note": _optional(r["note"]),
            }
        )
    if len({(row["buyer_kind"], row["effective_from"]) for row in rows}) != len(rows):
        problems.append("two rows for one buyer kind and date")
    if problems:
        raise ReferenceDataError("UMKM reservation: " + "; ".join(problems))
    return rows


TAX_CODES = ("ppn", "pph22", "pph23", "pph_final_umkm")


def build_tax_rates(contents: Contents) -> list[Row]:
    """Tax rates by code and date, checked: a known code, 0 <= percent <= 100, a positive base fraction."""
    rows: list[Row] = []
    problems: list[str] = []
    for r in _records(contents["tax_rates.csv"]):
        code = r["code"].strip()
        where = f"{code} {r['effective_from'].strip()}"
        percent = Decimal(r["percent"].strip())
        numerator, denominator = int(r["base_numerator"]), int(r["base_denominator"])
        if code not in TAX_CODES:
            problems.append(f"{where}: unknown tax code (known: {', '.join(TAX_CODES)})")
        if not 0 <= percent <= 100:
            problems.append(f"{where}: the percent {percent} must lie between 0 and 100")
        if numerator <= 0 or denominator <= 0:
            problems.append(f"{where}: the base fraction {numerator}/{denominator} must be positive")
        rows.append(
            {
                "code": code,
                "effective_from": dt.date.fromisoformat(r["effective_from"].strip()),
                "percent": percent,
                "base_numerator": numerator,
                "base_denominator": denominator,
                "legal_basis": _clean(r["legal_basis"]),
                "note": _optional(r["note"]),
            }
        )
    if len({(row["code"], row["effective_from"]) for row in rows}) != len(rows):
        problems.append("two rows for one code and date")
    if problems:
        raise ReferenceDataError("tax rates: " + "; ".join(problems))
    return rows


# --- program figures (issue #15) ---

PROGRAM_FIGURE_UNITS = ("count", "percent", "per_mille")


def build_program_figures(contents: Contents) -> list[Row]:
    """The figures the KPIs are read against, checked: a known unit, a whole non-negative value (a percent
    at most 100), a source named, one row per code and year."""
    rows: list[Row] = []
    problems: list[str] = []
    for r in _records(contents["program_figures.csv"]):
        code, unit = r["code"].strip(), r["unit"].strip()
        where = f"{code} {r['year'].strip()}"
        value = int(r["value"])
        if unit not in PROGRAM_FIGURE_UNITS:
            problems.append(f"{where}: unknown unit {unit!r}")
        if value < 0 or (unit == "percent" and value > 100) or (unit == "per_mille" and value > 1000):
            problems.append(f"{where}: the value {value} is out of range")
        if not r["source"].strip():
            problems.append(f"{where}: no source")
        rows.append(
            {
                "code": code,
                "year": int(r["year"]),
                "value": value,
                "unit": unit,
                "source": _clean(r["source"]),
                "note": _optional(r["note"]),
            }
        )
    if len({(row["code"], row["year"]) for row in rows}) != len(rows):
        problems.append("two rows for one code and year")
    if problems:
        raise ReferenceDataError("program figures: " + "; ".join(problems))
    return rows


DATASETS: tuple[Dataset, ...] = (
    Dataset("kbli", "KBLI 2020", ("kbli2020.csv.gz", "kbli2020_sections.csv"), Kbli, build_kbli),
    Dataset(
        "region",
        "Kepmendagri 300.2.2-2138/2025",
        (
            "wilayah2025_all_levels.csv.gz",
            "wilayah2025_prov_kabkota_centroids.csv.gz",
            "wilayah2025_centroid_fixes.csv",
        ),
        Region,
        build_regions,
    ),
    Dataset("hs_code", "BTKI 2022", ("btki2022.csv.gz", "hs2022_en.csv.gz"), HsCode, build_hs_codes),
    Dataset("unit", "Coretax 2025", ("units.csv", "units_coretax.csv"), Unit, build_units),
    Dataset(
        "certification_type",
        "2025",
        ("certification_types.csv",),
        CertificationType,
        build_certification_types,
    ),
    Dataset("size_threshold", "PP 7/2021", ("size_thresholds.csv",), SizeThreshold, build_size_thresholds),
    Dataset(
        "kemitraan_pattern",
        "PP 7/2021",
        ("kemitraan_patterns.csv",),
        KemitraanPattern,
        build_kemitraan_patterns,
    ),
    Dataset(
        "umkm_reservation",
        "PER-2/2023, Perpres 12/2021",
        ("umkm_reservation.csv",),
        UmkmReservation,
        build_umkm_reservations,
        revision=2,  # floors, size classes and rows without a ceiling (migration 0016)
    ),
    Dataset("tax_rate", "HPP 2021, PMK 131/2024", ("tax_rates.csv",), TaxRate, build_tax_rates),
    Dataset(
        "program_figure",
        "2026",
        ("program_figures.csv",),
        ProgramFigure,
        build_program_figures,
    ),
)
