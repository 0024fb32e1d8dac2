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
def unit_of_work(*, write: bool = True) -> Iterator[Session]:
    """A committed transaction; a user error is printed in the configured language and exits 1.

    Commands write by default, so on SQLite they take the write lock at the start and wait their turn
    beside a serving platform; read-only commands pass ``write=False`` and do not hold up its writers."""
    conf = settings()
    engine = make_engine(conf.database_url)
    try:
        with transaction(make_session_factory(engine), write=write) as session:
            yield session
    except UserError as exc:
        typer.secho(translate(conf.default_locale, exc.message, **exc.params), fg="red", err=True)
        raise typer.Exit(1) from exc
    finally:
        engine.dispose()
