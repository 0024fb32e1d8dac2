"""Bulk import pages: templates to download, an upload form, and a job page with live progress."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

import rantai.web.paths  # noqa: F401 - registers the {name:id} path convertor
from rantai.catalog import import_jobs
from rantai.catalog.import_file import PRODUCTS
from rantai.identity.policy import import_kinds
from rantai.kit.errors import Forbidden, Invalid, NotFound, UserError
from rantai.kit.text import N_, ascii_digits
from rantai.settings import Settings
from rantai.suppliers import repository
from rantai.suppliers.import_file import SUPPLIERS
from rantai.suppliers.models import ImportJob
from rantai.tabular.batches import ImportMode
from rantai.tabular.records import RowError
from rantai.tabular.report import write_report_xlsx
from rantai.tabular.templates import write_template_csv, write_template_xlsx
from rantai.web.auth import require_viewer
from rantai.web.forms import PostedForm, chosen_file, text_fields
from rantai.web.requestctx import DbSession, Viewer, get_settings_dep
from rantai.web.templating import render

router = APIRouter(prefix="/imports")
SPECS = {"suppliers": SUPPLIERS, "products": PRODUCTS}
MSG_NO_RIGHT = N_("Your role does not allow imports. Ask your organization's administrator.")
MSG_JOB_NOT_FOUND = N_("There is no such import.")


def _kinds(viewer: Viewer) -> list[str]:
    return list(import_kinds(viewer.actor, viewer.current_org.id))


def _page(
    request: Request, viewer: Viewer, *, error: UserError | None = None, values: dict[str, str] | None = None
) -> Response:
    kinds = _kinds(viewer)
    if not kinds:
        raise Forbidden(MSG_NO_RIGHT)
    return render(
        request,
        "imports/index.html",
        viewer,
        {
            "kinds": kinds,
            "values": values or {"kind": kinds[0], "mode": ImportMode.VALID_ROWS.value},
            "error": viewer._(error.message, **error.params) if error else None,
            "field": error.field if error else None,
        },
        status_code=error.status_code if error else 200,
    )


@router.get("")
def index(request: Request, viewer: Viewer = Depends(require_viewer)) -> Response:
    return _page(request, viewer)


@router.get("/template/{kind}.{fmt}")
def template(kind: str, fmt: str, viewer: Viewer = Depends(require_viewer)) -> Response:
    spec = SPECS.get(kind)
    if spec is None or fmt not in ("csv", "xlsx"):
        raise NotFound(N_("There is no such template."))
    out = io.BytesIO()
    if fmt == "csv":
        write_template_csv(spec, out)
        media = "text/csv; charset=utf-8"
    else:
        write_template_xlsx(spec, out, translate=lambda m, p: viewer._(m, **p))
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return Response(
        out.getvalue(),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="template_{kind}.{fmt}"'},
    )


@router.post("")
def upload(
    request: Request,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    settings: Settings = Depends(get_settings_dep),
    posted: FormData = PostedForm,
) -> Response:
    values = text_fields(posted)
    file = chosen_file(posted, "file")
    try:
        kind = values.get("kind", "")
        if kind not in _kinds(viewer):
            raise Invalid(N_("Choose what the file holds: suppliers or products."), field="kind")
        mode = ImportMode(values.get("mode") or ImportMode.VALID_ROWS.value)
        if file is None or not file.filename:
            raise Invalid(N_("Choose the file to import (CSV or XLSX)."), field="file")
        name = Path(file.filename).name
        suffix = Path(name).suffix.lower()
        if suffix not in (".csv", ".xlsx", ".txt"):
            raise Invalid(N_("Upload a .csv or .xlsx file; '%(name)s' is neither."), field="file", name=name)
        key = f"{uuid.uuid4().hex}{suffix}"
        target = import_jobs.uploads_dir(settings.data_dir) / key
        size, limit = 0, settings.max_upload_mb * 1024 * 1024
        file.file.seek(0)
        with target.open("wb") as out:
            while chunk := file.file.read(1 << 20):
                size += len(chunk)
                if size > limit:
                    break
                out.write(chunk)
        if size > limit:
            target.unlink(missing_ok=True)
            raise Invalid(
                N_("The file is larger than %(max)s MB; split it into smaller files."),
                field="file",
                max=settings.max_upload_mb,
            )
    except (UserError, ValueError) as exc:
        error = (
            exc
            if isinstance(exc, UserError)
            else Invalid(N_("Choose an import mode from the list."), field="mode")
        )
        return _page(request, viewer, error=error, values=values)
    # The import's row and its durable job; the worker gets it when this request's transaction commits.
    job = import_jobs.create_job(
        db,
        kind=kind,
        mode=mode,
        file_name=name,
        file_key=key,
        organization_id=viewer.current_org.id,
        user_id=viewer.current_user.id,
        locale=viewer.locale,
    )
    return RedirectResponse(f"/imports/{job.id}", status_code=303)


def _job(db: Session, viewer: Viewer, job_id: int) -> ImportJob:
    # Only a job of the active organization: another organization's job is reported as missing.
    job = repository.readable_import_job(db, viewer.current_actor.within(viewer.current_org.id), job_id)
    if job is None:
        raise NotFound(MSG_JOB_NOT_FOUND)
    return job


@router.get("/{job_id:id}")
def job_page(
    request: Request,
    job_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    settings: Settings = Depends(get_settings_dep),
) -> Response:
    job = _job(db, viewer, job_id)
    template = "imports/_progress.html" if request.headers.get("hx-request") == "true" else "imports/job.html"
    return render(
        request, template, viewer, {"job": job, "rows": import_jobs.read_progress(settings.data_dir, job.id)}
    )


@router.get("/{job_id:id}/errors.csv")
def errors(
    job_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    settings: Settings = Depends(get_settings_dep),
) -> Response:
    job = _job(db, viewer, job_id)
    if not job.errors_key:
        raise NotFound(N_("This import has no error report."))
    return FileResponse(
        import_jobs.errors_path(settings.data_dir, job.id),
        filename=f"import-{job.id}-errors.csv",
        media_type="text/csv",
    )


@router.get("/{job_id:id}/errors.xlsx")
def errors_xlsx(
    job_id: int,
    db: Session = DbSession,
    viewer: Viewer = Depends(require_viewer),
    settings: Settings = Depends(get_settings_dep),
) -> Response:
    """The same report as a workbook, rebuilt from the stored (already translated) CSV."""
    job = _job(db, viewer, job_id)
    if not job.errors_key:
        raise NotFound(N_("This import has no error report."))
    text = import_jobs.errors_path(settings.data_dir, job.id).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))[1:]
    problems = [
        RowError(int(r[0]), r[1], r[2].removeprefix("'"), r[3])
        for r in rows
        if len(r) >= 4 and ascii_digits(r[0]) and len(r[0]) <= 9
    ]
    out = io.BytesIO()
    write_report_xlsx(problems, out, translate=lambda message, _params: message)
    return Response(
        out.getvalue(),
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="import-{job.id}-errors.xlsx"'},
    )
