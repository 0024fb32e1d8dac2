"""The request and response bodies of the RFQ API (``rantai.api.v1.rfqs``): RFQs, their invitations,
amendments and clarifications; the suppliers' quotes; and awards.

Money is an integer in minor units of the RFQ's ``currency`` (whole Rupiah for IDR, cents for USD), never a
float; every body that carries money carries the currency. Times are ISO 8601 with their offset (UTC).
Nothing a buyer receives before the deadline holds a quote's price: the RFQ shows ``quote_count`` only.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from rantai.api.v1.types import (
    DESCRIPTION_MAX,
    Count,
    Id,
    IsoDate,
    IsoDateTime,
    MultiLine,
    OneLine,
    PlainCode,
    RegionCode,
)
from rantai.kit.ids import MAX_INTEGER
from rantai.sourcing.rfq import quotes
from rantai.sourcing.rfq.quotes import QuoteData, QuoteLineData
from rantai.sourcing.rfq.service import AmendmentData, RfqData, RfqLineData
from rantai.tabular.cells import MAX_RUPIAH

MAX_LINES = 200
MAX_SUPPLIERS = 200
Currency = Literal["IDR", "USD"]
Incoterm = Literal[  # service.INCOTERMS (a test holds them together)
    "EXW", "FCA", "CPT", "CIP", "DAP", "DPU", "DDP", "FAS", "FOB", "CFR", "CIF"
]

VERSION_HELP = (
    "The RFQ's version as you read it (GET). When given, the step is refused with 409 if the RFQ changed "
    "since, instead of acting on a state you have not seen."
)


Version = Annotated[int, Field(ge=1, le=MAX_INTEGER)]


# --- requests --------------------------------------------------------------------------------------------


class RfqLineIn(BaseModel):
    """One thing to ask a price for; ``need_line_id`` ties it to the need's line it comes from."""

    need_line_id: Id | None = None
    name: OneLine = Field(max_length=500)
    specification: MultiLine | None = Field(None, max_length=DESCRIPTION_MAX)
    quantity: Count
    unit_code: PlainCode | None = None
    delivery_kabkota_code: RegionCode | None = None
    needed_by: IsoDate | None = None
    hps: int | None = Field(
        None, ge=0, le=MAX_RUPIAH, description="HPS of the whole line, minor units of the RFQ's currency."
    )

    def data(self) -> RfqLineData:
        return RfqLineData(**self.model_dump())


class RfqIn(BaseModel):
    """A draft RFQ made from a need. Lines left out: every line of the need (its budget as the HPS);
    suppliers left out: those shortlisted on any line of the need."""

    title: OneLine = Field(max_length=500)
    description: MultiLine | None = Field(None, max_length=DESCRIPTION_MAX)
    deadline: IsoDateTime = Field(
        description="When quotes close, with its offset: 2026-03-31T14:00:00+07:00."
    )
    lines: list[RfqLineIn] | None = Field(None, min_length=1, max_length=MAX_LINES)
    supplier_ids: list[Id] | None = Field(None, max_length=MAX_SUPPLIERS, description="Suppliers to invite.")
    published: bool = Field(False, description="Also open it to every supplier the matcher finds eligible.")
    currency: Currency = "IDR"
    idr_rate: Decimal | None = Field(
        None, gt=0, max_digits=18, decimal_places=4, description="Rupiah per USD (USD RFQs)."
    )
    idr_rate_date: IsoDate | None = Field(None, description="The day of that rate (USD RFQs).")
    incoterm: Incoterm | None = Field(None, description="An Incoterms 2020 rule.")
    incoterm_place: OneLine | None = Field(None, max_length=200, description="Its named place.")

    def data(self, lines: list[RfqLineData], supplier_ids: list[int]) -> RfqData:
        return RfqData(
            title=self.title,
            deadline=self.deadline,
            lines=lines,
            description=self.description,
            published=self.published,
            supplier_ids=supplier_ids,
            currency=self.currency,
            idr_rate=self.idr_rate,
            idr_rate_date=self.idr_rate_date,
            incoterm=self.incoterm,
            incoterm_place=self.incoterm_place,
        )


class VersionIn(BaseModel):
    version: Version | None = Field(None, description=VERSION_HELP)


