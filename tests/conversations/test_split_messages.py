"""The guard judges a message together with its author's recent ones in the same conversation."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from tests.conversations.conftest import agent_author

from trustdesk.conversations import (
    Author,
    AuthorKind,
    CustomerRef,
    MessageBlocked,
    post_message,
    start_conversation,
)
from trustdesk.store.models import Message


def test_an_ask_split_over_two_agent_messages_is_blocked(desk, pipeline) -> None:  # type: ignore[no-untyped-def]
    started = start_conversation(pipeline, desk.tenant_id, CustomerRef(name="Pat"), first_message="hallo")
    conversation_id = started.conversation["id"]
    post_message(pipeline, desk.tenant_id, conversation_id, agent_author(desk), "Wie lautet Ihr")
    with pytest.raises(MessageBlocked) as caught:
        post_message(pipeline, desk.tenant_id, conversation_id, agent_author(desk), "Passwort?")
    assert "PASSWORD" in caught.value.types
    with desk.sessions() as s:
        bodies = s.scalars(select(Message.body).order_by(Message.seq)).all()
    assert bodies == ["hallo", "Wie lautet Ihr"]


def test_the_customers_words_do_not_complete_an_agents_ask(desk, pipeline) -> None:  # type: ignore[no-untyped-def]
    started = start_conversation(pipeline, desk.tenant_id, CustomerRef(name="Pat"))
    conversation_id = started.conversation["id"]
    customer = Author(AuthorKind.CUSTOMER, name="Pat")
    post_message(pipeline, desk.tenant_id, conversation_id, customer, "I forgot what's your")
    posted = post_message(
        pipeline, desk.tenant_id, conversation_id, agent_author(desk), "password reset link?"
    )
    assert posted is not None  # only the agent's own earlier messages count, and there are none


def test_an_agents_own_safe_message_before_does_not_make_an_ask(desk, pipeline) -> None:  # type: ignore[no-untyped-def]
    started = start_conversation(pipeline, desk.tenant_id, CustomerRef(name="Pat"), first_message="hi")
    conversation_id = started.conversation["id"]
    post_message(pipeline, desk.tenant_id, conversation_id, agent_author(desk), "We will never ask for your")
    posted = post_message(pipeline, desk.tenant_id, conversation_id, agent_author(desk), "password.")
    assert posted is not None
