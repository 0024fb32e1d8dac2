"""Test database setup, following warehouse's tests/conftest.py.

Migrations (and the reference data load) run once per test session and per database; every test then
runs inside a transaction that is rolled back, the code under test seeing only savepoints. Database tests
run on SQLite always and on PostgreSQL too when RANTAI_TEST_DATABASE_URL is set.
"""

from __future__ import annotations

import gc
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Connection, Engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from rantai import jobs, migrations
from rantai.app import create_app
from rantai.catalog.service import ensure_categories
from rantai.db import make_engine, make_session_factory, transaction
from rantai.reference.service import LoadReport, load_reference_data
from rantai.settings import Settings

PG_URL = os.environ.get("RANTAI_TEST_DATABASE_URL", "").strip()
BACKENDS = ["sqlite", "postgresql"]


def _reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


_FIRST_LOADS: dict[str, LoadReport] = {}


def _load_reference(url: str, engine: Engine) -> None:
    with transaction(make_session_factory(engine)) as session:
        _FIRST_LOADS[url] = load_reference_data(session)
        ensure_categories(session)


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A migrated database with reference data, once per session and backend."""
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("PostgreSQL tests need RANTAI_TEST_DATABASE_URL")
        _reset_postgres(PG_URL)
        url = PG_URL
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'rantai-test.db'}"
    migrations.upgrade(url)
    engine = make_engine(url)
    _load_reference(url, engine)
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def first_reference_load(database_url: str) -> LoadReport:
    """The report of the reference data load into the fresh test database."""
    return _FIRST_LOADS[database_url]


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    # check_same_thread off: the test client runs the app in another thread on the same connection.
    kwargs = {"connect_args": {"check_same_thread": False}} if database_url.startswith("sqlite") else {}
    eng = make_engine(database_url, **kwargs)
    yield eng
    eng.dispose()


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        if outer.is_active:
            outer.rollback()


@pytest.fixture
def session_factory(connection: Connection) -> sessionmaker[Session]:
    """Sessions whose commits only release a savepoint of the test's outer transaction."""
    return sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)


@pytest.fixture
def db(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    session = session_factory()
    yield session
    session.close()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path,
        login_max_failures=3,
        login_lockout_seconds=600,
    )


@pytest.fixture
def job_queue(settings: Settings, session_factory: sessionmaker[Session]) -> jobs.InlineQueue:
    """The queue of the app under test: jobs and signals (imports, index updates) run in the test's
    process right after the request's commit, on the test's connection (huey's immediate mode in
    spirit). Tests that write through their own session call ``job_queue.run_pending()`` or drain the
    index themselves (`tests.factories.matching.drain_index`)."""
    import rantai.worker  # noqa: F401, PLC0415 - registers every domain's tasks, as the worker does

    return jobs.InlineQueue(jobs.Context(session_factory, settings.data_dir), immediate=True)


@pytest.fixture
def app(settings: Settings, session_factory: sessionmaker[Session], job_queue: jobs.InlineQueue) -> FastAPI:
    application = create_app(settings, session_factory)
    jobs.attach(session_factory, job_queue)
    return application


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def committed_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A database of its own whose commits stay (the test database rolls every test back): on SQLite a
    copy of the test database, on PostgreSQL a new database, migrated and loaded, dropped afterwards."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        copy = tmp_path / "copy.db"
        with sqlite3.connect(str(url.database)) as source, sqlite3.connect(copy) as target:
            source.backup(target)
        yield f"sqlite:///{copy}"
        return
    name = f"rantai_committed_{os.getpid()}"
    admin = make_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    own = url.set(database=name).render_as_string(hide_password=False)
    try:
        migrations.upgrade(own)
        engine = make_engine(own)
        with transaction(make_session_factory(engine)) as session:
            load_reference_data(session)
            ensure_categories(session)
        engine.dispose()
        yield own
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


_OUTCOMES: dict[str, dict[str, int]] = {}


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Count outcomes per database backend and for the browser tests, for the summary below."""
    if report.when != "call" and not (report.when == "setup" and report.outcome != "passed"):
        return
    if "[sqlite" in report.nodeid:
        group = "SQLite"
    elif "[postgresql" in report.nodeid:
        group = "PostgreSQL"
    elif "/browser/" in report.nodeid:
        group = "browser (Chromium)"
    else:
        group = "no database"
    counts = _OUTCOMES.setdefault(group, {})
    counts[report.outcome] = counts.get(report.outcome, 0) + 1


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    terminalreporter.section("Rantai: where the tests ran")
    for group in ("no database", "SQLite", "PostgreSQL", "browser (Chromium)"):
        counts = _OUTCOMES.get(group, {})
        text = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items())) or "none"
        terminalreporter.write_line(f"{group:>20}: {text}")


@pytest.fixture
def collector() -> Iterator[None]:
    """Python's garbage collector as it was, whatever the test does to it (`tune_for_serving`)."""
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)
