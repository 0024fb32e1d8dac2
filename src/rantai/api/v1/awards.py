"""API: awards of an RFQ past its deadline (issue #11). The buyer awards it whole or split by line and
quantity; an approver approves or rejects the awards above the buyer's threshold or with an exception to
the UMKM reservation; an invited supplier reads its outcome.

The endpoints hold no rules: ``rantai.sourcing.rfq.awards`` checks the seal, the quantities (never
over-awarded, also by two officers at once), the reservation rule and who may decide.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from sqlalchemy.orm import Session

from rantai.api.problems import api_locale, problem_responses
from rantai.api.v1.deps import ApiCaller, api_caller, page_request
from rantai.api.v1.rfq_models import (
    ApprovalOut,
    AwardIn,
    AwardLineOut,
    AwardOut,
    AwardVersionIn,
    LostOut,
    OutcomeOut,
    RejectIn,
    WonOut,
)
from rantai.api.v1.schemas import PageOut
from rantai.api.v1.types import PathId
from rantai.db import all_or_nothing
from rantai.http import DbSession
from rantai.i18n import translate
from rantai.kit.pagination import PageRequest
from rantai.sourcing.rfq import awards, service
from rantai.sourcing.rfq.awards import AwardPart, AwardShown
from rantai.sourcing.rfq.errors import MSG_AWARD_NOT_FOUND, RfqNotFound
from rantai.sourcing.rfq.models import Award, Rfq

router = APIRouter(tags=["awards"], responses=problem_responses(400, 403, 404, 409))


def _award_out(request: Request, rfq: Rfq, shown: AwardShown) -> AwardOut:
    award = shown.award
    return AwardOut(
        id=award.id,
        rfq_id=award.rfq_id,
        status=award.status,
        status_label=translate(api_locale(request), shown.status_label),
        needs_approval=shown.needs_approval,
        currency=rfq.currency,
        total=award.total,
        total_idr=award.total_idr,
        package_value_idr=award.package_value_idr,
        reservation_note=award.reservation_note,
        exception_reason=award.exception_reason,
        decided_at=award.decided_at,
        approved_at=award.approved_at,
        rejection_reason=award.rejection_reason,
        version=award.version,
        lines=[
            AwardLineOut(
                line_no=line.line_no,
                line_name=line.line_name,
                supplier_id=line.supplier_id,
                supplier_name=line.supplier_name,
                quantity=line.quantity,
                unit_price=line.unit_price,
                amount=line.amount,
            )
            for line in shown.lines
        ],
    )


def _shown(db: Session, caller: ApiCaller, rfq: Rfq) -> dict[int, AwardShown]:
    return {shown.award.id: shown for shown in awards.awards_shown(db, actor=caller.actor, rfq=rfq)}


def _one(db: Session, request: Request, caller: ApiCaller, award: Award) -> AwardOut:
    rfq = service.get_rfq(db, actor=caller.actor, rfq_id=award.rfq_id)
    shown = _shown(db, caller, rfq).get(award.id)
    if shown is None:
        raise RfqNotFound(MSG_AWARD_NOT_FOUND)
    return _award_out(request, rfq, shown)


@router.post(
    "/rfqs/{rfq_id}/awards",
    response_model=AwardOut,
    status_code=201,
    summary="Award the RFQ (after the deadline), whole or split by line and quantity",
)
def make_award(
    rfq_id: PathId,
    body: AwardIn,
    request: Request,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> AwardOut:
    rfq = service.get_rfq(db, actor=caller.actor, rfq_id=rfq_id)
    parts = [AwardPart(p.rfq_line_id, p.supplier_id, p.quantity) for p in body.parts]
    with all_or_nothing(db):
        award = awards.make_award(
            db, actor=caller.actor, rfq=rfq, parts=parts, exception_reason=body.exception_reason
        )
    return _one(db, request, caller, award)


@router.get("/rfqs/{rfq_id}/awards", response_model=list[AwardOut], summary="The RFQ's awards, every status")
def list_awards(
    rfq_id: PathId, request: Request, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> list[AwardOut]:
    rfq = service.get_rfq(db, actor=caller.actor, rfq_id=rfq_id)
    return [_award_out(request, rfq, shown) for shown in _shown(db, caller, rfq).values()]


@router.get("/awards/{award_id}", response_model=AwardOut, summary="An award with its lines")
def get_award(
    award_id: PathId, request: Request, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> AwardOut:
    return _one(db, request, caller, awards.get_award(db, actor=caller.actor, award_id=award_id))


@router.post("/awards/{award_id}/approve", response_model=AwardOut, summary="Approve an award (approvers)")
def approve(
    award_id: PathId,
    request: Request,
    body: AwardVersionIn | None = None,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> AwardOut:
    award = awards.get_award(db, actor=caller.actor, award_id=award_id)
    with all_or_nothing(db):
        awards.approve(db, actor=caller.actor, award=award, expected_version=body.version if body else None)
    return _one(db, request, caller, award)


@router.post(
    "/awards/{award_id}/reject",
    response_model=AwardOut,
    summary="Reject an award with a reason (approvers); its quantities go back to the lines",
)
def reject(
    award_id: PathId,
    body: RejectIn,
    request: Request,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> AwardOut:
    award = awards.get_award(db, actor=caller.actor, award_id=award_id)
    with all_or_nothing(db):
        awards.reject(db, actor=caller.actor, award=award, reason=body.reason, expected_version=body.version)
    return _one(db, request, caller, award)


@router.get(
    "/approvals",
    response_model=PageOut[ApprovalOut],
    summary="The awards waiting for the caller's approval",
)
def approvals(
    request: Request,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
    paging: PageRequest = Depends(page_request),
) -> PageOut[ApprovalOut]:
    page = awards.approvals_page(db, actor=caller.actor, page=paging)
    rfqs = {
        rfq_id: service.get_rfq(db, actor=caller.actor, rfq_id=rfq_id)
        for rfq_id in dict.fromkeys(award.rfq_id for award in page.items)
    }
    shown = {award_id: s for rfq in rfqs.values() for award_id, s in _shown(db, caller, rfq).items()}

    def approval(award: Award) -> ApprovalOut:
        rfq = rfqs[award.rfq_id]
        out = _award_out(request, rfq, shown[award.id])
        return ApprovalOut(**out.model_dump(), rfq_number=rfq.number, rfq_title=rfq.title)

    return PageOut[ApprovalOut].of(page, approval)


@router.get(
    "/invitations/{rfq_id}/outcome",
    response_model=OutcomeOut,
    summary="What the caller's supplier won, and why it lost the other lines it quoted",
)
def outcome(
    rfq_id: PathId, request: Request, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> OutcomeOut:
    rfq = service.get_rfq(db, actor=caller.actor, rfq_id=rfq_id)
    found = awards.outcome_for_supplier(db, actor=caller.actor, rfq=rfq)
    locale = api_locale(request)
    return OutcomeOut(
        rfq_id=rfq.id,
        decided=found is not None,
        currency=rfq.currency,
        won=[
            WonOut(line_no=w.line_no, name=w.name, quantity=w.quantity, unit_price=w.unit_price)
            for w in (found.won if found else [])
        ],
        lost=[
            LostOut(line_no=lost.line_no, name=lost.name, reason=translate(locale, lost.reason))
            for lost in (found.lost if found else [])
        ],
    )
