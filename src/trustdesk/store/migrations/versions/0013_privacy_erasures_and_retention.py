"""Privacy: the tombstone each data-subject erasure leaves (kinds and counts, when, by whom, and a
keyed hash of the address instead of the address), and per-tenant retention rules (kind, days).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 12:05:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import trustdesk.store.models.base

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "privacy_erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subject_key", sa.String(length=64), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("erased_by", sa.String(length=200), nullable=False),
        sa.Column("erased_at", trustdesk.store.models.base.UTCDateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_privacy_erasures_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_erasures")),
    )
    with op.batch_alter_table("privacy_erasures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_privacy_erasures_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(
            "ix_privacy_erasures_tenant_subject", ["tenant_id", "subject_key"], unique=False
        )
    op.create_table(
        "retention_rules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("keep_days", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", trustdesk.store.models.base.UTCDateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_retention_rules_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_retention_rules")),
        sa.UniqueConstraint("tenant_id", "kind", name=op.f("uq_retention_rules_tenant_id_kind")),
    )
    with op.batch_alter_table("retention_rules", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_retention_rules_tenant_id"), ["tenant_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("retention_rules", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_retention_rules_tenant_id"))
    op.drop_table("retention_rules")
    with op.batch_alter_table("privacy_erasures", schema=None) as batch_op:
        batch_op.drop_index("ix_privacy_erasures_tenant_subject")
        batch_op.drop_index(batch_op.f("ix_privacy_erasures_tenant_id"))
    op.drop_table("privacy_erasures")
