"""Database plumbing: the declarative base with a naming convention, engines and sessions.

SQLite is the embedded default and PostgreSQL the production database; both are tested.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import DateTime, Engine, MetaData, Table, create_engine, event, insert, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

# Stable constraint names so that Alembic migrations are reproducible on both databases.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored in UTC and always returned timezone-aware.

    SQLite has no time zones; without this a value read back would be naive and compare wrongly.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Rantai stores aware UTC timestamps only")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:  # noqa: ARG002
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    """Base class of every Rantai table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime()}


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


# How long a statement waits for a lock before the request answers "busy, try again" (503): on SQLite the
# busy handler's wait for the write lock, on PostgreSQL ``lock_timeout`` for a row or table lock.
SQLITE_BUSY_TIMEOUT_MS = 30_000
POSTGRES_LOCK_TIMEOUT_MS = 30_000
# A transaction left open and idle (a stuck worker) is ended by PostgreSQL, so its locks are released.
POSTGRES_IDLE_IN_TRANSACTION_MS = 300_000
WRITE = "rantai_write"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets readers run beside one writer.
    # The driver's own transaction handling breaks SAVEPOINT; SQLAlchemy emits BEGIN itself instead
    # (the recipe in SQLAlchemy's SQLite dialect documentation).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # A writer waits its turn for up to this long (a big import's final merge takes a few seconds).
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A transaction that will write takes the write lock at BEGIN (IMMEDIATE), so it waits its turn in the
    # busy handler. A deferred transaction that read first cannot wait to upgrade: SQLite answers "database
    # is locked" at once, because waiting could deadlock two readers that both want to write (issue #9,
    # finding 3). Reads stay deferred so they run beside the one writer (WAL).
    if connection.get_execution_options().get(WRITE):
        _begin_immediate(connection)
    else:
        connection.exec_driver_sql("BEGIN")


# How often a writer waiting for SQLite's write lock tries again. SQLite's own busy handler backs off to
# 100 ms between tries once it has waited a while, so under a stream of short writers (the worker's mail
# and PDF jobs beside the web processes) a request that had waited a little kept losing the lock to
# writers that came later and tried sooner: bench/order_flow.py saw p95s of 461 ms where p50 was 35 ms.
# Trying every 2 ms, a waiter takes the lock within moments of its release.
SQLITE_WRITE_RETRY_SECONDS = 0.002


def _begin_immediate(connection: Any) -> None:
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    connection.exec_driver_sql("PRAGMA busy_timeout=0")
    try:
        while True:
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
                return
            except DBAPIError as error:
                if "locked" not in str(error.orig) or time.monotonic() >= deadline:
                    raise
            time.sleep(SQLITE_WRITE_RETRY_SECONDS)
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``; for SQLite it creates the parent folder and sets the pragmas."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    # psycopg prepares a statement run five times, and PostgreSQL may then give it a generic plan made
    # without the parameter values: the directory's queries differ by orders of magnitude in selectivity
    # (a rare word or a common one, a small province or Jawa Barat) and took 100-300 ms instead of 5-30 ms
    # (bench/directory_search.py). Plan every execution for its own values instead.
    connect_args = kwargs.setdefault("connect_args", {})
    connect_args.setdefault("prepare_threshold", None)
    # No request waits forever on a lock, and no stuck transaction keeps its locks (issue #9, finding 2).
    connect_args.setdefault(
        "options",
        f"-c lock_timeout={POSTGRES_LOCK_TIMEOUT_MS} "
        f"-c idle_in_transaction_session_timeout={POSTGRES_IDLE_IN_TRANSACTION_MS}",
    )
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session], *, write: bool = False) -> Iterator[Session]:
    """One unit of work: commit when the block ends, roll back when it raises.

    ``write``: the work will write, so on SQLite it takes the write lock when it begins (see
    ``_sqlite_begin``); elsewhere it changes nothing.
    """
    session = factory()
    if write:
        session.connection(execution_options={WRITE: True})
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def begin_writing(session: Session) -> None:
    """End the session's transaction, which has only read so far, and begin one that will write.

    For long work that reads a lot before it writes (a bulk import checks every row first): on SQLite the
    write lock is then held for the writing alone, and taken by waiting its turn, as a write request does.
    """
    session.commit()
    session.connection(execution_options={WRITE: True})


# How long a long writer that commits in chunks (a bulk import in valid-rows mode) leaves the SQLite write
# lock free between chunks: waiting writers poll every 100 ms once they have waited a while (SQLite's busy
# handler), so one of them takes its turn in the gap (issue #9: 503s while an import held the lock 24-70 s).
TURN_SECONDS = 0.15


