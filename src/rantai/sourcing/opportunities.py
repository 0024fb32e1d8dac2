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
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from rantai import matching
from rantai.catalog.search_index import offers_of
from rantai.identity.models import Organization
from rantai.identity.policy import Action, Actor, can
from rantai.kit.clock import today
from rantai.kit.pagination import Page, PageRequest
from rantai.kit.text import N_, ascii_digits, without_control_characters
from rantai.matching.reasons import RANKED_BELOW
from rantai.reference.models import Region, RegionLevel
from rantai.sourcing import repository, shortlists
from rantai.sourcing.errors import MSG_NOT_FOUND, NeedInvalid, NeedNotFound
from rantai.sourcing.models import Need, NeedLine
from rantai.sourcing.repository import OpportunityFilter
from rantai.sourcing.shortlists import line_text, units
from rantai.suppliers import repository as suppliers_repository
from rantai.tabular import cells

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


# --- browsing every open need (issue #13) ----------------------------------------------------------------

# How many of the matcher's best lines count as "fits your products" when browsing (the filter and the
# card's mark); beyond these a line is still listed, just not marked.
FIT_TOP = 200
# A need page explains at most this many lines for the supplier (each asks the matcher once).
EXPLAINED_LINES = 20


@dataclass(frozen=True, slots=True)
class BrowsedLine:
    """One card of the opportunities page: the line, and the supplier's product that fits it (if any)."""

    line: OpenLine
    fit: matching.Recommendation | None


@dataclass(frozen=True, slots=True)
class Browsed:
    page: Page[BrowsedLine]
    fitting: int  # how many open lines fit the supplier's products at all (for the filter's label)


def browse(
    session: Session,
    *,
    actor: Actor | None,
    supplier_id: int | None,
    wanted: OpportunityFilter,
    page: PageRequest,
    fits_only: bool = False,
    product_id: int | None = None,
) -> Browsed:
    """A page of the open need lines offered to ``actor`` matching ``wanted``; each marked with the
    supplier's best product for it when the matcher finds the supplier eligible (``fits_only``: only
    those; ``product_id``: only those this product of the supplier's fits best, the supplier's own
    "category")."""
    recommended: dict[int, matching.Recommendation] = {}
    if supplier_id is not None:
        found = opportunities_for(session, supplier_id, actor=actor, top=FIT_TOP)
        recommended = {item[1].line_id: item[0] for item in found.recommended}
    fitting = len(recommended)
    if product_id is not None and supplier_id is not None:
        recommended = {key: item for key, item in recommended.items() if item.offer.id == str(product_id)}
        fits_only = True
    if fits_only:
        wanted = replace(wanted, line_ids=tuple(recommended))
    elif wanted.sort == "fit":
        wanted = replace(wanted, sort="newest")
    rows = repository.opportunity_lines_page(session, actor=actor, wanted=wanted, page=page)
    certs = repository.certifications_of(session, [line.id for line, _, _ in rows.items])
    items = [
        BrowsedLine(
            replace(OpenLine.of(line, need, tuple(certs.get(line.id, ()))), buyer=buyer),
            recommended.get(line.id),
        )
        for line, need, buyer in rows.items
    ]
    return Browsed(Page(items, rows.total, rows.page, rows.per_page), fitting)


def offered_need(session: Session, *, actor: Actor | None, need_id: int) -> Need:
    """A need as offered to suppliers: open, and seen by those the policy offers it (others: not found)."""
    need = repository.need(session, need_id)
    if need is None or not can(actor, Action.SEE_OPPORTUNITY, need):
        raise NeedNotFound(MSG_NOT_FOUND)
    return need


@dataclass(frozen=True, slots=True)
class LineFit:
    """How one line fits the supplier asking: whether it qualifies, why it fits, what it lacks."""

    line_id: int
    qualifies: bool
    reasons: tuple[matching.Reason, ...]
    lacks: tuple[matching.Reason, ...]


