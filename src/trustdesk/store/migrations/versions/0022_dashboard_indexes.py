"""Indexes for the dashboard (issue 18): conversations by opening time, guarded customer messages,
audit events by action and time, per retailer.

Revision ID: 0022_dashboard_indexes
Revises: 0021_canned_reply_language
Create Date: 2026-12-07 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022_dashboard_indexes"
down_revision = "0021_canned_reply_language"
branch_labels = None
depends_on = None

GUARDED = "author_kind = 'customer' AND CAST(guard AS VARCHAR) != '[]'"


def upgrade() -> None:
    op.create_index("ix_conversations_tenant_created", "conversations", ["tenant_id", "created_at"])
    op.create_index(
        "ix_messages_tenant_guarded",
        "messages",
        ["tenant_id", "created_at"],
        sqlite_where=sa.text(GUARDED),
        postgresql_where=sa.text(GUARDED),
    )
    op.create_index(
        "ix_audit_events_tenant_action_time", "audit_events", ["tenant_id", "action", "occurred_at"]
    )


def downgrade() -> None:
    op.drop_index("ix_audit_events_tenant_action_time", table_name="audit_events")
    op.drop_index("ix_messages_tenant_guarded", table_name="messages")
    op.drop_index("ix_conversations_tenant_created", table_name="conversations")
