"""Procurement needs: record, change, publish, list; and the buyer's shortlist decisions.

Services check the policy, validate every line before writing anything (a bad line changes nothing),
flush but never commit, and leave an audit event for each change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from rantai import audit
from rantai.audit import Event
from rantai.identity.policy import Action, Actor, OrgScope, can, ruled_out_by_type
from rantai.kit.clock import now, today
from rantai.kit.pagination import Page, PageRequest
from rantai.kit.text import N_
from rantai.lifecycle import advance
from rantai.reference.models import CertificationType, KemitraanPattern, Region, RegionLevel, Unit
from rantai.reference.repository import umkm_reservation_ceiling
from rantai.sourcing import repository
from rantai.sourcing.errors import (
    MSG_BUDGET,
    MSG_CERT_UNKNOWN,
    MSG_KEMITRAAN_UNKNOWN,
    MSG_LINE_NAME_REQUIRED,
    MSG_LINE_NOT_FOUND,
    MSG_NEED_CHANGED,
    MSG_NEED_CHANGED_NOW,
    MSG_NO_LINES,
    MSG_NOT_ALLOWED,
    MSG_NOT_BUYER,
    MSG_NOT_EDITABLE,
    MSG_NOT_FOUND,
    MSG_PAST_DATE,
    MSG_PROCUREMENT_TYPE_UNKNOWN,
    MSG_QUANTITY,
    MSG_REGION_UNKNOWN,
    MSG_SIZE_UNKNOWN,
    MSG_SUPPLIER_UNKNOWN,
    MSG_TITLE_REQUIRED,
    MSG_TOO_LONG,
    MSG_TOO_MANY_LINES,
    MSG_UNIT_UNKNOWN,
    NeedChanged,
    NeedForbidden,
    NeedInvalid,
    NeedMoveNotAllowed,
    NeedNotFound,
)
from rantai.sourcing.models import Need, NeedLine, NeedLineCertification, ShortlistDecision
from rantai.sourcing.state import EDITABLE, NEED_LIFECYCLE, Decision, NeedMove, NeedStatus
from rantai.suppliers import repository as suppliers_repository
from rantai.suppliers.models import SupplierProfile
from rantai.tabular.cells import MAX_COUNT, MAX_RUPIAH

MAX_LINES = 200
NAME_MAX = 500  # real RUP package names run to 400 characters
TITLE_MAX = 500
SIZE_CLASSES = ("mikro", "kecil", "menengah")


@dataclass
class LineData:
    """Clean values of one need line (parsing from text happens in the door's schema or the plan reader).

    ``umkm_only`` None means "as the policy says": on when the budget is unknown or at or below the UMKM
    reservation ceiling in force (Rp14 billion for BUMN), off above it.
    """

    name: str
    specification: str | None = None
    quantity: int | None = None
    unit_code: str | None = None
    id: int | None = None  # the stored line this replaces (edits); None: matched by position
    delivery_kabkota_code: str | None = None
    # A whole province read from a one-sentence need ("Jakarta"): the shortlist measures distance to its
    # nearest kota. Not stored: a saved line names its kab/kota.
    delivery_province_code: str | None = None
    needed_by: dt.date | None = None
    budget: int | None = None
    umkm_only: bool | None = None
    preferred_size_class: str | None = None
    kemitraan_code: str | None = None
    certifications: list[str] = field(default_factory=list)
    procurement_type: str | None = None  # goods, works, consulting, services (PROCUREMENT_TYPES)


# A line's procurement type (jenis pengadaan), the engine's codes (`rantai.matching.history.KINDS`) with
# their words.
PROCUREMENT_TYPES: dict[str, str] = {
    "goods": N_("Goods (barang)"),
    "works": N_("Works (pekerjaan konstruksi)"),
    "consulting": N_("Consulting (jasa konsultansi)"),
    "services": N_("Other services (jasa lainnya)"),
}


@dataclass
class NeedData:
    title: str
    lines: list[LineData]
    reference: str | None = None
    description: str | None = None


def _require(actor: Actor | None, action: Action, organization_id: int) -> None:
    if not can(actor, action, OrgScope(organization_id)):
        raise NeedForbidden(MSG_NOT_ALLOWED)


def visible_supplier(actor: Actor | None, profile: SupplierProfile | None, *, field: str) -> SupplierProfile:
    """`profile` when `actor` may see it. A missing profile and one the actor may not see get the same
    answer (unknown, on `field`), so that a profile's existence is not disclosed."""
    if profile is None or not can(actor, Action.VIEW_SUPPLIER_PROFILE, profile):
        raise NeedInvalid(MSG_SUPPLIER_UNKNOWN, field=field)
    return profile


def reserved_for_umkm(session: Session, budget: int | None, on: dt.date) -> bool:
    """The default of a line's UMKM-only flag: on at or below the reservation ceiling in force."""
    if budget is None:
        return True
    ceiling = umkm_reservation_ceiling(session, on)
    return ceiling is None or budget <= ceiling


def _unknown_choice(line: LineData) -> tuple[str, str] | None:
    """The message and field of a size class or procurement type that is none of the choices."""
    if line.preferred_size_class and line.preferred_size_class not in SIZE_CLASSES:
        return MSG_SIZE_UNKNOWN, "preferred_size_class"
    if line.procurement_type and line.procurement_type not in PROCUREMENT_TYPES:
        return MSG_PROCUREMENT_TYPE_UNKNOWN, "procurement_type"
    return None


def check_line(
    session: Session, line: LineData, *, number: int, on: dt.date, check_dates: bool = True
) -> dict[str, Any]:
    """The column values of a valid line, or NeedInvalid naming the field (``lines-<n>-<field>``)."""

    def invalid(message: str, name: str, **params: Any) -> NeedInvalid:
        return NeedInvalid(message, field=f"lines-{number}-{name}", line=number, **params)

    name = (line.name or "").strip()
    if not name:
        raise invalid(MSG_LINE_NAME_REQUIRED, "name")
    if len(name) > NAME_MAX:
        raise invalid(MSG_TOO_LONG, "name", what="name", max=NAME_MAX)
    if line.quantity is not None and not 1 <= line.quantity <= MAX_COUNT:
        raise invalid(MSG_QUANTITY, "quantity", max=MAX_COUNT)
    if line.unit_code and session.get(Unit, line.unit_code) is None:
        raise invalid(MSG_UNIT_UNKNOWN, "unit_code", unit=line.unit_code)
    if line.delivery_kabkota_code:
        region = session.get(Region, line.delivery_kabkota_code)
        if region is None or region.level != RegionLevel.KABKOTA:
            raise invalid(MSG_REGION_UNKNOWN, "delivery_kabkota_code", code=line.delivery_kabkota_code)
    if check_dates and line.needed_by is not None and line.needed_by < on:
        raise invalid(MSG_PAST_DATE, "needed_by", date=line.needed_by.isoformat())
    if line.budget is not None and not 0 <= line.budget <= MAX_RUPIAH:
        raise invalid(MSG_BUDGET, "budget", max=MAX_RUPIAH)
    certs = list(dict.fromkeys(c.strip() for c in line.certifications if c.strip()))
    for code in certs:
        if session.get(CertificationType, code) is None:
            raise invalid(MSG_CERT_UNKNOWN, "certifications", code=code)
    if (unknown := _unknown_choice(line)) is not None:
        raise invalid(*unknown)
    if line.kemitraan_code and session.get(KemitraanPattern, line.kemitraan_code) is None:
        raise invalid(MSG_KEMITRAAN_UNKNOWN, "kemitraan_code", code=line.kemitraan_code)
    umkm_only = line.umkm_only if line.umkm_only is not None else reserved_for_umkm(session, line.budget, on)
    return {
        "id": line.id,
        "name": name,
        "specification": (line.specification or "").strip() or None,
        "quantity": line.quantity,
        "unit_code": line.unit_code or None,
        "delivery_kabkota_code": line.delivery_kabkota_code or None,
        "needed_by": line.needed_by,
        "budget": line.budget,
        "umkm_only": umkm_only,
        "preferred_size_class": line.preferred_size_class or None,
        "kemitraan_code": line.kemitraan_code or None,
        "procurement_type": line.procurement_type or None,
        "certifications": certs,
    }


def _check(
    session: Session, data: NeedData, *, on: dt.date, check_dates: bool = True
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    title = (data.title or "").strip()
    if not title:
        raise NeedInvalid(MSG_TITLE_REQUIRED, field="title")
    if len(title) > TITLE_MAX:
        raise NeedInvalid(MSG_TOO_LONG, field="title", line=0, what="title", max=TITLE_MAX)
    if not data.lines:
        raise NeedInvalid(MSG_NO_LINES, field="lines")
    if len(data.lines) > MAX_LINES:
        raise NeedInvalid(MSG_TOO_MANY_LINES, field="lines", max=MAX_LINES)
    lines = [
        check_line(session, line, number=number, on=on, check_dates=check_dates)
        for number, line in enumerate(data.lines, start=1)
    ]
    need = {
        "title": title,
        "reference": (data.reference or "").strip() or None,
        "description": (data.description or "").strip() or None,
    }
    return need, lines


def _write_lines(session: Session, need: Need, lines: Sequence[dict[str, Any]]) -> None:
    for number, values in enumerate(lines, start=1):
        certs = values.pop("certifications")
        values.pop("id")
        row = NeedLine(need_id=need.id, line_no=number, **values)
        session.add(row)
        session.flush()
        for code in certs:
            session.add(NeedLineCertification(line_id=row.id, type_code=code))
    session.flush()


def create_need(
    session: Session,
    *,
    actor: Actor | None,
    organization_id: int,
    data: NeedData,
    source: str = "form",
    check_dates: bool = True,
) -> Need:
    """Record a draft need with its lines for a buyer organization."""
    # Only buyers' types may create needs (the policy's capabilities); the refusal says which it was.
    if ruled_out_by_type(actor, Action.CREATE_NEED, organization_id):
        raise NeedForbidden(MSG_NOT_BUYER)
    _require(actor, Action.CREATE_NEED, organization_id)
    values, lines = _check(session, data, on=today(), check_dates=check_dates)
    need = Need(
        organization_id=organization_id,
        source=source,
        created_by_user_id=actor.user_id if actor else None,
        **values,
    )
    session.add(need)
    session.flush()
    _write_lines(session, need, lines)
    created = {"lines": len(lines), "source": source}
    audit.record(session, Event.NEED_CREATED, need.id, [need.organization_id], by=actor, details=created)
    return need


def _stored_rows(stored: Sequence[NeedLine], lines: Sequence[dict[str, Any]]) -> list[NeedLine | None]:
    """The stored row each submitted line replaces (None: a new row).

    A line naming a stored id keeps that row; an id named twice keeps it for its first line only. Lines
    take stored rows by position only when none names an id (an older client): otherwise a new line would
    inherit a removed line's decisions.
    """
    by_id = {line.id: line for line in stored}
    rows: list[NeedLine | None] = []
    for values in lines:
        row = by_id.pop(values["id"], None) if values["id"] is not None else None
        rows.append(row)
    if all(row is None for row in rows):
        spare = list(stored)
        return [spare.pop(0) if spare else None for _ in lines]
    return rows


def _check_version(need: Need, expected_version: int | None) -> None:
    """Refuse a change made from a stale copy: the form (or API body) carries the version it was made
    from, and someone saved the need since (issue #9, finding 10)."""
    if expected_version is not None and expected_version != need.version:
        raise NeedChanged(MSG_NEED_CHANGED, version=need.version)


def _flush(session: Session) -> None:
    """Flush; a concurrent save of the same need (the version no longer matches) becomes a conflict."""
    try:
        session.flush()
    except StaleDataError:
        raise NeedChanged(MSG_NEED_CHANGED_NOW) from None


def update_need(
    session: Session,
    *,
    actor: Actor | None,
    need: Need,
    data: NeedData,
    expected_version: int | None = None,
) -> Need:
    """Replace a need's title and lines. A line that names its stored id keeps that row (and the buyer's
    decisions on it); lines without an id take the stored rows in order; rows left over are removed.
    With ``expected_version`` (what the form was opened on), a need saved since is refused."""
    _require(actor, Action.CREATE_NEED, need.organization_id)
    _check_version(need, expected_version)
    status = NeedStatus(need.status)
    if status not in EDITABLE:
        raise NeedMoveNotAllowed(MSG_NOT_EDITABLE, status=status.label)
    values, lines = _check(session, data, on=today())
    for key, value in values.items():
        setattr(need, key, value)
    # The need's row is written first, whatever changed, so its version check guards the lines too.
    need.updated_at = now()
    _flush(session)
    stored = list(repository.lines_of(session, need.id))
    rows = _stored_rows(stored, lines)
    # Line numbers are unique per need: park the kept rows out of the way before renumbering.
    for parked in stored:
        parked.line_no = -parked.line_no
    session.flush()
    kept: set[int] = set()
    for number, (line_values, replaced) in enumerate(zip(lines, rows, strict=True), start=1):
        certs = line_values.pop("certifications")
        line_values.pop("id")
        row = replaced
        if row is None:
            row = NeedLine(need_id=need.id, line_no=number, **line_values)
            session.add(row)
        else:
            row.line_no = number
            for key, value in line_values.items():
                setattr(row, key, value)
        session.flush()
        kept.add(row.id)
        current = repository.certifications_of(session, [row.id]).get(row.id, [])
        if current != certs:
            session.query(NeedLineCertification).filter_by(line_id=row.id).delete()
            for code in certs:
                session.add(NeedLineCertification(line_id=row.id, type_code=code))
    for old in stored:
        if old.id not in kept:
            session.delete(old)
    session.flush()
    audit.record(
        session, Event.NEED_UPDATED, need.id, [need.organization_id], by=actor, details={"lines": len(lines)}
    )
    return need


def move_need(
    session: Session,
    *,
    actor: Actor | None,
    need: Need,
    move: NeedMove,
    expected_version: int | None = None,
) -> Need:
    """Publish, close, cancel or reopen a need, as the lifecycle table allows. The move is a
    compare-and-set on the need's version (``rantai.lifecycle``): of two concurrent moves, the second is
    refused, and a move made from a stale page (``expected_version``) is refused before anything is written."""
    _require(actor, Action.CREATE_NEED, need.organization_id)
    _check_version(need, expected_version)
    current = NeedStatus(need.status)
    moment = now()
    values = {"updated_at": moment}
    if NEED_LIFECYCLE.target(current, move) is NeedStatus.OPEN:
        values["published_at"] = moment
    target = advance(session, need, NEED_LIFECYCLE, move, values=values)
    moved = {"from": current.value, "to": target.value}
    before, after = {"status": current.value}, {"status": target.value}
    event = Event(f"need.{move.value}")  # one event per move of the table: a test holds them together
    audit.record(
        session, event, need.id, [need.organization_id], by=actor, details=moved, before=before, after=after
    )
    return need


def get_need(session: Session, *, actor: Actor | None, need_id: int) -> Need:
    """A need its organization's members may see (others get not-found, not a hint it exists)."""
    need = repository.need(session, need_id)
    if need is None or not can(actor, Action.VIEW_ORGANIZATION, need):
        raise NeedNotFound(MSG_NOT_FOUND)
    return need


def get_line(session: Session, *, need: Need, line_id: int) -> NeedLine:
    line = repository.line(session, line_id)
    if line is None or line.need_id != need.id:
        raise NeedNotFound(MSG_LINE_NOT_FOUND)
    return line


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
    if not can(actor, Action.VIEW_ORGANIZATION, OrgScope(organization_id)):
        raise NeedForbidden(MSG_NOT_ALLOWED)
    return repository.needs_page(
        session,
        actor=actor,
        organization_id=organization_id,
        page=page,
        status=status or None,
        text=text,
        sort=sort,
    )


def decide(
    session: Session,
    *,
    actor: Actor | None,
    need: Need,
    line: NeedLine,
    supplier_id: int,
    decision: Decision | None,
) -> ShortlistDecision | None:
    """Shortlist or dismiss a supplier the actor may see for a line; None takes the decision back (draft
    or open needs only)."""
    _require(actor, Action.CREATE_NEED, need.organization_id)
    status = NeedStatus(need.status)
    if status not in EDITABLE:
        raise NeedMoveNotAllowed(MSG_NOT_EDITABLE, status=status.label)
    visible_supplier(actor, suppliers_repository.by_id(session, supplier_id), field="supplier_id")
    existing = repository.decision(session, line.id, supplier_id)
    if decision is None:
        if existing is not None:
            session.delete(existing)
            session.flush()
            cleared = {"line": line.line_no, "supplier_id": supplier_id}
            event = Event.NEED_DECISION_CLEARED
            audit.record(session, event, need.id, [need.organization_id], by=actor, details=cleared)
        return None
    if existing is None:
        existing = ShortlistDecision(line_id=line.id, supplier_id=supplier_id, decision=decision.value)
        session.add(existing)
    existing.decision = decision.value
    existing.decided_by_user_id = actor.user_id if actor else None
    existing.decided_at = now()
    session.flush()
    decided = {"line": line.line_no, "supplier_id": supplier_id}
    event = Event(f"need.supplier_{decision.value}")  # one event per decision: a test holds them together
    audit.record(session, event, need.id, [need.organization_id], by=actor, details=decided)
    return existing


SHORTLISTABLE_SHOWN = 50


def shortlistable_lines(
    session: Session, *, actor: Actor | None, organization_id: int
) -> list[tuple[Need, NeedLine]]:
    """The lines of the buyer's draft and open needs a supplier can be put on the shortlist of, newest
    need first (a supplier's profile offers them when the buyer has no RFQ to invite it to, issue #13)."""
    if not can(actor, Action.CREATE_NEED, OrgScope(organization_id)):
        return []
    return repository.lines_of_needs_with_status(
        session,
        actor=actor,
        organization_id=organization_id,
        statuses=[status.value for status in EDITABLE],
        limit=SHORTLISTABLE_SHOWN,
    )