def fits(
    session: Session,
    *,
    actor: Actor | None,
    data_dir: Path,
    supplier_id: int,
    lines: Sequence[NeedLine],
    newcomer_slots: int = 2,
) -> dict[int, LineFit]:
    """Why the supplier fits each line, or what it lacks (the shortlist's "why not", asked for oneself):
    the matcher's reasons for an eligible supplier, the rules it fails otherwise. Its rank among the
    others is not told: that is the buyer's to see."""
    found: dict[int, LineFit] = {}
    for line in lines[:EXPLAINED_LINES]:
        explained = shortlists.explain_line(
            session,
            data_dir=data_dir,
            actor=actor,
            line=line,
            supplier_id=supplier_id,
            newcomer_slots=newcomer_slots,
        )
        if explained.entry is not None:
            found[line.id] = LineFit(line.id, True, tuple(explained.entry.reasons), ())
        else:
            lacks = tuple(reason for reason in explained.reasons if reason.code != RANKED_BELOW)
            found[line.id] = LineFit(line.id, False, (), lacks)
    return found


# --- what a supplier asks for, read from a form or a query (issue #13) ------------------------------------

DUE_WITHIN_DAYS = (7, 30, 90)
MSG_VALUE = N_("Enter the value as whole Rupiah, such as 50000000 or 50 juta; found %(value)s.")
MSG_VALUE_ORDER = N_("The lowest value is above the highest; swap them or clear one.")
MSG_PROVINCE = N_("Choose the province from the list ('%(code)s' is not a province code).")
WORDS_MAX = 200


def _rupiah(value: str, field: str) -> int | None:
    value = without_control_characters(value).strip()
    if not value:
        return None
    try:
        return cells.parse_rupiah(value[:40])
    except cells.CellError:
        raise NeedInvalid(MSG_VALUE, field=field, value=value[:40]) from None


def read_filter(
    *,
    text: str = "",
    province_code: str = "",
    min_value: str = "",
    max_value: str = "",
    due_within: str = "",
    sort: str = "",
    on: dt.date | None = None,
) -> OpportunityFilter:
    """The filter a supplier typed, checked: NeedInvalid (naming the field) for a value that is not an
    amount, a province that is not one, or a lowest value above the highest. Lines whose needed-by day
    has passed are never listed; an unknown period or order is taken as none (they come from lists)."""
    on = on or today()
    words = tuple(dict.fromkeys(without_control_characters(text)[:WORDS_MAX].lower().split()))[:10]
    province = without_control_characters(province_code).strip()
    if province and not (len(province) == 2 and ascii_digits(province)):
        raise NeedInvalid(MSG_PROVINCE, field="province_code", code=province[:20])
    low, high = _rupiah(min_value, "min_value"), _rupiah(max_value, "max_value")
    if low is not None and high is not None and low > high:
        raise NeedInvalid(MSG_VALUE_ORDER, field="min_value")
    days = int(due_within) if due_within in {str(d) for d in DUE_WITHIN_DAYS} else None
    return OpportunityFilter(
        words=words,
        province_code=province or None,
        min_value=low,
        max_value=high,
        needed_from=on,
        needed_until=on + dt.timedelta(days=days) if days else None,
        sort=sort if sort in repository.OPPORTUNITY_SORTS else "newest",
    )


@dataclass(frozen=True, slots=True)
class OfferedNeed:
    """An open need as a supplier sees it: its lines with their certificates, and how each line fits
    the supplier's business (empty when the organization has no supplier profile yet)."""

    need: Need
    lines: list[NeedLine]
    fit: dict[int, LineFit]
    certifications: dict[int, list[str]]
    has_profile: bool


def offered_need_for(
    session: Session,
    *,
    actor: Actor | None,
    organization_id: int,
    need_id: int,
    data_dir: Path,
    newcomer_slots: int = 2,
) -> OfferedNeed:
    """The need page of ``/opportunities/<id>`` and its API: the need (``offered_need``'s access), its
    lines, and why the organization's business fits each or what it lacks."""
    need = offered_need(session, actor=actor, need_id=need_id)
    lines = list(repository.lines_of(session, need.id))
    profile = suppliers_repository.by_organization(session, organization_id)
    fit = (
        fits(
            session,
            actor=actor,
            data_dir=data_dir,
            supplier_id=profile.id,
            lines=lines,
            newcomer_slots=newcomer_slots,
        )
        if profile is not None
        else {}
    )
    certifications = repository.certifications_of(session, [line.id for line in lines])
    return OfferedNeed(need, lines, fit, certifications, profile is not None)
