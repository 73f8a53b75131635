"""Canned replies per language (issue 16): each saved answer gets a language and a group key that links
its translations; a shortcut is unique per language, so every version of an answer keeps one shortcut.
Existing answers take their retailer's default language and a group of their own.

Revision ID: 0021_canned_reply_language
Revises: 0020_search_tsvector
Create Date: 2026-12-07 19:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import trustdesk.store.models.base

revision = "0021_canned_reply_language"
down_revision = "0020_search_tsvector"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("canned_replies") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=False, server_default="en"))
        batch.add_column(sa.Column("group_key", sa.String(length=40), nullable=True))
        batch.add_column(sa.Column("updated_at", trustdesk.store.models.base.UTCDateTime(), nullable=True))
    op.execute(
        "UPDATE canned_replies SET group_key = 'g' || CAST(id AS VARCHAR(20)), language = COALESCE("
        "(SELECT tenants.default_language FROM tenants WHERE tenants.id = canned_replies.tenant_id), 'en')"
    )
    with op.batch_alter_table("canned_replies") as batch:
        batch.alter_column("group_key", existing_type=sa.String(length=40), nullable=False)
        batch.drop_constraint("uq_canned_replies_tenant_id_shortcut", type_="unique")
        batch.create_unique_constraint(
            op.f("uq_canned_replies_tenant_id_shortcut_language"), ["tenant_id", "shortcut", "language"]
        )
        batch.create_unique_constraint(
            op.f("uq_canned_replies_tenant_id_group_key_language"), ["tenant_id", "group_key", "language"]
        )


def downgrade() -> None:
    # Only one version per shortcut can stay: the others are translations and go.
    op.execute(
        "DELETE FROM canned_replies WHERE id NOT IN "
        "(SELECT MIN(id) FROM canned_replies GROUP BY tenant_id, shortcut)"
    )
    with op.batch_alter_table("canned_replies") as batch:
        batch.drop_constraint("uq_canned_replies_tenant_id_group_key_language", type_="unique")
        batch.drop_constraint("uq_canned_replies_tenant_id_shortcut_language", type_="unique")
        batch.create_unique_constraint(
            op.f("uq_canned_replies_tenant_id_shortcut"), ["tenant_id", "shortcut"]
        )
        batch.drop_column("updated_at")
        batch.drop_column("group_key")
        batch.drop_column("language")
