"""API: a buyer's procurement needs (kebutuhan pengadaan), their lifecycle, and each line's shortlist.

The endpoints hold no rules: the sourcing service validates and authorizes (a member of another
organization gets 404, a supplier organization 403), and the matching engine, fed by
`rantai.sourcing.shortlists`, ranks and explains. Reasons come as codes with plain parameters, and as
text in the request's language (``Accept-Language``) worded by `rantai.sourcing.wording`.
"""

from __future__ import annotations

from collections.abc import Sequence

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from rantai import matching
from rantai.api.problems import api_locale, problem_responses
from rantai.api.v1.deps import ApiCaller, api_caller, page_request
from rantai.api.v1.need_models import (
    DecisionIn,
    DecisionOut,
    ExcludedOut,
    ExplanationOut,
    LineOut,
    MatchesOut,
    MatchOut,
    NeedIn,
    NeedOut,
    NeedSummaryOut,
    OfferOut,
    ReasonOut,
    SupplierOut,
)
from rantai.api.v1.schemas import PageOut
from rantai.api.v1.types import (
    NIB,
    SEARCH_MAX,
    Id,
    OneLine,
    PathId,
)
from rantai.http import DbSession, get_settings_dep
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_
from rantai.settings import Settings
from rantai.sourcing import repository, shortlists
from rantai.sourcing import service as sourcing
from rantai.sourcing.errors import NeedInvalid
from rantai.sourcing.models import Need, NeedLine
from rantai.sourcing.state import NeedMove
from rantai.sourcing.wording import Vocabulary, describe, params_json
from rantai.suppliers import repository as supplier_repo
from rantai.suppliers.models import SupplierProfile

router = APIRouter(tags=["needs"], responses=problem_responses(400, 403, 404, 409))


# --- shapes ----------------------------------------------------------------------------------------


# --- conversions -----------------------------------------------------------------------------------


def _line_out(line: NeedLine, certifications: list[str]) -> LineOut:
    return LineOut(
        id=line.id,
        line_no=line.line_no,
        name=line.name,
        specification=line.specification,
        quantity=line.quantity,
        unit_code=line.unit_code,
        delivery_kabkota_code=line.delivery_kabkota_code,
        needed_by=line.needed_by,
        budget=line.budget,
        umkm_only=line.umkm_only,
        preferred_size_class=line.preferred_size_class,
        kemitraan_code=line.kemitraan_code,
        procurement_type=line.procurement_type,
        certifications=certifications,
    )


def _need_out(db: Session, need: Need) -> NeedOut:
    lines = repository.lines_of(db, need.id)
    certs = repository.certifications_of(db, [line.id for line in lines])
    return NeedOut(
        id=need.id,
        title=need.title,
        reference=need.reference,
        description=need.description,
        status=need.status,
        source=need.source,
        created_at=need.created_at,
        updated_at=need.updated_at,
        published_at=need.published_at,
        version=need.version,
        lines=[_line_out(line, certs.get(line.id, [])) for line in lines],
    )


def _summaries(db: Session, needs: Sequence[Need]) -> dict[int, tuple[int, int]]:
    return repository.line_counts(db, [need.id for need in needs])


def reasons_out(reasons: Sequence[matching.Reason], vocabulary: Vocabulary) -> list[ReasonOut]:
    return [
        ReasonOut(code=r.code, params=params_json(r.as_dict()), text=describe(r, vocabulary)) for r in reasons
    ]


def _supplier_out(supplier: matching.SupplierFacts, nibs: dict[int, str]) -> SupplierOut:
    sid = int(supplier.id)
    return SupplierOut(
        id=sid,
        nib=nibs.get(sid),
        name=supplier.name,
        size_class=supplier.size_class,
        kabkota=supplier.kabkota,
    )


def _offer_out(offer: matching.OfferFacts) -> OfferOut:
    return OfferOut(id=int(offer.id) if offer.id else None, name=offer.name)


# --- needs -----------------------------------------------------------------------------------------


def _need(db: Session, caller: ApiCaller, need_id: int) -> Need:
    return sourcing.get_need(db, actor=caller.actor, need_id=need_id)


