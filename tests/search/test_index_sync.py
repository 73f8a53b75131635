"""The index follows the messages on both databases: a stored message is found, an edited body is found
by its new words only, a deleted one not at all; SQLite's FTS5 index agrees with its content table and
PostgreSQL's stored `search_vector` follows each write and answers from its GIN index (migration 0020)."""

from __future__ import annotations

from sqlalchemy import delete, select, text, update
from sqlalchemy.engine import Engine

from trustdesk.conversations.pipeline import CustomerRef, Desk, start_conversation
from trustdesk.conversations.search import Filters, search_conversations
from trustdesk.i18n.search_terms import STEMMERS, parse
from trustdesk.store.db import make_session_factory
from trustdesk.store.models import Message
from trustdesk.store.search_index import PG_INDEX, postgres_match
from trustdesk.tenancy.service import create_tenant


def test_insert_update_and_delete_keep_the_index_in_step(migrated_engine: Engine) -> None:
    sessions = make_session_factory(migrated_engine)
    with sessions() as s:
        tenant = create_tenant(s, slug="acme", name="Acme", primary_domain="acme.example")
        s.commit()
        tenant_id = tenant.id
    started = start_conversation(
        Desk(sessions), tenant_id, CustomerRef(name="Pat"), first_message="The lighthouse lamp flickers"
    )

    def found(words: str) -> list[str]:
        with sessions() as s:
            rows = search_conversations(
                s, tenant_id, text=parse(words, list(STEMMERS)), filters=Filters(), user_id=0
            )
        return [row["id"] for row in rows]

    assert found("lighthouse") == [started.conversation["id"]]
    with sessions() as s:
        s.execute(
            update(Message)
            .where(Message.conversation_id == started.conversation_pk)
            .values(body="The windmill sails are torn")
        )
        s.commit()
    assert found("lighthouse") == []
    assert found("windmills") == [started.conversation["id"]]
    if migrated_engine.dialect.name == "sqlite":
        with migrated_engine.begin() as conn:  # raises if the index and the messages disagree
            conn.execute(text("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)"))
    with sessions() as s:
        s.execute(delete(Message).where(Message.conversation_id == started.conversation_pk))
        s.commit()
    assert found("windmill") == []
    if migrated_engine.dialect.name == "sqlite":
        with migrated_engine.begin() as conn:
            conn.execute(text("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)"))
    else:
        query = select(Message.id).where(postgres_match(parse("Bestellungen", list(STEMMERS))))
        sql = str(query.compile(dialect=migrated_engine.dialect, compile_kwargs={"literal_binds": True}))
        with migrated_engine.connect() as conn:
            conn.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + sql))
        assert PG_INDEX in plan, plan
