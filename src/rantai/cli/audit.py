"""``rantai audit``: the audit log's hash chains (`rantai.audit.chain`).

``verify`` reads every chain from its first entry to its head. Run it after a restore, on a schedule, or
whenever the log is in doubt: an entry altered, deleted or slipped in by hand shows as the first break
of its chain.
"""

from __future__ import annotations

import typer

from rantai.audit.chain import verify as verify_chains
from rantai.cli.common import settings, unit_of_work
from rantai.i18n import translate
from rantai.kit.money import format_number
from rantai.kit.text import N_

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@app.command("verify")
def verify() -> None:
    """Check every audit chain; name the first broken entry of each (exit code 1), else say how many
    entries and chains were checked."""
    locale = settings().default_locale
    with unit_of_work(write=False) as session:
        result = verify_chains(session)
    for found in result.breaks:
        typer.secho(
            translate(
                locale,
                N_("Audit chain %(chain)s is broken at entry %(entry)s (#%(seq)s): %(reason)s"),
                chain=found.chain_key,
                entry="-" if found.event_id is None else str(found.event_id),
                seq="-" if found.chain_seq is None else str(found.chain_seq),
                reason=translate(locale, found.reason, **found.params),
            ),
            fg="red",
            err=True,
        )
    if result.breaks:
        raise typer.Exit(1)
    typer.echo(
        translate(
            locale,
            N_("Audit log intact: %(entries)s entries in %(chains)s chains checked."),
            entries=format_number(result.entries, locale),
            chains=format_number(result.chains, locale),
        )
    )
