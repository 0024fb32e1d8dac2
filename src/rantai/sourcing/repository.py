"""Every query of the sourcing domain.

Lists are authorized in the query (issue #10): ``need_readable`` is built from the actor by
``policy.reach``, so a buyer's list of needs or a supplier's opportunities can only hold needs
``policy.can`` allows that actor."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, case, false, func, or_, select
from sqlalchemy.orm import Session

from rantai.identity.models import Organization
from rantai.identity.policy import Action, Actor, Party, reach
from rantai.kit.ids import storable_id
from rantai.kit.pagination import Page, PageRequest
from rantai.kit.text import without_control_characters
from rantai.sourcing.models import Need, NeedLine, NeedLineCertification, ShortlistDecision

SORTS: dict[str, tuple[ColumnElement[Any], ...]] = {
    "newest": (Need.created_at.desc(), Need.id.desc()),
    "oldest": (Need.created_at.asc(), Need.id.asc()),
    "title": (Need.title.asc(), Need.id.asc()),
}


def need(session: Session, need_id: int) -> Need | None:
    return session.get(Need, need_id) if storable_id(need_id) else None


def line(session: Session, line_id: int) -> NeedLine | None:
    return session.get(NeedLine, line_id) if storable_id(line_id) else None


def lines_of(session: Session, need_id: int) -> Sequence[NeedLine]:
    return session.scalars(
        select(NeedLine).where(NeedLine.need_id == need_id).order_by(NeedLine.line_no)
    ).all()


# Statements a shortlist page runs, made once: building one costs about as much as running it on SQLite
# (issue #9: server CPU per page). Same SQL as built in place.
_CERTIFICATIONS_OF = (
    select(NeedLineCertification.line_id, NeedLineCertification.type_code)
    .where(NeedLineCertification.line_id.in_(bindparam("line_ids", expanding=True)))
    .order_by(NeedLineCertification.id)
)
_DECISIONS_OF = select(ShortlistDecision).where(ShortlistDecision.line_id == bindparam("line_id"))


def certifications_of(session: Session, line_ids: Sequence[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    if line_ids:
        for line_id, code in session.execute(_CERTIFICATIONS_OF, {"line_ids": list(line_ids)}):
            found[line_id].append(code)
    return found


def need_readable(actor: Actor | None, action: Action = Action.VIEW_RECORD) -> ColumnElement[bool]:
    """The needs ``actor`` may ``action`` as a WHERE condition (``Need.policy_resource``): its buyer's own
    (VIEW_RECORD), or, offered to suppliers (SEE_OPPORTUNITY), the open ones."""
    scope = reach(actor, action)
    conditions: list[ColumnElement[bool]] = []
    if buyers := scope.organizations(Party.OWNER, Party.BUYER):
        conditions.append(Need.organization_id.in_(sorted(buyers)))
    if scope.public:
        conditions.append(Need.status == "open")
    return or_(false(), *conditions)


def readable_needs(actor: Actor | None, action: Action = Action.VIEW_RECORD) -> Select[Need]:
    return select(Need).where(need_readable(actor, action))


def readable_need_ids(
    session: Session, actor: Actor | None, need_ids: Sequence[int], action: Action = Action.VIEW_RECORD
) -> set[int]:
    """Those of ``need_ids`` that ``actor`` may ``action`` (one query)."""
    if not need_ids:
        return set()
    return set(session.scalars(select(Need.id).where(Need.id.in_(need_ids), need_readable(actor, action))))


def needs_page(
    session: Session,
    *,
    actor: Actor | None,
    organization_id: int,
    page: PageRequest,
    status: str | None = None,
    text: str | None = None,
    sort: str = "newest",
) -> Page[Need]:
    """A page of an organization's needs, of those ``actor`` may read."""
    stmt = readable_needs(actor).where(Need.organization_id == organization_id)
    if status:
        stmt = stmt.where(Need.status == status)
    words = without_control_characters(text or "").strip().lower()  # a NUL fails PostgreSQL outright
    if words:
        # The words are taken literally: a "%" or "_" typed is looked for, not a wildcard.
        in_lines = select(NeedLine.need_id).where(func.lower(NeedLine.name).contains(words, autoescape=True))
        stmt = stmt.where(
            or_(
                func.lower(Need.title).contains(words, autoescape=True),
                func.lower(Need.reference).contains(words, autoescape=True),
                Need.id.in_(in_lines),
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = session.scalars(
        stmt.order_by(*SORTS.get(sort, SORTS["newest"])).offset(page.offset).limit(page.per_page)
    ).all()
    return Page(items=items, total=total, page=page.page, per_page=page.per_page)


def line_counts(session: Session, need_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """(lines, total budget) per need."""
    if not need_ids:
        return {}
    return {
        need_id: (count, int(budget or 0))
        for need_id, count, budget in session.execute(
            select(NeedLine.need_id, func.count(), func.sum(NeedLine.budget))
            .where(NeedLine.need_id.in_(need_ids))
            .group_by(NeedLine.need_id)
        )
    }


def open_lines(session: Session, *, limit: int = 20000) -> Sequence[tuple[NeedLine, Need]]:
    """Lines of every open need, newest first (the opportunities suppliers see)."""
    return session.execute(
        select(NeedLine, Need)
        .join(Need, Need.id == NeedLine.need_id)
        .where(Need.status == "open")
        .order_by(Need.id.desc(), NeedLine.line_no)
        .limit(limit)
    ).all()


@dataclass(frozen=True, slots=True)
class OpportunityFilter:
    """What a supplier looks for among open need lines (issue #13): words, where, how much, by when."""

    words: tuple[str, ...] = ()  # every word in the line's name or specification or the need's title
    province_code: str | None = None  # the delivery kab/kota lies in this province
    min_value: int | None = None  # the line's budget, whole Rupiah; a line without one is left out
    max_value: int | None = None
    needed_from: dt.date | None = None  # needed by on or after this day (a line without a date stays)
    needed_until: dt.date | None = None  # needed by on or before this day (a line without one is left out)
    line_ids: tuple[int, ...] | None = None  # only these lines (those the matcher finds for the supplier)
    sort: str = "newest"  # newest | deadline | value | fit (the order of ``line_ids``)


OPPORTUNITY_SORTS = ("newest", "deadline", "value", "fit")


def opportunity_lines_page(
    session: Session, *, actor: Actor | None, wanted: OpportunityFilter, page: PageRequest
) -> Page[tuple[NeedLine, Need, str]]:
    """A page of the open need lines offered to ``actor`` (``Action.SEE_OPPORTUNITY``, in the query) that
    match ``wanted``: (line, need, buyer's name)."""
    stmt = (
        select(NeedLine, Need, Organization.name)
        .join(Need, Need.id == NeedLine.need_id)
        .join(Organization, Organization.id == Need.organization_id)
        .where(need_readable(actor, Action.SEE_OPPORTUNITY), Need.status == "open")
    )
    for word in wanted.words:
        stmt = stmt.where(
            or_(
                func.lower(NeedLine.name).contains(word, autoescape=True),
                func.lower(func.coalesce(NeedLine.specification, "")).contains(word, autoescape=True),
                func.lower(Need.title).contains(word, autoescape=True),
            )
        )
    if wanted.province_code:
        stmt = stmt.where(
            NeedLine.delivery_kabkota_code.startswith(wanted.province_code + ".", autoescape=True)
        )
    if wanted.min_value is not None:
        stmt = stmt.where(NeedLine.budget >= wanted.min_value)
    if wanted.max_value is not None:
        stmt = stmt.where(NeedLine.budget <= wanted.max_value)
    if wanted.needed_from is not None:
        stmt = stmt.where(or_(NeedLine.needed_by.is_(None), NeedLine.needed_by >= wanted.needed_from))
    if wanted.needed_until is not None:
        stmt = stmt.where(NeedLine.needed_by <= wanted.needed_until)
    if wanted.line_ids is not None:
        stmt = stmt.where(NeedLine.id.in_(wanted.line_ids or [-1]))
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    newest = (func.coalesce(Need.published_at, Need.created_at).desc(), Need.id.desc(), NeedLine.line_no)
    order: tuple[Any, ...]
    if wanted.sort == "deadline":
        order = (NeedLine.needed_by.is_(None), NeedLine.needed_by.asc(), *newest)
    elif wanted.sort == "value":
        order = (NeedLine.budget.is_(None), NeedLine.budget.desc(), *newest)
    elif wanted.sort == "fit" and wanted.line_ids:
        rank = case({line_id: i for i, line_id in enumerate(wanted.line_ids)}, value=NeedLine.id, else_=None)
        order = (rank, *newest)
    else:
        order = newest
    rows = session.execute(stmt.order_by(*order).offset(page.offset).limit(page.per_page)).all()
    items = [(line, need, name) for line, need, name in rows]
    return Page(items=items, total=total, page=page.page, per_page=page.per_page)


def lines_of_needs_with_status(
    session: Session, *, actor: Actor | None, organization_id: int, statuses: Sequence[str], limit: int
) -> list[tuple[Need, NeedLine]]:
    """The lines of an organization's needs in ``statuses`` that ``actor`` may read, newest need first."""
    rows = session.execute(
        select(Need, NeedLine)
        .join(NeedLine, NeedLine.need_id == Need.id)
        .where(need_readable(actor), Need.organization_id == organization_id, Need.status.in_(statuses))
        .order_by(Need.created_at.desc(), Need.id.desc(), NeedLine.line_no)
        .limit(limit)
    ).all()
    return [(need, line) for need, line in rows]


def buyer_name(session: Session, organization_id: int) -> str:
    return session.scalar(select(Organization.name).where(Organization.id == organization_id)) or ""


def open_lines_stamp(session: Session) -> tuple[int, object]:
    """Changes whenever an open need or its lines change: (count of open needs, latest update)."""
    count, latest = session.execute(
        select(func.count(), func.max(Need.updated_at)).where(Need.status == "open")
    ).one()
    return int(count), latest


def decisions_of(session: Session, line_id: int) -> dict[int, ShortlistDecision]:
    return {d.supplier_id: d for d in session.scalars(_DECISIONS_OF, {"line_id": line_id})}


def decision(session: Session, line_id: int, supplier_id: int) -> ShortlistDecision | None:
    return session.scalar(
        select(ShortlistDecision).where(
            ShortlistDecision.line_id == line_id, ShortlistDecision.supplier_id == supplier_id
        )
    )


def shortlisted_supplier_ids(session: Session, need_id: int) -> list[int]:
    """The suppliers shortlisted on any line of a need, in the order they were shortlisted."""
    rows = session.scalars(
        select(ShortlistDecision.supplier_id)
        .join(NeedLine, NeedLine.id == ShortlistDecision.line_id)
        .where(NeedLine.need_id == need_id, ShortlistDecision.decision == "shortlisted")
        .order_by(ShortlistDecision.decided_at, ShortlistDecision.id)
    )
    return list(dict.fromkeys(rows))
