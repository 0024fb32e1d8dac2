"""The supplier's side: open need lines a supplier can win, and what would unlock more of them.

The engine's `NeedIndex` is built from every open need line and kept per process until an open need
changes (a cheap count-and-latest-update stamp is checked on each call), so a newly published need shows
on suppliers' home pages at their next visit. The supplier's own facts and products are read fresh from
the database each time. The index holds every open line; what a supplier is shown is only what the
policy offers its reader (``Action.SEE_OPPORTUNITY``), asked of the database in one query (issue #10).
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass, replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from rantai import matching
from rantai.catalog.search_index import offers_of
from rantai.identity.models import Organization
from rantai.identity.policy import Action, Actor
from rantai.kit.clock import today
from rantai.reference.models import Region, RegionLevel
from rantai.sourcing import repository
from rantai.sourcing.models import Need, NeedLine
from rantai.sourcing.shortlists import line_text, units

DEFAULT_TOP = 20


@dataclass(frozen=True, slots=True)
class OpenLine:
    """What a supplier is shown of an open need line (plain values: kept across requests)."""

    need_id: int
    line_id: int
    title: str
    name: str
    quantity: int | None
    unit_code: str | None
    delivery_kabkota_code: str | None
    needed_by: dt.date | None
    budget: int | None
    buyer_id: int
    certifications: tuple[str, ...]
    # The buyer's name is read when the line is shown, not kept with it: an organization can be renamed
    # without any open need changing (which is what the cache watches).
    buyer: str = ""

    @classmethod
    def of(cls, line: NeedLine, need: Need, certifications: tuple[str, ...]) -> OpenLine:
        return cls(
            need_id=need.id,
            line_id=line.id,
            title=need.title,
            name=line.name,
            quantity=line.quantity,
            unit_code=line.unit_code,
            delivery_kabkota_code=line.delivery_kabkota_code,
            needed_by=line.needed_by,
            budget=line.budget,
            buyer_id=need.organization_id,
            certifications=certifications,
        )


@dataclass(frozen=True, slots=True)
class SupplierOpportunities:
    recommended: tuple[tuple[matching.Recommendation, OpenLine], ...]
    gaps: tuple[matching.Gap, ...]
    open_lines: int
    offers: dict[str, str]  # offer id -> product name, for capacity gaps


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple[object, ...] | None = None
        self.index: matching.NeedIndex | None = None
        self.lines: dict[str, OpenLine] = {}


_CACHE: dict[str, _Cache] = {}
_CACHE_LOCK = threading.Lock()


def _cache_for(session: Session) -> _Cache:
    key = str(session.get_bind().engine.url)
    with _CACHE_LOCK:
        return _CACHE.setdefault(key, _Cache())


def need_index(
    session: Session, *, on: dt.date | None = None
) -> tuple[matching.NeedIndex, dict[str, OpenLine]]:
    """The index of open need lines, rebuilt when an open need changed since the last build."""
    on = on or today()
    cache = _cache_for(session)
    key = (*repository.open_lines_stamp(session), on)
    with cache.lock:
        if cache.key == key and cache.index is not None:
            return cache.index, cache.lines
        rows = repository.open_lines(session)
        line_ids = [line.id for line, _ in rows]
        certs = repository.certifications_of(session, line_ids)
        places = {
            code: (lat, lng)
            for code, lat, lng in session.execute(
                select(Region.code, Region.lat, Region.lng).where(Region.level == RegionLevel.KABKOTA)
            )
        }
        engine_lines: dict[str, matching.NeedLine] = {}
        shown: dict[str, OpenLine] = {}
        for line, need in rows:
            lat, lng = places.get(line.delivery_kabkota_code or "", (None, None))
            engine_lines[str(line.id)] = matching.NeedLine(
                text=line_text(line.name, line.specification),
                today=on,
                quantity=line.quantity,
                unit=line.unit_code,
                needed_by=line.needed_by,
                budget=line.budget,
                lat=lat,
                lng=lng,
                required_certs=tuple(certs.get(line.id, ())),
                umkm_only=line.umkm_only,
                preferred_size=line.preferred_size_class,
            )
            shown[str(line.id)] = OpenLine.of(line, need, tuple(certs.get(line.id, ())))
        index = matching.NeedIndex.build(engine_lines, matching.OpportunityConfig(units=units(session)))
        cache.key, cache.index, cache.lines = key, index, shown
        return index, shown


def _offered(session: Session, actor: Actor | None, lines: dict[str, OpenLine]) -> dict[str, OpenLine]:
    """The open lines whose need the policy offers ``actor`` (all of them, for any supplier, today)."""
    need_ids = sorted({line.need_id for line in lines.values()})
    offered = repository.readable_need_ids(session, actor, need_ids, Action.SEE_OPPORTUNITY)
    if len(offered) == len(need_ids):
        return lines
    return {key: line for key, line in lines.items() if line.need_id in offered}


def _within(gap: matching.Gap, lines: dict[str, OpenLine]) -> matching.Gap:
    """A gap counting only the lines its reader is offered."""
    kept = tuple(line_id for line_id in gap.line_ids if line_id in lines)
    if len(kept) == len(gap.line_ids):
        return gap
    return replace(gap, line_ids=kept, lines=len(kept), value=sum(lines[i].budget or 0 for i in kept))


def opportunities_for(
    session: Session, supplier_id: int, *, actor: Actor | None, top: int = DEFAULT_TOP
) -> SupplierOpportunities:
    """The open lines a supplier can win (best first, with reasons) and the gaps that would open more,
    of those offered to ``actor`` (the supplier's member asking)."""
    found = offers_of(session, [supplier_id]).get(supplier_id)
    index, every_line = need_index(session)
    lines = _offered(session, actor, every_line)
    if found is None or not found[1]:
        return SupplierOpportunities((), (), len(lines), {})
    supplier, offers = found
    # Ask the engine for more than shown when some lines are not offered, so `top` are still found.
    wanted = top + (len(every_line) - len(lines))
    result = index.opportunities(supplier, [offer for offer, _ in offers], top=wanted)
    chosen = [(item, lines[item.line_id]) for item in result.recommended if item.line_id in lines][:top]
    buyers: dict[int, str] = dict(
        session.execute(
            select(Organization.id, Organization.name).where(
                Organization.id.in_({line.buyer_id for _, line in chosen})
            )
        ).all()
    )
    return SupplierOpportunities(
        recommended=tuple(
            (item, replace(line, buyer=buyers.get(line.buyer_id, ""))) for item, line in chosen
        ),
        gaps=tuple(gap for gap in (_within(gap, lines) for gap in result.gaps) if gap.lines),
        open_lines=len(lines),
        offers={offer.id: offer.name for offer, _ in offers},
    )
