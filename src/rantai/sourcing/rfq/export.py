"""The comparison as an XLSX workbook (issue #11 item 3): one row per line and supplier, the header in the
reader's language, amounts with the currency's number format, the header frozen and filterable.

Small comparisons are made at once (``export_now_or_later`` returns the bytes); one of more than
``EXPORT_NOW_MAX_ROWS`` rows becomes a durable job (``sourcing.comparison_export``, run by the worker,
``export_tasks``) that writes the file under ``<data_dir>/exports/rfq-comparison/``; the door then shows
the job and serves the file with ``finished_export`` once it is done, to the RFQ's buyer only. A prepared
file is kept ``EXPORT_KEEP`` (7 days; the worker's sweep ``remove_old_exports`` deletes older ones), then
its job reads as ``expired`` and the buyer asks for a new one: quotes hold prices, so copies of them do not
pile up on the server.

The columns are documented in docs/rfq.md ("Comparison export layout").
"""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]  # ships without type information
from sqlalchemy.orm import Session

from rantai import jobs
from rantai.i18n import translate
from rantai.identity.policy import Action, Actor, can
from rantai.jobs import repository as jobs_repository
from rantai.jobs.models import Job
from rantai.kit.ids import storable_id
from rantai.kit.text import N_
from rantai.sourcing.rfq import quotes
from rantai.sourcing.rfq.comparison import Comparison, compare
from rantai.sourcing.rfq.errors import MSG_RFQ_NOT_FOUND, RfqNotFound
from rantai.sourcing.rfq.models import Rfq

EXPORT_JOB = "sourcing.comparison_export"
# More rows than this (lines x suppliers) and the workbook is made by the worker. XlsxWriter writes about
# 7,500 rows a second here (openpyxl wrote 1,000-2,500: docs/architecture.md, "Choices"), so a workbook made
# during a request stays within a second; the 10,000 rows of 200 quotes x 50 lines take 1.3 s and are
# made by the job (docs/benchmarks.md).
EXPORT_NOW_MAX_ROWS = 7_500
RUPIAH_FORMAT = '"Rp"#,##0'
USD_FORMAT = '"US$"#,##0.00'
PERCENT_FORMAT = "0.0"
# How long a workbook made by the worker stays on the server after it was written.
EXPORT_KEEP = dt.timedelta(days=7)
# A workbook's job is done but its file was removed (older than EXPORT_KEEP): ask for a new one.
EXPIRED = "expired"

COLUMNS: tuple[tuple[str, float], ...] = (
    (N_("Line no"), 8),
    (N_("Item"), 36),
    (N_("Quantity"), 12),
    (N_("Unit"), 12),
    (N_("HPS"), 16),
    (N_("Supplier"), 32),
    (N_("NIB"), 16),
    (N_("Size class"), 12),
    (N_("Kab/kota"), 24),
    (N_("Unit price"), 16),
    (N_("Quantity offered"), 12),
    (N_("Amount"), 18),
    (N_("Lead time (days)"), 10),
    (N_("Deviation from HPS (%)"), 12),
    (N_("Lowest on line"), 10),
    (N_("To confirm"), 10),
    (N_("Quote notes"), 40),
)
# A USD RFQ adds the amount in Rupiah at the RFQ's rate.
AMOUNT_IDR_COLUMN = (N_("Amount (Rupiah)"), 18)
YES, NO = N_("yes"), N_("no")
SHEET_TITLE = N_("Comparison")


def comparison_xlsx(comparison: Comparison, locale: str) -> bytes:
    """The workbook: one row per line and supplier quoting it (lines in order, suppliers in the order
    their quotes arrived), the header translated into ``locale``. User text is always written as text
    (never as a formula, whatever it starts with)."""
    usd = comparison.currency == "USD"
    columns = [*COLUMNS, AMOUNT_IDR_COLUMN] if usd else list(COLUMNS)
    out = io.BytesIO()
    options = {
        "in_memory": True,
        "strings_to_formulas": False,
        "strings_to_numbers": False,
        "strings_to_urls": False,
    }
    workbook: Any = xlsxwriter.Workbook(out, options)
    sheet: Any = workbook.add_worksheet(translate(locale, SHEET_TITLE)[:31])
    rupiah = workbook.add_format({"num_format": RUPIAH_FORMAT})
    money_format = workbook.add_format({"num_format": USD_FORMAT}) if usd else rupiah
    percent = workbook.add_format({"num_format": PERCENT_FORMAT})
    header = workbook.add_format({"bold": True})
    for index, (title, width) in enumerate(columns):
        sheet.set_column(index, index, width)
        sheet.write_string(0, index, translate(locale, title), header)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(comparison.rows, 1), len(columns) - 1)
    suppliers = {supplier.supplier_id: supplier for supplier in comparison.suppliers}
    yes, no = translate(locale, YES), translate(locale, NO)
    text, number = sheet.write_string, sheet.write_number

    def money(row: int, col: int, minor: int | Decimal | None) -> None:
        if minor is not None:
            number(row, col, Decimal(minor) / 100 if usd else minor, money_format)

    row = 0
    for compared in comparison.lines:
        line = compared.line
        unit = compared.unit_name(locale) or ""
        for cell in compared.cells:
            row += 1
            supplier = suppliers.get(cell.supplier_id)
            number(row, 0, line.line_no)
            text(row, 1, line.name)
            number(row, 2, line.quantity)
            text(row, 3, unit)
            money(row, 4, line.hps)
            text(row, 5, cell.supplier_name)
            text(row, 6, supplier.nib if supplier and supplier.nib else "")
            text(row, 7, supplier.size_class if supplier and supplier.size_class else "")
            text(row, 8, (supplier.kabkota_name if supplier else None) or "")
            money(row, 9, cell.unit_price)
            number(row, 10, cell.quantity)
            money(row, 11, cell.amount)
            number(row, 12, cell.lead_time_days)
            if cell.deviation_pct is not None:
                number(row, 13, cell.deviation_pct, percent)
            text(row, 14, yes if cell.is_lowest else no)
            text(row, 15, yes if cell.to_confirm else no)
            text(row, 16, cell.notes or "")
            if usd and cell.amount_idr is not None:
                number(row, 17, cell.amount_idr, rupiah)
    workbook.close()
    return out.getvalue()


