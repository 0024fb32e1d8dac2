"""Shortlists of qualified suppliers for need lines: the engine (`rantai.matching`) fed from the database.

This module turns a stored need line into the engine's `NeedLine` (delivery kab/kota centroid, required
certificates, UMKM-only flag, needed-by date), asks the shared on-disk index (`catalog.search_index`)
after draining queued changes, and adds what only the database knows: the buyer's decisions (dismissed
suppliers leave the shortlist; shortlisted ones are marked) and the suppliers' NIBs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from rantai import matching
from rantai.catalog.search_index import live_index
from rantai.kit.clock import today
from rantai.kit.ids import storable_id
from rantai.reference.models import Region, Unit
from rantai.sourcing import repository
from rantai.sourcing.models import NeedLine, ShortlistDecision
from rantai.sourcing.service import LineData
from rantai.suppliers.models import SupplierProfile

DEFAULT_TOP = 10


@dataclass(frozen=True, slots=True)
class LineShortlist:
    """A line's shortlist as the buyer sees it."""

    entries: tuple[matching.ShortlistEntry, ...]
    excluded: tuple[matching.Exclusion, ...]
    decisions: dict[int, ShortlistDecision] = field(default_factory=dict)
    dismissed: tuple[int, ...] = ()
    nibs: dict[int, str] = field(default_factory=dict)


def units(session: Session) -> dict[str, tuple[str, float]]:
    """Unit code -> (base unit code, factor to it), for comparing capacities with quantities."""
    return _units_of(
        tuple(
            (code, base or code, float(factor) if factor is not None else 1.0)
            for code, base, factor in session.execute(
                select(Unit.code, Unit.base_unit_code, Unit.factor_to_base)
            )
        )
    )


@lru_cache(maxsize=4)
def _units_of(rows: tuple[tuple[str, str, float], ...]) -> dict[str, tuple[str, float]]:
    return {code: (base, factor) for code, base, factor in rows}


def place_of(session: Session, kabkota_code: str | None) -> tuple[float | None, float | None]:
    if not kabkota_code:
        return None, None
    region = session.get(Region, kabkota_code)
    return (region.lat, region.lng) if region else (None, None)


def engine_line(
    session: Session,
    *,
    text: str,
    quantity: int | None = None,
    unit_code: str | None = None,
    needed_by: dt.date | None = None,
    budget: int | None = None,
    kabkota_code: str | None = None,
    certifications: Sequence[str] = (),
    umkm_only: bool = True,
    preferred_size_class: str | None = None,
    region: str | None = None,
    on: dt.date | None = None,
) -> matching.NeedLine:
    """The engine's view of a need line."""
    lat, lng = place_of(session, kabkota_code)
    return matching.NeedLine(
        text=text,
        today=on or today(),
        quantity=quantity,
        unit=unit_code,
        needed_by=needed_by,
        budget=budget,
        lat=lat,
        lng=lng,
        required_certs=tuple(certifications),
        umkm_only=umkm_only,
        preferred_size=preferred_size_class,
        region=region,
    )


def line_text(name: str, specification: str | None) -> str:
    """What is searched for: the line's name, then its specification."""
    return f"{name} {specification}" if specification else name


def need_line(session: Session, line: NeedLine) -> matching.NeedLine:
    certs = repository.certifications_of(session, [line.id]).get(line.id, [])
    return engine_line(
        session,
        text=line_text(line.name, line.specification),
        quantity=line.quantity,
        unit_code=line.unit_code,
        needed_by=line.needed_by,
        budget=line.budget,
        kabkota_code=line.delivery_kabkota_code,
        certifications=certs,
        umkm_only=line.umkm_only,
        preferred_size_class=line.preferred_size_class,
    )


def from_line_data(
    session: Session, line: LineData, *, umkm_only: bool, region: str | None = None
) -> matching.NeedLine:
    return engine_line(
        session,
        text=line_text(line.name, line.specification),
        quantity=line.quantity,
        unit_code=line.unit_code,
        needed_by=line.needed_by,
        budget=line.budget,
        kabkota_code=line.delivery_kabkota_code,
        certifications=line.certifications,
        umkm_only=umkm_only,
        preferred_size_class=line.preferred_size_class,
        region=region,
    )


def shortlister(session: Session, data_dir: Path, *, newcomer_slots: int = 2) -> matching.Shortlister:
    """An engine over the fresh shared index."""
    index = live_index(data_dir).fresh(session)
    return matching.Shortlister(
        index, matching.ShortlistConfig(newcomer_slots=newcomer_slots, units=units(session))
    )


def nibs_of(session: Session, supplier_ids: Collection[int]) -> dict[int, str]:
    if not supplier_ids:
        return {}
    rows = session.execute(
        select(SupplierProfile.id, SupplierProfile.nib).where(SupplierProfile.id.in_(supplier_ids))
    ).all()
    return dict(rows)  # a list of rows: dict() of the Result itself would take it for a mapping


def shortlist_line(
    session: Session,
    *,
    data_dir: Path,
    line: NeedLine,
    top: int = DEFAULT_TOP,
    include_unverified: bool = False,
    newcomer_slots: int = 2,
) -> LineShortlist:
    """The explained shortlist of a stored line: dismissed suppliers left out, decisions attached, and
    the good text matches that a hard rule excludes ("why not")."""
    decisions = repository.decisions_of(session, line.id)
    dismissed = tuple(sid for sid, d in decisions.items() if d.decision == "dismissed")
    engine = shortlister(session, data_dir, newcomer_slots=newcomer_slots)
    result = engine.shortlist(
        need_line(session, line),
        top=top,
        include_unverified=include_unverified,
        explain_exclusions=True,
        exclude_suppliers=[str(sid) for sid in dismissed],
    )
    # A buyer never sees suppliers that are not verified, not even under "why not".
    excluded = tuple(x for x in result.excluded if include_unverified or x.supplier.verified)
    ids = {int(e.supplier.id) for e in result.entries} | {int(e.supplier.id) for e in excluded}
    return LineShortlist(
        entries=result.entries,
        excluded=excluded,
        decisions=decisions,
        dismissed=dismissed,
        nibs=nibs_of(session, ids),
    )


def explain_line(
    session: Session,
    *,
    data_dir: Path,
    line: NeedLine,
    supplier_id: int,
    include_unverified: bool = False,
    newcomer_slots: int = 2,
) -> matching.Explanation:
    """Why a named supplier is (or is not) on a line's shortlist."""
    engine = shortlister(session, data_dir, newcomer_slots=newcomer_slots)
    return engine.explain(need_line(session, line), str(supplier_id), include_unverified=include_unverified)


def _literal(text: str) -> str:
    """``text`` for LIKE with its wildcards taken literally."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def find_supplier(session: Session, text: str) -> SupplierProfile | None:
    """A supplier named by id, NIB or exact business name (for "why not this supplier?")."""
    value = text.strip()
    if not value:
        return None
    if value.isdigit() and len(value) == 13:
        return session.scalar(select(SupplierProfile).where(SupplierProfile.nib == value))
    if value.isdigit():
        return session.get(SupplierProfile, int(value)) if storable_id(int(value)) else None
    return session.scalar(
        select(SupplierProfile)
        .where(SupplierProfile.business_name.ilike(_literal(value), escape="\\"))
        .order_by(SupplierProfile.id)
        .limit(1)
    )
