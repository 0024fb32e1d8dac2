"""Migration 0016 on a database of its own: the row the previous release shipped keeps its meaning (from
Rp0, every UMKM class and koperasi), the downgrade takes the new columns away again. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic import command
from sqlalchemy.engine import make_url

from rantai import migrations
from rantai.db import make_engine
from rantai.migrations import alembic_config


@pytest.fixture
def scratch_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the test's backend: a new SQLite file, or a new PostgreSQL database."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migration.db'}"
        return
    name = f"{url.database}_reservation_{os.getpid()}"
    admin = make_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_0016_keeps_the_shipped_row_and_goes_back(scratch_url: str) -> None:
    migrations.upgrade(scratch_url, "0015")
    engine = make_engine(scratch_url)
    table = sa.table(
        "ref_umkm_reservation",
        sa.column("buyer_kind"),
        sa.column("effective_from"),
        sa.column("ceiling"),
        sa.column("legal_basis"),
    )
    with engine.begin() as conn:
        conn.execute(
            table.insert().values(
                buyer_kind="bumn",
                effective_from=dt.date(2023, 3, 3),
                ceiling=14_000_000_000,
                legal_basis="Peraturan Menteri BUMN PER-2/MBU/03/2023",
            )
        )
    migrations.upgrade(scratch_url, "0016")
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT floor, ceiling, size_classes FROM ref_umkm_reservation")).one()
        assert tuple(row) == (0, 14_000_000_000, "mikro|kecil|menengah|koperasi")
    with engine.begin() as conn:  # a kind with nothing reserved: no ceiling
        conn.execute(
            sa.text(
                "INSERT INTO ref_umkm_reservation (buyer_kind, effective_from, legal_basis) "
                "VALUES ('swasta_besar', '2021-02-02', 'tidak ada')"
            )
        )
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:
        conn.execute(sa.text("UPDATE ref_umkm_reservation SET floor = ceiling + 1 WHERE buyer_kind = 'bumn'"))

    command.downgrade(alembic_config(scratch_url), "0015")
    with engine.connect() as conn:
        columns = {c["name"]: c for c in sa.inspect(conn).get_columns("ref_umkm_reservation")}
        assert "floor" not in columns
        assert "size_classes" not in columns
        assert not columns["ceiling"]["nullable"]
        # The row without a ceiling is gone (the old table cannot say "nothing reserved"); BUMN's stays.
        assert conn.execute(sa.text("SELECT buyer_kind FROM ref_umkm_reservation")).scalars().all() == [
            "bumn"
        ]
    engine.dispose()