class InviteIn(BaseModel):
    supplier_ids: list[Id] = Field(min_length=1, max_length=MAX_SUPPLIERS)


class AmendedLineIn(BaseModel):
    id: Id = Field(description="The RFQ line's id.")
    quantity: Count | None = Field(None, description="The new quantity; left out: unchanged.")
    specification: MultiLine | None = Field(None, max_length=DESCRIPTION_MAX)
    clear_specification: bool = Field(False, description="Remove the line's specification.")


class AmendIn(BaseModel):
    reason: MultiLine = Field(min_length=1, max_length=DESCRIPTION_MAX, description="Shown to the suppliers.")
    deadline: IsoDateTime | None = Field(None, description="A later deadline; left out: unchanged.")
    lines: list[AmendedLineIn] = Field(default_factory=list, max_length=MAX_LINES)
    version: Version | None = Field(None, description=VERSION_HELP)

    def data(self) -> AmendmentData:
        specifications: dict[int, str | None] = {}
        for line in self.lines:
            if line.clear_specification:
                specifications[line.id] = None
            elif line.specification is not None:
                specifications[line.id] = line.specification
        return AmendmentData(
            reason=self.reason,
            deadline=self.deadline,
            quantities={line.id: line.quantity for line in self.lines if line.quantity is not None},
            specifications=specifications,
        )


class CancelIn(BaseModel):
    reason: MultiLine = Field(min_length=1, max_length=DESCRIPTION_MAX, description="Told to the suppliers.")
    version: Version | None = Field(None, description=VERSION_HELP)


class QuestionIn(BaseModel):
    question: MultiLine = Field(min_length=1, max_length=DESCRIPTION_MAX)


class AnswerIn(BaseModel):
    answer: MultiLine = Field(min_length=1, max_length=DESCRIPTION_MAX)


class QuoteLineIn(BaseModel):
    rfq_line_id: Id
    unit_price: int = Field(ge=0, le=MAX_RUPIAH, description="Minor units of the RFQ's currency.")
    quantity: Count = Field(description="At most the line's quantity (part of it is fine).")
    lead_time_days: int = Field(ge=0, le=quotes.MAX_LEAD_DAYS)
    notes: MultiLine | None = Field(None, max_length=quotes.NOTES_MAX)


class ValidityIn(BaseModel):
    valid_until: IsoDate = Field(
        description="The quote's new last valid day: later than the current one, at most "
        f"{quotes.MAX_VALIDITY_DAYS} days from today."
    )
    version: Version | None = Field(
        None, description="Your quote's version as you read it; a change made meanwhile is refused with 409."
    )


class QuoteIn(BaseModel):
    lines: list[QuoteLineIn] = Field(min_length=1, max_length=MAX_LINES)
    valid_until: IsoDate = Field(description="The quote holds at least until the deadline's day.")
    notes: MultiLine | None = Field(None, max_length=quotes.NOTES_MAX)
    version: Version | None = Field(
        None,
        description="Your quote's version as you read it; when given, a change made meanwhile (another window) is "
        "refused with 409.",
    )

    def data(self) -> QuoteData:
        return QuoteData(
            lines=[
                QuoteLineData(
                    rfq_line_id=line.rfq_line_id,
                    unit_price=line.unit_price,
                    quantity=line.quantity,
                    lead_time_days=line.lead_time_days,
                    notes=line.notes,
                )
                for line in self.lines
            ],
            valid_until=self.valid_until,
            notes=self.notes,
        )


# --- answers ---------------------------------------------------------------------------------------------


class RfqLineOut(BaseModel):
    id: int
    line_no: int
    need_line_id: int | None
    name: str
    specification: str | None
    quantity: int
    unit_code: str | None
    delivery_kabkota_code: str | None
    needed_by: dt.date | None
    awarded_quantity: int
    status: str


class BuyerLineOut(RfqLineOut):
    hps: int | None = Field(description="The buyer's estimate for the whole line, minor units of `currency`.")


class AmendmentOut(BaseModel):
    revision: int
    reason: str
    previous_deadline: dt.datetime
    deadline: dt.datetime
    made_at: dt.datetime


class InvitationOut(BaseModel):
    supplier_id: int
    supplier_name: str | None
    source: str = Field(description="invited (by name) or eligible (found when published)")
    invited_at: dt.datetime
    declined: bool = Field(description="The supplier said it will not quote.")


