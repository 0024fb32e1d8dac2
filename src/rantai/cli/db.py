"""``rantai db``: schema migrations and reference data."""

from __future__ import annotations

import typer

from rantai import migrations
from rantai.cli.common import settings, unit_of_work

app = typer.Typer(help="Database schema and reference data.", no_args_is_help=True)


def upgrade_database(*, with_reference: bool = True) -> None:
    url = settings().database_url
    migrations.upgrade(url)
    typer.echo("Schema up to date.")
    if with_reference:
        from rantai.reference.service import load_reference_data  # noqa: PLC0415 - heavy; only when asked

        with unit_of_work() as session:
            report = load_reference_data(session)
        for line in report.lines():
            typer.echo(line)


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
