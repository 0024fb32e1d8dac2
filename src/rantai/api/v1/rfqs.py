"""API: requests for quotations (issue #11). The buyer makes one from a need, invites suppliers, sends,
amends or cancels it, answers clarifications, and reads the quotes once the deadline has passed; an
invited supplier reads it, asks, and gives, revises or withdraws its quote.

The endpoints hold no rules: ``rantai.sourcing.rfq`` validates, authorizes (someone the RFQ does not
reach gets 404) and keeps the seal. Before the deadline a buyer learns only how many quotes arrived:
``GET /rfqs/{id}`` carries ``quote_count`` and no price, and ``GET /rfqs/{id}/quotes`` answers 403
``quote-sealed`` with the deadline.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from rantai.api.problems import api_locale, problem_responses
from rantai.api.v1.deps import ApiCaller, api_caller, page_request
from rantai.api.v1.rfq_models import (
    AmendIn,
    AmendmentOut,
    AnswerIn,
    BuyerLineOut,
    CancelIn,
    InvitationDetailOut,
    InvitationOut,
    InvitationSummaryOut,
    InviteIn,
    OwnQuoteOut,
    QuestionIn,
    QuestionOut,
    QuoteIn,
    QuoteLineOut,
    QuoteOut,
    QuotesOut,
    RevisionOut,
    RfqIn,
    RfqLineOut,
    RfqOut,
    RfqSummaryOut,
    ValidityIn,
    VersionIn,
)
from rantai.api.v1.schemas import PageOut
from rantai.api.v1.types import SEARCH_MAX, Id, OneLine, PathId
from rantai.db import all_or_nothing
from rantai.http import DbSession
from rantai.i18n import translate
from rantai.kit.pagination import PageRequest
from rantai.sourcing import service as sourcing
from rantai.sourcing.rfq import quotes, reading, service
from rantai.sourcing.rfq.errors import MSG_QUOTE_NOT_FOUND, RfqNotFound
from rantai.sourcing.rfq.models import Quote, QuoteLine, Rfq, RfqLine
from rantai.sourcing.rfq.state import QuoteStatus, RfqStatus
from rantai.suppliers import repository as suppliers_repository

router = APIRouter(tags=["rfqs"], responses=problem_responses(400, 403, 404, 409))

RATE_PLACES = Decimal("0.0001")  # as stored (NUMERIC(18, 4)), the same before and after a reload
RFQ_STATUS = "^(draft|open|evaluation|awarded|cancelled)$"
_Search = Query(None, max_length=SEARCH_MAX, description="Words of the title or the RFQ number")


def _label(request: Request, status: str) -> str:
    return translate(api_locale(request), RfqStatus(status).label)


# --- conversions -----------------------------------------------------------------------------------------


def _line_fields(line: RfqLine) -> dict[str, Any]:
    return {
        "id": line.id,
        "line_no": line.line_no,
        "need_line_id": line.need_line_id,
        "name": line.name,
        "specification": line.specification,
        "quantity": line.quantity,
        "unit_code": line.unit_code,
        "delivery_kabkota_code": line.delivery_kabkota_code,
        "needed_by": line.needed_by,
        "awarded_quantity": line.awarded_quantity,
        "status": line.status,
    }


def _common(db: Session, request: Request, caller: ApiCaller, rfq: Rfq) -> dict[str, Any]:
    return {
        "id": rfq.id,
        "number": rfq.number,
        "title": rfq.title,
        "description": rfq.description,
        "status": rfq.status,
        "status_label": _label(request, rfq.status),
        "deadline": rfq.deadline,
        "revision": rfq.revision,
        "currency": rfq.currency,
        "idr_rate": None if rfq.idr_rate is None else Decimal(rfq.idr_rate).quantize(RATE_PLACES),
        "idr_rate_date": rfq.idr_rate_date,
        "incoterm": rfq.incoterm,
        "incoterm_place": rfq.incoterm_place,
        "published": rfq.published,
        "sent_at": rfq.sent_at,
        "closed_at": rfq.closed_at,
        "cancelled_at": rfq.cancelled_at,
        "cancel_reason": rfq.cancel_reason,
        "amendments": [
            AmendmentOut(
                revision=a.revision,
                reason=a.reason,
                previous_deadline=a.previous_deadline,
                deadline=a.deadline,
                made_at=a.made_at,
            )
            for a in reading.amendments(db, actor=caller.actor, rfq=rfq)
        ],
    }


def _rfq_out(db: Session, request: Request, caller: ApiCaller, rfq: Rfq) -> RfqOut:
    """The buyer's view. ``quotes.quote_count`` is the service's word on who may count the quotes: an
    invited supplier asking here gets 404, as for any RFQ it may not run."""
    count = quotes.quote_count(db, actor=caller.actor, rfq=rfq)
    return RfqOut(
        **_common(db, request, caller, rfq),
        need_id=rfq.need_id,
        created_at=rfq.created_at,
        awarded_at=rfq.awarded_at,
        approval_above=rfq.approval_above,
        version=rfq.version,
        quote_count=count,
        sealed=quotes.is_sealed(rfq),
        lines=[
            BuyerLineOut(**_line_fields(line), hps=line.hps)
            for line in reading.lines(db, actor=caller.actor, rfq=rfq)
        ],
        invitations=[
            InvitationOut(
                supplier_id=i.supplier_id,
                supplier_name=i.name,
                source=i.source,
                invited_at=i.invited_at,
                declined=i.declined,
            )
            for i in reading.invitations(db, actor=caller.actor, rfq=rfq)
        ],
    )


def _question_out(question: service.QuestionShown) -> QuestionOut:
    return QuestionOut(
        id=question.id,
        question=question.question,
        asked_at=question.asked_at,
        answer=question.answer,
        answered_at=question.answered_at,
    )


def _quote_lines(lines: Sequence[QuoteLine]) -> list[QuoteLineOut]:
    return [
        QuoteLineOut(
            rfq_line_id=line.rfq_line_id,
            unit_price=line.unit_price,
            quantity=line.quantity,
            lead_time_days=line.lead_time_days,
            notes=line.notes,
        )
        for line in lines
    ]


def _own_quote_out(db: Session, request: Request, caller: ApiCaller, rfq: Rfq) -> OwnQuoteOut:
    own = quotes.own_quote(db, actor=caller.actor, rfq=rfq)
    if own is None:
        raise RfqNotFound(MSG_QUOTE_NOT_FOUND)
    quote: Quote = own.quote
    revisions = quotes.own_revisions(db, actor=caller.actor, rfq=rfq)
    return OwnQuoteOut(
        id=quote.id,
        rfq_id=rfq.id,
        status=quote.status,
        status_label=translate(api_locale(request), QuoteStatus(quote.status).label),
        revision=quote.revision,
        rfq_revision=quote.rfq_revision,
        to_confirm=own.to_confirm,
        currency=rfq.currency,
        valid_until=quote.valid_until,
        notes=quote.notes,
        submitted_at=quote.submitted_at,
        updated_at=quote.updated_at,
        version=quote.version,
        lines=_quote_lines(own.lines),
        revisions=[RevisionOut(revision=number, lines=_quote_lines(lines)) for number, lines in revisions],
    )


# --- the buyer: RFQs -------------------------------------------------------------------------------------


def _rfq(db: Session, caller: ApiCaller, rfq_id: int) -> Rfq:
    return service.get_rfq(db, actor=caller.actor, rfq_id=rfq_id)


@router.get("/rfqs", response_model=PageOut[RfqSummaryOut], summary="The caller organization's RFQs")
def list_rfqs(
    request: Request,
    q: OneLine | None = _Search,
    status: str | None = Query(None, pattern=RFQ_STATUS),
    need_id: Id | None = Query(None, description="Only the RFQs made from this need"),
    sort: str = Query("newest", pattern="^(newest|deadline|title)$"),
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
    paging: PageRequest = Depends(page_request),
) -> PageOut[RfqSummaryOut]:
    page = service.buyer_rfqs_page(
        db,
        actor=caller.actor,
        organization_id=caller.organization_id,
        page=paging,
        status=status,
        text=(q or "").strip() or None,
        need_id=need_id,
        sort=sort,
    )
    counts = reading.quote_counts(db, actor=caller.actor, rfqs=page.items)  # counts only: the seal holds

    def summary(rfq: Rfq) -> RfqSummaryOut:
        return RfqSummaryOut(
            id=rfq.id,
            number=rfq.number,
            title=rfq.title,
            status=rfq.status,
            status_label=_label(request, rfq.status),
            deadline=rfq.deadline,
            currency=rfq.currency,
            published=rfq.published,
            created_at=rfq.created_at,
            quote_count=counts.get(rfq.id, 0),
        )

    return PageOut[RfqSummaryOut].of(page, summary)


@router.post(
    "/needs/{need_id}/rfqs",
    response_model=RfqOut,
    status_code=201,
    summary="Make a draft RFQ from a need (its lines and shortlisted suppliers unless given)",
)
def create_rfq(
    need_id: PathId,
    body: RfqIn,
    request: Request,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> RfqOut:
    need = sourcing.get_need(db, actor=caller.actor, need_id=need_id)
    with all_or_nothing(db):
        lines = (
            [line.data() for line in body.lines]
            if body.lines is not None
            else service.lines_from_need(db, need)
        )
        supplier_ids = (
            list(body.supplier_ids)
            if body.supplier_ids is not None
            else service.shortlisted_supplier_ids(db, need)
        )
        rfq = service.create_rfq(db, actor=caller.actor, need=need, data=body.data(lines, supplier_ids))
    return _rfq_out(db, request, caller, rfq)


@router.get("/rfqs/{rfq_id}", response_model=RfqOut, summary="An RFQ: before the deadline, a count of quotes")
def get_rfq(
    rfq_id: PathId, request: Request, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> RfqOut:
    return _rfq_out(db, request, caller, _rfq(db, caller, rfq_id))


@router.post("/rfqs/{rfq_id}/send", response_model=RfqOut, summary="Send a draft RFQ to its suppliers")
def send(
    rfq_id: PathId,
    request: Request,
    body: VersionIn | None = None,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> RfqOut:
    rfq = _rfq(db, caller, rfq_id)
    with all_or_nothing(db):
        service.send(db, actor=caller.actor, rfq=rfq, expected_version=body.version if body else None)
    return _rfq_out(db, request, caller, rfq)


@router.post("/rfqs/{rfq_id}/invite", response_model=RfqOut, summary="Invite more suppliers (draft or open)")
def invite(
    rfq_id: PathId,
    body: InviteIn,
    request: Request,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> RfqOut:
    rfq = _rfq(db, caller, rfq_id)
    with all_or_nothing(db):
        service.invite(db, actor=caller.actor, rfq=rfq, supplier_ids=body.supplier_ids)
    return _rfq_out(db, request, caller, rfq)


@router.post(
    "/rfqs/{rfq_id}/amend",
    response_model=RfqOut,
    summary="Amend an open RFQ: a new revision with its reason (quotes given before it are 'to confirm')",
)
def amend(
    rfq_id: PathId,
    body: AmendIn,
    request: Request,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> RfqOut:
    rfq = _rfq(db, caller, rfq_id)
    with all_or_nothing(db):
        service.amend(db, actor=caller.actor, rfq=rfq, data=body.data(), expected_version=body.version)
    return _rfq_out(db, request, caller, rfq)


@router.post("/rfqs/{rfq_id}/cancel", response_model=RfqOut, summary="Cancel an RFQ before its award")
def cancel(
    rfq_id: PathId,
    body: CancelIn,
    request: Request,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> RfqOut:
    rfq = _rfq(db, caller, rfq_id)
    with all_or_nothing(db):
        service.cancel(db, actor=caller.actor, rfq=rfq, reason=body.reason, expected_version=body.version)
    return _rfq_out(db, request, caller, rfq)


@router.get(
    "/rfqs/{rfq_id}/questions",
    response_model=list[QuestionOut],
    summary="The clarifications and their answers (never who asked)",
)
def list_questions(
    rfq_id: PathId, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> list[QuestionOut]:
    rfq = _rfq(db, caller, rfq_id)
    return [_question_out(q) for q in service.questions(db, actor=caller.actor, rfq=rfq)]


@router.post(
    "/rfqs/{rfq_id}/questions/{question_id}/answer",
    response_model=QuestionOut,
    summary="Answer (or correct the answer to) a question; every invitee is told",
)
def answer_question(
    rfq_id: PathId,
    question_id: PathId,
    body: AnswerIn,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> QuestionOut:
    rfq = _rfq(db, caller, rfq_id)
    with all_or_nothing(db):
        row = service.answer(db, actor=caller.actor, rfq=rfq, question_id=question_id, text=body.answer)
    return QuestionOut(
        id=row.id,
        question=row.question,
        asked_at=row.asked_at,
        answer=row.answer,
        answered_at=row.answered_at,
    )


@router.get(
    "/rfqs/{rfq_id}/quotes",
    response_model=QuotesOut,
    summary="The quotes, once the deadline has passed (403 quote-sealed before)",
)
def list_quotes(
    rfq_id: PathId, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> QuotesOut:
    rfq = _rfq(db, caller, rfq_id)
    opened = quotes.opened_quotes(db, actor=caller.actor, rfq=rfq)
    names = suppliers_repository.business_names(db, [q.supplier_id for q in opened.quotes])
    return QuotesOut(
        rfq_id=rfq.id,
        currency=rfq.currency,
        items=[
            QuoteOut(
                id=q.id,
                supplier_id=q.supplier_id,
                supplier_name=names.get(q.supplier_id),
                status=q.status,
                revision=q.revision,
                rfq_revision=q.rfq_revision,
                to_confirm=quotes.is_to_confirm(q, rfq),
                currency=rfq.currency,
                valid_until=q.valid_until,
                notes=q.notes,
                submitted_at=q.submitted_at,
                updated_at=q.updated_at,
                lines=_quote_lines(opened.lines.get(q.id, [])),
            )
            for q in opened.quotes
        ],
    )


# --- the supplier: invitations and its quote ------------------------------------------------------------


def _invited(db: Session, caller: ApiCaller, rfq_id: int) -> Rfq:
    """The RFQ, through the caller's invitation (404 for anyone else, its buyer included)."""
    rfq = _rfq(db, caller, rfq_id)
    service.acting_supplier(caller.actor, db, rfq)
    return rfq


