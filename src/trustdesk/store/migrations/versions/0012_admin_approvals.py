"""Admin approvals: who created or promoted each account and since when it holds its role, and
pending grants of the admin role (a new admin or a promotion) that a second admin must approve.

Existing accounts keep role_since empty: they have held their role since they were created.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 05:28:29.597604
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import trustdesk.store.models.base

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "admin_grants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=10), nullable=False),
        sa.Column("from_role", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("requested_at", trustdesk.store.models.base.UTCDateTime(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", trustdesk.store.models.base.UTCDateTime(), nullable=True),
        sa.Column("tenant_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"],
            ["users.id"],
            name=op.f("fk_admin_grants_decided_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"],
            ["users.id"],
            name=op.f("fk_admin_grants_requested_by_id_users"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"], ["tenants.id"], name=op.f("fk_admin_grants_tenant_id_tenants"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_admin_grants_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_grants")),
    )
    with op.batch_alter_table("admin_grants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_admin_grants_status"), ["status"], unique=False)
        batch_op.create_index(batch_op.f("ix_admin_grants_tenant_id"), ["tenant_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_admin_grants_user_id"), ["user_id"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("created_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("promoted_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("role_since", trustdesk.store.models.base.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_users_promoted_by_id_users"),
            "users",
            ["promoted_by_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_users_created_by_id_users"),
            "users",
            ["created_by_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_users_created_by_id_users"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_users_promoted_by_id_users"), type_="foreignkey")
        batch_op.drop_column("role_since")
        batch_op.drop_column("promoted_by_id")
        batch_op.drop_column("created_by_id")

    with op.batch_alter_table("admin_grants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_admin_grants_user_id"))
        batch_op.drop_index(batch_op.f("ix_admin_grants_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_admin_grants_status"))

    op.drop_table("admin_grants")
