"""The tamper-evident audit log (issue #10): one hash chain per organization, sealed at commit, checked by
``rantai audit verify``; writers of different organizations do not wait for each other."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import JSON, Engine, bindparam, make_url, select, text
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from rantai import audit, migrations
from rantai.audit import chain
from rantai.audit.chain import GENESIS, MSG_ALTERED, MSG_END_MISSING, MSG_MISSING
from rantai.audit.events import Event
from rantai.audit.models import AuditChainHead, AuditEvent
from rantai.cli.main import app
from rantai.db import UTCDateTime, make_engine, make_session_factory, transaction
from rantai.i18n import translate
from rantai.identity import service as identity
from rantai.identity.roles import OrgType
from rantai.settings import get_settings

runner = CliRunner()


def _organization(engine: Engine, name: str) -> int:
    with transaction(make_session_factory(engine), write=True) as session:
        return identity.create_organization(session, name=name, org_type=OrgType.BUMN).id


def _write(engine: Engine, organization_id: int | None, count: int = 1) -> list[int]:
    """``count`` entries in one committed transaction; their ids."""
    with transaction(make_session_factory(engine), write=True) as session:
        parties = [] if organization_id is None else [organization_id]
        return [
            audit.record(session, Event.NEED_UPDATED, n, parties, by=None, details={"n": n}).id
            for n in range(count)
        ]


def _verify(engine: Engine) -> chain.Verification:
    with transaction(make_session_factory(engine)) as session:
        return chain.verify(session)


def _tamper(engine: Engine, *statements: str, **params: object) -> None:
    """Change the log behind the application's back: the append-only triggers go first, as an intruder
    with the database owner's rights would do."""
    if engine.dialect.name == "postgresql":
        drops = [
            "DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event",
            "DROP TRIGGER IF EXISTS audit_event_no_delete ON audit_event",
            "DROP TRIGGER IF EXISTS audit_party_no_change ON audit_party",
        ]
    else:
        drops = [
            f"DROP TRIGGER IF EXISTS {name}"
            for name in ("audit_event_no_update", "audit_event_no_delete", "audit_party_no_delete")
        ]
    with engine.begin() as conn:
        for statement in (*drops, *statements):
            conn.execute(text(statement), params)


def _delete(engine: Engine, event_id: int) -> None:
    _tamper(
        engine,
        "DELETE FROM audit_party WHERE event_id = :id",
        "DELETE FROM audit_event WHERE id = :id",
        id=event_id,
    )


