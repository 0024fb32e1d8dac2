"""audit hash chains: one per organization, sealed at commit; existing entries sealed in id order (issue #10)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 22:45:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rantai.db
from rantai.audit.chain import GENESIS, chain_key, entry_hash

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Every column of audit_event but the seal's: the one UPDATE allowed sets the seal of an unsealed entry
# and leaves these as they are. A migration adding a column to audit_event adds it here, in a new trigger.
_KEPT = (
    "id", "occurred_at", "actor_user_id", "organization_id", "action", "target_type", "target_id",
    "details", "before_state", "after_state", "request_id", "note", "chain_key",
)
_SEAL = ("chain_seq", "prev_hash", "entry_hash")

_SQLITE_DROP = ["DROP TRIGGER IF EXISTS audit_event_no_update"]
_SQLITE_SEAL_ONLY = [
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "WHEN OLD.entry_hash IS NOT NULL OR NEW.entry_hash IS NULL OR "
    + " OR ".join(f"NEW.{name} IS NOT OLD.{name}" for name in _KEPT)
    + " BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
]
_SQLITE_APPEND_ONLY = [
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
]
# On PostgreSQL one trigger refused UPDATE and DELETE; DELETE keeps its refusal in a trigger of its own.
_PG_DROP = ["DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event"]
_SEAL_LIST = ", ".join(f"'{name}'" for name in _SEAL)
_PG_SEAL_ONLY = [
    "CREATE FUNCTION audit_event_seal_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN "
    "IF OLD.entry_hash IS NULL AND NEW.entry_hash IS NOT NULL "
    f"AND to_jsonb(NEW) - ARRAY[{_SEAL_LIST}] = to_jsonb(OLD) - ARRAY[{_SEAL_LIST}] THEN RETURN NEW; END IF; "
    "RAISE EXCEPTION 'audit_event is append-only'; END $$",
    "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_seal_only()",
    "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
]
_PG_APPEND_ONLY = [
    "DROP TRIGGER IF EXISTS audit_event_no_update ON audit_event",
    "DROP TRIGGER IF EXISTS audit_event_no_delete ON audit_event",
    "DROP FUNCTION IF EXISTS audit_event_seal_only()",
    "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
    "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
]

_event = sa.table(
    "audit_event",
    sa.column("id", sa.Integer()),
    sa.column("occurred_at", rantai.db.UTCDateTime(timezone=True)),
    sa.column("actor_user_id", sa.Integer()),
    sa.column("organization_id", sa.Integer()),
    sa.column("action", sa.String()),
    sa.column("target_type", sa.String()),
    sa.column("target_id", sa.String()),
    sa.column("details", sa.JSON()),
    sa.column("before_state", sa.JSON()),
    sa.column("after_state", sa.JSON()),
    sa.column("request_id", sa.String()),
    sa.column("note", sa.Text()),
    sa.column("chain_key", sa.String()),
    sa.column("chain_seq", sa.Integer()),
    sa.column("prev_hash", sa.String()),
    sa.column("entry_hash", sa.String()),
)
_party = sa.table("audit_party", sa.column("event_id", sa.Integer()), sa.column("organization_id", sa.Integer()))
_head = sa.table(
    "audit_chain_head",
    sa.column("chain_key", sa.String()),
    sa.column("last_seq", sa.Integer()),
    sa.column("last_hash", sa.String()),
)
_BATCH = 5000


def _postgresql() -> bool:
    return op.get_bind().dialect.name == "postgresql"


def upgrade() -> None:
    # Plain ADD COLUMN: SQLite keeps the table (and its DELETE trigger) as it is.
    op.add_column("audit_event", sa.Column("chain_key", sa.String(length=40), nullable=True))
    op.add_column("audit_event", sa.Column("chain_seq", sa.Integer(), nullable=True))
    op.add_column("audit_event", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    op.add_column("audit_event", sa.Column("entry_hash", sa.String(length=64), nullable=True))
    op.create_index(
        "ix_audit_event_chain_key_chain_seq", "audit_event", ["chain_key", "chain_seq"], unique=True
    )
    op.create_table(
        "audit_chain_head",
        sa.Column("chain_key", sa.String(length=40), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain_key", name=op.f("pk_audit_chain_head")),
    )
    # The append-only trigger refuses the backfill's UPDATE: dropped for it, then replaced by the one
    # that lets an unsealed entry be sealed once and nothing else.
    for statement in _PG_DROP if _postgresql() else _SQLITE_DROP:
        op.execute(statement)
    _seal_existing()
    for statement in _PG_SEAL_ONLY if _postgresql() else _SQLITE_SEAL_ONLY:
        op.execute(statement)


def _seal_existing() -> None:
    """Every entry so far, in id order, into the chain of its organization."""
    bind = op.get_bind()
    heads: dict[str, tuple[int, str]] = {}
    last_id = 0
    columns = [c for c in _event.c if c.name not in ("chain_seq", "prev_hash", "entry_hash")]
    while True:
        rows = bind.execute(
            sa.select(*columns).where(_event.c.id > last_id).order_by(_event.c.id).limit(_BATCH)
        ).all()
        if not rows:
            break
        ids = [row.id for row in rows]
        parties: dict[int, list[int]] = {}
        for event_id, organization_id in bind.execute(
            sa.select(_party.c.event_id, _party.c.organization_id).where(_party.c.event_id.in_(ids))
        ):
            parties.setdefault(event_id, []).append(organization_id)
        seals = []
        for row in rows:
            key = chain_key(row.organization_id)
            seq, previous = heads.get(key, (0, GENESIS))
            fields = {**row._mapping, "chain_key": key, "chain_seq": seq + 1}
            digest = entry_hash(fields, parties.get(row.id, []), previous)
            seals.append({"b_id": row.id, "b_key": key, "b_seq": seq + 1, "b_prev": previous, "b_hash": digest})
            heads[key] = (seq + 1, digest)
        bind.execute(
            sa.update(_event)
            .where(_event.c.id == sa.bindparam("b_id"))
            .values(
                chain_key=sa.bindparam("b_key"),
                chain_seq=sa.bindparam("b_seq"),
                prev_hash=sa.bindparam("b_prev"),
                entry_hash=sa.bindparam("b_hash"),
            ),
            seals,
        )
        last_id = ids[-1]
    if heads:
        bind.execute(
            sa.insert(_head),
            [{"chain_key": key, "last_seq": seq, "last_hash": digest} for key, (seq, digest) in heads.items()],
        )


def downgrade() -> None:
    if _postgresql():
        for statement in _PG_APPEND_ONLY:
            op.execute(statement)
    else:
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
        for statement in _SQLITE_APPEND_ONLY:
            op.execute(statement)
    op.drop_table("audit_chain_head")
    op.drop_index("ix_audit_event_chain_key_chain_seq", table_name="audit_event")
    op.drop_column("audit_event", "entry_hash")
    op.drop_column("audit_event", "prev_hash")
    op.drop_column("audit_event", "chain_seq")
    op.drop_column("audit_event", "chain_key")
