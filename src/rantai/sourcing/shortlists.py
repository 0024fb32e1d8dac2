"""Shortlists of qualified suppliers for need lines: the engine (`rantai.matching`) fed from the database.

This module turns a stored need line into the engine's `NeedLine` (delivery kab/kota centroid, required
certificates, UMKM-only flag, needed-by date), asks the shared on-disk index (`catalog.search_index`,
as the worker last committed it), and adds what only the database knows: the buyer's decisions (dismissed
suppliers leave the shortlist; shortlisted ones are marked) and the suppliers' NIBs.

Reference data it needs (units and their factors, kab/kota coordinates) is read once per process and
database and kept for `REFERENCE_SECONDS`: it changes only when `rantai db upgrade` loads a new version,
and a shortlist page must not pay three queries for it each time (issue #9: server CPU per page).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar, cast

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from rantai import matching
from rantai.catalog.search_index import live_index
from rantai.identity.policy import Actor, sees_unverified_suppliers
from rantai.kit.clock import today
from rantai.kit.ids import storable_id
from rantai.reference.models import Region, RegionLevel, Unit
from rantai.sourcing import related_words, repository
from rantai.sourcing.errors import MSG_ONLY_VERIFIERS_UNVERIFIED, NeedForbidden
from rantai.sourcing.models import Need, NeedLine, ShortlistDecision
from rantai.sourcing.service import LineData
from rantai.suppliers import repository as suppliers_repository
from rantai.suppliers.models import SupplierProfile

DEFAULT_TOP = 10
MAX_TOP = 100  # the longest shortlist a page or the API asks for (issue #13: "show more" in tens)
REFERENCE_SECONDS = 300.0  # how long a process keeps reference data it read before reading it again
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class LineShortlist:
    """A line's shortlist as the buyer sees it."""

    entries: tuple[matching.ShortlistEntry, ...]
    excluded: tuple[matching.Exclusion, ...]
    decisions: dict[int, ShortlistDecision] = field(default_factory=dict)
    dismissed: tuple[int, ...] = ()
    nibs: dict[int, str] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)  # business names of the dismissed suppliers
    certifications: tuple[str, ...] = ()  # the certificates the line requires
    has_more: bool = False  # more eligible suppliers rank below the entries (asked with `more=True`)


class _Reference:
    """Reference data read from one database, each kind kept for `REFERENCE_SECONDS`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._kept: dict[tuple[str, str], tuple[float, object]] = {}

    def get(self, session: Session, kind: str, load: Callable[[Session], _T]) -> _T:
        key = (str(session.get_bind().engine.url), kind)
        moment = time.monotonic()
        with self._lock:
            kept = self._kept.get(key)
        if kept is not None and moment - kept[0] < REFERENCE_SECONDS:
            return cast(_T, kept[1])  # stored by this kind's loader
        value = load(session)
        with self._lock:
            self._kept[key] = (moment, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


reference = _Reference()


def _unit_rows(session: Session) -> tuple[tuple[str, str | None, float | None, str, str], ...]:
    return tuple(
        (code, base, float(factor) if factor is not None else None, name_id, name_en)
        for code, base, factor, name_id, name_en in session.execute(
            select(Unit.code, Unit.base_unit_code, Unit.factor_to_base, Unit.name_id, Unit.name_en)
        )
    )


def unit_rows(session: Session) -> tuple[tuple[str, str | None, float | None, str, str], ...]:
    """Every unit as (code, base unit code, factor to it, Indonesian name, English name)."""
    return reference.get(session, "units", _unit_rows)


def _units(session: Session) -> dict[str, tuple[str, float]]:
    return {
        code: (base or code, factor if factor is not None else 1.0)
        for code, base, factor, _, _ in unit_rows(session)
    }


def units(session: Session) -> dict[str, tuple[str, float]]:
    """Unit code -> (base unit code, factor to it), for comparing capacities with quantities. Shared:
    do not change it."""
    return reference.get(session, "unit-factors", _units)


def _places(session: Session) -> dict[str, tuple[float | None, float | None]]:
    # Kab/kota and above: the places a line is delivered to (a few hundred rows, not the 90,000 desa).
    rows = session.execute(
        select(Region.code, Region.lat, Region.lng).where(Region.level <= RegionLevel.KABKOTA)
    )
    return {code: (lat, lng) for code, lat, lng in rows}


def place_of(session: Session, kabkota_code: str | None) -> tuple[float | None, float | None]:
    if not kabkota_code:
        return None, None
    places = reference.get(session, "places", _places)
    if kabkota_code in places:
        return places[kabkota_code]
    region = session.get(Region, kabkota_code)  # a finer region code
    return (region.lat, region.lng) if region else (None, None)


def _kota_places(session: Session) -> dict[str, tuple[tuple[float, float], ...]]:
    found: dict[str, list[tuple[float, float]]] = {}
    for code, (lat, lng) in reference.get(session, "places", _places).items():
        if code.count(".") == 1 and lat is not None and lng is not None:
            found.setdefault(code.split(".", 1)[0], []).append((lat, lng))
    return {province: tuple(points) for province, points in found.items()}


def province_places(session: Session, province_code: str | None) -> tuple[tuple[float, float], ...]:
    """The centroids of every kab/kota of a province (a delivery anywhere in it)."""
    if not province_code:
        return ()
    return reference.get(session, "kota-places", _kota_places).get(province_code, ())


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
    province_code: str | None = None,
    procurement_type: str | None = None,
) -> matching.NeedLine:
    """The engine's view of a need line (delivered to a kab/kota, or anywhere in a province), of a
    procurement type (goods, works, consulting, services) when known."""
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
        places=province_places(session, province_code) if lat is None else (),
        kind=procurement_type,
        delivery_place=kabkota_code or province_code,
    )


def line_text(name: str, specification: str | None) -> str:
    """What is searched for: the line's name, then its specification."""
    return f"{name} {specification}" if specification else name


