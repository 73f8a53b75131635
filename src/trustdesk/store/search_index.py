"""The full-text index over message bodies and conversation subjects, one real engine per database
(migrations 0017 and 0020 for bodies, 0025 for subjects: the same design over `conversations.subject`,
`conversations_fts` and `conversations.search_vector`).

SQLite: `messages_fts`, an FTS5 table over `messages.body` (external content: the text is kept
once, in `messages`), words folded by the unicode61 tokenizer (lower case, accents removed) and
kept in step by three triggers on insert, body update and delete. Every delete goes through
them, so privacy erasure and retention take a message out of the index in their own transaction.
PostgreSQL: `messages.search_vector`, a stored generated column holding the body's lexemes in
'simple' (every word as written, which also serves Polish: PostgreSQL ships no Polish dictionary)
and in each language's config, so a message is found by its stems whatever language the
conversation is marked with; a GIN index on it. A generated column is never out of step with its
row, and a plan that reads rows (newest first, or a lossy bitmap's recheck) reads the stored
vector instead of computing eight per body. The column is no model's: only PostgreSQL has it.
Only stored text is indexed: the guard has already removed every secret from a body and a subject.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, func, literal_column, text
from sqlalchemy.sql.elements import TextClause

from trustdesk.i18n.search_terms import MIN_PREFIX, SearchText, fts5_query

FTS_TABLE = "messages_fts"
PG_COLUMN = "search_vector"
PG_INDEX = "ix_messages_search_vector"
# Conversation subjects (migration 0025): the same engines over `conversations.subject`.
SUBJECT_FTS_TABLE = "conversations_fts"
SUBJECT_PG_INDEX = "ix_conversations_search_vector"
# Objects the migrations create that no model declares (autogenerate must leave them alone).
SQLITE_OBJECTS = frozenset(
    {
        name
        for table in (FTS_TABLE, SUBJECT_FTS_TABLE)
        for name in (table, *(f"{table}_{s}" for s in ("data", "idx", "docsize", "config", "content")))
    }
)
PG_OBJECTS = frozenset({PG_INDEX, PG_COLUMN, SUBJECT_PG_INDEX})
# For a bulk load (bench/): the index dropped before it and made again after, as migration 0020 does.
PG_CREATE_INDEX = f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON messages USING gin ({PG_COLUMN})"
# Merges every segment of the FTS5 index into one, leaving out deleted rows' words for good.
SQLITE_MERGE_ALL = "INSERT INTO messages_fts (messages_fts) VALUES ('optimize')"

# Languages with a PostgreSQL text search config; Polish has none and is matched by stem prefixes.
PG_CONFIGS = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "nl": "dutch",
    "pt": "portuguese",
}


def include_name(name: str | None, type_: str, _parents: dict[str, Any]) -> bool:
    """Alembic autogenerate filter: the search index's own tables and index are not models."""
    return name not in SQLITE_OBJECTS | PG_OBJECTS


def sqlite_match(search: SearchText, table: str = FTS_TABLE) -> TextClause:
    """`<table> MATCH <query>`: for a query that reads from that FTS5 table (joined on rowid);
    `table` is FTS_TABLE or SUBJECT_FTS_TABLE, never input."""
    if table not in (FTS_TABLE, SUBJECT_FTS_TABLE):
        raise ValueError(table)
    return text(f"{table} MATCH :{table}_query").bindparams(**{f"{table}_query": fts5_query(search)})


def postgres_match(search: SearchText, table: str = "messages") -> ColumnElement[bool]:
    """`<table>.search_vector @@ <query>`: each term in 'simple' or a searched language's config; all
    terms. `table` is messages or conversations (the subject's vector), never input."""
    if table not in ("messages", "conversations"):
        raise ValueError(table)
    configs = [PG_CONFIGS[k] for k in search.languages if k in PG_CONFIGS]
    query: Any = None
    for term in search.terms:
        # The chunk as typed, so PostgreSQL's parser sees an address or a number as one token; a
        # phrase of its words too ("order-123" typed "order 123" in the message).
        options: list[Any] = [
            func.plainto_tsquery(literal_config(c), term.text) for c in ("simple", *configs)
        ]
        if term.is_phrase:
            options.append(func.phraseto_tsquery(literal_config("simple"), " ".join(term.words)))
        # No Polish dictionary: a Polish stem matches the 'simple' lexemes it begins (as on SQLite).
        options += [
            func.to_tsquery(literal_config("simple"), f"'{stem}':*")
            for language, stem in term.stems
            if language not in PG_CONFIGS and len(stem) >= MIN_PREFIX and stem != term.text.lower()
        ]
        either = options[0]
        for option in options[1:]:
            either = either.op("||")(option)
        query = either if query is None else query.op("&&")(either)
    return literal_column(f"{table}.{PG_COLUMN}").op("@@")(query)  # type: ignore[no-any-return]


def literal_config(name: str) -> TextClause:
    """A config name as a regconfig constant (names come from PG_CONFIGS, never from input)."""
    return text(f"'{name}'::regconfig")
