"""reservation rules: a floor, the size classes that may win and an optional ceiling per buyer kind (issue #11)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 10:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# What the one row shipped so far (BUMN, Rp14 miliar) meant: every UMKM class and koperasi, from Rp0.
_EVERY_CLASS = "'mikro|kecil|menengah|koperasi'"


def upgrade() -> None:
    # The ceiling becomes nullable (a row without one says "nothing reserved"), which SQLite can only do by
    # copying the table: batch mode, harmless here (a reference table nothing points at). The reference
    # loader then writes the new rows of umkm_reservation.csv (its checksum changed).
    with op.batch_alter_table("ref_umkm_reservation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("floor", sa.BigInteger(), server_default=sa.text("0"), nullable=False))
        batch_op.add_column(
            sa.Column(
                "size_classes", sa.String(length=64), server_default=sa.text(_EVERY_CLASS), nullable=False
            )
        )
        batch_op.alter_column("ceiling", existing_type=sa.BigInteger(), nullable=True)
        batch_op.create_check_constraint("floor_not_negative", sa.text('"floor" >= 0'))
        batch_op.create_check_constraint(
            "floor_within_ceiling", sa.text('ceiling IS NULL OR "floor" <= ceiling')
        )


def downgrade() -> None:
    # A row without a ceiling reserved nothing; the old table cannot say that, so such rows go.
    op.execute("DELETE FROM ref_umkm_reservation WHERE ceiling IS NULL")
    with op.batch_alter_table("ref_umkm_reservation", schema=None) as batch_op:
        batch_op.drop_constraint("floor_within_ceiling", type_="check")
        batch_op.drop_constraint("floor_not_negative", type_="check")
        batch_op.alter_column("ceiling", existing_type=sa.BigInteger(), nullable=False)
        batch_op.drop_column("size_classes")
        batch_op.drop_column("floor")
