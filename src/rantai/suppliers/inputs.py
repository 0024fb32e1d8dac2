"""Parsing what people type (web forms, API bodies) into clean profile values, with the same rules as the
bulk importer (rantai.tabular.cells), so a NIB or a phone number is read the same way everywhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import TypeVar

from rantai.kit.clock import now
from rantai.kit.ids import MAX_INTEGER
from rantai.kit.text import N_, has_control_characters
from rantai.suppliers.errors import ProfileInvalid
from rantai.suppliers.service import CertificationData, ProfileData
from rantai.tabular import cells

T = TypeVar("T")

# The longest text each field takes (issue #9): its column's width, or a sensible length for Text columns.
# Longer text is refused with the limit, never cut silently nor sent to PostgreSQL to fail there.
MAX_LENGTHS = {
    "business_name": 200,
    "brand_name": 200,
    "address": 1000,
    "kabkota_code": 13,
    "kecamatan_code": 13,
    "desa_code": 13,
    "kbli_codes": 200,
    "type_code": 48,
    "number": 100,
    "issuer": 200,
    "email": 254,
}
MULTILINE = frozenset({"address"})
MSG_CONTROL = N_("Remove the invisible control characters (such as NUL) from this text.")


def _field(values: Mapping[str, str], name: str) -> str:
    """A field as typed, trimmed; refused when longer than its column or holding control characters."""
    value = (values.get(name) or "").strip()
    if has_control_characters(value, multiline=name in MULTILINE):
        raise ProfileInvalid(MSG_CONTROL, field=name)
    limit = MAX_LENGTHS.get(name, 100)  # numbers and codes as people write them are short
    if len(value) > limit:
        raise ProfileInvalid(
            N_("Too long: at most %(maximum)d characters; found %(length)d."),
            field=name,
            maximum=limit,
            length=len(value),
        )
    return value


def _parse(values: Mapping[str, str], name: str, parser: Callable[[str], T]) -> T | None:
    raw = _field(values, name)
    if not raw:
        return None
    try:
        return parser(raw)
    except cells.CellError as exc:
        raise ProfileInvalid(exc.message, field=name, **exc.params) from exc


def _flag(values: Mapping[str, str], name: str) -> bool:
    return _field(values, name).lower() in ("1", "on", "true", "ya", "yes")


def parse_profile(values: Mapping[str, str]) -> ProfileData:
    """A ProfileData from form fields named like the model (``business_name``, ``nib``, ``kabkota_code``...)."""
    nib = _parse(values, "nib", cells.parse_nib)
    if nib is None:
        raise ProfileInvalid(N_("Enter the NIB from OSS (13 digits)."), field="nib")
    legal_form = _parse(values, "legal_form", cells.parse_legal_form)
    if legal_form is None:
        raise ProfileInvalid(N_("Choose a legal form from the list."), field="legal_form")
    kabkota = _field(values, "kabkota_code")
    if not kabkota:
        raise ProfileInvalid(
            N_("Choose the kab/kota where the business is (a province alone is not enough)."),
            field="kabkota_code",
        )
    kbli = [c for c in _field(values, "kbli_codes").replace(",", ";").replace(" ", ";").split(";") if c]
    return ProfileData(
        business_name=_field(values, "business_name"),
        brand_name=_field(values, "brand_name") or None,
        legal_form=legal_form.value,
        nib=nib,
        npwp=_parse(values, "npwp", cells.parse_npwp),
        kabkota_code=kabkota,
        kecamatan_code=_field(values, "kecamatan_code") or None,
        desa_code=_field(values, "desa_code") or None,
        address=_field(values, "address") or None,
        year_founded=_parse(values, "year_founded", lambda v: cells.parse_year(v, max_year=now().year)),
        phone=_parse(values, "phone", cells.parse_phone),
        email=_parse(values, "email", cells.parse_email),
        kbli_codes=kbli,
        workers=_parse(values, "workers", _workers),
        annual_sales=_parse(values, "annual_sales", cells.parse_rupiah),
        business_capital=_parse(values, "business_capital", cells.parse_rupiah),
        women_owned=_flag(values, "women_owned"),
        youth_owned=_flag(values, "youth_owned"),
        export_experience=_flag(values, "export_experience"),
        cooperative_nib=_parse(values, "cooperative_nib", cells.parse_nib),
    )


def _workers(raw: str) -> int:
    count = cells.parse_count(raw, minimum=0)
    if count > MAX_INTEGER:  # an INTEGER column
        raise cells.CellError(N_("%(value)s is too large; check the number."), value=raw)
    return count


def _date(raw: str) -> dt.date:
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise cells.CellError(N_("Enter a date like 2026-03-31; found %(value)s."), value=raw) from None


def parse_certification(values: Mapping[str, str]) -> CertificationData:
    return CertificationData(
        type_code=_field(values, "type_code"),
        number=_field(values, "number"),
        issuer=_field(values, "issuer") or None,
        valid_from=_parse(values, "valid_from", _date),
        valid_until=_parse(values, "valid_until", _date),
    )
