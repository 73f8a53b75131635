"""PostgreSQL search reads a stored tsvector (pgsearch branch, issue 18): `messages.search_vector`, a
generated column holding the body's lexemes in 'simple' and in each language's config (the expression
of 0017's index, now computed once per write), with a GIN index on it; 0017's expression index goes.

Why: a search plan that walks the newest messages, or rechecks a lossy bitmap page, reads the stored
vector instead of computing eight vectors per body (seconds for a common word with a filter).
SQLite keeps its FTS5 table (0017): nothing changes there.

Revision ID: 0020_search_tsvector
Revises: 0019
Create Date: 2026-12-07 19:10:00
"""

from __future__ import annotations

from alembic import op

revision = "0020_search_tsvector"
down_revision = "0019"
branch_labels = None
depends_on = None

# The same lexemes as 0017's index (store/search_index.py reads the column, never this expression).
PG_VECTOR_SQL = (
    "to_tsvector('simple'::regconfig, body) || to_tsvector('english'::regconfig, body) || "
    "to_tsvector('german'::regconfig, body) || to_tsvector('french'::regconfig, body) || "
    "to_tsvector('spanish'::regconfig, body) || to_tsvector('italian'::regconfig, body) || "
    "to_tsvector('dutch'::regconfig, body) || to_tsvector('portuguese'::regconfig, body)"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        f"ALTER TABLE messages ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ({PG_VECTOR_SQL}) STORED"
    )
    op.execute("CREATE INDEX ix_messages_search_vector ON messages USING gin (search_vector)")
    op.execute("DROP INDEX IF EXISTS ix_messages_search")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"CREATE INDEX ix_messages_search ON messages USING gin (({PG_VECTOR_SQL}))")
    op.execute("DROP INDEX IF EXISTS ix_messages_search_vector")
    op.execute("ALTER TABLE messages DROP COLUMN search_vector")