def take_turns(session: Session) -> None:
    """Commit what a long writer has written so far, let a waiting writer in, then begin writing again.

    On PostgreSQL, where writers of different rows do not wait for each other, it only commits."""
    session.commit()
    if session.get_bind().dialect.name == "sqlite":
        time.sleep(TURN_SECONDS)
    session.connection(execution_options={WRITE: True})


def refresh_statistics(session: Session) -> None:
    """Have PostgreSQL read the tables' statistics again after a bulk load (``ANALYZE``), so the planner
    does not plan a dashboard's joins over 50,000 fresh orders as if the tables were empty before
    autovacuum comes round (issue #15: minutes instead of seconds). Nothing on SQLite, whose plans do
    not rest on gathered statistics unless asked for."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("ANALYZE"))


def table_of(model: type[Base]) -> Table:
    """A model's Core table, for bulk statements that skip the ORM's per-row bookkeeping."""
    return cast(Table, model.__table__)


def bulk_insert(
    session: Session, model: type[Base], rows: list[dict[str, Any]], *, return_ids: bool = False
) -> list[int]:
    """Insert many rows fast; with ``return_ids`` the new primary keys come back in the rows' order.

    On PostgreSQL the rows go as one array per column through ``INSERT ... SELECT ... FROM unnest(...)
    WITH ORDINALITY``: a short statement that psycopg parses once, instead of SQLAlchemy's multi-row
    VALUES with a placeholder per cell, which psycopg re-parses in Python for every batch (over half of a
    large import's time, measured in bench/import_registry.py). Elsewhere it is a Core executemany.
    """
    if not rows:
        return []
    table = table_of(model)
    if session.get_bind().dialect.name != "postgresql":
        statement = insert(table)
        if return_ids:
            return _sqlite_numbered_insert(session, table, rows)
        session.execute(statement, rows)
        return []
    return _unnest_insert(session, table, rows, return_ids=return_ids)


def _sqlite_numbered_insert(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    """Insert rows on SQLite and return their new ids in the rows' order, in two statements.

    SQLAlchemy cannot return ids in order from one multi-row INSERT on SQLite without a sentinel column,
    so it sent one INSERT per row: most of a big import's write phase, with the write lock held
    (bench/import_under_load.py). The first row is inserted alone and tells its id; from then on this
    transaction holds SQLite's only write lock, so nobody else can take the ids after it, and the rest go
    in one executemany with the next ids given explicitly.
    """
    first = int(session.scalars(insert(table).returning(table.c.id), rows[:1]).one())
    ids = list(range(first, first + len(rows)))
    if len(rows) > 1:
        session.execute(
            insert(table), [{**row, "id": new} for row, new in zip(rows[1:], ids[1:], strict=True)]
        )
    return ids


def _unnest_insert(
    session: Session, table: Table, rows: list[dict[str, Any]], *, return_ids: bool
) -> list[int]:
    connection = session.connection()
    dialect = connection.dialect
    quote = dialect.identifier_preparer.quote
    keys = {key for row in rows for key in row}
    names: list[str] = []
    casts: list[str] = []
    params: dict[str, list[Any]] = {}
    for column in table.columns:
        default = column.default
        if column.key in keys:
            values = [row.get(column.key) for row in rows]
        elif default is not None and getattr(default, "is_scalar", False):
            values = [getattr(default, "arg", None)] * len(rows)
        elif default is not None and getattr(default, "is_callable", False):
            make = getattr(default, "arg", None)
            values = [make(None) if make else None for _ in rows]
        else:
            continue  # left to the database (the primary key's sequence)
        if isinstance(column.type, TypeDecorator):
            values = [column.type.process_bind_param(value, dialect) for value in values]
        name = f"p{len(names)}"
        names.append(quote(column.name))
        params[name] = values
        casts.append(f"%({name})s::{column.type.compile(dialect=dialect)}[]")
    # Only the table's quoted identifiers and type names are put into the text; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(names)}) SELECT {', '.join(names)} "  # noqa: S608
        f"FROM unnest({', '.join(casts)}) WITH ORDINALITY AS v({', '.join(names)}, rantai_ord) ORDER BY rantai_ord"
    )
    if not return_ids:
        connection.exec_driver_sql(sql, params)
        return []
    # Sequence values are drawn in ORDER BY order, so the ascending ids are the rows' order.
    found = connection.exec_driver_sql(f"{sql} RETURNING {quote('id')}", params).scalars().all()
    return sorted(int(value) for value in found)


@contextmanager
def all_or_nothing(session: Session) -> Iterator[None]:
    """What runs inside changes everything or nothing, and the session stays usable after a failure
    (issue #10): a savepoint, rolled back when anything raises (a user's mistake, a lost compare-and-set,
    a flush refused), which expires just the objects it touched, so an error page drawn afterwards reads
    the rows as they are. A door that shows a form again with its error wraps the use case in it instead
    of rolling the request's transaction back and reading everything again by hand."""
    with session.begin_nested():
        yield
