"""Program monitoring (issue #15): the dashboard with its filters, drill-down and map, its tables as CSV and
XLSX, a buyer's pagu form, and the public transparency page. What a reader sees is decided by the policy
(``analytics.scope.scope_for``); these routes only read the query and render ``analytics.dashboard``."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

import xlsxwriter  # type: ignore[import-untyped]  # ships without type information
from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from rantai.analytics import budgets, dashboard, geo
from rantai.analytics.dashboard import Dashboard, Level, Table
from rantai.analytics.errors import MSG_FILTER, MSG_NO_FIGURES, MSG_PAGU, AnalyticsForbidden, AnalyticsInvalid
from rantai.analytics.scope import may_enter_budget, scope_for
from rantai.db import all_or_nothing
from rantai.identity.policy import Action
from rantai.identity.roles import BUYER_TYPES
from rantai.kit import clock
from rantai.kit.errors import UserError
from rantai.kit.money import format_number, format_rupiah
from rantai.kit.text import ascii_digits
from rantai.ocds import packages
from rantai.settings import Settings
from rantai.web.auth import get_viewer, require_action, require_viewer
from rantai.web.downloads import content_disposition
from rantai.web.requestctx import DbSession, Viewer, get_settings_dep
from rantai.web.templating import render

router = APIRouter()

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
SIZE_LABELS = {"mikro": "Mikro", "kecil": "Kecil", "menengah": "Menengah", "besar": "Besar"}


def _dashboard(db: Session, viewer: Viewer, params: Mapping[str, str]) -> Dashboard:
    actor = viewer.current_actor
    if viewer.organization is not None:
        actor = actor.within(viewer.organization.id)
    scope = scope_for(actor)
    if scope.empty:
        raise AnalyticsForbidden(MSG_NO_FIGURES)
    today = clock.today()
    filters = dashboard.read_filters(params, today=today, regions=dashboard.known_regions(db))
    return dashboard.build(db, scope=scope, filters=filters, today=today)


def _map(viewer: Viewer, board: Dashboard, names: Mapping[str, str]) -> str:
    """The choropleth of the drill-down's level (none at the suppliers' level)."""
    filters = board.filters
    if filters.level is Level.KABKOTA:
        return ""
    level = "provinces" if filters.level is Level.NATION else "kabkota"
    codes = (
        list(geo.outlines()["provinces"])
        if level == "provinces"
        else [c for c in geo.outlines()["kabkota"] if c.startswith(f"{filters.province}.")]
    )
    areas = []
    no_orders = viewer._("no orders")
    for code in codes:
        value = board.region_values.get(code)
        name = names.get(code, code)
        label = f"{name}: {format_rupiah(value, viewer.locale)}" if value else f"{name}: {no_orders}"
        key = "province" if level == "provinces" else "kabkota"
        query = "&".join(f"{k}={v}" for k, v in filters.query(**{key: code}).items())
        areas.append(geo.Area(code, label, value, href=f"/monitoring?{query}"))
    return geo.choropleth(level, areas, title=viewer._("PO value by region: %(place)s", place=board.place))


@router.get("/monitoring")
def monitoring(
    request: Request, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)
) -> Response:
    board = _dashboard(db, viewer, request.query_params)
    regions = dashboard.known_regions(db)
    context = {
        "board": board,
        "map_svg": _map(viewer, board, regions),
        "provinces": sorted(
            ((code, name) for code, name in regions.items() if "." not in code),
            key=lambda item: item[1],
        ),
        "kabkota": sorted(
            (
                (code, name)
                for code, name in regions.items()
                if board.filters.province and code.startswith(board.filters.province + ".")
            ),
            key=lambda item: item[1],
        ),
        "sections": dashboard.SECTIONS,
        "buyer_types": sorted((t.value, t.label) for t in BUYER_TYPES),
        "size_classes": list(SIZE_LABELS.items()),
        "query": board.filters.query(),
        "up": _up_links(viewer, board),
        "month_top": max((int(row[2] or 0) for row in board.months.rows), default=0),
        "may_enter_budget": may_enter_budget(viewer.actor, viewer.organization_id or 0),
    }
    return render(request, "monitoring/dashboard.html", viewer, context)


def _up_links(viewer: Viewer, board: Dashboard) -> list[tuple[str, str]]:
    """The drill-down's way back up: Indonesia, then the province when a kab/kota is open."""
    filters = board.filters
    links = []
    if filters.level is not Level.NATION:
        links.append((viewer._("Indonesia"), filters.query(province=None, kabkota=None)))
    if filters.level is Level.KABKOTA:
        links.append((board.province_name or "", filters.query(kabkota=None)))
    return [(label, "&".join(f"{k}={v}" for k, v in query.items())) for label, query in links]


@router.get("/monitoring/download")
def download(request: Request, db: Session = DbSession, viewer: Viewer = Depends(require_viewer)) -> Response:
    """One table of the dashboard, as the page shows it under the same filters, in CSV or XLSX."""
    params = request.query_params
    board = _dashboard(db, viewer, params)
    table = board.table(params.get("table", "regions"))
    if table is None:
        raise AnalyticsInvalid(MSG_FILTER, field="table")
    name = f"rantai-{table.name}-{board.filters.start.isoformat()}"
    return _file(viewer, table, params.get("format", "csv"), name)


