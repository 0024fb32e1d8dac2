"""Shared pieces of the CLI: settings, a unit of work, translated user errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from sqlalchemy.orm import Session

from rantai.db import make_engine, make_session_factory, transaction
from rantai.i18n import translate
from rantai.kit.errors import UserError
from rantai.settings import Settings, get_settings


def settings() -> Settings:
    return get_settings()


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """A committed transaction; a user error is printed in the configured language and exits 1."""
    conf = settings()
    engine = make_engine(conf.database_url)
    try:
        with transaction(make_session_factory(engine)) as session:
            yield session
    except UserError as exc:
        typer.secho(translate(conf.default_locale, exc.message, **exc.params), fg="red", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
