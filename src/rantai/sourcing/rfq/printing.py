"""What a printed RFQ says (issue #11: "documents for a foreign buyer print in Bahasa Indonesia and the
buyer's language side by side"): the request as its invitees receive it, with its lines, terms and the
clarifications answered so far (never who asked). Plain data; ``rantai.documents`` lays it out."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from rantai.identity import repository as identity_repository
from rantai.identity.policy import Actor
from rantai.identity.roles import OrgType
from rantai.reference import repository as reference_repository
from rantai.sourcing.rfq import repository
from rantai.sourcing.rfq.models import Rfq
from rantai.sourcing.rfq.service import get_rfq


@dataclass(frozen=True, slots=True)
class PrintedUnit:
    code: str
    name_id: str
    name_en: str


@dataclass(frozen=True, slots=True)
class PrintedLine:
    line_no: int
    name: str
    specification: str | None
    quantity: int
    unit: PrintedUnit | None
    delivery: str | None  # the kab/kota's name
    needed_by: dt.date | None


@dataclass(frozen=True, slots=True)
class PrintedAnswer:
    question: str
    answer: str


@dataclass(frozen=True, slots=True)
class RfqContent:
    number: str
    title: str
    description: str | None
    revision: int
    buyer: str
    sent_at: dt.datetime | None
    deadline: dt.datetime
    currency: str
    idr_rate: Decimal | None
    idr_rate_date: dt.date | None
    incoterm: str | None
    incoterm_place: str | None
    lines: tuple[PrintedLine, ...]
    answers: tuple[PrintedAnswer, ...]
    second_language: str | None  # "en" when the buyer is foreign


def rfq_content(session: Session, *, actor: Actor | None, rfq: Rfq) -> RfqContent:
    """The RFQ as printed, for its buyer and its invitees (others: not found)."""
    get_rfq(session, actor=actor, rfq_id=rfq.id)
    buyer = identity_repository.organization_by_id(session, rfq.organization_id)
    lines = repository.lines_of(session, rfq.id)
    units = reference_repository.units_by_code(
        session, sorted({ln.unit_code for ln in lines if ln.unit_code})
    )
    places = reference_repository.region_names(
        session, sorted({ln.delivery_kabkota_code for ln in lines if ln.delivery_kabkota_code})
    )

    def unit(code: str | None) -> PrintedUnit | None:
        found = units.get(code) if code else None
        return PrintedUnit(found.code, found.name_id, found.name_en or found.name_id) if found else None

    return RfqContent(
        number=rfq.number,
        title=rfq.title,
        description=rfq.description,
        revision=rfq.revision,
        buyer=buyer.name if buyer else "",
        sent_at=rfq.sent_at,
        deadline=rfq.deadline,
        currency=rfq.currency,
        idr_rate=rfq.idr_rate,
        idr_rate_date=rfq.idr_rate_date,
        incoterm=rfq.incoterm,
        incoterm_place=rfq.incoterm_place,
        lines=tuple(
            PrintedLine(
                ln.line_no,
                ln.name,
                ln.specification,
                ln.quantity,
                unit(ln.unit_code),
                places.get(ln.delivery_kabkota_code) if ln.delivery_kabkota_code else None,
                ln.needed_by,
            )
            for ln in lines
        ),
        answers=tuple(
            PrintedAnswer(q.question, q.answer) for q in repository.questions_of(session, rfq.id) if q.answer
        ),
        second_language="en" if buyer is not None and buyer.org_type == OrgType.PEMBELI_GLOBAL else None,
    )
