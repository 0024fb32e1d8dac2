"""The request and response bodies of the needs API (``rantai.api.v1.needs``): a need and its lines,
the explained shortlist of a line, why a supplier is not on it, and the buyer's decision."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from rantai.api.v1.types import (
    DESCRIPTION_MAX,
    Count,
    Id,
    IsoDate,
    MultiLine,
    OneLine,
    PlainCode,
    RegionCode,
    Rupiah,
)
from rantai.sourcing import service as sourcing
from rantai.sourcing.state import Decision


class LineIn(BaseModel):
    """One thing the need asks for. Codes point at the reference data (``/api/v1/reference``)."""

    id: Id | None = Field(
        None, description="On an update: the stored line this replaces, so it keeps the decisions made on it."
    )
    name: OneLine = Field(max_length=500, description="What is needed: the package or item name.")
    specification: MultiLine | None = Field(None, max_length=DESCRIPTION_MAX)
    quantity: Count | None = Field(None, description="A whole number of at least 1.")
    unit_code: PlainCode | None = Field(None, description="A unit code, e.g. bungkus, kg, buah.")
    delivery_kabkota_code: RegionCode | None = Field(None, description="Kemendagri kab/kota code, e.g. 32.73")
    needed_by: IsoDate | None = None
    budget: Rupiah | None = Field(None, description="HPS/pagu of the whole line, in whole Rupiah.")
    umkm_only: bool | None = Field(
        None,
        description="Reserved for UMKM and cooperatives; null: as the reservation rule says (on up to the "
        "ceiling in force, Rp14 billion for BUMN).",
    )
    preferred_size_class: Literal["mikro", "kecil", "menengah"] | None = Field(
        None, description="mikro, kecil or menengah"
    )
    kemitraan_code: PlainCode | None = Field(None, description="A kemitraan pattern of PP 7/2021.")
    procurement_type: Literal["goods", "works", "consulting", "services"] | None = Field(
        None,
        description="The procurement type (jenis pengadaan): goods (barang), works (pekerjaan konstruksi), "
        "consulting (jasa konsultansi) or services (jasa lainnya). Suppliers whose past packages are of "
        "this type rank higher.",
    )
    certifications: list[PlainCode] = Field(
        default_factory=list, max_length=50, description="Certificate type codes, e.g. halal"
    )

    def data(self) -> sourcing.LineData:
        return sourcing.LineData(**self.model_dump())


class NeedIn(BaseModel):
    title: OneLine = Field(max_length=500, description="The need's title, for example the package name.")
    reference: OneLine | None = Field(None, max_length=64, description="Your own reference, e.g. a RUP code.")
    description: MultiLine | None = Field(None, max_length=DESCRIPTION_MAX)
    lines: list[LineIn] = Field(default_factory=list, max_length=200, description="At most 200 lines.")
    version: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="The need's version as you read it (GET). When given, the change is refused with 409 if "
        "someone saved the need since, instead of overwriting their change.",
    )

    def data(self) -> sourcing.NeedData:
        return sourcing.NeedData(
            title=self.title,
            reference=self.reference,
            description=self.description,
            lines=[line.data() for line in self.lines],
        )


class LineOut(BaseModel):
    id: int
    line_no: int
    name: str
    specification: str | None
    quantity: int | None
    unit_code: str | None
    delivery_kabkota_code: str | None
    needed_by: dt.date | None
    budget: int | None
    umkm_only: bool
    preferred_size_class: str | None
    kemitraan_code: str | None
    procurement_type: str | None
    certifications: list[str]


class NeedOut(BaseModel):
    id: int
    title: str
    reference: str | None
    description: str | None
    status: str
    source: str
    created_at: dt.datetime
    updated_at: dt.datetime
    published_at: dt.datetime | None
    version: int = Field(
        description="Bumped by every change; send it back to refuse overwriting a newer one."
    )
    lines: list[LineOut]


class NeedSummaryOut(BaseModel):
    """A need in a list: its lines are counted, their budgets summed (whole Rupiah)."""

    id: int
    title: str
    reference: str | None
    status: str
    source: str
    lines: int
    budget_total: int
    created_at: dt.datetime
    published_at: dt.datetime | None


class ReasonOut(BaseModel):
    code: str
    params: dict[str, object]
    text: str


class SupplierOut(BaseModel):
    id: int
    nib: str | None
    name: str
    size_class: str | None
    kabkota: str | None


class OfferOut(BaseModel):
    id: int | None = Field(
        None,
        description="The supplier's product; none when the supplier is known by a package it won "
        "(issue #14): the name is then that package's title.",
    )
    name: str


class MatchOut(BaseModel):
    rank: int
    supplier: SupplierOut
    offer: OfferOut
    score: float
    newcomer: bool
    decision: str | None
    reasons: list[ReasonOut]


class ExcludedOut(BaseModel):
    supplier: SupplierOut
    offer: OfferOut | None
    reasons: list[ReasonOut]


class MatchesOut(BaseModel):
    items: list[MatchOut]
    excluded: list[ExcludedOut]
    offset: int = Field(0, description="The rank before the first item (0: the first page).")
    next_offset: int | None = Field(
        None, description="The offset of the next page when more suppliers rank below these; null at the end."
    )


class ExplanationOut(BaseModel):
    """``included``: on the shortlist (``rank`` is its place); ``offer``: its best matching product when
    it is eligible; ``reasons``: why it is there, or why not."""

    supplier: SupplierOut
    included: bool
    rank: int | None
    offer: OfferOut | None
    reasons: list[ReasonOut]


class DecisionIn(BaseModel):
    supplier_id: Id
    decision: Decision | None = Field(description="shortlisted, dismissed, or null to take it back")


class DecisionOut(BaseModel):
    supplier_id: int
    decision: str | None
