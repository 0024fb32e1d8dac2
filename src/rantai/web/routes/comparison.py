"""The buyer's comparison of an RFQ's quotes after the deadline (issue #11): lines x suppliers, the
lowest price marked, deviations from the HPS, quotes to confirm; and its XLSX export (at once when small,
else a durable job whose file is served when done). Before the deadline the page says the quotes are
sealed. Routes parse and render; ``rfq.comparison`` and ``rfq.export`` decide and the policy authorizes.
"""

from __future__ import annotations

from math import ceil

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.db import all_or_nothing
from rantai.kit import clock
from rantai.kit.pagination import MAX_PAGE, Page
from rantai.settings import Settings
from rantai.sourcing.rfq import comparison, export, service
from rantai.sourcing.rfq.errors import QuoteSealed
from rantai.sourcing.rfq.models import Rfq
from rantai.sourcing.rfq.state import RfqStatus
from rantai.web.auth import require_viewer
from rantai.web.downloads import content_disposition
from rantai.web.requestctx import DbSession, Viewer, get_settings_dep
from rantai.web.routes.needs import error_text
from rantai.web.templating import render

router = APIRouter(prefix="/rfqs")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The page shows this many suppliers' columns at a time (the lowest price of a line is marked over all of
# them): 200 quotes side by side read as nothing on any screen, and drew 10,000 cells.
SUPPLIERS_PER_PAGE = 10


def _file_name(rfq: Rfq) -> str:
    return f"{rfq.number.replace('/', '-')}-comparison.xlsx"


@router.get("/{rfq_id:id}/comparison")
def page(
    request: Request,
    rfq_id: int,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
) -> Response:
    rfq = service.get_rfq(db, actor=viewer.actor, rfq_id=rfq_id)
    try:
        compared = comparison.compare(db, actor=viewer.actor, rfq=rfq)
    except QuoteSealed as sealed:
        return render(
            request,
            "rfqs/comparison.html",
            viewer,
            {"rfq": rfq, "sealed": error_text(viewer, sealed)},
            status_code=sealed.status_code,
        )
    total = len(compared.suppliers)
    current = min(page, max(1, ceil(total / SUPPLIERS_PER_PAGE)))  # past the last page: the last one
    start = (current - 1) * SUPPLIERS_PER_PAGE
    columns = compared.suppliers[start : start + SUPPLIERS_PER_PAGE]
    shown = Page(columns, total, current, SUPPLIERS_PER_PAGE)
    grid = [
        (line, [{c.supplier_id: c for c in line.cells}.get(s.supplier_id) for s in columns])
        for line in compared.lines
    ]
    return render(
        request,
        "rfqs/comparison.html",
        viewer,
        {
            "rfq": rfq,
            "status_label": RfqStatus(rfq.status).label,
            "comparison": compared,
            "grid": grid,
            "columns": shown,
            "first": start + 1,
            "large": compared.rows > export.EXPORT_NOW_MAX_ROWS,
            "today": clock.today(),
            "describe": lambda reason: viewer._(reason.message, **reason.params),
        },
    )


@router.get("/{rfq_id:id}/comparison.xlsx")
def workbook(rfq_id: int, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)) -> Response:
    """The workbook at once; one too large to make during a request is made by the worker instead
    (the comparison page's "Prepare the workbook" button)."""
    rfq = service.get_rfq(db, actor=viewer.actor, rfq_id=rfq_id)
    compared = comparison.compare(db, actor=viewer.actor, rfq=rfq)
    if compared.rows > export.EXPORT_NOW_MAX_ROWS:
        return RedirectResponse(f"/rfqs/{rfq_id}/comparison#export", status_code=303)
    return Response(
        export.comparison_xlsx(compared, viewer.locale),
        media_type=XLSX,
        headers={"Content-Disposition": content_disposition("attachment", _file_name(rfq))},
    )


@router.post("/{rfq_id:id}/comparison/export")
def prepare(rfq_id: int, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)) -> Response:
    rfq = service.get_rfq(db, actor=viewer.actor, rfq_id=rfq_id)
    with all_or_nothing(db):
        made = export.export_now_or_later(
            db, actor=viewer.actor, rfq=rfq, locale=viewer.locale, now_max_rows=export.EXPORT_NOW_MAX_ROWS
        )
    if isinstance(made, bytes):
        return Response(
            made,
            media_type=XLSX,
            headers={"Content-Disposition": content_disposition("attachment", _file_name(rfq))},
        )
    return RedirectResponse(f"/rfqs/{rfq_id}/comparison/export/{made.id}", status_code=303)


@router.get("/{rfq_id:id}/comparison/export/{job_id:id}")
def prepared(
    request: Request,
    rfq_id: int,
    job_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    settings: Settings = Depends(get_settings_dep),
) -> Response:
    rfq = service.get_rfq(db, actor=viewer.actor, rfq_id=rfq_id)
    state = export.finished_export(db, actor=viewer.actor, rfq=rfq, job_id=job_id, data_dir=settings.data_dir)
    if state.path is not None:
        return FileResponse(
            state.path,
            media_type=XLSX,
            headers={"Content-Disposition": content_disposition("attachment", _file_name(rfq))},
        )
    return render(
        request,
        "rfqs/export_job.html",
        viewer,
        {"rfq": rfq, "state": state, "keep_days": export.EXPORT_KEEP.days},
    )