def _file(viewer: Viewer, table: Table, fmt: str, name: str) -> Response:
    if fmt not in FORMATS:
        raise AnalyticsInvalid(MSG_FILTER, field="format")
    header = [viewer._(column) for column in table.columns]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(["" if cell is None else cell for cell in row] for row in table.rows)
        body = ("\ufeff" + out.getvalue()).encode()  # the BOM lets spreadsheet programs read UTF-8
    else:
        buffer = io.BytesIO()
        book = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = book.add_worksheet(table.name)
        sheet.write_row(0, 0, header)
        for n, row in enumerate(table.rows, start=1):
            sheet.write_row(n, 0, ["" if cell is None else cell for cell in row])
        book.close()
        body = buffer.getvalue()
    return Response(
        body,
        media_type=FORMATS[fmt],
        headers={"Content-Disposition": content_disposition("attachment", f"{name}.{fmt}")},
    )


@router.get("/monitoring/pagu")
def pagu_form(
    request: Request, db: Session = DbSession, viewer: Viewer = require_action(Action.MANAGE_ORGANIZATION)
) -> Response:
    return _pagu_page(request, db, viewer)


def _pagu_page(
    request: Request,
    db: Session,
    viewer: Viewer,
    *,
    error: str | None = None,
    values: Mapping[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    if not may_enter_budget(viewer.actor, viewer.current_org.id):
        raise AnalyticsForbidden(MSG_NO_FIGURES)
    context = {
        "rows": budgets.budgets_of(db, viewer.current_org.id),
        "error": error,
        "values": values or {"year": str(clock.today().year), "pagu": ""},
    }
    return render(request, "monitoring/pagu.html", viewer, context, status_code=status_code)


@router.post("/monitoring/pagu")
def save_pagu(
    request: Request,
    year: str = Form(""),
    pagu: str = Form(""),
    db: Session = DbSession,
    viewer: Viewer = require_action(Action.MANAGE_ORGANIZATION),
) -> Response:
    """Record the organization's goods-and-services budget for a year (whole Rupiah; dots allowed)."""
    amount = pagu.replace(".", "").replace(",", "").replace(" ", "").strip()
    try:
        with all_or_nothing(db):
            if not ascii_digits(year.strip()):
                raise AnalyticsInvalid(MSG_FILTER, field="year")
            if not ascii_digits(amount) or len(amount) > 16:
                raise AnalyticsInvalid(MSG_PAGU, field="pagu", max=format_number(10**15, viewer.locale))
            budgets.set_budget(
                db,
                actor=viewer.current_actor,
                organization_id=viewer.current_org.id,
                year=int(year.strip()),
                pagu=int(amount),
            )
    except UserError as exc:
        return _pagu_page(
            request,
            db,
            viewer,
            error=viewer._(exc.message, **exc.params),
            values={"year": year, "pagu": pagu},
            status_code=exc.status_code,
        )
    return RedirectResponse("/monitoring/pagu", status_code=303)


# --- the public page ----------------------------------------------------------------------------------


@router.get("/transparansi")
def transparency(request: Request, db: Session = DbSession, viewer: Viewer = Depends(get_viewer)) -> Response:
    """National figures and the payment-discipline ranking, for anyone (no login)."""
    figures = dashboard.public_figures(db, today=clock.today())
    values = {str(row[0]): int(row[4] or 0) for row in figures.provinces.rows}
    names = {str(row[0]): str(row[1]) for row in figures.provinces.rows}
    areas = [
        geo.Area(
            code,
            f"{names.get(code, code)}: {format_rupiah(values[code], viewer.locale)}"
            if code in values
            else code,
            values.get(code),
        )
        for code in geo.outlines()["provinces"]
    ]
    context = {
        "figures": figures,
        "map_svg": geo.choropleth("provinces", areas, title=viewer._("PO value by province")),
    }
    return render(request, "monitoring/public.html", viewer, context)


@router.get("/transparansi/download")
def public_download(
    request: Request, db: Session = DbSession, viewer: Viewer = Depends(get_viewer)
) -> Response:
    """The public page's tables (provinces, the payment ranking) in CSV or XLSX."""
    figures = dashboard.public_figures(db, today=clock.today())
    tables = {"regions": figures.provinces, "payments": figures.payments}
    table = tables.get(request.query_params.get("table", "regions"))
    if table is None:
        raise AnalyticsInvalid(MSG_FILTER, field="table")
    return _file(viewer, table, request.query_params.get("format", "csv"), f"rantai-publik-{table.name}")


@router.get(packages.POLICY_PATH)
def data_policy(
    request: Request, viewer: Viewer = Depends(get_viewer), conf: Settings = Depends(get_settings_dep)
) -> Response:
    """The publication policy every OCDS package links to: what is published, when, under which licence,
    and what is never published (no login)."""
    context = {
        "license_url": conf.ocds_license,
        "ocid_prefix": conf.ocds_ocid_prefix,
        "releases_url": "/api/v1/ocds/releases",
        "records_url": "/api/v1/ocds/records",
    }
    return render(request, "monitoring/data_policy.html", viewer, context)
