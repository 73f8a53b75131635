"""Erased and expired messages leave the search index (SQLite FTS5 and PostgreSQL) in the same
transaction; on SQLite an erasure also merges the index, so their words are not even in the file."""

from __future__ import annotations

from sqlalchemy import text, update
from tests.mailchannel.conftest import World
from tests.privacy.conftest import EMAIL, Seeded
from tests.privacy.test_erase import run_erase
from tests.privacy.test_retention import OLD, drain, start

from trustdesk.conversations.pipeline import CustomerRef, start_conversation
from trustdesk.conversations.search import Filters, search_conversations
from trustdesk.i18n.search_terms import STEMMERS, parse
from trustdesk.privacy.retention_runs import set_rule
from trustdesk.store.models import Conversation, Tenant


def found(world: World, tenant_id: int, words: str) -> list[str]:
    with world.sessions() as s:
        rows = search_conversations(
            s, tenant_id, text=parse(words, list(STEMMERS)), filters=Filters(), user_id=0, limit=50
        )
    return [row["id"] for row in rows]


def indexed_words(world: World) -> set[str]:
    """Every word the SQLite index still holds (fts5vocab reads the index itself, not the messages)."""
    with world.sessions() as s:
        s.execute(
            text(
                "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocab USING fts5vocab(main, messages_fts, 'row')"
            )
        )
        return set(s.scalars(text("SELECT term FROM temp.search_vocab")))


def test_an_erased_persons_words_cannot_be_found_afterwards(seeded: Seeded) -> None:
    world, acme = seeded.world, seeded.acme
    chat_id, _, mail_id = seeded.conversations
    assert found(world, acme, "hiking boots") == [chat_id]
    assert found(world, acme, "marmalade") == [mail_id]
    assert len(found(world, acme, EMAIL)) == 1  # the note in someone else's conversation names Pat
    run_erase(seeded)
    assert found(world, acme, "hiking boots") == []
    assert found(world, acme, "marmalade") == []
    assert found(world, acme, EMAIL) == []  # scrubbed to [erased] in the note: the index followed
    assert found(world, acme, "erased") != []
    if world.database_url.startswith("sqlite"):
        words = indexed_words(world)
        assert {"hiking", "marmalade", "boots"}.isdisjoint(words)
        assert "courier" in words  # what stays is still indexed


def test_conversations_past_retention_leave_the_index(world: World) -> None:
    acme = world.tenants["acme"]
    old = start_conversation(world.desk, acme, CustomerRef(name="Old"), first_message="the quixotic teapot")
    kept = start_conversation(
        world.desk, acme, CustomerRef(name="New"), first_message="another quixotic kettle"
    )
    with world.sessions() as s:
        s.execute(
            update(Conversation)
            .where(Conversation.id == old.conversation_pk)
            .values(status="resolved", last_message_at=OLD)
        )
        tenant = s.get(Tenant, acme)
        assert tenant is not None
        set_rule(s, tenant, "conversations", 365, actor="admin:boss@acme-shop.com")
        s.commit()
    assert found(world, acme, "quixotic") == [kept.conversation["id"], old.conversation["id"]]
    start(world, "acme", "conversations")
    assert drain(world) >= 1
    assert found(world, acme, "quixotic") == [kept.conversation["id"]]
    assert found(world, acme, "teapot") == []
    if world.database_url.startswith("sqlite"):
        assert "teapot" not in indexed_words(world) and "kettle" in indexed_words(world)
