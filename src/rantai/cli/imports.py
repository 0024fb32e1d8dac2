"""``rantai import``: bulk import of suppliers, products and past awards from CSV or XLSX, with a progress
bar."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from rantai.catalog.import_jobs import count_rows, run_import
from rantai.cli.common import settings, unit_of_work
from rantai.db import begin_writing
from rantai.i18n import translate
from rantai.identity import repository as identity_repo
from rantai.identity import service as identity
from rantai.kit.errors import NotFound
from rantai.kit.text import N_
from rantai.suppliers import award_ocds, past_awards
from rantai.tabular.batches import ImportMode, ImportOutcome
from rantai.tabular.reading import open_table
from rantai.tabular.report import write_report_csv

app = typer.Typer(
    help="Bulk import of suppliers, products and past awards (CSV or XLSX).", no_args_is_help=True
)

EMAIL = typer.Option(..., "--email", help="The user the import acts as (needs the right to import).")
ORGANIZATION = typer.Option(..., "--organization", help="The organization the user imports for (name).")
MODE = typer.Option(
    ImportMode.VALID_ROWS, "--mode", help="valid_rows: import good rows, report the rest; all_or_nothing."
)
ERRORS = typer.Option(None, "--errors", help="Write the row error report (CSV) here.")


def _run(kind: str, path: Path, email: str, organization: str, mode: ImportMode, errors: Path | None) -> None:
    if not path.is_file():
        raise typer.BadParameter(f"{path} is not a file")
    locale = settings().default_locale
    total = count_rows(path)
    # A reader first: the import begins writing only once every row is checked.
    with unit_of_work(write=False) as session:
        user = identity_repo.user_by_email(session, email)
        org = identity_repo.organization_by_name(session, organization)
        if user is None:
            raise NotFound(N_("No user with that email."))
        if org is None:
            raise NotFound(N_("No organization with that name."))
        with Progress(
            TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
        ) as bar:
            task = bar.add_task(f"{kind}: {path.name}", total=total)
            outcome = run_import(
                session,
                kind=kind,
                path=path,
                file_name=path.name,
                mode=mode,
                organization_id=org.id,
                user_id=user.id,
                progress=lambda rows: bar.update(task, completed=rows),
            )
    _report(outcome, errors, locale)


def _report(outcome: ImportOutcome, errors: Path | None, locale: str) -> None:
    typer.echo(
        f"rows {outcome.rows}: inserted {outcome.inserted}, updated {outcome.updated}, "
        f"unchanged {outcome.unchanged}, rejected {outcome.rejected_rows}"
        + (" (all-or-nothing: rolled back, nothing written)" if outcome.rolled_back else "")
    )
    problems = [*outcome.warnings, *outcome.errors]
    for problem in problems[:20]:
        typer.echo(
            f"  row {problem.row} {problem.column}: {translate(locale, problem.message, **problem.params)}"
        )
    if len(problems) > 20:
        typer.echo(f"  ... and {len(problems) - 20} more")
    if errors is not None and problems:
        with errors.open("wb") as out:
            write_report_csv(problems, out, translate=lambda m, p: translate(locale, m, **p))
        typer.echo(f"Error report: {errors}")
    if outcome.rolled_back:
        raise typer.Exit(1)


@app.command("suppliers")
def suppliers(
    path: Path = typer.Argument(..., help="CSV or XLSX with the supplier template's columns."),
    email: str = EMAIL,
    organization: str = ORGANIZATION,
    mode: ImportMode = MODE,
    errors: Path | None = ERRORS,
) -> None:
    """Import suppliers, keyed by NIB (importing the same file twice changes nothing)."""
    _run("suppliers", path, email, organization, mode, errors)


@app.command("products")
def products(
    path: Path = typer.Argument(..., help="CSV or XLSX with the product template's columns."),
    email: str = EMAIL,
    organization: str = ORGANIZATION,
    mode: ImportMode = MODE,
    errors: Path | None = ERRORS,
) -> None:
    """Import products, keyed by NIB + kode_produk, else NIB + nama_produk."""
    _run("products", path, email, organization, mode, errors)


@app.command("awards")
def awards(
    path: Path = typer.Argument(
        ..., help="CSV or XLSX with the award template's columns, or an OCDS package (.json)."
    ),
    email: str = EMAIL,
    organization: str = ORGANIZATION,
    mode: ImportMode = MODE,
    errors: Path | None = ERRORS,
) -> None:
    """Import past contracts won (track records); a winner not yet checked on Rantai keeps them unclaimed
    until a verifier checks its business (importing the same file twice changes nothing). A .json file is
    read as an OCDS release or record package: one row per active award and supplier."""
    if not path.is_file():
        raise typer.BadParameter(f"{path} is not a file")
    locale = settings().default_locale
    if path.suffix.lower() == ".json":
        _awards_from_ocds(path, email, organization, mode, errors, locale)
        return
    total = count_rows(path)
    with unit_of_work(write=False) as session:
        user = identity_repo.user_by_email(session, email)
        org = identity_repo.organization_by_name(session, organization)
        if user is None:
            raise NotFound(N_("No user with that email."))
        if org is None:
            raise NotFound(N_("No organization with that name."))
        actor = identity.actor_for(session, user)
        with (
            Progress(
                TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()
            ) as bar,
            open_table(path, filename=path.name) as table,
        ):
            task = bar.add_task(f"awards: {path.name}", total=total)
            outcome = past_awards.import_award_file(
                session,
                table,
                actor=actor,
                importer_organization_id=org.id,
                mode=mode,
                progress=lambda rows: bar.update(task, completed=rows),
                ready_to_write=begin_writing,
            )
    _report(outcome, errors, locale)


def _awards_from_ocds(
    path: Path, email: str, organization: str, mode: ImportMode, errors: Path | None, locale: str
) -> None:
    """``rantai import awards x.json``: the awards of an OCDS package, read through the OCDS mapping."""
    if path.stat().st_size > settings().max_upload_mb * 1024 * 1024:
        raise typer.BadParameter(f"{path} is larger than RANTAI_MAX_UPLOAD_MB")
    with unit_of_work(write=False) as session:
        user = identity_repo.user_by_email(session, email)
        org = identity_repo.organization_by_name(session, organization)
        if user is None:
            raise NotFound(N_("No user with that email."))
        if org is None:
            raise NotFound(N_("No organization with that name."))
        package = award_ocds.load_package(path.read_bytes(), filename=path.name)
        outcome = past_awards.import_award_package(
            session,
            package,
            filename=path.name,
            actor=identity.actor_for(session, user),
            importer_organization_id=org.id,
            mode=mode,
            ready_to_write=begin_writing,
        )
    _report(outcome, errors, locale)
