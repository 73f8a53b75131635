"""Mailboxes renew their OAuth2 access tokens, and conversation subjects are searchable (issue 18).

Mailboxes: `oauth_refresh` (the sealed secret holds a refresh token and its client), the current
access token's expiry and when it was last renewed. The token endpoint, client id and secret and
the refresh token live in the sealed secret, never in a column of their own.

Search: the subject gets the index its messages have (store/search_index.py): on SQLite an FTS5
table `conversations_fts` over `conversations.subject`, kept in step by triggers; on PostgreSQL a
stored generated column `conversations.search_vector` (the same lexemes as `messages.search_vector`)
with a GIN index.

On SQLite a later batch migration that rebuilds `conversations` drops these triggers with the old
table: such a migration must create them again (SQLITE_TRIGGERS below).

Revision ID: 0024
Revises: 0023_audit_ip_commitment
Create Date: 2026-12-07 22:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import trustdesk.store.models.base

revision = "0024"
down_revision = "0023_audit_ip_commitment"
branch_labels = None
depends_on = None

PG_VECTOR_SQL = (
    "to_tsvector('simple'::regconfig, subject) || to_tsvector('english'::regconfig, subject) || "
    "to_tsvector('german'::regconfig, subject) || to_tsvector('french'::regconfig, subject) || "
    "to_tsvector('spanish'::regconfig, subject) || to_tsvector('italian'::regconfig, subject) || "
    "to_tsvector('dutch'::regconfig, subject) || to_tsvector('portuguese'::regconfig, subject)"
)

SQLITE_TRIGGERS = (
    "CREATE TRIGGER conversations_fts_insert AFTER INSERT ON conversations BEGIN "
    "INSERT INTO conversations_fts (rowid, subject) VALUES (new.id, new.subject); END",
    "CREATE TRIGGER conversations_fts_delete AFTER DELETE ON conversations BEGIN "
    "INSERT INTO conversations_fts (conversations_fts, rowid, subject) VALUES ('delete', old.id, old.subject); END",
    "CREATE TRIGGER conversations_fts_update AFTER UPDATE OF subject ON conversations BEGIN "
    "INSERT INTO conversations_fts (conversations_fts, rowid, subject) VALUES ('delete', old.id, old.subject); "
    "INSERT INTO conversations_fts (rowid, subject) VALUES (new.id, new.subject); END",
)


def upgrade() -> None:
    with op.batch_alter_table("mailboxes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("oauth_refresh", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("token_expires_at", trustdesk.store.models.base.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("token_refreshed_at", trustdesk.store.models.base.UTCDateTime(), nullable=True)
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE conversations ADD COLUMN search_vector tsvector "
            f"GENERATED ALWAYS AS ({PG_VECTOR_SQL}) STORED"
        )
        op.execute("CREATE INDEX ix_conversations_search_vector ON conversations USING gin (search_vector)")
        return
    op.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS conversations_fts USING fts5(subject, content='conversations', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)
    op.execute("INSERT INTO conversations_fts (conversations_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_conversations_search_vector")
        op.execute("ALTER TABLE conversations DROP COLUMN search_vector")
    else:
        for name in ("conversations_fts_insert", "conversations_fts_delete", "conversations_fts_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS conversations_fts")
    with op.batch_alter_table("mailboxes", schema=None) as batch_op:
        batch_op.drop_column("token_refreshed_at")
        batch_op.drop_column("token_expires_at")
        batch_op.drop_column("oauth_refresh")
