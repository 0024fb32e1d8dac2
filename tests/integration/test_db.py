"""db.bulk_insert gives back the new ids in the rows' order, on both databases."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from rantai import db as rantai_db
from rantai.db import WRITE, bulk_insert, make_engine, make_session_factory, transaction
from rantai.identity.models import Organization
from rantai.kit.clock import now


def test_bulk_insert_returns_ids_in_the_rows_order(db: Session) -> None:
    moment = now()
    rows = [
        {
            "name": f"Bulk {n}",
            "org_type": "umkm",
            "region_code": None if n % 2 else "32.73",
            "created_at": moment,
        }
        for n in range(7)
    ]
    ids = bulk_insert(db, Organization, rows, return_ids=True)
    assert len(ids) == 7 and len(set(ids)) == 7
    names = dict(db.execute(select(Organization.id, Organization.name).where(Organization.id.in_(ids))).all())
    assert [names[i] for i in ids] == [row["name"] for row in rows]
    # Ids after these are still free for the next insert.
    more = bulk_insert(db, Organization, [{**rows[0], "name": "Bulk berikut"}], return_ids=True)
    assert more[0] > max(ids)


def test_a_sqlite_writer_waits_for_the_lock_then_takes_it_and_gives_up_at_the_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'locks.db'}")
    factory = make_session_factory(engine)
    with transaction(factory, write=True) as session:
        session.execute(text("CREATE TABLE t (n INTEGER)"))
    took: list[int] = []
    holder = factory()
    holder.connection(execution_options={WRITE: True})  # holds the write lock
    waiter = threading.Thread(target=lambda: _write(factory, took))
    waiter.start()
    waiter.join(0.3)
    assert waiter.is_alive() and took == []  # waiting its turn, not refused
    holder.commit()
    holder.close()
    waiter.join(10)
    assert took == [1]
    with transaction(factory) as session:  # its own busy timeout is back once it began
        assert session.execute(text("PRAGMA busy_timeout")).scalar() == rantai_db.SQLITE_BUSY_TIMEOUT_MS

    monkeypatch.setattr(rantai_db, "SQLITE_BUSY_TIMEOUT_MS", 50)
    holder = factory()
    holder.connection(execution_options={WRITE: True})
    with pytest.raises(OperationalError, match="locked"):
        _write(factory, took)
    holder.rollback()
    holder.close()
    engine.dispose()


def _write(factory: sessionmaker[Session], took: list[int]) -> None:
    with transaction(factory, write=True) as session:
        session.execute(text("INSERT INTO t VALUES (1)"))
        took.append(1)
