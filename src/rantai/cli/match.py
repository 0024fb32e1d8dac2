"""``rantai match``: ask the matching engine from the command line, for one need or a whole plan file.

Both commands read the shared on-disk index (`rantai.catalog.search_index`) through the same path as the
web and the API (`rantai.sourcing.shortlists`), and word the engine's reasons with
`rantai.sourcing.wording` in the configured language (``RANTAI_DEFAULT_LOCALE``, Indonesian by default).
"""

from __future__ import annotations

import csv
import json
import os
import re
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

import typer
from sqlalchemy.orm import Session

from rantai import matching
from rantai.catalog.search_index import live_index
from rantai.cli.common import settings, unit_of_work
from rantai.i18n import translate
from rantai.kit.clock import today
from rantai.kit.money import format_number
from rantai.kit.text import N_
from rantai.reference.models import Region, RegionLevel
from rantai.sourcing import quick, shortlists
from rantai.sourcing import service as sourcing
from rantai.sourcing.plan_file import PlanRow, read_plan
from rantai.sourcing.wording import Vocabulary, describe, params_json
from rantai.tabular.reading import open_table
from rantai.tabular.report import CSV_DELIMITER

app = typer.Typer(
    help="Ask the matching engine: one need, or every line of a plan file.", no_args_is_help=True
)

RESULT_COLUMNS = ("baris", "peringkat", "nib", "nama_usaha", "skor", "produk_cocok", "alasan")
PROGRESS_EVERY = 100
REASON_SEPARATOR = "; "
_REGION_CODE = re.compile(r"\d{2}(\.\d{2})?")
# Text a spreadsheet would run as a formula (CSV injection, OWASP), as in the import error report.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

TOP = typer.Option(10, "--top", min=1, max=100, help="How many suppliers per need line.")
INCLUDE_UNVERIFIED = typer.Option(
    False, "--include-unverified", help="Also rank suppliers not verified yet (only verified ones otherwise)."
)


@dataclass(frozen=True, slots=True)
class RegionFilter:
    """A ``--region`` as the engine uses it: a hard filter term, and the delivery place when a kab/kota."""

    term: str
    kabkota_code: str | None


def region_filter(session: Session, code: str, locale: str) -> RegionFilter:
    """``32`` (a province) or ``32.73`` (a kab/kota) as a filter; a usage error (exit 2) otherwise."""
    value = code.strip()
    level = RegionLevel.PROVINCE if len(value) == 2 else RegionLevel.KABKOTA
    region = session.get(Region, value) if _REGION_CODE.fullmatch(value) else None
    if region is None or region.level != level:
        raise typer.BadParameter(
            translate(
                locale,
                N_(
                    "'%(code)s' is not a Kemendagri province (such as 32) or kab/kota code "
                    "(such as 32.73) Rantai knows."
                ),
                code=code,
            ),
            param_hint="--region",
        )
    if level == RegionLevel.PROVINCE:
        return RegionFilter(f"province:{value}", None)
    return RegionFilter(f"kabkota:{value}", value)


def reason_texts(reasons: Iterable[matching.Reason], vocabulary: Vocabulary) -> list[str]:
    return [describe(reason, vocabulary) for reason in reasons]


# --- match query -----------------------------------------------------------------------------------


