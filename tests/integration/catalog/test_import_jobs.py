"""Import jobs on a database of their own (commits stay): the write lock is held for the writing only, and
a bad file in all-or-nothing mode never takes it (issue #9, finding 3)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from tests.factories.identity import make_user

from rantai.catalog.import_jobs import run_import
from rantai.db import make_engine, make_session_factory, transaction
from rantai.identity import service as identity
from rantai.identity.roles import OrgType, Role
from rantai.suppliers.models import SupplierProfile
from rantai.tabular.batches import ImportMode

HEADER = "nib;nama_usaha;bentuk_usaha;kode_wilayah;kbli;omzet_tahunan\r\n"


def _file(tmp_path: Path, rows: int, *, bad: bool = False) -> Path:
    lines = [f"91{n:011d};Keripik Kunci {n};UD;32.73;10794;500000000\r\n" for n in range(1, rows + 1)]
    if bad:
        lines.append("9.13E+12;Rusak;UD;32.73;10794;1\r\n")
    path = tmp_path / "pemasok.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def _writer_can_start(database: str) -> bool:
    """Can another connection take the write lock right now (waiting at most 50 ms)?"""
    other = sqlite3.connect(database, timeout=0.05, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


@pytest.mark.parametrize("mode", [ImportMode.VALID_ROWS, ImportMode.ALL_OR_NOTHING])
def test_other_writers_are_not_locked_out_while_rows_are_checked(
    committed_url: str, tmp_path: Path, mode: ImportMode
) -> None:
    if not committed_url.startswith("sqlite"):
        pytest.skip("the database-wide write lock is SQLite's")
    database = committed_url.removeprefix("sqlite:///")
    engine = make_engine(committed_url)
    factory = make_session_factory(engine)
    with transaction(factory) as session:
        dinas = identity.create_organization(
            session, name="Dinas Kunci", org_type=OrgType.KEMENTERIAN_DINAS, region_code="32"
        )
        user = make_user(session, dinas, (Role.ADMIN,))
        org_id, user_id = dinas.id, user.id
    seen: list[bool] = []
    path = _file(tmp_path, 4500)  # three batches of checking
    try:
        with transaction(factory) as session:
            outcome = run_import(
                session,
                kind="suppliers",
                path=path,
                file_name=path.name,
                mode=mode,
                organization_id=org_id,
                user_id=user_id,
                progress=lambda _rows: seen.append(_writer_can_start(database)),
            )
        with transaction(factory) as session:
            stored = session.scalar(select(func.count()).select_from(SupplierProfile))
    finally:
        engine.dispose()
    # Before the fix the first batch was written (and the lock taken) before the first progress call.
    assert seen == [True, True, True]
    assert (outcome.inserted, outcome.rolled_back, stored) == (4500, False, 4500)


def test_a_bad_file_in_all_or_nothing_mode_writes_nothing(db: Session, tmp_path: Path) -> None:
    dinas = identity.create_organization(
        db, name="Dinas Berkas Buruk", org_type=OrgType.KEMENTERIAN_DINAS, region_code="32"
    )
    user = make_user(db, dinas, (Role.ADMIN,))
    before = db.scalar(select(func.count()).select_from(SupplierProfile))
    path = _file(tmp_path, 3, bad=True)
    outcome = run_import(
        db,
        kind="suppliers",
        path=path,
        file_name=path.name,
        mode=ImportMode.ALL_OR_NOTHING,
        organization_id=dinas.id,
        user_id=user.id,
    )
    assert outcome.rolled_back and outcome.rejected_rows == 1 and outcome.inserted == 0
    assert db.scalar(select(func.count()).select_from(SupplierProfile)) == before
