"""Conversation language (bot branch, issue 16): each conversation records the language it is held
in, and each help article the language it is written in (existing articles are English).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversations") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=True))
    with op.batch_alter_table("kb_articles") as batch:
        batch.add_column(sa.Column("language", sa.String(length=8), nullable=False, server_default="en"))


def downgrade() -> None:
    with op.batch_alter_table("kb_articles") as batch:
        batch.drop_column("language")
    with op.batch_alter_table("conversations") as batch:
        batch.drop_column("language")
