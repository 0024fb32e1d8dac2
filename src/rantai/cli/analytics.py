"""``rantai analytics``: the monitoring's derived data (issue #15)."""

from __future__ import annotations

from typing import Annotated

import typer

from rantai.analytics import rollup
from rantai.cli.common import unit_of_work

app = typer.Typer(help="The monitoring's derived data.", no_args_is_help=True)


@app.command("rollup")
def rollup_command(
    refresh: Annotated[
        bool,
        typer.Option(
            "--refresh/--rebuild",
            help="Only what changed since the last refresh (what the worker does every minute), or "
            "everything again from the transaction tables (the default).",
        ),
    ] = False,
) -> None:
    """Rebuild the rollup the dashboards and the public page read, from the orders, invoices, payments,
    awards and size-class histories (after a restore, a bulk load or an upgrade that changes it)."""
    with unit_of_work() as session:
        report = rollup.refresh(session) if refresh else rollup.rebuild(session)
    typer.echo(report.summary())
