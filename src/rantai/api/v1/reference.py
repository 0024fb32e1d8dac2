"""API: reference data for address pickers, classification pickers and forms (read-only, any caller)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel
from sqlalchemy.orm import Session

from rantai.api.problems import problem_responses
from rantai.api.v1.deps import ApiCaller, api_caller
from rantai.api.v1.types import REGION_CODE, SEARCH_MAX, OneLine, RegionCode
from rantai.http import DbSession
from rantai.kit.errors import NotFound
from rantai.kit.text import N_
from rantai.reference import repository as ref
from rantai.reference.models import KbliLevel

router = APIRouter(prefix="/reference", tags=["reference"], responses=problem_responses(404))


class RegionOut(BaseModel):
    code: str
    name: str
    level: int
    parent_code: str | None
    lat: float | None
    lng: float | None


class KbliOut(BaseModel):
    code: str
    level: str
    title: str
    parent_code: str | None
    section: str


class HsOut(BaseModel):
    code: str
    level: int
    description: str
    full_description: str
    full_description_en: str


class UnitOut(BaseModel):
    code: str
    name_id: str
    name_en: str
    kind: str
    base_unit_code: str | None
    factor_to_base: float | None
    coretax_code: str | None


class NamedCodeOut(BaseModel):
    code: str
    name_id: str
    name_en: str


@router.get(
    "/regions", response_model=list[RegionOut], summary="Regions under a parent (provinces when none)"
)
def regions(
    parent: RegionCode | None = Query(None, description="Kemendagri code of the parent, e.g. 32 or 32.73."),
    _caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> list[RegionOut]:
    if parent is not None and ref.get_region(db, parent) is None:
        raise NotFound(N_("There is no region with code %(code)s."), field="parent", code=parent)
    return [RegionOut.model_validate(r, from_attributes=True) for r in ref.region_children(db, parent)]


@router.get("/regions/{code}", response_model=list[RegionOut], summary="A region with its ancestors")
def region(
    code: Annotated[str, Path(pattern=REGION_CODE, max_length=13, description="e.g. 32.73")],
    _caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> list[RegionOut]:
    chain = ref.region_with_ancestors(db, code)
    if not chain:
        raise NotFound(N_("There is no region with code %(code)s."), code=code)
    return [RegionOut.model_validate(r, from_attributes=True) for r in chain]


@router.get("/kbli", response_model=list[KbliOut], summary="Search KBLI 2020 by code prefix or title words")
def kbli(
    q: Annotated[
        OneLine,
        Query(min_length=1, max_length=SEARCH_MAX, description="Digits of a code, or words of a title."),
    ],
    level: KbliLevel | None = Query(None, description="section, golongan_pokok_2d, ..., kelompok_5d"),
    _caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> list[KbliOut]:
    return [KbliOut.model_validate(k, from_attributes=True) for k in ref.search_kbli(db, q, level=level)]


@router.get("/hs-codes", response_model=list[HsOut], summary="Search BTKI 2022 8-digit lines")
def hs_codes(
    q: Annotated[
        OneLine, Query(min_length=1, max_length=SEARCH_MAX, description="Digits of a code, or words.")
    ],
    _caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
) -> list[HsOut]:
    return [
        HsOut(
            code=h.code,
            level=h.level,
            description=h.description_id,
            full_description=h.full_description_id,
            full_description_en=h.full_description_en,
        )
        for h in ref.search_hs_codes(db, q)
    ]


@router.get("/units", response_model=list[UnitOut], summary="Units of measure")
def units(_caller: ApiCaller = Depends(api_caller), db: Session = DbSession) -> list[UnitOut]:
    return [
        UnitOut(
            code=u.code,
            name_id=u.name_id,
            name_en=u.name_en,
            kind=u.kind,
            base_unit_code=u.base_unit_code,
            factor_to_base=float(u.factor_to_base) if u.factor_to_base is not None else None,
            coretax_code=u.coretax_code,
        )
        for u in ref.list_units(db)
    ]


@router.get("/certification-types", response_model=list[NamedCodeOut], summary="Certificate types")
def certification_types(
    _caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> list[NamedCodeOut]:
    return [
        NamedCodeOut(code=c.code, name_id=c.name_id, name_en=c.name_en)
        for c in ref.list_certification_types(db)
    ]


@router.get(
    "/kemitraan-patterns", response_model=list[NamedCodeOut], summary="PP 7/2021 partnership patterns"
)
def kemitraan_patterns(
    _caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> list[NamedCodeOut]:
    return [
        NamedCodeOut(code=k.code, name_id=k.name_id, name_en=k.name_en)
        for k in ref.list_kemitraan_patterns(db)
    ]