@pytest.fixture
def cli_env(committed_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("RANTAI_DATABASE_URL", committed_url)
    monkeypatch.setenv("RANTAI_DEFAULT_LOCALE", "en")
    get_settings.cache_clear()
    yield committed_url
    get_settings.cache_clear()


def test_entries_are_sealed_in_order_at_commit(db: Session) -> None:
    first = audit.record(db, Event.NEED_CREATED, 1, [999_001], by=None)
    second = audit.record(db, Event.NEED_UPDATED, 1, [999_001], by=None)
    platform = audit.record(db, Event.USER_CREATED, 5, by=None)
    assert first.entry_hash is None  # not yet: the chain is linked when the transaction commits
    db.commit()
    assert (first.chain_key, first.chain_seq, first.prev_hash) == ("org:999001", 1, GENESIS)
    assert (second.chain_seq, second.prev_hash) == (2, first.entry_hash)
    assert platform.chain_key == chain.PLATFORM_CHAIN
    head = db.get(AuditChainHead, "org:999001")
    assert head is not None and (head.last_seq, head.last_hash) == (2, second.entry_hash)
    assert chain.verify(db).breaks == []


def test_a_savepoint_rolled_back_leaves_the_rest_to_be_sealed(db: Session) -> None:
    kept = audit.record(db, Event.NEED_CREATED, 1, [999_003], by=None)
    savepoint = db.begin_nested()  # a use case that fails half-way and is rolled back to its savepoint
    audit.record(db, Event.NEED_UPDATED, 1, [999_003], by=None)
    savepoint.rollback()
    with db.begin_nested():
        inner = audit.record(db, Event.NEED_UPDATED, 2, [999_003], by=None)
    assert inner.entry_hash is None  # a savepoint's release is not the commit
    db.commit()
    assert (kept.chain_seq, inner.chain_seq, inner.prev_hash) == (1, 2, kept.entry_hash)
    assert chain.verify(db).breaks == []


def test_a_sealed_entry_cannot_be_changed_nor_deleted(db: Session) -> None:
    entry = audit.record(db, Event.NEED_CREATED, 1, [999_002], by=None)
    db.commit()
    for statement in (
        "UPDATE audit_event SET details = '{}' WHERE id = :id",
        "UPDATE audit_event SET entry_hash = :zero WHERE id = :id",
        "DELETE FROM audit_event WHERE id = :id",
    ):
        with pytest.raises(Exception, match="append-only"), db.begin_nested():
            db.execute(text(statement), {"id": entry.id, "zero": GENESIS})
    db.refresh(entry)
    assert entry.entry_hash is not None


def test_verify_names_an_altered_and_a_deleted_entry(cli_env: str) -> None:
    engine = make_engine(cli_env)
    altered_org, deleted_org, tail_org = (_organization(engine, f"PT Rantai {n}") for n in "ABC")
    altered = _write(engine, altered_org, 3)
    deleted = _write(engine, deleted_org, 3)
    _write(engine, deleted_org, 1)
    tail = _write(engine, tail_org, 2)
    _write(engine, None, 2)

    before = _verify(engine)
    assert before.breaks == []
    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"{before.entries:,} entries in {before.chains} chains" in result.output

    _tamper(engine, "UPDATE audit_event SET details = '{\"n\": 7}' WHERE id = :id", id=altered[1])
    _delete(engine, deleted[1])
    _delete(engine, tail[-1])
    found = {found.chain_key: found for found in _verify(engine).breaks}
    assert set(found) == {f"org:{altered_org}", f"org:{deleted_org}", f"org:{tail_org}"}
    assert (found[f"org:{altered_org}"].event_id, found[f"org:{altered_org}"].reason) == (
        altered[1],
        MSG_ALTERED,
    )
    # The entry after the deleted one is the first that does not hold: #2 is missing before it.
    assert (found[f"org:{deleted_org}"].event_id, found[f"org:{deleted_org}"].reason) == (
        deleted[2],
        MSG_MISSING,
    )
    assert found[f"org:{deleted_org}"].params == {"first": 3, "last": 3}  # #1: the organization's creation
    # The last entry of a chain deleted: the head still names it.
    assert (found[f"org:{tail_org}"].event_id, found[f"org:{tail_org}"].reason) == (tail[0], MSG_END_MISSING)

    result = runner.invoke(app, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"at entry {altered[1]} (#3): {translate('en', MSG_ALTERED)}" in result.output
    assert f"at entry {deleted[2]} (#4)" in result.output
    engine.dispose()


def test_existing_entries_are_sealed_by_the_migration(database_url: str, tmp_path: Path) -> None:
    """Entries written before chains existed are sealed in id order, each in its organization's chain."""
    url, cleanup = _scratch_database(database_url, tmp_path)
    try:
        config = migrations.alembic_config(url)
        command.upgrade(config, "0014")  # the audit log before its chains
        engine = make_engine(url)
        moment = dt.datetime(2026, 12, 1, 8, 0, 0, 123456, tzinfo=dt.UTC)
        with engine.begin() as conn:
            for n, org in enumerate([7, None, 7, 8, 7]):
                conn.execute(
                    text(
                        "INSERT INTO audit_event (occurred_at, organization_id, action, target_type, "
                        "target_id, details) VALUES (:at, :org, 'need.updated', 'need', :n, :details)"
                    ).bindparams(bindparam("at", type_=UTCDateTime()), bindparam("details", type_=JSON())),
                    {"at": moment, "org": org, "n": str(n), "details": {"n": n, "kata": "jalan"}},
                )
                if org is not None:
                    conn.execute(
                        text(
                            "INSERT INTO audit_party (event_id, organization_id) "
                            "SELECT max(id), :org FROM audit_event"
                        ),
                        {"org": org},
                    )
        command.upgrade(config, "head")
        result = _verify(engine)
        assert (result.entries, result.chains, result.breaks) == (5, 3, [])
        with make_session_factory(engine)() as session:
            seqs = session.execute(
                select(AuditEvent.chain_key, AuditEvent.chain_seq).order_by(AuditEvent.id)
            ).all()
            assert [tuple(row) for row in seqs] == [
                ("org:7", 1),
                ("platform", 1),
                ("org:7", 2),
                ("org:8", 1),
                ("org:7", 3),
            ]
            # The append-only trigger is back: sealed entries stay as they are.
            with pytest.raises(Exception, match="append-only"):
                session.execute(text("UPDATE audit_event SET note = 'x'"))
        engine.dispose()
        command.downgrade(config, "0014")  # and the way back works
    finally:
        cleanup()


def _scratch_database(database_url: str, tmp_path: Path) -> tuple[str, object]:
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / 'scratch.db'}", lambda: None
    name = f"rantai_chainmig_{os.getpid()}"
    admin = make_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def cleanup() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), cleanup


