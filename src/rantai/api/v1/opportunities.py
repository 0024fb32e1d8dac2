"""API: open need lines the caller's supplier can win, and the gaps that would open more (issue #4)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from rantai.api.problems import api_locale, problem_responses
from rantai.api.v1.deps import ApiCaller, api_caller
from rantai.api.v1.need_models import ReasonOut
from rantai.api.v1.needs import reasons_out
from rantai.http import DbSession
from rantai.identity.policy import Action, OrgScope, can
from rantai.kit.errors import Forbidden, NotFound
from rantai.kit.text import N_
from rantai.sourcing import opportunities
from rantai.sourcing.wording import Vocabulary
from rantai.suppliers import repository as supplier_repo

router = APIRouter(tags=["opportunities"], responses=problem_responses(403, 404))


class OpportunityOut(BaseModel):
    need_id: int
    line_id: int
    title: str
    name: str
    buyer: str
    quantity: int | None
    unit_code: str | None
    delivery_kabkota_code: str | None
    needed_by: dt.date | None
    budget: int | None
    certifications: list[str]
    offer_id: int = Field(description="The supplier's product that fits the line best.")
    offer_name: str
    score: float
    reasons: list[ReasonOut]


class GapOut(BaseModel):
    kind: str = Field(description="cert, capacity or verification")
    code: str | None = Field(None, description="The certificate type to get or renew (kind cert).")
    offer_id: int | None = Field(None, description="The product whose capacity is short (kind capacity).")
    needed_per_month: int | None = Field(None, description="The monthly capacity that opens the lines.")
    lines: int
    value: int = Field(description="The lines' budgets summed, whole Rupiah.")
    line_ids: list[int]


class OpportunitiesOut(BaseModel):
    open_lines: int
    recommended: list[OpportunityOut]
    gaps: list[GapOut]


@router.get("/opportunities", response_model=OpportunitiesOut, summary="Open needs for the caller's supplier")
def supplier_opportunities(
    request: Request,
    top: int = Query(20, ge=1, le=100),
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> OpportunitiesOut:
    if not can(caller.actor, Action.MANAGE_CATALOG, OrgScope(caller.organization_id)):
        raise Forbidden(N_("Only a supplier (UMKM or cooperative) has opportunities."))
    profile = supplier_repo.by_organization(db, caller.organization_id)
    if profile is None:
        raise NotFound(N_("Create your business profile first."))
    found = opportunities.opportunities_for(db, profile.id, actor=caller.actor, top=top)
    vocabulary = Vocabulary(db, api_locale(request))
    return OpportunitiesOut(
        open_lines=found.open_lines,
        recommended=[
            OpportunityOut(
                need_id=shown.need_id,
                line_id=shown.line_id,
                title=shown.title,
                name=shown.name,
                buyer=shown.buyer,
                quantity=shown.quantity,
                unit_code=shown.unit_code,
                delivery_kabkota_code=shown.delivery_kabkota_code,
                needed_by=shown.needed_by,
                budget=shown.budget,
                certifications=list(shown.certifications),
                offer_id=int(item.offer.id),
                offer_name=item.offer.name,
                score=round(item.score, 4),
                reasons=reasons_out(item.reasons, vocabulary),
            )
            for item, shown in found.recommended
        ],
        gaps=[
            GapOut(
                kind=gap.kind,
                code=gap.code,
                offer_id=int(gap.offer_id) if gap.offer_id else None,
                needed_per_month=gap.needed_per_month,
                lines=gap.lines,
                value=gap.value,
                line_ids=[int(line_id) for line_id in gap.line_ids],
            )
            for gap in found.gaps
        ],
    )
