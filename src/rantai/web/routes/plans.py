"""Importing a procurement plan file (RUP lines as CSV or XLSX) as draft needs, and its template.
Routes parse and render; `rantai.sourcing.plan_file` checks and writes.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.db import all_or_nothing
from rantai.kit.errors import UserError
from rantai.kit.text import N_
from rantai.settings import Settings
from rantai.sourcing import plan_file
from rantai.sourcing.errors import NeedInvalid
from rantai.tabular.reading import open_table
from rantai.tabular.templates import write_template_csv, write_template_xlsx
from rantai.web.forms import PostedForm, chosen_file, read_upload
from rantai.web.requestctx import DbSession, Viewer, get_settings_dep
from rantai.web.routes.needs import NeedCreator, error_text
from rantai.web.templating import render

router = APIRouter(prefix="/needs")

MAX_SHOWN_ERRORS = 200
MSG_PLAN_SUFFIX = N_("Upload a .csv or .xlsx file; '%(name)s' is neither.")
MSG_PLAN_TOO_LARGE = N_("The file is larger than %(max)s MB; split it into smaller files.")
MSG_NO_PLAN_FILE = N_("Choose the file to import (CSV or XLSX).")
# --- plan files -----------------------------------------------------------------------------------


def _import_page(
    request: Request,
    viewer: Viewer,
    *,
    report: plan_file.PlanReport | None = None,
    file_name: str = "",
    error: UserError | None = None,
) -> Response:
    problems = report.errors if report else []
    warnings = report.warnings if report else []

    def rows(items: list[Any]) -> list[tuple[int, str, str, str]]:
        return [(e.row, e.column, e.value, viewer._(e.message, **e.params)) for e in items[:MAX_SHOWN_ERRORS]]

    status = error.status_code if error else (422 if problems else 200)
    return render(
        request,
        "needs/import.html",
        viewer,
        {
            "report": report,
            "file_name": file_name,
            "problems": rows(problems),
            "problem_count": len(problems),
            "warnings": rows(warnings),
            "error": error_text(viewer, error),
            "field": error.field if error else None,
        },
        status_code=status,
    )


@router.get("/import")
def import_page(request: Request, viewer: Viewer = NeedCreator) -> Response:
    return _import_page(request, viewer)


@router.get("/import/template.{fmt}")
def plan_template(fmt: str, viewer: Viewer = NeedCreator) -> Response:
    out = io.BytesIO()
    if fmt == "csv":
        write_template_csv(plan_file.PLAN, out)
        media = "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        write_template_xlsx(plan_file.PLAN, out, translate=lambda m, p: viewer._(m, **p))
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        return Response(status_code=404)
    return Response(
        out.getvalue(),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="rencana_pengadaan.{fmt}"'},
    )


@router.post("/import")
def import_upload(
    request: Request,
    db: Session = DbSession,
    viewer: Viewer = NeedCreator,
    settings: Settings = Depends(get_settings_dep),
    posted: FormData = PostedForm,
) -> Response:
    upload = chosen_file(posted, "file")
    name = ""
    try:
        with all_or_nothing(db):
            if upload is None or not upload.filename:
                raise NeedInvalid(MSG_NO_PLAN_FILE, field="file")
            name = Path(upload.filename).name
            if Path(name).suffix.lower() not in (".csv", ".xlsx", ".txt"):
                raise NeedInvalid(MSG_PLAN_SUFFIX, field="file", name=name)
            limit = settings.max_upload_mb * 1024 * 1024
            data = read_upload(upload, limit + 1)
            if len(data) > limit:
                raise NeedInvalid(MSG_PLAN_TOO_LARGE, field="file", max=settings.max_upload_mb)
            with open_table(io.BytesIO(data), filename=name) as table:
                report = plan_file.import_plan(
                    db, table, actor=viewer.current_actor, organization_id=viewer.current_org.id
                )
    except UserError as exc:
        return _import_page(request, viewer, file_name=name, error=exc)
    if report.errors:  # import_plan writes nothing when a row is bad
        return _import_page(request, viewer, report=report, file_name=name)
    return RedirectResponse(f"/needs?imported={report.created}", status_code=303)