def need_line(
    session: Session, line: NeedLine, *, certifications: Sequence[str] | None = None
) -> matching.NeedLine:
    """The engine's view of a stored line (`certifications`: its required certificates, when the caller
    has read them already)."""
    certs = (
        certifications
        if certifications is not None
        else repository.certifications_of(session, [line.id]).get(line.id, [])
    )
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
        procurement_type=line.procurement_type,
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
        province_code=line.delivery_province_code,
        procurement_type=line.procurement_type,
    )


def shortlister(session: Session, data_dir: Path, *, newcomer_slots: int = 2) -> matching.Shortlister:
    """An engine over the shared index as last committed (reading only: the worker applies changes)."""
    index = live_index(data_dir).current(session)
    return matching.Shortlister(
        index,
        matching.ShortlistConfig(newcomer_slots=newcomer_slots, units=units(session)),
        related=related_words.current(data_dir),
    )


# The page's statements, made once: building one costs about as much as running it on SQLite (issue #9:
# server CPU per page). Same SQL as built in place.
_NEED_AND_LINE = (
    select(Need, NeedLine)
    .join(NeedLine, NeedLine.need_id == Need.id)
    .where(Need.id == bindparam("need_id"), NeedLine.id == bindparam("line_id"))
)
_NIBS_AND_NAMES = select(SupplierProfile.id, SupplierProfile.nib, SupplierProfile.business_name).where(
    SupplierProfile.id.in_(bindparam("ids", expanding=True))
)


def need_and_line(session: Session, need_id: int, line_id: int) -> tuple[Need, NeedLine] | None:
    """A need and one of its lines in one query, for a page that asks both by id: the services that
    check them (`sourcing.service.get_need`, `get_line`) then find them in the session. Hold the pair
    while they do (the session keeps loaded objects only while something refers to them)."""
    if not (storable_id(need_id) and storable_id(line_id)):
        return None
    row = session.execute(_NEED_AND_LINE, {"need_id": need_id, "line_id": line_id}).one_or_none()
    return (row[0], row[1]) if row is not None else None


def nibs_of(session: Session, supplier_ids: Collection[int]) -> dict[int, str]:
    if not supplier_ids:
        return {}
    rows = session.execute(
        select(SupplierProfile.id, SupplierProfile.nib).where(SupplierProfile.id.in_(supplier_ids))
    ).all()
    return dict(rows)  # a list of rows: dict() of the Result itself would take it for a mapping


def _nibs_and_names(
    session: Session, shown: Collection[int], named: Collection[int]
) -> tuple[dict[int, str], dict[int, str]]:
    """The NIBs of the `shown` suppliers and the business names of the `named` ones, in one query."""
    wanted = set(shown) | set(named)
    if not wanted:
        return {}, {}
    rows = session.execute(_NIBS_AND_NAMES, {"ids": list(wanted)}).all()
    nibs = {sid: nib for sid, nib, _ in rows if sid in shown}
    names = {sid: name for sid, _, name in rows if sid in named}
    return nibs, names


def _unverified_allowed(actor: Actor | None, include_unverified: bool) -> bool:
    """Suppliers not verified yet are asked for only by those who verify suppliers (a buyer sees verified
    ones): the policy decides, whatever the door passes."""
    if include_unverified and not sees_unverified_suppliers(actor):
        raise NeedForbidden(MSG_ONLY_VERIFIERS_UNVERIFIED)
    return include_unverified


