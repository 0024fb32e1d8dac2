"""Reading a need form (web fields as typed) into `NeedData`, with the same cell rules as plan files.

A form names its line fields ``lines-<n>-<field>`` (``lines-2-budget``), the names the service uses when
it reports a bad line, so an error lands next to the field that caused it. Lines are renumbered 1, 2, ...
in the order they came, and lines left wholly empty are dropped, so the numbers the user sees after a
round trip are the numbers the service checks. Amounts accept ``1.500.000`` and ``Rp 1,5 juta``,
quantities ``5.000``, dates ``2027-03-31`` and ``31/03/2027``. Codes (unit, kab/kota, certificates,
kemitraan) are passed through: the service checks them against the reference tables.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from rantai.kit.ids import storable_id
from rantai.kit.text import N_, ascii_digits, has_control_characters
from rantai.sourcing.errors import NeedInvalid
from rantai.sourcing.plan_file import parse_date, parse_yes_no
from rantai.sourcing.service import LineData, NeedData
from rantai.tabular import cells

T = TypeVar("T")

NEED_FIELDS = ("title", "reference", "description")
LINE_FIELDS = (
    "id",  # the stored line's id on an edit form, so a line keeps its decisions when others are removed
    "name",
    "specification",
    "quantity",
    "unit_code",
    "province_code",  # only to choose the kab/kota; not stored
    "delivery_kabkota_code",
    "needed_by",
    "budget",
    "umkm_only",
    "preferred_size_class",
    "kemitraan_code",
    "procurement_type",
)
REFERENCE_MAX = 64  # the column's width
TEXT_MAX = 4000  # a description or a specification, as a plan file's spesifikasi cell
CODE_MAX = 48  # a unit, region, certificate or kemitraan code: longer is no code at all
MULTILINE = frozenset({"description", "specification"})
MSG_CONTROL = N_("Remove the invisible control characters (such as NUL) from this text.")
_LINE_KEY = re.compile(r"lines-(\d{1,4})-([a-z_]+)", re.ASCII)


@dataclass
class LineForm:
    """One line's fields as typed (``values`` by bare field name) and its ticked certificates."""

    values: dict[str, str] = field(default_factory=dict)
    certifications: list[str] = field(default_factory=list)

    @property
    def blank(self) -> bool:
        return not self.certifications and not any(v.strip() for k, v in self.values.items() if k != "id")


@dataclass
class NeedForm:
    """A need form as typed: the need's own fields and its lines, in order."""

    values: dict[str, str] = field(default_factory=dict)
    lines: list[LineForm] = field(default_factory=list)


def read_form(pairs: Iterable[tuple[str, str]], *, remove: int | None = None) -> NeedForm:
    """Gather the posted ``(name, value)`` pairs into a NeedForm; ``remove`` drops the line that was shown
    as number ``remove`` (before empty lines are dropped, so the right one goes)."""
    form = NeedForm()
    found: dict[int, LineForm] = {}
    for key, value in pairs:
        match = _LINE_KEY.fullmatch(key)
        if match is None:
            if key in NEED_FIELDS:
                form.values[key] = value
            continue
        line = found.setdefault(int(match[1]), LineForm())
        name = match[2]
        if name == "certifications":
            if value and value not in line.certifications:
                line.certifications.append(value)
        elif name in LINE_FIELDS:
            line.values[name] = value
    form.lines = [found[n] for n in sorted(found) if n != remove and not found[n].blank]
    return form


def _text(values: Mapping[str, str], name: str, field_name: str | None = None) -> str:
    """A field as typed, trimmed; refused when it holds control characters (PostgreSQL cannot store a
    NUL, and no one types one on purpose)."""
    value = (values.get(name) or "").strip()
    if has_control_characters(value, multiline=name in MULTILINE):
        raise NeedInvalid(MSG_CONTROL, field=field_name or name)
    return value


def _code(values: Mapping[str, str], name: str, field_name: str) -> str | None:
    """A reference code as typed (the service checks it exists); too long to be one is refused here."""
    value = _text(values, name, field_name)
    if len(value) > CODE_MAX:
        raise NeedInvalid(
            N_("Too long: at most %(maximum)d characters; found %(length)d."),
            field=field_name,
            maximum=CODE_MAX,
            length=len(value),
        )
    return value or None


def _line_id(raw: str) -> int | None:
    """The stored line's id from a hidden field; anything that cannot be one (``²``, 20 digits) is none."""
    return int(raw) if ascii_digits(raw) and len(raw) <= 10 and storable_id(int(raw)) else None


def _parse(values: Mapping[str, str], name: str, field_name: str, parser: Callable[[str], T]) -> T | None:
    raw = _text(values, name, field_name)
    if not raw:
        return None
    try:
        return parser(raw)
    except cells.CellError as exc:
        raise NeedInvalid(exc.message, field=field_name, **exc.params) from exc


def parse_line(line: LineForm, *, number: int) -> LineData:
    """One line's typed fields as LineData; a field that cannot be read raises NeedInvalid naming it."""
    values = line.values

    def parse(name: str, parser: Callable[[str], T]) -> T | None:
        return _parse(values, name, f"lines-{number}-{name}", parser)

    def field(name: str) -> str:
        return f"lines-{number}-{name}"

    return LineData(
        id=_line_id(_text(values, "id", field("id"))),
        name=" ".join(_text(values, "name", field("name")).split()),
        specification=parse("specification", lambda v: cells.check_length(v, max_length=TEXT_MAX)),
        quantity=parse("quantity", lambda v: cells.parse_count(v, minimum=1)),
        unit_code=_code(values, "unit_code", field("unit_code")),
        delivery_kabkota_code=_code(values, "delivery_kabkota_code", field("delivery_kabkota_code")),
        needed_by=parse("needed_by", parse_date),
        budget=parse("budget", cells.parse_rupiah),
        # Empty means "as the policy says" (the UMKM reservation ceiling); the service decides.
        umkm_only=parse("umkm_only", parse_yes_no),
        preferred_size_class=_code(values, "preferred_size_class", field("preferred_size_class")),
        kemitraan_code=_code(values, "kemitraan_code", field("kemitraan_code")),
        procurement_type=_code(values, "procurement_type", field("procurement_type")),
        certifications=[
            code for c in line.certifications if (code := _code({"c": c}, "c", field("certifications")))
        ],
    )


def parse_need(form: NeedForm) -> NeedData:
    """The whole form as NeedData (the service then checks titles, codes and dates)."""
    values = form.values
    reference = _parse(
        values, "reference", "reference", lambda v: cells.parse_name(v, max_length=REFERENCE_MAX)
    )
    description = _parse(
        values, "description", "description", lambda v: cells.check_length(v, max_length=TEXT_MAX)
    )
    return NeedData(
        title=" ".join(_text(values, "title").split()),  # its length is the service's to check
        lines=[parse_line(line, number=n) for n, line in enumerate(form.lines, start=1)],
        reference=reference,
        description=description,
    )