@app.command("query")
def query(
    text: str = typer.Argument(..., help="What is needed, e.g. 'keripik singkong 5.000 bungkus halal'."),
    region: str | None = typer.Option(
        None,
        "--region",
        help="Only suppliers in this province (32) or kab/kota (32.73); a kab/kota is also the delivery "
        "place distances are measured to.",
    ),
    qty: int | None = typer.Option(None, "--qty", min=1, help="The quantity (overrides one in the text)."),
    top: int = TOP,
    include_unverified: bool = INCLUDE_UNVERIFIED,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Rank suppliers for one need written as text, with the reasons for each place."""
    conf = settings()
    locale = conf.default_locale
    with unit_of_work() as session:
        place = region_filter(session, region, locale) if region else None
        # The one-sentence entry's reading: quantity, unit, certificates and "kirim ke <place>".
        line = quick.understand(session, text).line
        if qty is not None:
            line.quantity = qty
        if place is not None and place.kabkota_code:
            line.delivery_kabkota_code = place.kabkota_code
        need = shortlists.from_line_data(
            session,
            line,
            umkm_only=sourcing.reserved_for_umkm(session, line.budget, today()),
            region=place.term if place else None,
        )
        live_index(conf.data_dir).drain(session)  # a command may write the index; a page view may not
        engine = shortlists.shortlister(session, conf.data_dir, newcomer_slots=conf.newcomer_slots)
        result = engine.shortlist(need, top=top, include_unverified=include_unverified)
        nibs = shortlists.nibs_of(session, {int(entry.supplier.id) for entry in result.entries})
        vocabulary = Vocabulary(session, locale)
        if as_json:
            typer.echo(
                json.dumps(_as_json(line, place, result.entries, nibs, vocabulary), ensure_ascii=False)
            )
            return
        if not result.entries:
            typer.echo(
                translate(locale, N_("No verified supplier matches. Try fewer words or another province."))
            )
            return
        typer.echo(_table(result.entries, nibs, vocabulary))


def _as_json(
    line: sourcing.LineData,
    place: RegionFilter | None,
    entries: Sequence[matching.ShortlistEntry],
    nibs: dict[int, str],
    vocabulary: Vocabulary,
) -> dict[str, Any]:
    return {
        "need": {
            "text": shortlists.line_text(line.name, line.specification),
            "quantity": line.quantity,
            "unit_code": line.unit_code,
            "delivery_kabkota_code": line.delivery_kabkota_code,
            "certifications": line.certifications,
            "region": place.term if place else None,
        },
        "items": [
            {
                "rank": entry.rank,
                "supplier": {
                    "id": int(entry.supplier.id),
                    "nib": nibs.get(int(entry.supplier.id)),
                    "name": entry.supplier.name,
                    "size_class": entry.supplier.size_class,
                    "kabkota": entry.supplier.kabkota,
                    "verified": entry.supplier.verified,
                },
                "offer": {"id": int(entry.offer.id) if entry.offer.id else None, "name": entry.offer.name},
                "score": round(entry.score, 3),
                "newcomer": entry.newcomer,
                "reasons": [
                    {
                        "code": reason.code,
                        "params": params_json(dict(reason.params)),
                        "text": describe(reason, vocabulary),
                    }
                    for reason in entry.reasons
                ],
            }
            for entry in entries
        ],
    }


def _table(entries: Sequence[matching.ShortlistEntry], nibs: dict[int, str], vocabulary: Vocabulary) -> str:
    """A plain table, the reasons last so that long ones run on instead of being cut."""
    locale = vocabulary.locale
    header = [
        translate(locale, N_("Rank")),
        "NIB",
        translate(locale, N_("Business name")),
        translate(locale, N_("Score")),
        translate(locale, N_("Matched product")),
        translate(locale, N_("Reasons")),
    ]
    rows = [
        [
            str(entry.rank),
            nibs.get(int(entry.supplier.id), ""),
            entry.supplier.name,
            f"{entry.score:.3f}",
            entry.offer.name,
            REASON_SEPARATOR.join(reason_texts(entry.reasons, vocabulary)),
        ]
        for entry in entries
    ]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header) - 1)]

    def line(cells: list[str]) -> str:
        return "  ".join(
            [*(cell.ljust(width) for cell, width in zip(cells, widths, strict=False)), cells[-1]]
        )

    rule = "  ".join(["-" * width for width in widths] + ["-" * len(header[-1])])
    return "\n".join([line(header), rule, *(line(row) for row in rows)])


# --- match plan ------------------------------------------------------------------------------------


@dataclass
class PlanTally:
    lines: int = 0
    matched: int = 0
    unmatched: int = 0
    bad_rows: int = 0


@app.command("plan")
def plan(
    path: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="A plan file (CSV or XLSX) with the plan template's columns."
    ),
    out: Path = typer.Option(..., "--out", help="Write the result CSV here (one row per supplier found)."),
    top: int = TOP,
    include_unverified: bool = INCLUDE_UNVERIFIED,
) -> None:
    """Rank suppliers for every line of a procurement plan file and write them to a CSV."""
    locale = settings().default_locale
    started = time.perf_counter()
    # Written beside the result and renamed at the end: a failed run leaves no half-written result.
    partial = out.with_name(out.name + ".part")
    try:
        with partial.open("w", encoding="utf-8-sig", newline="") as handle:
            tally = _match_plan(path, handle, top=top, include_unverified=include_unverified, started=started)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    typer.echo(
        translate(
            locale,
            N_(
                "%(lines)s lines: %(matched)s with suppliers, %(unmatched)s with no match, "
                "%(bad)s with errors (skipped), in %(seconds)s s."
            ),
            lines=format_number(tally.lines, locale),
            matched=format_number(tally.matched, locale),
            unmatched=format_number(tally.unmatched, locale),
            bad=format_number(tally.bad_rows, locale),
            seconds=format_number(round(time.perf_counter() - started, 1), locale),
        )
    )
    typer.echo(translate(locale, N_("Result: %(path)s"), path=str(out)))


def _match_plan(
    path: Path, handle: TextIO, *, top: int, include_unverified: bool, started: float
) -> PlanTally:
    """Match each line of the plan file, writing its suppliers to ``handle`` and bad rows to stderr."""
    conf = settings()
    locale = conf.default_locale
    tally = PlanTally()
    writer = csv.writer(handle, delimiter=CSV_DELIMITER)
    writer.writerow(RESULT_COLUMNS)
    with unit_of_work() as session, open_table(path) as table:
        # Built once for the whole file: the engine over the index (with the unit table), the vocabulary.
        live_index(conf.data_dir).drain(session)
        engine = shortlists.shortlister(session, conf.data_dir, newcomer_slots=conf.newcomer_slots)
        vocabulary = Vocabulary(session, locale)
        on = today()
        batch: list[tuple[int, Sequence[matching.ShortlistEntry]]] = []
        # A past needed-by date is no error here: the file may be last year's plan, matched again.
        for row in read_plan(table, session, check_dates=False):
            tally.lines += 1
            if row.line is None:
                tally.bad_rows += 1
                _report_bad_row(row, locale)
            else:
                umkm_only = row.line.umkm_only
                if umkm_only is None:
                    umkm_only = sourcing.reserved_for_umkm(session, row.line.budget, on)
                need = shortlists.from_line_data(session, row.line, umkm_only=umkm_only)
                entries = engine.shortlist(need, top=top, include_unverified=include_unverified).entries
                if entries:
                    tally.matched += 1
                    batch.append((row.row, entries))
                else:
                    tally.unmatched += 1
            if tally.lines % PROGRESS_EVERY == 0:
                _write_rows(session, writer, batch, vocabulary)
                batch = []
                typer.echo(
                    translate(
                        locale,
                        N_("%(lines)s lines read, %(seconds)s s..."),
                        lines=format_number(tally.lines, locale),
                        seconds=format_number(round(time.perf_counter() - started, 1), locale),
                    ),
                    err=True,
                )
        _write_rows(session, writer, batch, vocabulary)
    return tally


def _report_bad_row(row: PlanRow, locale: str) -> None:
    for error in row.errors:
        message = translate(locale, error.message, **error.params)
        where = f"{error.column}: " if error.column else ""
        typer.echo(
            translate(locale, N_("Row %(row)s: %(problem)s"), row=row.row, problem=where + message), err=True
        )


def _write_rows(
    session: Session,
    writer: Any,
    batch: Sequence[tuple[int, Sequence[matching.ShortlistEntry]]],
    vocabulary: Vocabulary,
) -> None:
    """The rows of a batch of matched lines, their NIBs read in one query."""
    if not batch:
        return
    nibs = shortlists.nibs_of(session, {int(e.supplier.id) for _, entries in batch for e in entries})
    for number, entries in batch:
        for entry in entries:
            writer.writerow(
                [
                    number,
                    entry.rank,
                    nibs.get(int(entry.supplier.id), ""),
                    _inert(entry.supplier.name),
                    f"{entry.score:.3f}",
                    _inert(entry.offer.name),
                    REASON_SEPARATOR.join(reason_texts(entry.reasons, vocabulary)),
                ]
            )


def _inert(text: str) -> str:
    """User text a spreadsheet shows as text: a leading apostrophe keeps ``=...`` from running."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
