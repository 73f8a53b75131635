"""Full-text search over message bodies (search branch, issue 18): an FTS5 table kept in step by
triggers on SQLite, a GIN expression index over each language's lexemes on PostgreSQL
(store/search_index.py explains both; its PG_VECTOR_SQL must stay this index's expression).

On SQLite a later batch migration that rebuilds `messages` drops these triggers with the old
table: such a migration must create them again (SQLITE_TRIGGERS below).

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 15:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

PG_VECTOR_SQL = (
    "to_tsvector('simple'::regconfig, body) || to_tsvector('english'::regconfig, body) || "
    "to_tsvector('german'::regconfig, body) || to_tsvector('french'::regconfig, body) || "
    "to_tsvector('spanish'::regconfig, body) || to_tsvector('italian'::regconfig, body) || "
    "to_tsvector('dutch'::regconfig, body) || to_tsvector('portuguese'::regconfig, body)"
)

SQLITE_TRIGGERS = (
    "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN "
    "INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN "
    "INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER messages_fts_update AFTER UPDATE OF body ON messages BEGIN "
    "INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body); "
    "INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body); END",
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX ix_messages_search ON messages USING gin (({PG_VECTOR_SQL}))")
        return
    op.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS messages_fts USING fts5(body, content='messages', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    for statement in SQLITE_TRIGGERS:
        op.execute(statement)
    op.execute("INSERT INTO messages_fts (messages_fts) VALUES ('rebuild')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_messages_search")
        return
    for name in ("messages_fts_insert", "messages_fts_delete", "messages_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS messages_fts")
