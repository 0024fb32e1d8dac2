"""API: the comparison of an RFQ's quotes after the deadline (issue #11 item 3), as JSON and as the XLSX
workbook of ``rantai.sourcing.rfq.export`` (made at once when small, else by a durable job whose file is
fetched when done). Before the deadline everything here answers 403 ``quote-sealed``; ``compare`` and
``finished_export`` decide who may read (the RFQ's buyer), the endpoints only shape the answer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from sqlalchemy.orm import Session

from rantai.api.problems import api_locale, problem_responses
from rantai.api.v1.deps import ApiCaller, api_caller
from rantai.api.v1.rfq_models import (
    CellOut,
    CertificateOut,
    ComparedLineOut,
    ComparedSupplierOut,
    ComparisonOut,
    ExportOut,
    TrackRecordOut,
)
from rantai.api.v1.rfqs import RATE_PLACES
from rantai.api.v1.types import PathId
from rantai.db import all_or_nothing
from rantai.http import DbSession, get_settings_dep
from rantai.i18n import translate
from rantai.jobs.models import Job
from rantai.kit.errors import Conflict, Gone
from rantai.kit.text import N_
from rantai.settings import Settings
from rantai.sourcing.rfq import export, service
from rantai.sourcing.rfq.comparison import compare
from rantai.sourcing.rfq.models import Rfq

router = APIRouter(tags=["rfqs"], responses=problem_responses(400, 403, 404, 409))

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MSG_TOO_LARGE = N_(
    "This comparison has %(rows)s rows, too many to make the workbook during a request. Ask for it with "
    "POST %(path)s and fetch it when its job is done."
)
MSG_EXPIRED = N_(
    "This workbook was removed %(days)s days after it was made. Ask for a new one with POST %(path)s."
)
_WORKBOOK: dict[int | str, dict[str, Any]] = {
    200: {"content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}
}


def _workbook(rfq: Rfq, data: bytes) -> Response:
    name = f"{rfq.number.replace('/', '-')}-comparison.xlsx"  # RFQ/2026/000001: ASCII, no quotes
    return Response(data, media_type=XLSX, headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _export_out(rfq: Rfq, job: Job, status: str) -> ExportOut:
    return ExportOut(
        job_id=job.id,
        status=status,
        url=f"/api/v1/rfqs/{rfq.id}/comparison/exports/{job.id}",
    )


@router.get(
    "/rfqs/{rfq_id}/comparison",
    response_model=ComparisonOut,
    summary="Lines x suppliers after the deadline: prices, the lowest, lead times, HPS deviation, track record",
)
def comparison(
    rfq_id: PathId, request: Request, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> ComparisonOut:
    rfq = service.get_rfq(db, actor=caller.actor, rfq_id=rfq_id)
    compared = compare(db, actor=caller.actor, rfq=rfq)
    locale = api_locale(request)
    return ComparisonOut(
        rfq_id=rfq.id,
        currency=compared.currency,
        idr_rate=None if compared.idr_rate is None else Decimal(compared.idr_rate).quantize(RATE_PLACES),
        made_at=compared.made_at,
        lines=[
            ComparedLineOut(
                id=row.line.id,
                line_no=row.line.line_no,
                name=row.line.name,
                quantity=row.line.quantity,
                unit_code=row.line.unit_code,
                hps=row.line.hps,
                hps_unit_price=row.hps_unit_price,
                lowest_unit_price=row.lowest_unit_price,
                awarded_quantity=row.line.awarded_quantity,
                cells=[
                    CellOut(
                        supplier_id=cell.supplier_id,
                        supplier_name=cell.supplier_name,
                        quote_id=cell.quote_id,
                        quote_revision=cell.quote_revision,
                        unit_price=cell.unit_price,
                        quantity=cell.quantity,
                        amount=cell.amount,
                        amount_idr=cell.amount_idr,
                        lead_time_days=cell.lead_time_days,
                        deviation_pct=cell.deviation_pct,
                        is_lowest=cell.is_lowest,
                        to_confirm=cell.to_confirm,
                        notes=cell.notes,
                    )
                    for cell in row.cells
                ],
            )
            for row in compared.lines
        ],
        suppliers=[
            ComparedSupplierOut(
                supplier_id=s.supplier_id,
                name=s.name,
                nib=s.nib,
                size_class=s.size_class,
                kabkota_code=s.kabkota_code,
                kabkota_name=s.kabkota_name,
                kbli_codes=list(s.kbli_codes),
                capacity_per_month=s.capacity_per_month,
                certificates=[
                    CertificateOut(
                        type_code=c.type_code,
                        name=c.name_en if locale == "en" else c.name_id,
                        number=c.number,
                        valid_until=c.valid_until,
                        verified=c.verified,
                        export_relevant=c.export_relevant,
                    )
                    for c in s.certificates
                ],
                track_record=TrackRecordOut(
                    awards_won=s.track_record.awards_won,
                    orders_completed=s.track_record.orders_completed,
                    orders_on_time=s.track_record.orders_on_time,
                    on_time_pct=s.track_record.on_time_pct,
                    rantai_awards=s.track_record.rantai_awards,
                    rantai_awarded_idr=s.track_record.rantai_awarded_idr,
                    newcomer=s.track_record.newcomer,
                ),
                match_reasons=[translate(locale, r.message, **r.params) for r in s.match_reasons],
                quote_id=s.quote_id,
                quote_revision=s.quote_revision,
                valid_until=s.valid_until,
                notes=s.notes,
                to_confirm=s.to_confirm,
                lines_quoted=s.lines_quoted,
                total=s.total,
                total_idr=s.total_idr,
            )
            for s in compared.suppliers
        ],
    )


@router.get(
    "/rfqs/{rfq_id}/comparison.xlsx",
    response_class=Response,
    responses=_WORKBOOK,
    summary="The comparison as an XLSX workbook (one row per line and supplier), when small enough",
)
def comparison_workbook(
    rfq_id: PathId, request: Request, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> Response:
    rfq = service.get_rfq(db, actor=caller.actor, rfq_id=rfq_id)
    compared = compare(db, actor=caller.actor, rfq=rfq)
    if compared.rows > export.EXPORT_NOW_MAX_ROWS:
        path = f"/api/v1/rfqs/{rfq.id}/comparison/exports"
        raise Conflict(MSG_TOO_LARGE, rows=compared.rows, path=path)
    return _workbook(rfq, export.comparison_xlsx(compared, api_locale(request)))


@router.post(
    "/rfqs/{rfq_id}/comparison/exports",
    response_class=Response,
    responses={
        **_WORKBOOK,
        202: {
            "description": "Too large to make now: a job makes it; fetch `url` until it is done.",
            "model": ExportOut,
        },
    },
    summary="The workbook now (200), or a job that makes a large one (202)",
)
def export_comparison(
    rfq_id: PathId, request: Request, caller: ApiCaller = Depends(api_caller), db: Session = DbSession
) -> Response:
    rfq = service.get_rfq(db, actor=caller.actor, rfq_id=rfq_id)
    with all_or_nothing(db):
        made = export.export_now_or_later(
            db,
            actor=caller.actor,
            rfq=rfq,
            locale=api_locale(request),
            now_max_rows=export.EXPORT_NOW_MAX_ROWS,
        )
    if isinstance(made, bytes):
        return _workbook(rfq, made)
    out = _export_out(rfq, made, made.status)
    return JSONResponse(out.model_dump(), status_code=202, headers={"Location": out.url})


@router.get(
    "/rfqs/{rfq_id}/comparison/exports/{job_id}",
    response_class=Response,
    responses={
        **_WORKBOOK,
        202: {
            "description": "Not ready: `status` is queued or running (or failed: ask again).",
            "model": ExportOut,
        },
        **problem_responses(410),
    },
    summary="A prepared workbook (200) once its job is done; its job's state before (202) or after (410)",
)
def exported_comparison(
    rfq_id: PathId,
    job_id: PathId,
    caller: ApiCaller = Depends(api_caller),
    db: Session = DbSession,
    settings: Settings = Depends(get_settings_dep),
) -> Response:
    rfq = service.get_rfq(db, actor=caller.actor, rfq_id=rfq_id)
    state = export.finished_export(db, actor=caller.actor, rfq=rfq, job_id=job_id, data_dir=settings.data_dir)
    if state.path is not None:
        name = f"{rfq.number.replace('/', '-')}-comparison.xlsx"
        return FileResponse(state.path, media_type=XLSX, filename=name)
    if state.status == export.EXPIRED:
        raise Gone(
            MSG_EXPIRED, days=export.EXPORT_KEEP.days, path=f"/api/v1/rfqs/{rfq.id}/comparison/exports"
        )
    return JSONResponse(_export_out(rfq, state.job, state.status).model_dump(), status_code=202)