@router.get("/needs", response_model=PageOut[NeedSummaryOut], summary="The caller organization's needs")
def list_needs(
    q: OneLine | None = Query(
        None, max_length=SEARCH_MAX, description="Words of the title, reference or a line name"
    ),
    status: str | None = Query(None, pattern="^(draft|open|closed|cancelled)$"),
    sort: str = Query("newest", pattern="^(newest|oldest|title)$"),
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
    paging: PageRequest = Depends(page_request),
) -> PageOut[NeedSummaryOut]:
    page = sourcing.needs_page(
        db,
        actor=caller.actor,
        organization_id=caller.organization_id,
        page=paging,
        status=status,
        text=(q or "").strip() or None,
        sort=sort,
    )
    counts = _summaries(db, page.items)

    def summary(need: Need) -> NeedSummaryOut:
        lines, budget = counts.get(need.id, (0, 0))
        return NeedSummaryOut(
            id=need.id,
            title=need.title,
            reference=need.reference,
            status=need.status,
            source=need.source,
            lines=lines,
            budget_total=budget,
            created_at=need.created_at,
            published_at=need.published_at,
        )

    return PageOut[NeedSummaryOut].of(page, summary)


@router.post("/needs", response_model=NeedOut, status_code=201, summary="Record a need (draft)")
def create_need(body: NeedIn, caller: ApiCaller = Depends(api_caller), db: Session = DbSession) -> NeedOut:
    need = sourcing.create_need(
        db, actor=caller.actor, organization_id=caller.organization_id, data=body.data(), source="api"
    )
    return _need_out(db, need)


@router.get("/needs/{need_id}", response_model=NeedOut, summary="A need with its lines")
def get_need(need_id: PathId, caller: ApiCaller = Depends(api_caller), db: Session = DbSession) -> NeedOut:
    return _need_out(db, _need(db, caller, need_id))


