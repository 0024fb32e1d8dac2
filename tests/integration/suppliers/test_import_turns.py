"""A valid-rows import handed its transaction commits batch by batch and lets other writers in between
(issue #9: requests timed out while a 100,000-row import held SQLite's write lock); all-or-nothing stays
one transaction. Run on a database of its own whose commits stay, on SQLite and PostgreSQL."""

from __future__ import annotations

import io
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories.identity import make_user

from rantai.db import begin_writing, make_engine, make_session_factory, transaction
from rantai.identity import service as identity
from rantai.identity.models import User
from rantai.identity.policy import Actor
from rantai.identity.roles import OrgType, Role
from rantai.suppliers import bulk
from rantai.suppliers.bulk import import_suppliers
from rantai.suppliers.models import SupplierProfile
from rantai.tabular import batches
from rantai.tabular.batches import ImportMode, ImportOutcome
from rantai.tabular.reading import open_table

HEADER = "nib;nama_usaha;bentuk_usaha;kode_wilayah;kbli;omzet_tahunan"


def _rows(count: int) -> list[str]:
    return [f"92{n:011d};Keripik Giliran {n};UD;32.73;10794;500000000" for n in range(1, count + 1)]


@dataclass
class Importer:
    factory: sessionmaker[Session]
    database_url: str
    org_id: int
    user_id: int

    def actor(self, session: Session) -> Actor:
        user = session.get(User, self.user_id)
        assert user is not None
        return identity.actor_for(session, user)

    def run(self, rows: list[str], mode: ImportMode) -> ImportOutcome:
        data = io.BytesIO(("\r\n".join([HEADER, *rows]) + "\r\n").encode())
        with transaction(self.factory) as session, open_table(data, filename="pemasok.csv") as table:
            return import_suppliers(
                session,
                table,
                actor=self.actor(session),
                importer_organization_id=self.org_id,
                mode=mode,
                ready_to_write=begin_writing,
            )

    def stored(self) -> int:
        with self.factory() as session:
            return int(session.scalar(select(func.count()).select_from(SupplierProfile)) or 0)


@pytest.fixture
def importer(committed_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[Importer]:
    monkeypatch.setattr(batches, "BATCH", 3)  # a batch is 3 rows: a 7-row file writes in 3 turns
    engine = make_engine(committed_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        dinas = identity.create_organization(
            session, name="Dinas Giliran", org_type=OrgType.KEMENTERIAN_DINAS, region_code="32"
        )
        user = make_user(session, dinas, (Role.VERIFIER,))
        ids = (dinas.id, user.id)
    try:
        yield Importer(factory, committed_url, *ids)
    finally:
        engine.dispose()


def test_other_writers_get_a_turn_between_batches(
    importer: Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    turns: list[int] = []
    taken = batches.take_turns

    def observed(session: Session) -> None:
        taken(session)
        # By now the batches so far are committed: another connection sees them.
        turns.append(importer.stored())

    monkeypatch.setattr(batches, "take_turns", observed)
    before = importer.stored()
    outcome = importer.run(_rows(7), ImportMode.VALID_ROWS)
    assert outcome.inserted == 7
    assert [count - before for count in turns] == [3, 6]
    assert importer.stored() - before == 7


def test_on_sqlite_the_write_lock_is_free_between_batches(
    importer: Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not importer.database_url.startswith("sqlite"):
        pytest.skip("the database-wide write lock is SQLite's")
    database = importer.database_url.removeprefix("sqlite:///")
    free: list[bool] = []

    def observed(session: Session) -> None:
        session.commit()
        other = sqlite3.connect(database, timeout=0.05, isolation_level=None)
        try:
            other.execute("BEGIN IMMEDIATE")  # a request's write, taken in the gap
            other.execute("ROLLBACK")
            free.append(True)
        except sqlite3.OperationalError:
            free.append(False)
        finally:
            other.close()
        session.connection(execution_options={"rantai_write": True})

    monkeypatch.setattr(batches, "take_turns", observed)
    importer.run(_rows(7), ImportMode.VALID_ROWS)
    assert free == [True, True]


def test_an_import_cut_short_keeps_its_batches_and_completes_when_run_again(
    importer: Importer, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = importer.stored()
    real_upsert = bulk._upsert
    calls = {"n": 0}

    def crashing(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("the worker died")  # the second batch never lands
        real_upsert(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk, "_upsert", crashing)
    with pytest.raises(RuntimeError):
        importer.run(_rows(7), ImportMode.VALID_ROWS)
    assert importer.stored() - before == 3  # the first batch was committed
    monkeypatch.setattr(bulk, "_upsert", real_upsert)
    again = importer.run(_rows(7), ImportMode.VALID_ROWS)
    assert (again.inserted, again.unchanged) == (4, 3)
    assert importer.stored() - before == 7


def test_all_or_nothing_stays_one_transaction(importer: Importer, monkeypatch: pytest.MonkeyPatch) -> None:
    before = importer.stored()
    turns: list[Session] = []
    monkeypatch.setattr(batches, "take_turns", turns.append)
    real_upsert = bulk._upsert
    calls = {"n": 0}

    def crashing(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the worker died")
        real_upsert(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk, "_upsert", crashing)
    with pytest.raises(RuntimeError):
        importer.run(_rows(7), ImportMode.ALL_OR_NOTHING)
    assert turns == []
    assert importer.stored() == before
