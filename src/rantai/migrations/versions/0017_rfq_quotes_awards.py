"""RFQs, quotes, clarifications, amendments, awards and the buyer's settings (issue #11)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 03:19:07.207236
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import rantai.db

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "sourcing_buyer_settings",
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("approval_above", sa.BigInteger(), nullable=False),
        sa.Column("payment_terms_days", sa.SmallInteger(), nullable=False),
        sa.Column("updated_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_sourcing_buyer_settings_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("organization_id", name=op.f("pk_sourcing_buyer_settings")),
    )
    op.create_table(
        "sourcing_rfq",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("need_id", sa.Integer(), nullable=True),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
        sa.Column("deadline", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("idr_rate", sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column("idr_rate_date", sa.Date(), nullable=True),
        sa.Column("incoterm", sa.String(length=3), nullable=True),
        sa.Column("incoterm_place", sa.String(length=200), nullable=True),
        sa.Column("approval_above", sa.BigInteger(), nullable=False),
        sa.Column("cancel_reason", sa.Text(), nullable=True),
        sa.Column("created_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("closed_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("awarded_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.CheckConstraint("currency IN ('IDR', 'USD')", name=op.f("ck_sourcing_rfq_currency")),
        sa.ForeignKeyConstraint(
            ["created_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_sourcing_rfq_created_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["need_id"],
            ["sourcing_need.id"],
            name=op.f("fk_sourcing_rfq_need_id_sourcing_need"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_sourcing_rfq_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcing_rfq")),
        sa.UniqueConstraint("organization_id", "number", name=op.f("uq_sourcing_rfq_organization_id_number")),
    )
    with op.batch_alter_table("sourcing_rfq", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sourcing_rfq_need_id"), ["need_id"], unique=False)
        batch_op.create_index("ix_sourcing_rfq_org_status", ["organization_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_sourcing_rfq_status"), ["status"], unique=False)
        batch_op.create_index("ix_sourcing_rfq_status_deadline", ["status", "deadline"], unique=False)

    op.create_table(
        "sourcing_award",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rfq_id", sa.Integer(), nullable=False),
        sa.Column("organization_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("total_idr", sa.BigInteger(), nullable=False),
        sa.Column("package_value_idr", sa.BigInteger(), nullable=False),
        sa.Column("reservation_note", sa.Text(), nullable=True),
        sa.Column("exception_reason", sa.Text(), nullable=True),
        sa.Column("decided_by_user_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("approved_by_user_id", sa.Integer(), nullable=True),
        sa.Column("approved_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("rejection_reason", sa.Text(), nullable=True),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["approved_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_sourcing_award_approved_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_sourcing_award_decided_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organization_id"],
            ["organization.id"],
            name=op.f("fk_sourcing_award_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rfq_id"],
            ["sourcing_rfq.id"],
            name=op.f("fk_sourcing_award_rfq_id_sourcing_rfq"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcing_award")),
    )
    with op.batch_alter_table("sourcing_award", schema=None) as batch_op:
        batch_op.create_index("ix_sourcing_award_rfq_status", ["rfq_id", "status"], unique=False)

    op.create_table(
        "sourcing_quote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rfq_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("supplier_organization_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("rfq_revision", sa.Integer(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("submitted_by_user_id", sa.Integer(), nullable=True),
        sa.Column("submitted_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), server_default=sa.text("1"), nullable=False),
        sa.ForeignKeyConstraint(
            ["rfq_id"],
            ["sourcing_rfq.id"],
            name=op.f("fk_sourcing_quote_rfq_id_sourcing_rfq"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["submitted_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_sourcing_quote_submitted_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier_profile.id"],
            name=op.f("fk_sourcing_quote_supplier_id_supplier_profile"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_organization_id"],
            ["organization.id"],
            name=op.f("fk_sourcing_quote_supplier_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcing_quote")),
        sa.UniqueConstraint("rfq_id", "supplier_id", name=op.f("uq_sourcing_quote_rfq_id_supplier_id")),
    )
    with op.batch_alter_table("sourcing_quote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sourcing_quote_rfq_id"), ["rfq_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_sourcing_quote_supplier_organization_id"),
            ["supplier_organization_id"],
            unique=False,
        )

    op.create_table(
        "sourcing_rfq_amendment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rfq_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("previous_deadline", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deadline", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("previous_lines", sa.JSON(), nullable=False),
        sa.Column("made_by_user_id", sa.Integer(), nullable=True),
        sa.Column("made_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["made_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_sourcing_rfq_amendment_made_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rfq_id"],
            ["sourcing_rfq.id"],
            name=op.f("fk_sourcing_rfq_amendment_rfq_id_sourcing_rfq"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcing_rfq_amendment")),
        sa.UniqueConstraint("rfq_id", "revision", name=op.f("uq_sourcing_rfq_amendment_rfq_id_revision")),
    )
    with op.batch_alter_table("sourcing_rfq_amendment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sourcing_rfq_amendment_rfq_id"), ["rfq_id"], unique=False)

    op.create_table(
        "sourcing_rfq_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rfq_id", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("supplier_organization_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("invited_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("invited_by_user_id", sa.Integer(), nullable=True),
        sa.Column("declined_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("decline_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["invited_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_sourcing_rfq_invitation_invited_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rfq_id"],
            ["sourcing_rfq.id"],
            name=op.f("fk_sourcing_rfq_invitation_rfq_id_sourcing_rfq"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier_profile.id"],
            name=op.f("fk_sourcing_rfq_invitation_supplier_id_supplier_profile"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_organization_id"],
            ["organization.id"],
            name=op.f("fk_sourcing_rfq_invitation_supplier_organization_id_organization"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcing_rfq_invitation")),
        sa.UniqueConstraint(
            "rfq_id", "supplier_id", name=op.f("uq_sourcing_rfq_invitation_rfq_id_supplier_id")
        ),
    )
    with op.batch_alter_table("sourcing_rfq_invitation", schema=None) as batch_op:
        batch_op.create_index("ix_sourcing_rfq_invitation_org", ["supplier_organization_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_sourcing_rfq_invitation_rfq_id"), ["rfq_id"], unique=False)

    op.create_table(
        "sourcing_rfq_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rfq_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.SmallInteger(), nullable=False),
        sa.Column("need_line_id", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=500), nullable=False),
        sa.Column("specification", sa.Text(), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit_code", sa.String(length=16), nullable=True),
        sa.Column("delivery_kabkota_code", sa.String(length=13), nullable=True),
        sa.Column("needed_by", sa.Date(), nullable=True),
        sa.Column("hps", sa.BigInteger(), nullable=True),
        sa.Column("awarded_quantity", sa.BigInteger(), server_default=sa.text("0"), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.CheckConstraint(
            "awarded_quantity >= 0 AND awarded_quantity <= quantity",
            name=op.f("ck_sourcing_rfq_line_awarded_within"),
        ),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_sourcing_rfq_line_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["delivery_kabkota_code"],
            ["ref_region.code"],
            name=op.f("fk_sourcing_rfq_line_delivery_kabkota_code_ref_region"),
        ),
        sa.ForeignKeyConstraint(
            ["need_line_id"],
            ["sourcing_need_line.id"],
            name=op.f("fk_sourcing_rfq_line_need_line_id_sourcing_need_line"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rfq_id"],
            ["sourcing_rfq.id"],
            name=op.f("fk_sourcing_rfq_line_rfq_id_sourcing_rfq"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["ref_unit.code"], name=op.f("fk_sourcing_rfq_line_unit_code_ref_unit")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcing_rfq_line")),
        sa.UniqueConstraint("rfq_id", "line_no", name=op.f("uq_sourcing_rfq_line_rfq_id_line_no")),
    )
    with op.batch_alter_table("sourcing_rfq_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sourcing_rfq_line_rfq_id"), ["rfq_id"], unique=False)

    op.create_table(
        "sourcing_rfq_question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rfq_id", sa.Integer(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("asked_by_organization_id", sa.Integer(), nullable=True),
        sa.Column("asked_by_user_id", sa.Integer(), nullable=True),
        sa.Column("asked_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_by_user_id", sa.Integer(), nullable=True),
        sa.Column("answered_at", rantai.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["answered_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_sourcing_rfq_question_answered_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_organization_id"],
            ["organization.id"],
            name=op.f("fk_sourcing_rfq_question_asked_by_organization_id_organization"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_user_id"],
            ["user_account.id"],
            name=op.f("fk_sourcing_rfq_question_asked_by_user_id_user_account"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rfq_id"],
            ["sourcing_rfq.id"],
            name=op.f("fk_sourcing_rfq_question_rfq_id_sourcing_rfq"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcing_rfq_question")),
    )
    with op.batch_alter_table("sourcing_rfq_question", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sourcing_rfq_question_rfq_id"), ["rfq_id"], unique=False)

    op.create_table(
        "sourcing_award_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("award_id", sa.Integer(), nullable=False),
        sa.Column("rfq_line_id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("quote_revision", sa.Integer(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("supplier_organization_id", sa.Integer(), nullable=False),
        sa.Column("size_class", sa.String(length=16), nullable=True),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_sourcing_award_line_quantity_positive")),
        sa.ForeignKeyConstraint(
            ["award_id"],
            ["sourcing_award.id"],
            name=op.f("fk_sourcing_award_line_award_id_sourcing_award"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["sourcing_quote.id"],
            name=op.f("fk_sourcing_award_line_quote_id_sourcing_quote"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rfq_line_id"],
            ["sourcing_rfq_line.id"],
            name=op.f("fk_sourcing_award_line_rfq_line_id_sourcing_rfq_line"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"],
            ["supplier_profile.id"],
            name=op.f("fk_sourcing_award_line_supplier_id_supplier_profile"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["supplier_organization_id"],
            ["organization.id"],
            name=op.f("fk_sourcing_award_line_supplier_organization_id_organization"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcing_award_line")),
        sa.UniqueConstraint(
            "award_id",
            "rfq_line_id",
            "supplier_id",
            name=op.f("uq_sourcing_award_line_award_id_rfq_line_id_supplier_id"),
        ),
    )
    with op.batch_alter_table("sourcing_award_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sourcing_award_line_award_id"), ["award_id"], unique=False)
        batch_op.create_index(
            "ix_sourcing_award_line_supplier_org", ["supplier_organization_id"], unique=False
        )

    op.create_table(
        "sourcing_quote_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("added_at", rantai.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["sourcing_quote.id"],
            name=op.f("fk_sourcing_quote_attachment_quote_id_sourcing_quote"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcing_quote_attachment")),
    )
    with op.batch_alter_table("sourcing_quote_attachment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sourcing_quote_attachment_quote_id"), ["quote_id"], unique=False)

    op.create_table(
        "sourcing_quote_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("quote_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("rfq_line_id", sa.Integer(), nullable=False),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("lead_time_days", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_sourcing_quote_line_quantity_positive")),
        sa.CheckConstraint("unit_price >= 0", name=op.f("ck_sourcing_quote_line_unit_price_not_negative")),
        sa.ForeignKeyConstraint(
            ["quote_id"],
            ["sourcing_quote.id"],
            name=op.f("fk_sourcing_quote_line_quote_id_sourcing_quote"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rfq_line_id"],
            ["sourcing_rfq_line.id"],
            name=op.f("fk_sourcing_quote_line_rfq_line_id_sourcing_rfq_line"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sourcing_quote_line")),
        sa.UniqueConstraint(
            "quote_id",
            "revision",
            "rfq_line_id",
            name=op.f("uq_sourcing_quote_line_quote_id_revision_rfq_line_id"),
        ),
    )
    with op.batch_alter_table("sourcing_quote_line", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sourcing_quote_line_quote_id"), ["quote_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("sourcing_quote_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sourcing_quote_line_quote_id"))

    op.drop_table("sourcing_quote_line")
    with op.batch_alter_table("sourcing_quote_attachment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sourcing_quote_attachment_quote_id"))

    op.drop_table("sourcing_quote_attachment")
    with op.batch_alter_table("sourcing_award_line", schema=None) as batch_op:
        batch_op.drop_index("ix_sourcing_award_line_supplier_org")
        batch_op.drop_index(batch_op.f("ix_sourcing_award_line_award_id"))

    op.drop_table("sourcing_award_line")
    with op.batch_alter_table("sourcing_rfq_question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sourcing_rfq_question_rfq_id"))

    op.drop_table("sourcing_rfq_question")
    with op.batch_alter_table("sourcing_rfq_line", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sourcing_rfq_line_rfq_id"))

    op.drop_table("sourcing_rfq_line")
    with op.batch_alter_table("sourcing_rfq_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sourcing_rfq_invitation_rfq_id"))
        batch_op.drop_index("ix_sourcing_rfq_invitation_org")

    op.drop_table("sourcing_rfq_invitation")
    with op.batch_alter_table("sourcing_rfq_amendment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sourcing_rfq_amendment_rfq_id"))

    op.drop_table("sourcing_rfq_amendment")
    with op.batch_alter_table("sourcing_quote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sourcing_quote_supplier_organization_id"))
        batch_op.drop_index(batch_op.f("ix_sourcing_quote_rfq_id"))

    op.drop_table("sourcing_quote")
    with op.batch_alter_table("sourcing_award", schema=None) as batch_op:
        batch_op.drop_index("ix_sourcing_award_rfq_status")

    op.drop_table("sourcing_award")
    with op.batch_alter_table("sourcing_rfq", schema=None) as batch_op:
        batch_op.drop_index("ix_sourcing_rfq_status_deadline")
        batch_op.drop_index(batch_op.f("ix_sourcing_rfq_status"))
        batch_op.drop_index("ix_sourcing_rfq_org_status")
        batch_op.drop_index(batch_op.f("ix_sourcing_rfq_need_id"))

    op.drop_table("sourcing_rfq")
    op.drop_table("sourcing_buyer_settings")