def test_writers_to_different_chains_do_not_wait_and_one_chain_takes_turns(committed_url: str) -> None:
    """Real concurrent transactions on PostgreSQL: one holds organization A's chain in the middle of its
    commit; a writer to B commits meanwhile, a second writer to A waits and then lands after it."""
    if not committed_url.startswith("postgresql"):
        pytest.skip("row locks between concurrent connections: PostgreSQL")
    engine = make_engine(committed_url)
    org_a, org_b = _organization(engine, "PT Rantai A"), _organization(engine, "PT Rantai B")
    factory = make_session_factory(engine)
    sealed, release = threading.Event(), threading.Event()
    finished: dict[str, float] = {}
    errors: list[BaseException] = []

    def holder() -> None:
        try:
            with transaction(factory, write=True) as session:
                audit.record(session, Event.NEED_CREATED, 99, [org_a], by=None)
                chain.seal(session)  # A's head is locked from here to the commit
                sealed.set()
                release.wait(20)
        except BaseException as exc:  # reported to the test's thread
            errors.append(exc)

    def writer(name: str, organization_id: int) -> None:
        try:
            _write(engine, organization_id, 2)
            finished[name] = time.monotonic()
        except BaseException as exc:
            errors.append(exc)

    first = threading.Thread(target=holder)
    first.start()
    assert sealed.wait(20)
    other = threading.Thread(target=writer, args=("b", org_b))
    same = threading.Thread(target=writer, args=("a", org_a))
    other.start()
    same.start()
    other.join(10)
    assert "b" in finished, "a writer to another organization's chain waited"
    time.sleep(1.0)
    assert "a" not in finished, "a second writer to the same chain did not wait for the first"
    released = time.monotonic()
    release.set()
    first.join(20)
    same.join(20)
    assert errors == []
    assert finished["a"] >= released
    with factory() as session:
        rows = session.execute(
            select(AuditEvent.chain_seq, AuditEvent.target_id)
            .where(AuditEvent.chain_key == f"org:{org_a}")
            .order_by(AuditEvent.chain_seq)
        ).all()
    # The organization's creation, the holder's entry (sealed first), then the waiting writer's two.
    assert [tuple(row) for row in rows] == [(1, str(org_a)), (2, "99"), (3, "0"), (4, "1")]
    assert _verify(engine).breaks == []
    engine.dispose()


def test_many_concurrent_writers_leave_every_chain_whole(committed_url: str) -> None:
    if not committed_url.startswith("postgresql"):
        pytest.skip("concurrent writers: PostgreSQL (SQLite has one writer at a time)")
    engine = make_engine(committed_url)
    orgs = [_organization(engine, f"PT Rantai {n}") for n in range(3)]
    errors: list[BaseException] = []

    def work(organization_id: int) -> None:
        try:
            for _ in range(5):
                _write(engine, organization_id, 2)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(org,)) for org in orgs + orgs + [orgs[0]]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    result = _verify(engine)
    assert result.breaks == []
    with make_session_factory(engine)() as session:
        heads = dict(
            session.execute(
                select(AuditChainHead.chain_key, AuditChainHead.last_seq).where(
                    AuditChainHead.chain_key.in_([f"org:{org}" for org in orgs])
                )
            ).all()
        )
    # Each organization's creation and membership entries, then 10 per thread that wrote to it.
    created = {f"org:{org}": 1 for org in orgs}
    assert heads == {key: created[key] + 10 * (3 if key == f"org:{orgs[0]}" else 2) for key in created}
    engine.dispose()