class QuestionOut(BaseModel):
    """A clarification and its answer, as every invitee sees it: never who asked."""

    id: int
    question: str
    asked_at: dt.datetime
    answer: str | None
    answered_at: dt.datetime | None


class _RfqBase(BaseModel):
    id: int
    number: str
    title: str
    description: str | None
    status: str
    status_label: str = Field(description="The status in words, in the client's language.")
    deadline: dt.datetime
    revision: int = Field(description="The amendment in force (1 until amended).")
    currency: str
    idr_rate: Decimal | None = Field(description="Rupiah per unit of `currency` (USD), a decimal as text.")
    idr_rate_date: dt.date | None
    incoterm: str | None
    incoterm_place: str | None
    published: bool
    sent_at: dt.datetime | None
    closed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    cancel_reason: str | None
    amendments: list[AmendmentOut]


class RfqOut(_RfqBase):
    """An RFQ as its buyer sees it. Before the deadline only ``quote_count`` says anything of the quotes."""

    need_id: int | None
    created_at: dt.datetime
    awarded_at: dt.datetime | None
    approval_above: int = Field(description="Awards above this many whole Rupiah wait for an approver.")
    version: int = Field(description="Bumped by every change; send it back to refuse acting on a stale read.")
    quote_count: int = Field(description="How many quotes are in (submitted, not withdrawn).")
    sealed: bool = Field(description="True until the deadline passed: the quotes cannot be read yet.")
    lines: list[BuyerLineOut]
    invitations: list[InvitationOut]


class RfqSummaryOut(BaseModel):
    id: int
    number: str
    title: str
    status: str
    status_label: str
    deadline: dt.datetime
    currency: str
    published: bool
    created_at: dt.datetime
    quote_count: int


class InvitationSummaryOut(BaseModel):
    rfq_id: int
    number: str
    title: str
    buyer: str | None
    status: str
    status_label: str
    deadline: dt.datetime
    currency: str


class InvitationDetailOut(_RfqBase):
    """An RFQ as an invited supplier sees it: the lines, the amendments and the clarifications."""

    buyer: str | None
    open_for_quotes: bool
    lines: list[RfqLineOut]
    questions: list[QuestionOut]


class QuoteLineOut(BaseModel):
    rfq_line_id: int
    unit_price: int = Field(description="Minor units of `currency`.")
    quantity: int
    lead_time_days: int
    notes: str | None


class QuoteOut(BaseModel):
    """A quote (its current revision) as its buyer reads it after the deadline."""

    id: int
    supplier_id: int
    supplier_name: str | None
    status: str
    revision: int
    rfq_revision: int = Field(description="The RFQ revision it answers.")
    to_confirm: bool = Field(description="Given before the RFQ's latest amendment and not revised since.")
    currency: str
    valid_until: dt.date
    notes: str | None
    submitted_at: dt.datetime
    updated_at: dt.datetime
    lines: list[QuoteLineOut]


class QuotesOut(BaseModel):
    rfq_id: int
    currency: str
    items: list[QuoteOut]


class RevisionOut(BaseModel):
    revision: int
    lines: list[QuoteLineOut]


class OwnQuoteOut(BaseModel):
    """The supplier's own quote: its current revision, and every revision newest first."""

    id: int
    rfq_id: int
    status: str
    status_label: str
    revision: int
    rfq_revision: int
    to_confirm: bool
    currency: str
    valid_until: dt.date
    notes: str | None
    submitted_at: dt.datetime
    updated_at: dt.datetime
    version: int = Field(description="Send it back with a change to refuse overwriting another window's.")
    lines: list[QuoteLineOut]
    revisions: list[RevisionOut]


# --- awards ----------------------------------------------------------------------------------------------


class AwardPartIn(BaseModel):
    rfq_line_id: Id
    supplier_id: Id
    quantity: Count


class AwardIn(BaseModel):
    """An award, whole or split: each part gives a quantity of a line to a supplier who quoted it."""

    parts: list[AwardPartIn] = Field(min_length=1, max_length=1000)
    exception_reason: MultiLine | None = Field(
        None,
        max_length=DESCRIPTION_MAX,
        description="Why the award departs from the UMKM reservation rule (the approver decides on it).",
    )


