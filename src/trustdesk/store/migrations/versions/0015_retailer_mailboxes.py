"""Retailer mailboxes: a retailer's own IMAP mailbox (intake) and SMTP submission (replies),
credentials sealed, with the fetch state (UIDVALIDITY, last UID, lease); inbound mail records
name the mailbox they were fetched from.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 11:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import trustdesk.store.models.base

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mailboxes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("public_id", sa.String(length=32), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("auth_kind", sa.String(length=10), nullable=False),
        sa.Column("username", sa.String(length=320), nullable=False),
        sa.Column("secret_sealed", sa.Text(), nullable=False),
        sa.Column("imap_host", sa.String(length=253), nullable=False),
        sa.Column("imap_port", sa.Integer(), nullable=False),
        sa.Column("imap_security", sa.String(length=10), nullable=False),
        sa.Column("folder", sa.String(length=200), nullable=False),
        sa.Column("after_intake", sa.String(length=10), nullable=False),
        sa.Column("move_to", sa.String(length=200), nullable=True),
        sa.Column("smtp_host", sa.String(length=253), nullable=True),
        sa.Column("smtp_port", sa.Integer(), nullable=True),
        sa.Column("smtp_security", sa.String(length=10), nullable=True),
        sa.Column("smtp_username", sa.String(length=320), nullable=True),
        sa.Column("uid_validity", sa.BigInteger(), nullable=True),
        sa.Column("last_uid", sa.BigInteger(), nullable=False),
        sa.Column("fetched_total", sa.BigInteger(), nullable=False),
        sa.Column("last_fetch_at", trustdesk.store.models.base.UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(length=500), nullable=True),
        sa.Column("locked_by", sa.String(length=120), nullable=True),
        sa.Column("locked_until", trustdesk.store.models.base.UTCDateTime(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", trustdesk.store.models.base.UTCDateTime(), nullable=False),
        sa.Column("updated_at", trustdesk.store.models.base.UTCDateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"],
            ["users.id"],
            name=op.f("fk_mailboxes_created_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_mailboxes_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mailboxes")),
        sa.UniqueConstraint("public_id", name=op.f("uq_mailboxes_public_id")),
        sa.UniqueConstraint("tenant_id", "address", name=op.f("uq_mailboxes_tenant_id_address")),
    )
    with op.batch_alter_table("mailboxes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mailboxes_tenant_id"), ["tenant_id"], unique=False)

    with op.batch_alter_table("mail_records", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mailbox_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_mail_records_mailbox_id_mailboxes"),
            "mailboxes",
            ["mailbox_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("mail_records", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_mail_records_mailbox_id_mailboxes"), type_="foreignkey")
        batch_op.drop_column("mailbox_id")

    with op.batch_alter_table("mailboxes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mailboxes_tenant_id"))

    op.drop_table("mailboxes")
