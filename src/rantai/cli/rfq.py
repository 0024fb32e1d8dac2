"""``rantai rfq``: requests for quotations (`rantai.sourcing.rfq`).

``close-due`` does what the worker's scheduler does every minute: RFQs whose quote deadline has come are
moved to evaluation (their quotes unsealed for the buyer). Run it where no worker runs, or to close at
once after moving a benchmark's clock (``RANTAI_CLOCK_FILE``).
"""

from __future__ import annotations

import typer

from rantai.cli.common import settings, unit_of_work
from rantai.i18n import translate
from rantai.kit.money import format_number
from rantai.kit.text import N_
from rantai.sourcing.rfq import service

app = typer.Typer(help="Requests for quotations.", no_args_is_help=True)


@app.command("close-due")
def close_due() -> None:
    """Close every open RFQ whose quote deadline has come; say how many."""
    locale = settings().default_locale
    with unit_of_work() as session:
        closed = service.close_due(session)
    typer.echo(
        translate(
            locale,
            N_("%(count)s requests for quotations closed at their deadline."),
            count=format_number(closed, locale),
        )
    )
