"""Liveness and readiness probes for load balancers and operators.

``/healthz`` says the process answers. ``/readyz`` says it can serve, which means it can also save: the
database answers and can take a write (not locked by another writer beyond a short wait, not a read-only
PostgreSQL standby), and the data directory (uploads, job progress, the search index) can be written
(issue #9, finding 17). A failure is a 503 whose JSON body names what failed.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

router = APIRouter()

# How long the probe waits for SQLite's write lock: short, because a probe must answer within its own
# timeout (Kubernetes' default is one second).
WRITE_WAIT_MS = 500


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up (it answers without touching the database)."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """Ready to serve: the database answers and takes writes, the data directory is writable."""
    factory: sessionmaker[Session] = request.app.state.session_factory
    body = {
        "database": _database_state(factory),
        "data_dir": _data_dir_state(request.app.state.settings.data_dir),
    }
    ready = all(state == "ok" for state in body.values())
    return JSONResponse(
        {"status": "ok" if ready else "unavailable", **body}, status_code=200 if ready else 503
    )


def _database_state(factory: sessionmaker[Session]) -> str:
    """``ok``, ``error`` (it does not answer), ``read-only`` (a PostgreSQL standby or a read-only
    transaction default) or ``locked`` (SQLite's write lock held beyond ``WRITE_WAIT_MS``)."""
    try:
        with factory() as session:
            session.execute(text("SELECT 1"))
            bind = session.get_bind()
            if bind.dialect.name == "postgresql":
                in_recovery, read_only = session.execute(
                    text("SELECT pg_is_in_recovery(), current_setting('transaction_read_only')")
                ).one()
                return "read-only" if in_recovery or read_only == "on" else "ok"
            engine = bind.engine
    except SQLAlchemyError:
        return "error"
    if engine.dialect.name != "sqlite":
        return "ok"
    try:
        return "ok" if _sqlite_takes_write(engine) else "locked"
    except (SQLAlchemyError, sqlite3.Error):
        return "error"


def _sqlite_takes_write(engine: Engine) -> bool:
    """Take SQLite's write lock and let it go at once, on a connection of its own (the request's session
    may sit in a transaction). Waits at most ``WRITE_WAIT_MS``; the connection's own wait is restored."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        try:
            cursor.execute("PRAGMA busy_timeout")
            (previous,) = cursor.fetchone() or (0,)
            cursor.execute(f"PRAGMA busy_timeout={WRITE_WAIT_MS}")
            try:
                cursor.execute("BEGIN IMMEDIATE")
                cursor.execute("ROLLBACK")
            except sqlite3.OperationalError:
                return False
            finally:
                cursor.execute(f"PRAGMA busy_timeout={int(previous)}")
        finally:
            cursor.close()
    finally:
        raw.close()  # back to the pool
    return True


def _data_dir_state(data_dir: Path) -> str:
    """``ok`` when a file can be created (and removed) in the data directory, else ``not writable``."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".readyz-") as probe:
            probe.write(b"ok")
            probe.flush()
    except OSError:
        return "not writable"
    return "ok"
