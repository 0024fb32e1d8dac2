"""Every reference-data query lives here: look-ups and pickers for the app, bulk writes for the loader."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, inspect, or_, select, update
from sqlalchemy.orm import Session

from rantai.db import Base
from rantai.kit.text import ascii_digits, has_control_characters, without_control_characters
from rantai.reference.hs import digits_of, dotted, normalize_hs_code
from rantai.reference.models import (
    CertificationType,
    HsCode,
    Kbli,
    KemitraanPattern,
    ReferenceDataset,
    Region,
    SizeThreshold,
    UmkmReservation,
    Unit,
)

DEFAULT_SEARCH_LIMIT = 20


def _code(code: str) -> str | None:
    """A code as typed, trimmed; None when it holds characters no code has (PostgreSQL refuses a NUL
    in a query parameter, so such a code is simply not found)."""
    return None if has_control_characters(code) else code.strip()


# --- loader ---


def dataset_record(session: Session, name: str) -> ReferenceDataset | None:
    return session.get(ReferenceDataset, name)


def dataset_records(session: Session) -> Sequence[ReferenceDataset]:
    """What is loaded, for ``rantai db status``-like displays."""
    return session.scalars(select(ReferenceDataset).order_by(ReferenceDataset.name)).all()


def save_dataset_record(
    session: Session, *, name: str, version: str, checksum: str, row_count: int, loaded_at: dt.datetime
) -> None:
    record = session.get(ReferenceDataset, name)
    if record is None:
        record = ReferenceDataset(name=name)
        session.add(record)
    record.version = version
    record.checksum = checksum
    record.row_count = row_count
    record.loaded_at = loaded_at
    session.flush()


def count_rows(session: Session, model: type[Base]) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def primary_key_names(model: type[Base]) -> tuple[str, ...]:
    return tuple(column.name for column in inspect(model).primary_key)


def rows_by_key(
    session: Session, model: type[Base], columns: Sequence[str]
) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Every row of ``model`` as a dictionary of ``columns``, keyed by its primary key values."""
    mapper = inspect(model)
    keys = primary_key_names(model)
    result = session.execute(select(*(mapper.columns[name] for name in columns)))
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for values in result:
        row = dict(zip(columns, values, strict=True))
        rows[tuple(row[k] for k in keys)] = row
    return rows


def insert_rows(session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]]) -> None:
    """One executemany INSERT; ``render_nulls`` keeps rows with and without nulls in the same batch."""
    if rows:
        session.execute(insert(model).execution_options(render_nulls=True), rows)


def update_rows(session: Session, model: type[Base], rows: Sequence[Mapping[str, Any]]) -> None:
    """UPDATE by primary key, one executemany for all rows."""
    if rows:
        session.execute(update(model), rows)


# --- KBLI ---


def kbli_counts_by_level(session: Session) -> dict[str, int]:
    rows = session.execute(select(Kbli.level, func.count()).group_by(Kbli.level))
    return dict(rows.all())


def get_kbli(session: Session, code: str) -> Kbli | None:
    clean = _code(code)
    return session.get(Kbli, clean.upper()) if clean else None


def kbli_children(session: Session, parent_code: str | None) -> Sequence[Kbli]:
    """The entries directly under ``parent_code``; None gives the 21 sections."""
    condition = Kbli.parent_code.is_(None) if parent_code is None else Kbli.parent_code == parent_code
    return session.scalars(select(Kbli).where(condition).order_by(Kbli.code)).all()


def search_kbli(
    session: Session, query: str, *, level: str | None = None, limit: int = DEFAULT_SEARCH_LIMIT
) -> Sequence[Kbli]:
    """KBLI entries whose code starts with ``query`` (digits) or whose title holds every word of it."""
    text = without_control_characters(query).strip()
    if not text:
        return []
    if ascii_digits(text):
        condition: ColumnElement[bool] = Kbli.code.startswith(text)
    else:
        condition = and_(*(Kbli.title.icontains(word, autoescape=True) for word in text.split()))
    stmt = select(Kbli).where(condition)
    if level is not None:
        stmt = stmt.where(Kbli.level == level)
    return session.scalars(stmt.order_by(Kbli.code).limit(limit)).all()


# --- regions ---


def region_counts_by_level(session: Session) -> dict[int, int]:
    rows = session.execute(select(Region.level, func.count()).group_by(Region.level))
    return dict(rows.all())


def get_region(session: Session, code: str) -> Region | None:
    clean = _code(code)
    return session.get(Region, clean) if clean else None


def region_children(session: Session, parent_code: str | None) -> Sequence[Region]:
    """The regions directly under ``parent_code`` by name (address pickers); None gives the provinces."""
    if parent_code is not None and _code(parent_code) is None:
        return []
    condition = Region.parent_code.is_(None) if parent_code is None else Region.parent_code == parent_code
    return session.scalars(select(Region).where(condition).order_by(Region.name)).all()


def region_names(session: Session, codes: Sequence[str]) -> dict[str, str]:
    """Region code -> name for those of ``codes`` that exist (one query)."""
    if not codes:
        return {}
    rows = session.execute(select(Region.code, Region.name).where(Region.code.in_(sorted(set(codes)))))
    return {code: name for code, name in rows}  # noqa: C416 - typed pairs


