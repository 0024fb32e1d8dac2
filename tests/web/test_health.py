"""Readiness means the platform can save (issue #9, finding 17): a locked or read-only database, or a data
directory that cannot be written, is a 503 naming what failed; liveness stays a plain answer."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker

from rantai.app import create_app
from rantai.db import make_engine, make_session_factory
from rantai.settings import Settings


@contextmanager
def _client(url: str, data_dir: Path, **engine_args: object) -> Iterator[TestClient]:
    engine = make_engine(url, **engine_args)
    app = create_app(Settings(database_url=url, data_dir=data_dir), make_session_factory(engine))
    with TestClient(app) as client:
        yield client
    engine.dispose()


@pytest.fixture
def sqlite_file(tmp_path: Path) -> Path:
    path = tmp_path / "rantai.db"
    with sqlite3.connect(path) as setup:
        setup.execute("PRAGMA journal_mode=WAL")
        setup.execute("CREATE TABLE t (x INTEGER)")
    return path


def test_ready_when_the_database_and_the_data_directory_take_writes(client: TestClient) -> None:
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "data_dir": "ok"}


def test_not_ready_while_another_writer_holds_the_sqlite_lock(sqlite_file: Path, tmp_path: Path) -> None:
    holder = sqlite3.connect(sqlite_file, isolation_level=None)
    try:
        with _client(f"sqlite:///{sqlite_file}", tmp_path / "data") as client:
            holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a long write
            locked = client.get("/readyz")
            holder.execute("ROLLBACK")
            freed = client.get("/readyz")
            assert client.get("/healthz").status_code == 200  # alive all along
    finally:
        holder.close()
    assert locked.status_code == 503
    assert locked.json() == {"status": "unavailable", "database": "locked", "data_dir": "ok"}
    assert freed.status_code == 200 and freed.json()["database"] == "ok"


def test_not_ready_when_the_data_directory_cannot_be_written(sqlite_file: Path, tmp_path: Path) -> None:
    # A directory that cannot be made (its parent is a file) fails for root too, unlike chmod.
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    with _client(f"sqlite:///{sqlite_file}", blocker / "data") as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "ok", "data_dir": "not writable"}


def test_not_ready_when_the_database_does_not_answer(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-dir" / "x.db"
    broken = make_engine(f"sqlite:///file:{missing}?mode=ro&uri=true")
    app = create_app(Settings(data_dir=tmp_path), sessionmaker(bind=broken))
    with TestClient(app) as client:
        response = client.get("/readyz")
        assert client.get("/healthz").json() == {"status": "ok"}
    assert response.status_code == 503 and response.json()["database"] == "error"


def test_not_ready_on_a_read_only_postgresql(database_url: str, tmp_path: Path) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL standby or read-only default")
    # What a hot standby answers: every transaction is read-only.
    read_only = {"options": "-c default_transaction_read_only=on"}
    with _client(database_url, tmp_path, connect_args=read_only) as client:
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "read-only", "data_dir": "ok"}