def shortlist_line(
    session: Session,
    *,
    actor: Actor | None,
    data_dir: Path,
    line: NeedLine,
    top: int = DEFAULT_TOP,
    include_unverified: bool = False,
    newcomer_slots: int = 2,
    with_nibs: bool = True,
    more: bool = False,
) -> LineShortlist:
    """The explained shortlist of a stored line for ``actor``: dismissed suppliers left out (with their
    names), decisions attached, and the good text matches that a hard rule excludes ("why not"); the NIBs
    of the suppliers shown unless `with_nibs` is False (the web page shows none). Suppliers not verified
    yet are included only when asked for by a verifier, and only those it may see (its regions').

    With `more`, `has_more` says whether another eligible supplier ranks below the `top` (the engine's
    `Shortlist.more`; the shortlist itself is the one of `top`, its newcomer places included: asking
    for `top + 1` and cutting one off cut off the newcomer a place had been kept for)."""
    if more:
        top = max(1, min(top, MAX_TOP))
    include_unverified = _unverified_allowed(actor, include_unverified)
    decisions = repository.decisions_of(session, line.id)
    dismissed = tuple(sid for sid, d in decisions.items() if d.decision == "dismissed")
    certifications = tuple(repository.certifications_of(session, [line.id]).get(line.id, []))
    engine = shortlister(session, data_dir, newcomer_slots=newcomer_slots)
    result = engine.shortlist(
        need_line(session, line, certifications=certifications),
        top=top,
        include_unverified=include_unverified,
        explain_exclusions=True,
        exclude_suppliers=[str(sid) for sid in dismissed],
    )
    # A buyer never sees suppliers that are not verified, not even under "why not"; a verifier only those
    # the policy lets it see (the engine's index knows no regions of verifiers).
    entries, excluded = result.entries, tuple(result.excluded)
    unverified = {int(e.supplier.id) for e in entries if not e.supplier.verified} | {
        int(x.supplier.id) for x in excluded if not x.supplier.verified
    }
    if unverified:
        seen = (
            suppliers_repository.readable_profile_ids(session, actor, sorted(unverified))
            if include_unverified
            else set()
        )
        entries = tuple(e for e in entries if e.supplier.verified or int(e.supplier.id) in seen)
        excluded = tuple(x for x in excluded if x.supplier.verified or int(x.supplier.id) in seen)
    ids = {int(e.supplier.id) for e in entries} | {int(e.supplier.id) for e in excluded}
    nibs, names = _nibs_and_names(session, ids if with_nibs else (), dismissed)
    return LineShortlist(
        entries=entries,
        excluded=excluded,
        decisions=decisions,
        dismissed=dismissed,
        nibs=nibs,
        names=names,
        certifications=certifications,
        has_more=more and result.more,
    )


def unreviewed_matches(
    session: Session,
    *,
    actor: Actor | None,
    data_dir: Path,
    needs: Sequence[Need],
    newcomer_slots: int = 2,
    max_lines: int = 10,
) -> dict[int, int]:
    """Per need, the suppliers on its lines' shortlists that the buyer has not decided on yet (neither
    shortlisted nor dismissed): the matches it has not looked at, for the buyer's home (issue #13). At most
    ``max_lines`` lines are matched in all (each costs a shortlist), the needs' first lines first; a need
    whose lines were not reached is left out. ``needs`` must be ones ``actor`` may read."""
    counts: dict[int, int] = {}
    budget = max_lines
    for need in needs:
        lines = list(repository.lines_of(session, need.id))[: max(0, budget)]
        if not lines:
            continue
        budget -= len(lines)
        seen: set[int] = set()
        for line in lines:
            found = shortlist_line(
                session,
                actor=actor,
                data_dir=data_dir,
                line=line,
                newcomer_slots=newcomer_slots,
                with_nibs=False,
            )
            seen.update(
                int(entry.supplier.id)
                for entry in found.entries
                if int(entry.supplier.id) not in found.decisions
            )
        counts[need.id] = len(seen)
    return counts


def explain_line(
    session: Session,
    *,
    data_dir: Path,
    actor: Actor | None,
    line: NeedLine,
    supplier_id: int,
    include_unverified: bool = False,
    newcomer_slots: int = 2,
) -> matching.Explanation:
    """Why a named supplier is (or is not) on a line's shortlist, suppliers not verified yet counted only
    when a verifier asks (the door has checked that ``actor`` may see the supplier)."""
    include_unverified = _unverified_allowed(actor, include_unverified)
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
