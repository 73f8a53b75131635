"""The one intake pipeline on SQLite and PostgreSQL: guard, sequence, idempotency, status, audit."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select
from tests.conversations.conftest import agent_author

from trustdesk.audit.log import verify_chain
from trustdesk.conversations import (
    Author,
    AuthorKind,
    ConversationNotFound,
    CustomerRef,
    InvalidMessage,
    MessageBlocked,
    MessageTooLong,
    post_message,
    start_conversation,
)
from trustdesk.store.models import AuditEvent, Message

CARD = "4111 1111 1111 1111"


def test_customer_secret_is_redacted_before_storage_and_customer_is_told(desk, pipeline) -> None:  # type: ignore[no-untyped-def]
    started = start_conversation(pipeline, desk.tenant_id, CustomerRef(name="Pat"))
    posted = post_message(
        pipeline,
        desk.tenant_id,
        started.conversation["id"],
        Author(AuthorKind.CUSTOMER, name="Pat"),
        f"my card is {CARD} exp 12/29",
    )
    assert "4111" not in posted.message["body"].replace("ending 1111", "")
    assert "[removed:" in posted.message["body"]
    assert {f["type"] for f in posted.message["guard"]} >= {"PAYMENT_CARD"}
    assert all(set(f) == {"type", "action", "display"} for f in posted.message["guard"])
    assert posted.notice is not None and "card number" in posted.notice["body"]
    assert (posted.message["seq"], posted.notice["seq"]) == (1, 2)
    with desk.sessions() as s:
        bodies = s.scalars(select(Message.body)).all()
    assert not any(CARD in b or CARD.replace(" ", "") in b for b in bodies)


def test_agent_asking_for_a_secret_is_blocked_nothing_stored_and_audited(desk, pipeline) -> None:  # type: ignore[no-untyped-def]
    started = start_conversation(pipeline, desk.tenant_id, CustomerRef(name="Pat"), first_message="hi")
    with pytest.raises(MessageBlocked) as caught:
        post_message(
            pipeline,
            desk.tenant_id,
            started.conversation["id"],
            agent_author(desk),
            "To verify you, please send me the code we just texted you",
            actor="agent:sam@acme.test",
        )
    assert caught.value.reasons and "ONE_TIME_CODE" in caught.value.types
    with desk.sessions() as s:
        assert s.scalar(select(func.count(Message.id))) == 1  # only the customer's hello
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "message.blocked"))
        assert event is not None and event.actor == "agent:sam@acme.test"
        assert event.target == f"conversation:{started.conversation['id']}"
        assert "texted" not in str(event.details)  # reasons and types, never the text
        assert verify_chain(s).intact


def test_same_client_msg_id_is_stored_once(desk, pipeline) -> None:  # type: ignore[no-untyped-def]
    started = start_conversation(pipeline, desk.tenant_id, CustomerRef(name="Pat"))
    author = Author(AuthorKind.CUSTOMER, name="Pat")
    first = post_message(
        pipeline, desk.tenant_id, started.conversation["id"], author, "hello", client_msg_id="c-1"
    )
    again = post_message(
        pipeline, desk.tenant_id, started.conversation["id"], author, "hello", client_msg_id="c-1"
    )
    assert not first.duplicate and again.duplicate
    assert again.message["seq"] == first.message["seq"]
    with desk.sessions() as s:
        assert s.scalar(select(func.count(Message.id))) == 1


def test_concurrent_senders_get_distinct_gapless_sequence_numbers(desk, pipeline) -> None:  # type: ignore[no-untyped-def]
    started = start_conversation(pipeline, desk.tenant_id, CustomerRef(name="Pat"))
    conv_id = started.conversation["id"]
    errors: list[Exception] = []

    def send(worker: int) -> None:
        try:
            for i in range(10):
                post_message(
                    pipeline,
                    desk.tenant_id,
                    conv_id,
                    Author(AuthorKind.CUSTOMER, name="Pat"),
                    f"message {worker}-{i}",
                    client_msg_id=f"w{worker}-{i}",
                )
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with desk.sessions() as s:
        seqs = s.scalars(select(Message.seq).order_by(Message.seq)).all()
    assert seqs == list(range(1, 41))


def test_status_follows_the_conversation_and_timers_are_set(desk, pipeline) -> None:  # type: ignore[no-untyped-def]
    started = start_conversation(pipeline, desk.tenant_id, CustomerRef(name="Pat"), first_message="hello")
    conv_id = started.conversation["id"]
    assert started.conversation["status"] == "new"
    note = post_message(pipeline, desk.tenant_id, conv_id, agent_author(desk), "VIP customer", internal=True)
    assert note.message["visibility"] == "internal" and note.conversation["status"] == "new"
    assert note.conversation["first_response_at"] is None
    reply = post_message(pipeline, desk.tenant_id, conv_id, agent_author(desk), "Your parcel is on its way.")
    assert reply.conversation["status"] == "waiting"
    assert reply.conversation["timers"]["first_response_seconds"] is not None


def test_bad_input_is_refused_with_a_clear_error(desk, pipeline) -> None:  # type: ignore[no-untyped-def]
    started = start_conversation(pipeline, desk.tenant_id, CustomerRef(name="Pat"))
    author = Author(AuthorKind.CUSTOMER, name="Pat")
    conv_id = started.conversation["id"]
    with pytest.raises(InvalidMessage):
        post_message(pipeline, desk.tenant_id, conv_id, author, " \n\x00 ")
    with pytest.raises(MessageTooLong):
        post_message(pipeline, desk.tenant_id, conv_id, author, "x" * 6000)
    with pytest.raises(InvalidMessage):
        post_message(pipeline, desk.tenant_id, conv_id, author, "ok", client_msg_id="has spaces")
    with pytest.raises(ConversationNotFound):
        post_message(pipeline, desk.tenant_id, "no-such-conversation", author, "hello")
    with pytest.raises(ConversationNotFound):
        post_message(pipeline, desk.tenant_id + 999, conv_id, author, "hello")
