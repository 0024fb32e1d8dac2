"""``rantai classify`` and ``rantai related``: the models the platform learns from its own data (issue #14),
the category classifier (`rantai.catalog.inference`) and the related words (`rantai.sourcing.related_words`).

The worker learns each again once a day; these commands do it at once (after an import of many products,
or on a machine without a worker). Both keep their files alike (`kit.model_files`), and both commands
learn in one transaction and say which file is now in use.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import typer
from sqlalchemy.orm import Session

from rantai.catalog import inference
from rantai.cli.common import settings, unit_of_work
from rantai.i18n import translate
from rantai.kit.money import format_number
from rantai.kit.text import N_
from rantai.sourcing import related_words

classify = typer.Typer(
    help="The category classifier (categories inferred where sellers gave none).", no_args_is_help=True
)
related = typer.Typer(help="Related words learned from the platform's own texts.", no_args_is_help=True)

Made = TypeVar("Made")


def _learn(learn: Callable[[Session, Path], Made], said: Callable[[Made, str], str]) -> Made:
    """Learn a model from what the platform holds now, make it the one in use, and say so."""
    conf = settings()
    with unit_of_work() as session:
        made = learn(session, conf.data_dir)
    typer.echo(said(made, conf.default_locale))
    return made


@classify.command("train")
def classify_train() -> None:
    """Train the classifier on the reference titles and the owner-confirmed products, make it the one in
    use, then classify every product without a category again."""
    _learn(
        inference.train,
        lambda trained, locale: translate(
            locale,
            N_("Classifier %(file)s trained on %(count)s examples with a category."),
            file=str(trained.path),
            count=format_number(trained.counts.get("category", 0), locale),
        ),
    )
    _infer_all(settings().default_locale)


@classify.command("infer")
def classify_infer() -> None:
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


@related.command("train")
def related_train() -> None:
    """Learn the related words from the products and need lines and make them the ones in use."""
    _learn(
        related_words.train,
        lambda learned, locale: translate(
            locale,
            N_("Related words %(file)s learned from %(texts)s texts: %(words)s words with related words."),
            file=str(learned.path),
            texts=format_number(learned.texts, locale),
            words=format_number(learned.words, locale),
        ),
    )
