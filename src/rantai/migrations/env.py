"""Alembic environment: runs migrations on the URL or connection handed over by rantai.migrations."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from rantai.db import make_engine
from rantai.models import metadata
from rantai.settings import get_settings

config = context.config


# Full-text search structures made by hand in migrations, per database, and unknown to the models:
# SQLite's FTS5 table (and its shadow tables) and PostgreSQL's expression GIN index.
_HAND_MADE_PREFIXES = ("catalog_supplier_search_fts", "ix_catalog_supplier_search_tsv", "document_tsv")


def _include_object(_obj: object, name: str | None, _type: str, reflected: bool, _compare: object) -> bool:
    return not (reflected and name is not None and name.startswith(_HAND_MADE_PREFIXES))


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        include_object=_include_object,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url") or get_settings().database_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Offline (SQL script) migrations are not supported; run `rantai db upgrade`.")
run_migrations_online()
