"""Migration 0009 adds ``sourcing_need.version`` (issue #9, finding 10) and must keep every need line: on
SQLite, copying the need table to add the column would cascade its drop to the lines."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from rantai import migrations
from rantai.db import make_engine


def test_adding_the_version_keeps_needs_and_their_lines(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'migration.db'}"
    migrations.upgrade(url, "0008")
    engine = make_engine(url)  # foreign keys on, as the app runs
    with engine.begin() as conn:
        org = conn.execute(
            sa.text(
                "INSERT INTO organization (name, org_type, is_active, created_at) "
                "VALUES ('BUMN Uji', 'bumn', 1, '2026-11-01 08:00:00') RETURNING id"
            )
        ).scalar_one()
        need = conn.execute(
            sa.text(
                "INSERT INTO sourcing_need (organization_id, title, status, source, created_at, updated_at) "
                "VALUES (:org, 'Paket uji', 'open', 'form', '2026-11-01 08:00:00', '2026-11-01 08:00:00') "
                "RETURNING id"
            ),
            {"org": org},
        ).scalar_one()
        conn.execute(
            sa.text(
                "INSERT INTO sourcing_need_line (need_id, line_no, name, umkm_only) VALUES (:need, 1, 'Kopi', 1)"
            ),
            {"need": need},
        )
    engine.dispose()
    migrations.upgrade(url, "head")
    engine = make_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT count(*) FROM sourcing_need_line")).scalar_one() == 1
        assert conn.execute(sa.text("SELECT version FROM sourcing_need")).scalar_one() == 1
    engine.dispose()
