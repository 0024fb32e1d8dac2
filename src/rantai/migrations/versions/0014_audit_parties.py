"""audit parties and before/after: every organization an entry concerns reads it (issue #10)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-04 22:20:00
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Parties are part of the entry: append-only like it.
_SQLITE_TRIGGERS = [
    "CREATE TRIGGER audit_party_no_update BEFORE UPDATE ON audit_party "
    "BEGIN SELECT RAISE(ABORT, 'audit_party is append-only'); END",
    "CREATE TRIGGER audit_party_no_delete BEFORE DELETE ON audit_party "
    "BEGIN SELECT RAISE(ABORT, 'audit_party is append-only'); END",
]
_PG_TRIGGERS = [
    "CREATE TRIGGER audit_party_no_change BEFORE UPDATE OR DELETE ON audit_party "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    "CREATE TRIGGER audit_party_no_truncate BEFORE TRUNCATE ON audit_party "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()",
]

_event = sa.table(
    "audit_event",
    sa.column("id", sa.Integer()),
    sa.column("organization_id", sa.Integer()),
    sa.column("details", sa.JSON()),
)
_party = sa.table("audit_party", sa.column("event_id", sa.Integer()), sa.column("organization_id", sa.Integer()))


def upgrade() -> None:
    # Plain ADD COLUMN (no batch copy): SQLite keeps the table, and with it the append-only triggers.
    op.add_column("audit_event", sa.Column("before_state", sa.JSON(), nullable=True))
    op.add_column("audit_event", sa.Column("after_state", sa.JSON(), nullable=True))
    op.create_table(
        "audit_party",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["event_id"], ["audit_event.id"], name=op.f("fk_audit_party_event_id_audit_event")
        ),
        sa.PrimaryKeyConstraint("event_id", "organization_id", name=op.f("pk_audit_party")),
    )
    op.create_index(
        "ix_audit_party_organization_id_event_id", "audit_party", ["organization_id", "event_id"], unique=False
    )
    _backfill()
    for statement in _PG_TRIGGERS if op.get_bind().dialect.name == "postgresql" else _SQLITE_TRIGGERS:
        op.execute(statement)


def _backfill() -> None:
    """An entry so far was in one organization's log; an importer's or verifier's entries in a business's
    log named them in ``details.actor_organization_id``: both are its parties."""
    bind = op.get_bind()
    rows: list[dict[str, int]] = []
    query = sa.select(_event.c.id, _event.c.organization_id, _event.c.details).order_by(_event.c.id)
    for event_id, organization_id, details in bind.execute(query):
        acting = _acting(details)
        for party in dict.fromkeys(p for p in (organization_id, acting) if p is not None):
            rows.append({"event_id": event_id, "organization_id": party})
        if len(rows) >= 10_000:
            bind.execute(sa.insert(_party), rows)
            rows = []
    if rows:
        bind.execute(sa.insert(_party), rows)


def _acting(details: Any) -> int | None:
    value = details.get("actor_organization_id") if isinstance(details, dict) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_party_no_change ON audit_party")
        op.execute("DROP TRIGGER IF EXISTS audit_party_no_truncate ON audit_party")
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_party_no_update")
        op.execute("DROP TRIGGER IF EXISTS audit_party_no_delete")
    op.drop_index("ix_audit_party_organization_id_event_id", table_name="audit_party")
    op.drop_table("audit_party")
    op.drop_column("audit_event", "after_state")
    op.drop_column("audit_event", "before_state")