def region_with_ancestors(session: Session, code: str) -> Sequence[Region]:
    """The region and the regions containing it, province first (``[Jawa Barat, Kota Bandung, ...]``)."""
    clean = _code(code)
    if not clean:
        return []
    parts = clean.split(".")
    codes = [".".join(parts[: i + 1]) for i in range(len(parts))]
    return session.scalars(select(Region).where(Region.code.in_(codes)).order_by(Region.level)).all()


# --- BTKI / HS ---


def hs_counts_by_level(session: Session) -> dict[int, int]:
    rows = session.execute(select(HsCode.level, func.count()).group_by(HsCode.level))
    return dict(rows.all())


def get_hs_code(session: Session, code: str) -> HsCode | None:
    """A heading or tariff line however the code is typed (``0101``, ``0101.21.00``, ``01012100``)."""
    normalized = normalize_hs_code(code)
    return session.get(HsCode, normalized) if normalized else None


def hs_children(session: Session, parent_code: str) -> Sequence[HsCode]:
    return session.scalars(
        select(HsCode).where(HsCode.parent_code == parent_code).order_by(HsCode.code)
    ).all()


def search_hs_codes(
    session: Session, query: str, *, level: int | None = 8, limit: int = DEFAULT_SEARCH_LIMIT
) -> Sequence[HsCode]:
    """Lines whose code starts with the digits typed, or whose full description (Indonesian or English)
    holds every word of ``query``."""
    text = without_control_characters(query).strip()
    if not text:
        return []
    digits = digits_of(text)
    if digits and len(digits) == len(text.replace(".", "").replace(" ", "")):
        condition: ColumnElement[bool] = HsCode.code.startswith(dotted(digits))
    else:
        condition = and_(
            *(
                or_(
                    HsCode.full_description_id.icontains(word, autoescape=True),
                    HsCode.full_description_en.icontains(word, autoescape=True),
                )
                for word in text.split()
            )
        )
    stmt = select(HsCode).where(condition)
    if level is not None:
        stmt = stmt.where(HsCode.level == level)
    return session.scalars(stmt.order_by(HsCode.code).limit(limit)).all()


# --- units, certifications, kemitraan, size thresholds ---


def list_units(session: Session, *, kind: str | None = None) -> Sequence[Unit]:
    stmt = select(Unit).order_by(Unit.kind, Unit.name_id)
    if kind is not None:
        stmt = stmt.where(Unit.kind == kind)
    return session.scalars(stmt).all()


def units_by_code(session: Session, codes: Sequence[str]) -> dict[str, Unit]:
    """The units named by ``codes`` (one query)."""
    if not codes:
        return {}
    return {
        unit.code: unit for unit in session.scalars(select(Unit).where(Unit.code.in_(sorted(set(codes)))))
    }


def get_unit(session: Session, code: str) -> Unit | None:
    clean = _code(code)
    return session.get(Unit, clean) if clean else None


def list_certification_types(session: Session) -> Sequence[CertificationType]:
    return session.scalars(select(CertificationType).order_by(CertificationType.name_id)).all()


def get_certification_type(session: Session, code: str) -> CertificationType | None:
    clean = _code(code)
    return session.get(CertificationType, clean) if clean else None


def list_kemitraan_patterns(session: Session) -> Sequence[KemitraanPattern]:
    """The patterns in the order PP 7/2021 Pasal 106 lists them."""
    return session.scalars(select(KemitraanPattern).order_by(KemitraanPattern.sort_order)).all()


def get_kemitraan_pattern(session: Session, code: str) -> KemitraanPattern | None:
    clean = _code(code)
    return session.get(KemitraanPattern, clean) if clean else None


def size_thresholds_on(session: Session, on: dt.date) -> Sequence[SizeThreshold]:
    """The thresholds in force on ``on`` (the latest set that took effect by then), smallest class first."""
    latest = select(func.max(SizeThreshold.effective_from)).where(SizeThreshold.effective_from <= on)
    return session.scalars(
        select(SizeThreshold)
        .where(SizeThreshold.effective_from == latest.scalar_subquery())
        .order_by(SizeThreshold.rank)
    ).all()


def umkm_reservation_in_force(session: Session, buyer_kind: str, on: dt.date) -> UmkmReservation | None:
    """The reservation row in force on ``on`` for a kind of buyer: the latest that took effect by then."""
    return session.scalar(
        select(UmkmReservation)
        .where(UmkmReservation.buyer_kind == buyer_kind, UmkmReservation.effective_from <= on)
        .order_by(UmkmReservation.effective_from.desc())
        .limit(1)
    )


def umkm_reservation_ceiling(session: Session, on: dt.date, buyer_kind: str = "bumn") -> int | None:
    """The UMKM reservation ceiling in force on ``on`` for a kind of buyer (None: no rule, or a row that
    reserves nothing). Need lines default to UMKM-only at or below it; the floor plays no part there."""
    return session.scalar(
        select(UmkmReservation.ceiling)
        .where(UmkmReservation.buyer_kind == buyer_kind, UmkmReservation.effective_from <= on)
        .order_by(UmkmReservation.effective_from.desc())
        .limit(1)
    )