@router.get(
    "/invitations",
    response_model=PageOut[InvitationSummaryOut],
    summary="The RFQs that reach the caller's supplier (invited, or found eligible)",
)
def list_invitations(
    request: Request,
    q: OneLine | None = _Search,
    status: str | None = Query(None, pattern="^(open|evaluation|awarded|cancelled)$"),
    sort: str = Query("deadline", pattern="^(newest|deadline|title)$"),
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
    paging: PageRequest = Depends(page_request),
) -> PageOut[InvitationSummaryOut]:
    page = service.supplier_rfqs_page(
        db, actor=caller.actor, page=paging, status=status, text=(q or "").strip() or None, sort=sort
    )
    buyers = suppliers_repository.organization_names(db, [rfq.organization_id for rfq in page.items])

    def summary(rfq: Rfq) -> InvitationSummaryOut:
        return InvitationSummaryOut(
            rfq_id=rfq.id,
            number=rfq.number,
            title=rfq.title,
            buyer=buyers.get(rfq.organization_id),
            status=rfq.status,
            status_label=_label(request, rfq.status),
            deadline=rfq.deadline,
            currency=rfq.currency,
        )

    return PageOut[InvitationSummaryOut].of(page, summary)


@router.get(
    "/invitations/{rfq_id}",
    response_model=InvitationDetailOut,
    summary="An RFQ the caller's supplier is invited to: lines, amendments, clarifications",
)
def get_invitation(
    rfq_id: PathId, request: Request, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> InvitationDetailOut:
    rfq = _invited(db, caller, rfq_id)
    buyers = suppliers_repository.organization_names(db, [rfq.organization_id])
    return InvitationDetailOut(
        **_common(db, request, caller, rfq),
        buyer=buyers.get(rfq.organization_id),
        open_for_quotes=quotes.is_open_for_quotes(rfq),
        lines=[RfqLineOut(**_line_fields(line)) for line in reading.lines(db, actor=caller.actor, rfq=rfq)],
        questions=[_question_out(q) for q in service.questions(db, actor=caller.actor, rfq=rfq)],
    )


@router.post(
    "/invitations/{rfq_id}/questions",
    response_model=QuestionOut,
    status_code=201,
    summary="Ask a clarification question (every invitee sees it; nobody sees who asked)",
)
def ask_question(
    rfq_id: PathId, body: QuestionIn, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> QuestionOut:
    rfq = _invited(db, caller, rfq_id)
    with all_or_nothing(db):
        row = service.ask(db, actor=caller.actor, rfq=rfq, question=body.question)
    return QuestionOut(
        id=row.id,
        question=row.question,
        asked_at=row.asked_at,
        answer=row.answer,
        answered_at=row.answered_at,
    )


@router.get(
    "/invitations/{rfq_id}/quote",
    response_model=OwnQuoteOut,
    summary="The caller's own quote and every revision of it (404 before the first)",
)
def get_own_quote(
    rfq_id: PathId, request: Request, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> OwnQuoteOut:
    return _own_quote_out(db, request, caller, _invited(db, caller, rfq_id))


@router.put(
    "/invitations/{rfq_id}/quote",
    response_model=OwnQuoteOut,
    summary="Give the quote, revise it (a new revision; older ones kept), or give it again, until the deadline",
)
def put_quote(
    rfq_id: PathId,
    body: QuoteIn,
    request: Request,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> OwnQuoteOut:
    rfq = _invited(db, caller, rfq_id)
    with all_or_nothing(db):
        quotes.submit(db, actor=caller.actor, rfq=rfq, data=body.data(), expected_version=body.version)
    return _own_quote_out(db, request, caller, rfq)


@router.post(
    "/invitations/{rfq_id}/quote/withdraw",
    response_model=OwnQuoteOut,
    summary="Withdraw the quote before the deadline (it may be given again until then)",
)
def withdraw_quote(
    rfq_id: PathId,
    request: Request,
    body: VersionIn | None = None,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> OwnQuoteOut:
    rfq = _invited(db, caller, rfq_id)
    with all_or_nothing(db):
        quotes.withdraw(db, actor=caller.actor, rfq=rfq, expected_version=body.version if body else None)
    return _own_quote_out(db, request, caller, rfq)


@router.post(
    "/invitations/{rfq_id}/quote/validity",
    response_model=OwnQuoteOut,
    summary="Extend how long the quote stays valid (open or being evaluated); prices stay as they are",
)
def extend_quote_validity(
    rfq_id: PathId,
    body: ValidityIn,
    request: Request,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> OwnQuoteOut:
    rfq = _invited(db, caller, rfq_id)
    with all_or_nothing(db):
        quotes.extend_validity(
            db, actor=caller.actor, rfq=rfq, valid_until=body.valid_until, expected_version=body.version
        )
    return _own_quote_out(db, request, caller, rfq)