@router.put("/needs/{need_id}", response_model=NeedOut, summary="Replace a need's title and lines")
def update_need(
    need_id: PathId, body: NeedIn, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> NeedOut:
    need = _need(db, caller, need_id)
    sourcing.update_need(db, actor=caller.actor, need=need, data=body.data(), expected_version=body.version)
    return _need_out(db, need)


def _move(db: Session, caller: ApiCaller, need_id: int, move: NeedMove) -> NeedOut:
    need = sourcing.move_need(db, actor=caller.actor, need=_need(db, caller, need_id), move=move)
    return _need_out(db, need)


@router.post("/needs/{need_id}/publish", response_model=NeedOut, summary="Open a draft need to suppliers")
def publish(need_id: PathId, caller: ApiCaller = Depends(api_caller), db: Session = DbSession) -> NeedOut:
    return _move(db, caller, need_id, NeedMove.PUBLISH)


@router.post("/needs/{need_id}/close", response_model=NeedOut, summary="Close an open need")
def close(need_id: PathId, caller: ApiCaller = Depends(api_caller), db: Session = DbSession) -> NeedOut:
    return _move(db, caller, need_id, NeedMove.CLOSE)


@router.post("/needs/{need_id}/cancel", response_model=NeedOut, summary="Withdraw a draft or open need")
def cancel(need_id: PathId, caller: ApiCaller = Depends(api_caller), db: Session = DbSession) -> NeedOut:
    return _move(db, caller, need_id, NeedMove.CANCEL)


@router.post("/needs/{need_id}/reopen", response_model=NeedOut, summary="Make a closed need a draft again")
def reopen(need_id: PathId, caller: ApiCaller = Depends(api_caller), db: Session = DbSession) -> NeedOut:
    return _move(db, caller, need_id, NeedMove.REOPEN)


# --- a line's shortlist ----------------------------------------------------------------------------

MSG_PAGE_BEYOND = N_("A shortlist holds at most %(maximum)s suppliers: offset plus top must not exceed it.")


def _line(db: Session, caller: ApiCaller, need_id: int, line_id: int) -> tuple[Need, NeedLine]:
    need = _need(db, caller, need_id)
    return need, sourcing.get_line(db, need=need, line_id=line_id)


@router.get(
    "/needs/{need_id}/lines/{line_id}/matches",
    response_model=MatchesOut,
    summary="The line's ranked suppliers with the reasons, and the good text matches a rule excludes",
)
def matches(
    need_id: PathId,
    line_id: PathId,
    request: Request,
    top: int = Query(10, ge=1, le=100, description="How many suppliers (a page)."),
    offset: int = Query(
        0,
        ge=0,
        le=90,
        description="How many ranked suppliers to skip: the page is ranks offset+1..offset+top of the "
        "shortlist of offset+top suppliers (pages in steps of ten keep the same newcomer places).",
    ),
    include_unverified: bool = False,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
    settings: Settings = Depends(get_settings_dep),
) -> MatchesOut:
    _, line = _line(db, caller, need_id, line_id)
    if offset + top > shortlists.MAX_TOP:
        raise NeedInvalid(MSG_PAGE_BEYOND, field="offset", maximum=shortlists.MAX_TOP)
    shortlist = shortlists.shortlist_line(
        db,
        actor=caller.actor,
        data_dir=settings.data_dir,
        line=line,
        top=offset + top,
        include_unverified=include_unverified,
        newcomer_slots=settings.newcomer_slots,
        more=True,
    )
    vocabulary = Vocabulary(db, api_locale(request))
    decisions = shortlist.decisions
    return MatchesOut(
        items=[
            MatchOut(
                rank=entry.rank,
                supplier=_supplier_out(entry.supplier, shortlist.nibs),
                offer=_offer_out(entry.offer),
                score=entry.score,
                newcomer=entry.newcomer,
                decision=(d.decision if (d := decisions.get(int(entry.supplier.id))) else None),
                reasons=reasons_out(entry.reasons, vocabulary),
            )
            for entry in shortlist.entries[offset:]
        ],
        excluded=[
            ExcludedOut(
                supplier=_supplier_out(exclusion.supplier, shortlist.nibs),
                offer=_offer_out(exclusion.offer) if exclusion.offer is not None else None,
                reasons=reasons_out(exclusion.reasons, vocabulary),
            )
            for exclusion in shortlist.excluded
        ],
        offset=offset,
        next_offset=offset + top if shortlist.has_more and offset + top < shortlists.MAX_TOP else None,
    )


def _named_supplier(
    db: Session, caller: ApiCaller, supplier_id: int | None, nib: str | None
) -> SupplierProfile:
    """The supplier named by id or NIB, one the caller may see (`sourcing.visible_supplier`)."""
    profile: SupplierProfile | None = None
    if supplier_id is not None:
        profile = supplier_repo.by_id(db, supplier_id)
    elif nib:
        profile = supplier_repo.by_nib(db, nib.strip())
    field = "nib" if supplier_id is None and nib else "supplier_id"
    return sourcing.visible_supplier(caller.actor, profile, field=field)


@router.get(
    "/needs/{need_id}/lines/{line_id}/explanation",
    response_model=ExplanationOut,
    summary="Why a supplier is, or is not, on the line's shortlist",
)
def explanation(
    need_id: PathId,
    line_id: PathId,
    request: Request,
    supplier_id: Id | None = Query(None, description="The supplier's id"),
    nib: str | None = Query(None, pattern=NIB, description="Or its NIB (13 digits)"),
    include_unverified: bool = False,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
    settings: Settings = Depends(get_settings_dep),
) -> ExplanationOut:
    _, line = _line(db, caller, need_id, line_id)
    profile = _named_supplier(db, caller, supplier_id, nib)
    vocabulary = Vocabulary(db, api_locale(request))
    explained = shortlists.explain_line(
        db,
        actor=caller.actor,
        data_dir=settings.data_dir,
        line=line,
        supplier_id=profile.id,
        include_unverified=include_unverified,
        newcomer_slots=settings.newcomer_slots,
    )
    # Included: the reasons for its place; otherwise why not (a rule it fails, no matching product, or
    # `ranked_below` with the place it would take).
    entry = explained.entry
    included = explained.included and entry is not None
    return ExplanationOut(
        supplier=SupplierOut(
            id=profile.id,
            nib=profile.nib,
            name=profile.business_name,
            size_class=profile.size_class,
            kabkota=profile.kabkota_code,
        ),
        included=included,
        rank=entry.rank if included and entry is not None else None,
        offer=_offer_out(entry.offer) if entry is not None else None,
        reasons=reasons_out(
            entry.reasons if included and entry is not None else explained.reasons, vocabulary
        ),
    )


@router.post(
    "/needs/{need_id}/lines/{line_id}/decisions",
    response_model=DecisionOut,
    summary="Shortlist or dismiss a supplier for the line (null takes the decision back)",
)
def decide(
    need_id: PathId,
    line_id: PathId,
    body: DecisionIn,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> DecisionOut:
    need, line = _line(db, caller, need_id, line_id)
    decided = sourcing.decide(
        db, actor=caller.actor, need=need, line=line, supplier_id=body.supplier_id, decision=body.decision
    )
    return DecisionOut(supplier_id=body.supplier_id, decision=decided.decision if decided else None)
