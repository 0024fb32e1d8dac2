"""``rantai related``: the related words the engine widens needs with (`rantai.sourcing.related_words`,
issue #14 item 2).

The worker learns them again once a day; this command does it at once (after a large import, or on a
machine without a worker).
"""

from __future__ import annotations

import typer

from rantai.cli.common import settings, unit_of_work
from rantai.i18n import translate
from rantai.kit.money import format_number
from rantai.kit.text import N_
from rantai.sourcing import related_words

app = typer.Typer(help="Related words learned from the platform's own texts.", no_args_is_help=True)


@app.command("train")
def train() -> None:
    """Learn the related words from the products and need lines and make them the ones in use."""
    conf = settings()
    locale = conf.default_locale
    with unit_of_work() as session:
        learned = related_words.train(session, conf.data_dir)
    typer.echo(
        translate(
            locale,
            N_("Related words %(file)s learned from %(texts)s texts: %(words)s words with related words."),
            file=str(learned.path),
            texts=format_number(learned.texts, locale),
            words=format_number(learned.words, locale),
        )
    )
