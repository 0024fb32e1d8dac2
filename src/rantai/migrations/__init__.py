"""Alembic migrations and the helpers that run them (``rantai db upgrade``, the test session)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).parent


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # Alembic's config is an .ini parser: a literal % in a URL (encoded passwords) must be doubled.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head", *, engine: Engine | None = None) -> None:
    """Bring the schema at ``url`` to ``revision``; reuses ``engine``'s connection when given."""
    config = alembic_config(url)
    if engine is not None:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    else:
        command.upgrade(config, revision)


def check(url: str) -> None:
    """Fail when the models and the migrations disagree (``alembic check``)."""
    command.check(alembic_config(url))
