"""Migration 0008's backfill of who manages each supplier profile (issue #9, finding 1), on a database of
its own migrated to 0007 and filled as the previous release left it, then upgraded."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from rantai import migrations
from rantai.db import make_engine
from rantai.migrations import alembic_config

T0 = dt.datetime(2026, 11, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def scratch_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """An empty database of the test's backend: a new SQLite file, or a new PostgreSQL database."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migration.db'}"
        return
    name = f"{url.database}_migration_{os.getpid()}"
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


class _Old:
    """Rows written as the release before 0008 wrote them."""

    def __init__(self, conn: sa.Connection) -> None:
        self.conn = conn
        self.tables = sa.MetaData()
        self.tables.reflect(conn)
        self.nib = 9_120_000_000_000
        self.conn.execute(
            self.tables.tables["ref_region"].insert(),
            [
                {"code": "32", "name": "Jawa Barat", "level": 1, "parent_code": None},
                {"code": "32.73", "name": "Kota Bandung", "level": 2, "parent_code": "32"},
            ],
        )

    def insert(self, table: str, **values: Any) -> int:
        result = self.conn.execute(self.tables.tables[table].insert().values(**values))
        return int(result.inserted_primary_key[0])

    def org(self, org_type: str, *, members: int = 0) -> int:
        org_id = self.insert(
            "organization", name=f"Org {org_type}", org_type=org_type, is_active=True, created_at=T0
        )
        for n in range(members):
            user_id = self.insert(
                "user_account",
                email=f"u{org_id}-{n}@contoh.co.id",
                full_name="Pengguna",
                password_hash="x",
                locale="id",
                is_active=True,
                failed_login_count=0,
                created_at=T0,
            )
            self.insert("membership", user_id=user_id, organization_id=org_id, role="owner", created_at=T0)
        return org_id

    def profile(self, created: dt.datetime, *, members: int = 0) -> int:
        self.nib += 1
        return self.insert(
            "supplier_profile",
            organization_id=self.org("umkm", members=members),
            business_name="Usaha",
            legal_form="ud",
            nib=str(self.nib),
            province_code="32",
            kabkota_code="32.73",
            women_owned=False,
            youth_owned=False,
            export_experience=False,
            status="draft",
            created_at=created,
            updated_at=created,
        )

    def job(self, org_id: int, started: dt.datetime, finished: dt.datetime, inserted: int = 1) -> None:
        self.insert(
            "supplier_import_job",
            kind="suppliers",
            mode="valid_rows",
            status="done",
            file_name="pemasok.csv",
            organization_id=org_id,
            rows_total=inserted,
            rows_done=inserted,
            rows_failed=0,
            inserted=inserted,
            updated=0,
            unchanged=0,
            created_at=started,
            started_at=started,
            finished_at=finished,
        )

    def import_event(self, org_id: int, at: dt.datetime, inserted: int) -> None:
        self.insert(
            "audit_event",
            occurred_at=at,
            organization_id=org_id,
            action="supplier.imported",
            target_type="organization",
            target_id=str(org_id),
            details={"rows": inserted, "inserted": inserted, "updated": 0, "unchanged": 0},
        )


def test_backfill_claims_registered_profiles_and_attributes_imports_only_when_certain(
    scratch_url: str,
) -> None:
    migrations.upgrade(scratch_url, "0007")
    engine = make_engine(scratch_url)
    minute = dt.timedelta(minutes=1)
    with engine.begin() as conn:
        old = _Old(conn)
        dinas, bumn = old.org("kementerian_dinas", members=1), old.org("bumn", members=1)
        registered = old.profile(T0, members=1)
        old.insert(
            "supplier_size_class",
            supplier_id=registered,
            size_class="mikro",
            basis="annual_sales",
            effective_on=T0.date(),
            recorded_at=T0,
        )
        by_job = old.profile(T0 + 10 * minute)
        old.job(dinas, T0 + 9 * minute, T0 + 11 * minute)
        by_cli = old.profile(T0 + 100 * minute)
        old.import_event(bumn, T0 + 102 * minute, inserted=5)
        unknown = old.profile(T0 - 600 * minute)
        ambiguous = old.profile(T0 + 200 * minute)
        old.job(dinas, T0 + 199 * minute, T0 + 201 * minute)
        old.import_event(bumn, T0 + 230 * minute, inserted=2)
        nothing_inserted = old.profile(T0 + 400 * minute)
        old.import_event(bumn, T0 + 405 * minute, inserted=0)
    migrations.upgrade(scratch_url, "0008")

    profile = sa.table(
        "supplier_profile",
        sa.column("id"),
        sa.column("organization_id"),
        sa.column("managed_by_organization_id"),
        sa.column("claimed_at"),
    )
    with engine.connect() as conn:
        found = {
            pid: (org, manager, claimed is not None)
            for pid, org, manager, claimed in conn.execute(
                sa.select(
                    profile.c.id,
                    profile.c.organization_id,
                    profile.c.managed_by_organization_id,
                    profile.c.claimed_at,
                )
            )
        }
    own_org = found[registered][0]
    assert found[registered] == (own_org, own_org, True)  # its own business made it
    assert found[by_job][1:] == (dinas, False)  # the import job whose run spans its creation
    assert found[by_cli][1:] == (bumn, False)  # a CLI import's event within the hour after it
    assert found[unknown][1:] == (None, False)  # no import explains it: nobody manages it
    assert found[ambiguous][1:] == (None, False)  # two importers could have: none is guessed
    assert found[nothing_inserted][1:] == (None, False)

    # The downgrade takes the columns away without copying the table, and the upgrade brings them back.
    config = alembic_config(scratch_url)
    from alembic import command  # noqa: PLC0415

    command.downgrade(config, "0007")
    with engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("supplier_profile")}
        assert "managed_by_organization_id" not in columns
        assert conn.execute(sa.text("SELECT count(*) FROM supplier_profile")).scalar() == 6
    migrations.upgrade(scratch_url, "0008")
    with engine.connect() as conn:
        # No table copy: a DROP of supplier_profile would have cascaded to its size-class history.
        assert conn.execute(sa.text("SELECT count(*) FROM supplier_size_class")).scalar() == 1
    engine.dispose()
