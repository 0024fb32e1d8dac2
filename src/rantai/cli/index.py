"""``rantai index``: the on-disk matching index (`rantai.catalog.search_index`).

The index keeps itself fresh from the change queue, and is built on first use when missing; a rebuild
is for after a restore, an upgrade that changes what is indexed, or to compact it after many changes.
"""

from __future__ import annotations

from typing import Annotated

import typer

from rantai.catalog.search_index import live_index, parallel_processes
from rantai.cli.common import settings, unit_of_work
from rantai.i18n import translate
from rantai.kit.money import format_number
from rantai.kit.text import N_

app = typer.Typer(help="The matching index on disk.", no_args_is_help=True)


@app.command("rebuild")
def rebuild(
    processes: Annotated[
        int,
        typer.Option(
            min=0,
            max=64,
            help="Processes that build the index, each a share of the suppliers (0: one per core when "
            "the catalogue is large, else one).",
        ),
    ] = 0,
) -> None:
    """Rebuild the matching index from the database and make it the one in use."""
    conf = settings()
    locale = conf.default_locale
    with unit_of_work() as session:
        parts = processes or parallel_processes(session)
        report = live_index(conf.data_dir).rebuild(session, processes=parts)
    rate = report.products / report.seconds if report.seconds > 0 else 0.0
    typer.echo(
        translate(
            locale,
            N_(
                "Matching index rebuilt: %(suppliers)s suppliers, %(products)s products "
                "in %(seconds)s s (%(rate)s products/s)."
            ),
            suppliers=format_number(report.suppliers, locale),
            products=format_number(report.products, locale),
            seconds=format_number(round(report.seconds, 2), locale),
            rate=format_number(round(rate), locale),
        )
    )
    typer.echo(translate(locale, N_("Index directory: %(path)s"), path=str(report.path)))
