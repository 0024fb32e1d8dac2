"""who manages each supplier profile, claims checked by a verifier (issue #9, import ownership)

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 18:30:00

Backfill of ``supplier_profile.managed_by_organization_id`` and ``claimed_at``:

- a profile whose organization has members was made or taken by its own business: claimed (at its
  creation) and managed by its own organization;
- a profile whose organization has no members came from an import: unclaimed, managed by the importing
  organization when exactly one organization can have imported it (an import job of suppliers whose run
  spans the profile's creation, or a ``supplier.imported`` audit event that inserted rows within the hour
  after it); when none or several can, nobody manages it (no import can change it) until its business
  claims it. Guessing wrong would hand a stranger's profile to an importer; leaving it unmanaged only
  means the importer imports it again as a claim or asks its business to claim it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

import rantai.db

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# An import's audit event is written when its last row is in; imports of a file take seconds to minutes.
_IMPORT_EVENT_WINDOW = dt.timedelta(hours=1)


def upgrade() -> None:
    # Plain columns (the manager is an id without a foreign key, like verified_by_user_id): SQLite adds a
    # foreign key only inline, which Alembic cannot compare, and copying the table instead would, with
    # foreign keys on, cascade its DROP to every product, certificate and KBLI row. Organizations are
    # deactivated, never deleted.
    with op.batch_alter_table("supplier_profile", schema=None) as batch_op:
        batch_op.add_column(sa.Column("managed_by_organization_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", rantai.db.UTCDateTime(timezone=True), nullable=True))

    op.create_table(
        "supplier_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("profile_id", sa.Integer(), nullable=False),
        sa.Column("claimant_organization_id", sa.Integer(), nullable=False),
        sa.Column("claimant_user_id", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["claimant_organization_id"],
            ["organization.id"],
            name=op.f("fk_supplier_claim_claimant_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["claimant_user_id"],
            ["user_account.id"],
            name=op.f("fk_supplier_claim_claimant_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["supplier_profile.id"],
            name=op.f("fk_supplier_claim_profile_id_supplier_profile"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_supplier_claim")),
    )
    with op.batch_alter_table("supplier_claim", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_supplier_claim_claimant_organization_id"),
            ["claimant_organization_id"],
            unique=False,
        )
        batch_op.create_index(batch_op.f("ix_supplier_claim_profile_id"), ["profile_id"], unique=False)
        batch_op.create_index("ix_supplier_claim_status_profile", ["status", "profile_id"], unique=False)

    _backfill()


# Lightweight tables for the backfill: the columns it reads and writes, typed so timestamps come back aware.
_profile = sa.table(
    "supplier_profile",
    sa.column("id", sa.Integer()),
    sa.column("organization_id", sa.Integer()),
    sa.column("created_at", rantai.db.UTCDateTime(timezone=True)),
    sa.column("managed_by_organization_id", sa.Integer()),
    sa.column("claimed_at", rantai.db.UTCDateTime(timezone=True)),
)
_membership = sa.table("membership", sa.column("organization_id", sa.Integer()))
_job = sa.table(
    "supplier_import_job",
    sa.column("kind", sa.String()),
    sa.column("organization_id", sa.Integer()),
    sa.column("inserted", sa.Integer()),
    sa.column("started_at", rantai.db.UTCDateTime(timezone=True)),
    sa.column("finished_at", rantai.db.UTCDateTime(timezone=True)),
)
_event = sa.table(
    "audit_event",
    sa.column("action", sa.String()),
    sa.column("organization_id", sa.Integer()),
    sa.column("occurred_at", rantai.db.UTCDateTime(timezone=True)),
    sa.column("details", sa.JSON()),
)


def _backfill() -> None:
    bind = op.get_bind()
    with_members = sa.select(_membership.c.organization_id).distinct().scalar_subquery()
    # Profiles of organizations with members: their own business made them.
    bind.execute(
        sa.update(_profile)
        .where(_profile.c.organization_id.in_(with_members))
        .values(
            managed_by_organization_id=_profile.c.organization_id,
            claimed_at=_profile.c.created_at,
        )
    )
    orphans = bind.execute(
        sa.select(_profile.c.id, _profile.c.created_at).where(_profile.c.organization_id.not_in(with_members))
    ).all()
    if not orphans:
        return
    windows: list[tuple[dt.datetime, dt.datetime, int]] = [
        (started, finished, org_id)
        for started, finished, org_id in bind.execute(
            sa.select(_job.c.started_at, _job.c.finished_at, _job.c.organization_id).where(
                _job.c.kind == "suppliers",
                _job.c.inserted > 0,
                _job.c.organization_id.is_not(None),
                _job.c.started_at.is_not(None),
                _job.c.finished_at.is_not(None),
            )
        )
    ]
    for occurred, org_id, details in bind.execute(
        sa.select(_event.c.occurred_at, _event.c.organization_id, _event.c.details).where(
            _event.c.action == "supplier.imported", _event.c.organization_id.is_not(None)
        )
    ):
        if _inserted(details) > 0:
            windows.append((occurred - _IMPORT_EVENT_WINDOW, occurred, org_id))
    updates = []
    for profile_id, created in orphans:
        importers = {org_id for start, end, org_id in windows if start <= created <= end}
        if len(importers) == 1:
            updates.append({"pid": profile_id, "manager": importers.pop()})
    if updates:
        bind.execute(
            sa.update(_profile)
            .where(_profile.c.id == sa.bindparam("pid"))
            .values(managed_by_organization_id=sa.bindparam("manager")),
            updates,
        )


def _inserted(details: Any) -> int:
    value = details.get("inserted", 0) if isinstance(details, dict) else 0
    return value if isinstance(value, int) else 0


def downgrade() -> None:
    with op.batch_alter_table("supplier_claim", schema=None) as batch_op:
        batch_op.drop_index("ix_supplier_claim_status_profile")
        batch_op.drop_index(batch_op.f("ix_supplier_claim_profile_id"))
        batch_op.drop_index(batch_op.f("ix_supplier_claim_claimant_organization_id"))
    op.drop_table("supplier_claim")
    # In place on SQLite too (DROP COLUMN, 3.35+): a batch copy would cascade, as said in upgrade().
    for column in ("claimed_at", "managed_by_organization_id"):
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE supplier_profile DROP COLUMN {column}")
        else:
            op.drop_column("supplier_profile", column)