# --- now, or by the worker ----------------------------------------------------------------------------


def exports_dir(data_dir: Path) -> Path:
    path = Path(data_dir) / "exports" / "rfq-comparison"
    path.mkdir(parents=True, exist_ok=True)
    return path


def export_path(data_dir: Path, job_id: int) -> Path:
    return exports_dir(data_dir) / f"{int(job_id)}.xlsx"


def write_export(data_dir: Path, job_id: int, data: bytes) -> Path:
    """Write the workbook whole or not at all (a temporary file renamed): a reader never gets half."""
    target = export_path(data_dir, job_id)
    partial = target.with_suffix(".xlsx.part")
    partial.write_bytes(data)
    os.replace(partial, target)
    return target


def remove_old_exports(data_dir: Path, *, now: dt.datetime, keep: dt.timedelta = EXPORT_KEEP) -> int:
    """Delete the workbooks (and any half-written ``.part`` left by a killed worker) written more than
    ``keep`` before ``now``; the number of files deleted. A file that vanishes meanwhile is no error."""
    folder = Path(data_dir) / "exports" / "rfq-comparison"
    if not folder.is_dir():
        return 0
    cutoff = (now - keep).timestamp()
    removed = 0
    for path in folder.iterdir():
        if not path.name.endswith((".xlsx", ".xlsx.part")):
            continue
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def export_now_or_later(
    session: Session,
    *,
    actor: Actor | None,
    rfq: Rfq,
    locale: str,
    now_max_rows: int = EXPORT_NOW_MAX_ROWS,
) -> bytes | Job:
    """The comparison's workbook now (bytes), or, past ``now_max_rows`` rows, a durable job that makes
    it (the door shows the job and later serves ``finished_export``). Same access as ``compare``:
    the RFQ's buyer, after the deadline. Adding the job writes a row: run it in a writing transaction."""
    comparison = compare(session, actor=actor, rfq=rfq)
    if comparison.rows <= now_max_rows:
        return comparison_xlsx(comparison, locale)
    payload = {
        "rfq_id": rfq.id,
        "organization_id": rfq.organization_id,
        "user_id": actor.user_id if actor else None,
        "locale": locale,
    }
    return jobs.enqueue(session, EXPORT_JOB, payload)


@dataclass(frozen=True, slots=True)
class ExportState:
    """Where a comparison export job is: ``status`` queued | running | done | failed | expired (done, its
    file removed after ``EXPORT_KEEP``); ``path`` once done and while the file is kept."""

    job: Job
    status: str
    path: Path | None

    @property
    def ready(self) -> bool:
        return self.path is not None


def finished_export(
    session: Session, *, actor: Actor | None, rfq: Rfq, job_id: int, data_dir: Path
) -> ExportState:
    """The state of a comparison export job of this RFQ, and its file once done; for the RFQ's buyer
    after the deadline only (anyone else, or a job of another RFQ or kind: RfqNotFound)."""
    if not can(actor, Action.VIEW_RECORD, rfq) or quotes.is_sealed(rfq):
        raise RfqNotFound(MSG_RFQ_NOT_FOUND)
    job = jobs_repository.get(session, job_id) if storable_id(job_id) else None
    if job is None or job.kind != EXPORT_JOB or (job.payload or {}).get("rfq_id") != rfq.id:
        raise RfqNotFound(MSG_RFQ_NOT_FOUND)
    path = export_path(data_dir, job.id)
    if job.status != "done":
        return ExportState(job, job.status, None)
    if not path.exists():
        return ExportState(job, EXPIRED, None)
    return ExportState(job, job.status, path)
