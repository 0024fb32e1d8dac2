"""``rantai db``: schema migrations and reference data."""

from __future__ import annotations

import typer

from rantai import migrations
from rantai.catalog import service as catalog
from rantai.cli.common import settings, unit_of_work
from rantai.reference.service import load_reference_data

app = typer.Typer(help="Database schema and reference data.", no_args_is_help=True)


def upgrade_database(*, with_reference: bool = True) -> None:
    url = settings().database_url
    migrations.upgrade(url)
    typer.echo("Schema up to date.")
    if with_reference:
        with unit_of_work() as session:
            report = load_reference_data(session)
            categories = catalog.ensure_categories(session)
        for line in report.lines():
            typer.echo(line)
        typer.echo(f"Catalog categories: {categories} changed.")


@app.command("upgrade")
def upgrade(
    reference: bool = typer.Option(True, "--reference/--no-reference", help="Also load reference data."),
) -> None:
    """Apply migrations and load the shipped reference data (idempotent: a second run changes nothing)."""
    upgrade_database(with_reference=reference)


@app.command("check")
def check() -> None:
    """Fail when the models and the migrations disagree (runs ``alembic check``)."""
    migrations.check(settings().database_url)
    typer.echo("Models and migrations agree.")
