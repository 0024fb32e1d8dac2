"""API: open need lines the caller's supplier can win, and the gaps that would open more (issue #4); every
open need line offered to the caller, searched and paged, and a need's lines with why the caller's supplier
fits each or what it lacks (issue #13)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from rantai.api.problems import api_locale, problem_responses
from rantai.api.v1.deps import ApiCaller, api_caller, page_request
from rantai.api.v1.need_models import ReasonOut
from rantai.api.v1.needs import reasons_out
from rantai.api.v1.schemas import PageOut
from rantai.api.v1.types import PathId
from rantai.http import DbSession, get_settings_dep
from rantai.identity.policy import Action, OrgScope, can
from rantai.kit.errors import Forbidden, NotFound
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_
from rantai.settings import Settings
from rantai.sourcing import opportunities
from rantai.sourcing import repository as need_repository
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


MSG_ONLY_SUPPLIERS = N_("Only a supplier (UMKM or cooperative) has opportunities.")


def _supplier(caller: ApiCaller) -> None:
    if not can(caller.actor, Action.MANAGE_CATALOG, OrgScope(caller.organization_id)):
        raise Forbidden(MSG_ONLY_SUPPLIERS)


@router.get("/opportunities", response_model=OpportunitiesOut, summary="Open needs for the caller's supplier")
def supplier_opportunities(
    request: Request,
    top: int = Query(20, ge=1, le=100),
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> OpportunitiesOut:
    _supplier(caller)
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


class OpenLineOut(BaseModel):
    need_id: int
    line_id: int
    title: str
    name: str
    buyer: str
    quantity: int | None
    unit_code: str | None
    delivery_kabkota_code: str | None
    needed_by: dt.date | None
    budget: int | None = Field(description="Whole Rupiah; null when the buyer did not state it (not 0).")
    certifications: list[str]
    fits_offer_id: int | None = Field(
        None, description="The caller's product the matcher finds fitting the line, if any."
    )
    fits_offer_name: str | None = None


@router.get(
    "/opportunities/lines",
    response_model=PageOut[OpenLineOut],
    summary="Every open need line offered to the caller's supplier, searched, filtered and paged",
)
def open_lines(
    q: str = Query("", max_length=200, description="Words, each in the line's name or the need's title."),
    province_code: str = Query("", max_length=2, description="Delivered in this province (2 digits)."),
    min_value: str = Query("", max_length=40, description="Lowest line value, whole Rupiah."),
    max_value: str = Query("", max_length=40, description="Highest line value, whole Rupiah."),
    due_within: Literal["", "7", "30", "90"] = Query("", description="Needed by within this many days."),
    fits: bool = Query(False, description="Only the lines the caller's products fit."),
    product_id: int | None = Query(
        None, ge=1, le=2**31 - 1, description="Only the lines this product of the caller's fits best."
    ),
    sort: Literal["newest", "deadline", "value", "fit"] = Query("newest"),
    paging: PageRequest = Depends(page_request),
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> PageOut[OpenLineOut]:
    _supplier(caller)
    wanted = opportunities.read_filter(
        text=q,
        province_code=province_code,
        min_value=min_value,
        max_value=max_value,
        due_within=due_within,
        sort=sort,
    )
    profile = supplier_repo.by_organization(db, caller.organization_id)
    found = opportunities.browse(
        db,
        actor=caller.actor,
        supplier_id=profile.id if profile is not None else None,
        wanted=wanted,
        page=paging,
        fits_only=fits and profile is not None,
        product_id=product_id,
    )

    def convert(item: opportunities.BrowsedLine) -> OpenLineOut:
        line = item.line
        return OpenLineOut(
            need_id=line.need_id,
            line_id=line.line_id,
            title=line.title,
            name=line.name,
            buyer=line.buyer,
            quantity=line.quantity,
            unit_code=line.unit_code,
            delivery_kabkota_code=line.delivery_kabkota_code,
            needed_by=line.needed_by,
            budget=line.budget,
            certifications=list(line.certifications),
            fits_offer_id=int(item.fit.offer.id) if item.fit else None,
            fits_offer_name=item.fit.offer.name if item.fit else None,
        )

    return PageOut[OpenLineOut].of(found.page, convert)


class LineFitOut(BaseModel):
    line_id: int
    line_no: int
    name: str
    quantity: int | None
    unit_code: str | None
    delivery_kabkota_code: str | None
    needed_by: dt.date | None
    budget: int | None = Field(description="Whole Rupiah; null when not stated.")
    certifications: list[str]
    qualifies: bool | None = Field(description="Null when the caller has no business profile yet.")
    reasons: list[ReasonOut] = Field(description="Why the caller's supplier fits the line.")
    lacks: list[ReasonOut] = Field(description="What it lacks to qualify.")


class OfferedNeedOut(BaseModel):
    id: int
    title: str
    reference: str | None
    description: str | None
    buyer: str
    published_at: dt.datetime | None
    lines: list[LineFitOut]


@router.get(
    "/opportunities/needs/{need_id}",
    response_model=OfferedNeedOut,
    summary="An open need as a supplier sees it, with why the caller fits each line or what it lacks",
)
def offered_need(
    request: Request,
    need_id: PathId,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
    settings: Settings = Depends(get_settings_dep),
) -> OfferedNeedOut:
    _supplier(caller)
    offered = opportunities.offered_need_for(
        db,
        actor=caller.actor,
        organization_id=caller.organization_id,
        need_id=need_id,
        data_dir=settings.data_dir,
        newcomer_slots=settings.newcomer_slots,
    )
    need, lines, fit, certs = offered.need, offered.lines, offered.fit, offered.certifications
    vocabulary = Vocabulary(db, api_locale(request))
    return OfferedNeedOut(
        id=need.id,
        title=need.title,
        reference=need.reference,
        description=need.description,
        buyer=need_repository.buyer_name(db, need.organization_id),
        published_at=need.published_at,
        lines=[
            LineFitOut(
                line_id=line.id,
                line_no=line.line_no,
                name=line.name,
                quantity=line.quantity,
                unit_code=line.unit_code,
                delivery_kabkota_code=line.delivery_kabkota_code,
                needed_by=line.needed_by,
                budget=line.budget,
                certifications=certs.get(line.id, []),
                qualifies=line_fit.qualifies if (line_fit := fit.get(line.id)) else None,
                reasons=reasons_out(line_fit.reasons, vocabulary) if line_fit else [],
                lacks=reasons_out(line_fit.lacks, vocabulary) if line_fit else [],
            )
            for line in lines
        ],
    )
