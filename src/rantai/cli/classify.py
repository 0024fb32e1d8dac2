"""``rantai classify``: the category classifier (`rantai.catalog.inference`, issue #14).

The worker retrains it once a day and classifies the products it has not classified yet; these commands
do the same at once (after an import of many confirmed products, or on a machine without a worker).
"""

from __future__ import annotations

import typer

from rantai.catalog import inference
from rantai.cli.common import settings, unit_of_work
from rantai.i18n import translate
from rantai.kit.money import format_number
from rantai.kit.text import N_

app = typer.Typer(
    help="The category classifier (categories inferred where sellers gave none).", no_args_is_help=True
)


@app.command("train")
def train() -> None:
    """Train the classifier on the reference titles and the owner-confirmed products, make it the one in
    use, then classify every product without a category again."""
    conf = settings()
    locale = conf.default_locale
    with unit_of_work() as session:
        trained = inference.train(session, conf.data_dir)
    typer.echo(
        translate(
            locale,
            N_("Classifier %(file)s trained on %(count)s examples with a category."),
            file=str(trained.path),
            count=format_number(trained.counts.get("category", 0), locale),
        )
    )
    _infer_all(locale)


@app.command("infer")
def infer() -> None:
    """Classify every product without a category that the model in use has not classified yet."""
    _infer_all(settings().default_locale)


def _infer_all(locale: str) -> None:
    total = 0
    while True:
        with unit_of_work() as session:
            done = inference.infer_stale(session, settings().data_dir)
        total += done
        if done < inference.BATCH:
            break
    typer.echo(translate(locale, N_("Products classified: %(count)s."), count=format_number(total, locale)))
