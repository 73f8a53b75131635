"""Audit entries commit to the client IP instead of hashing it, so retention can remove it (issue 20).

Existing entries keep format 1 (their hash covers the IP itself, so they verify unchanged and keep
their IP); entries written from now on are format 2 (audit.chain). Nothing is re-linked.

Revision ID: 0023_audit_ip_commitment
Revises: 0022_dashboard_indexes
Create Date: 2026-12-07 20:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0023_audit_ip_commitment"
down_revision = "0022_dashboard_indexes"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("ip_salt", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("ip_commitment", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("format_version", sa.Integer(), server_default="1", nullable=False))
    op.create_index(
        "ix_audit_events_ip_held",
        "audit_events",
        ["tenant_id", "occurred_at"],
        unique=False,
        sqlite_where=sa.text("ip IS NOT NULL"),
        postgresql_where=sa.text("ip IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_audit_events_ip_held", table_name="audit_events")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("format_version")
        batch_op.drop_column("ip_commitment")
        batch_op.drop_column("ip_salt")