class RejectIn(BaseModel):
    reason: MultiLine = Field(min_length=1, max_length=DESCRIPTION_MAX, description="The officer is told.")
    version: Version | None = Field(None, description="The award's version as you read it.")


class AwardVersionIn(BaseModel):
    version: Version | None = Field(None, description="The award's version as you read it.")


class AwardLineOut(BaseModel):
    line_no: int
    line_name: str
    supplier_id: int
    supplier_name: str
    quantity: int
    unit_price: int = Field(description="Minor units of `currency`.")
    amount: int = Field(description="Minor units of `currency`.")


class AwardOut(BaseModel):
    id: int
    rfq_id: int
    status: str = Field(description="pending_approval, approved or rejected")
    status_label: str
    needs_approval: bool
    currency: str
    total: int = Field(description="Minor units of `currency`.")
    total_idr: int = Field(description="Whole Rupiah.")
    package_value_idr: int = Field(
        description="The package the reservation rule was checked on, whole Rupiah."
    )
    reservation_note: str | None
    exception_reason: str | None
    decided_at: dt.datetime
    approved_at: dt.datetime | None
    rejection_reason: str | None
    version: int
    lines: list[AwardLineOut]


class ApprovalOut(AwardOut):
    """An award waiting for the caller's approval, with the RFQ it decides."""

    rfq_number: str
    rfq_title: str


class WonOut(BaseModel):
    line_no: int
    name: str
    quantity: int
    unit_price: int = Field(description="Minor units of `currency`.")


class LostOut(BaseModel):
    line_no: int
    name: str
    reason: str = Field(description="Why another offer won, in the client's language.")


class OutcomeOut(BaseModel):
    """What the caller's supplier won of the RFQ's approved awards, and why it lost the other lines it
    quoted; ``decided`` is false until an award is approved."""

    rfq_id: int
    decided: bool
    currency: str
    won: list[WonOut]
    lost: list[LostOut]


# --- the comparison ---------------------------------------------------------------------------------------


class CellOut(BaseModel):
    supplier_id: int
    supplier_name: str
    quote_id: int
    quote_revision: int
    unit_price: int = Field(description="Minor units of `currency`.")
    quantity: int
    amount: int = Field(description="Minor units of `currency`.")
    amount_idr: int = Field(description="Whole Rupiah.")
    lead_time_days: int
    deviation_pct: Decimal | None = Field(description="From the HPS per unit, percent (negative: below).")
    is_lowest: bool
    to_confirm: bool
    notes: str | None


class ComparedLineOut(BaseModel):
    id: int
    line_no: int
    name: str
    quantity: int
    unit_code: str | None
    hps: int | None
    hps_unit_price: Decimal | None
    lowest_unit_price: int | None
    awarded_quantity: int
    cells: list[CellOut]


class CertificateOut(BaseModel):
    type_code: str
    name: str
    number: str
    valid_until: dt.date | None
    verified: bool
    export_relevant: bool


class TrackRecordOut(BaseModel):
    awards_won: int
    orders_completed: int
    orders_on_time: int
    on_time_pct: int | None
    rantai_awards: int
    rantai_awarded_idr: int
    newcomer: bool


class ComparedSupplierOut(BaseModel):
    supplier_id: int
    name: str
    nib: str | None
    size_class: str | None
    kabkota_code: str | None
    kabkota_name: str | None
    kbli_codes: list[str]
    capacity_per_month: int | None
    certificates: list[CertificateOut]
    track_record: TrackRecordOut
    match_reasons: list[str] = Field(description="Why it fits, in the client's language.")
    quote_id: int
    quote_revision: int
    valid_until: dt.date
    notes: str | None
    to_confirm: bool
    lines_quoted: int
    total: int = Field(description="Minor units of `currency`.")
    total_idr: int = Field(description="Whole Rupiah.")


class ComparisonOut(BaseModel):
    rfq_id: int
    currency: str
    idr_rate: Decimal | None
    made_at: dt.datetime
    lines: list[ComparedLineOut]
    suppliers: list[ComparedSupplierOut]


class ExportOut(BaseModel):
    """A comparison workbook being made by a job: fetch ``url`` until it answers with the file."""

    job_id: int
    status: str = Field(description="queued, running, done or failed (failed: ask for a new one)")
    url: str
