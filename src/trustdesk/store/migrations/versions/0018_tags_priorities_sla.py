"""Tags and priorities on conversations, SLA policies per retailer and each conversation's SLA clocks
(sla branch, issue 18).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 15:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import trustdesk.store.models.base

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sla_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", trustdesk.store.models.base.UTCDateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_sla_policies_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policies")),
        sa.UniqueConstraint("tenant_id", name=op.f("uq_sla_policies_tenant_id")),
    )
    op.create_index(op.f("ix_sla_policies_tenant_id"), "sla_policies", ["tenant_id"], unique=False)
    op.create_table(
        "tags",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("created_at", trustdesk.store.models.base.UTCDateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_tags_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tags")),
        sa.UniqueConstraint("tenant_id", "name", name=op.f("uq_tags_tenant_id_name")),
    )
    op.create_index(op.f("ix_tags_tenant_id"), "tags", ["tenant_id"], unique=False)
    op.create_table(
        "conversation_tags",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("tag_id", sa.Integer(), nullable=False),
        sa.Column("added_by_user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", trustdesk.store.models.base.UTCDateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["added_by_user_id"],
            ["users.id"],
            name=op.f("fk_conversation_tags_added_by_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_conversation_tags_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tag_id"], ["tags.id"], name=op.f("fk_conversation_tags_tag_id_tags"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_conversation_tags_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("conversation_id", "tag_id", name=op.f("pk_conversation_tags")),
    )
    op.create_index("ix_conversation_tags_tag", "conversation_tags", ["tenant_id", "tag_id"], unique=False)
    op.create_index(op.f("ix_conversation_tags_tenant_id"), "conversation_tags", ["tenant_id"], unique=False)
    op.create_table(
        "sla_clocks",
        sa.Column("conversation_id", sa.Integer(), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=True),
        sa.Column("started_at", trustdesk.store.models.base.UTCDateTime(), nullable=True),
        sa.Column("warn_at", trustdesk.store.models.base.UTCDateTime(), nullable=True),
        sa.Column("due_at", trustdesk.store.models.base.UTCDateTime(), nullable=True),
        sa.Column("first_response_due_at", trustdesk.store.models.base.UTCDateTime(), nullable=True),
        sa.Column("first_response_met", sa.Boolean(), nullable=True),
        sa.Column("resolution_due_at", trustdesk.store.models.base.UTCDateTime(), nullable=True),
        sa.Column("resolution_met", sa.Boolean(), nullable=True),
        sa.Column("next_response_turns", sa.Integer(), nullable=False),
        sa.Column("next_response_breaches", sa.Integer(), nullable=False),
        sa.Column("breached_at", trustdesk.store.models.base.UTCDateTime(), nullable=True),
        sa.Column("escalated_key", sa.String(length=64), nullable=True),
        sa.Column("escalated_at", trustdesk.store.models.base.UTCDateTime(), nullable=True),
        sa.Column("computed_at", trustdesk.store.models.base.UTCDateTime(), nullable=False),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["conversation_id"],
            ["conversations.id"],
            name=op.f("fk_sla_clocks_conversation_id_conversations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_sla_clocks_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("conversation_id", name=op.f("pk_sla_clocks")),
    )
    op.create_index("ix_sla_clocks_tenant_breached", "sla_clocks", ["tenant_id", "breached_at"], unique=False)
    op.create_index("ix_sla_clocks_tenant_due", "sla_clocks", ["tenant_id", "due_at"], unique=False)
    op.create_index(op.f("ix_sla_clocks_tenant_id"), "sla_clocks", ["tenant_id"], unique=False)
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("priority", sa.String(length=8), server_default="normal", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("priority")
    op.drop_table("sla_clocks")
    op.drop_table("conversation_tags")
    op.drop_table("tags")
    op.drop_table("sla_policies")
