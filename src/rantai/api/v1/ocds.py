"""API: the open data as OCDS 1.1.5 (issue #15), public like the transparency page: release and record
packages paged by contracting process (page ``k`` holds what ``rantai export ocds`` writes in file ``k``
at the same page size), and Rantai's OCDS extension that every package declares. Nothing personal is in
them (rantai.ocds.mapping, docs/ocds.md)."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Path
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session

from rantai.analytics import open_data
from rantai.api.problems import problem_responses
from rantai.api.v1.deps import page_request
from rantai.http import DbSession, get_settings_dep
from rantai.kit.clock import now
from rantai.kit.errors import NotFound
from rantai.kit.pagination import PageRequest
from rantai.kit.text import N_
from rantai.ocds import packages
from rantai.settings import Settings

router = APIRouter(prefix="/ocds", tags=["open data"], responses=problem_responses(404))

_PACKAGE: dict[int | str, dict[str, Any]] = {
    200: {"description": "An OCDS 1.1.5 package.", "content": {"application/json": {"schema": {}}}}
}


def _page(db: Session, conf: Settings, paging: PageRequest, kind: str) -> JSONResponse:
    batch, total = open_data.page(db, prefix=conf.ocds_ocid_prefix, number=paging.page, size=paging.per_page)
    if not batch.processes and paging.page > 1:
        raise NotFound(N_("There is no page %(page)s."), field="page", page=paging.page)
    build = open_data.release_package if kind == "releases" else open_data.record_package
    package = build(
        batch, base_url=conf.base_url, size=paging.per_page, published_at=now(), license_url=conf.ocds_license
    )
    links = []
    if paging.page * paging.per_page < total:
        links.append(
            f'<{open_data.page_uri(conf.base_url, kind, paging.page + 1, paging.per_page)}>; rel="next"'
        )
    if paging.page > 1:
        links.append(
            f'<{open_data.page_uri(conf.base_url, kind, paging.page - 1, paging.per_page)}>; rel="prev"'
        )
    headers = {"X-Total-Count": str(total)} | ({"Link": ", ".join(links)} if links else {})
    return JSONResponse(package, headers=headers)


@router.get("/releases", responses=_PACKAGE, summary="OCDS release package: a page of contracting processes")
def releases(
    paging: PageRequest = Depends(page_request),
    conf: Settings = Depends(get_settings_dep),
    db: Session = DbSession,
) -> JSONResponse:
    """Every release of ``per_page`` contracting processes (RFQs of BUMN and government buyers), in RFQ
    order; ``Link`` names the next and previous pages, ``X-Total-Count`` the processes."""
    return _page(db, conf, paging, "releases")


@router.get("/records", responses=_PACKAGE, summary="OCDS record package: a page of contracting processes")
def records(
    paging: PageRequest = Depends(page_request),
    conf: Settings = Depends(get_settings_dep),
    db: Session = DbSession,
) -> JSONResponse:
    """The records of the same processes as ``/ocds/releases`` at the same page: releases linked into
    it, and each process's compiled release (compiled by ocdsmerge)."""
    return _page(db, conf, paging, "records")


@router.get(
    "/extension/{name}",
    responses={
        200: {"description": "A file of the extension.", "content": {"application/json": {"schema": {}}}}
    },
    summary="Rantai's OCDS extension (extension.json, release-schema.json)",
)
def extension(
    name: Literal["extension.json", "release-schema.json"] = Path(description="The extension's file."),
) -> dict[str, Any]:
    return packages.load(packages.EXTENSIONS_DIR / "rantai" / name)
