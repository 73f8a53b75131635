"""Group commit: several sends in one transaction, each with the outcome it would have had alone."""

from __future__ import annotations

import asyncio
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from tests.conversations.conftest import agent_author

from trustdesk.bus import LocalBus, conversation_topic
from trustdesk.conversations import (
    Author,
    AuthorKind,
    ConversationNotFound,
    CustomerRef,
    Desk,
    InvalidMessage,
    MessageBlocked,
    post_message,
    start_conversation,
)
from trustdesk.conversations.pipeline import Posted, SendRequest, post_messages
from trustdesk.conversations.writer import ChatWriter
from trustdesk.store.models import AuditEvent, Conversation, Message, SentMessage

CARD = "4111 1111 1111 1111"
PAT = Author(AuthorKind.CUSTOMER, name="Pat")


def _chat(pipeline, desk) -> str:  # type: ignore[no-untyped-def]
    return start_conversation(
        pipeline, desk.tenant_id, CustomerRef(name="Pat"), first_message="hi"
    ).conversation["id"]


def test_a_batch_gives_each_send_its_own_outcome_and_keeps_the_good_ones(desk, pipeline) -> None:  # type: ignore[no-untyped-def]
    first, second = _chat(pipeline, desk), _chat(pipeline, desk)
    post_message(pipeline, desk.tenant_id, first, PAT, "sent before", client_msg_id="c-old")
    requests = [
        SendRequest(desk.tenant_id, first, PAT, "one", client_msg_id="c1"),
        SendRequest(desk.tenant_id, second, PAT, f"my card is {CARD}", client_msg_id="c2"),
        SendRequest(desk.tenant_id, first, PAT, "sent before, retried", client_msg_id="c-old"),
        SendRequest(desk.tenant_id, "no-such-chat", PAT, "lost?", client_msg_id="c3"),
        SendRequest(
            desk.tenant_id,
            first,
            agent_author(desk),
            "Please read me the code we texted you",
            actor="agent:sam",
        ),
        SendRequest(desk.tenant_id, first, PAT, "   ", client_msg_id="c4"),
        SendRequest(desk.tenant_id, first, PAT, "two", client_msg_id="c5"),
    ]
    outcomes = post_messages(pipeline, requests)

    one, card, retry, unknown, blocked, empty, two = outcomes
    assert isinstance(one, Posted) and not one.duplicate and one.message["seq"] == 3
    assert isinstance(two, Posted) and two.message["seq"] == 4  # same conversation, same batch: next seq
    assert isinstance(card, Posted) and CARD not in card.message["body"] and card.notice is not None
    assert isinstance(retry, Posted) and retry.duplicate and retry.message["body"] == "sent before"
    assert isinstance(unknown, ConversationNotFound)
    assert isinstance(blocked, MessageBlocked) and "ONE_TIME_CODE" in blocked.types
    assert isinstance(empty, InvalidMessage)
    with desk.sessions() as s:
        bodies = s.scalars(select(Message.body).order_by(Message.id)).all()
        assert bodies.count("sent before") == 1 and "one" in bodies and "two" in bodies
        assert not any(CARD in body for body in bodies)
        seqs = s.scalars(
            select(Message.seq)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(Conversation.public_id == first)
            .order_by(Message.seq)
        ).all()
        assert seqs == [1, 2, 3, 4]
        assert s.scalar(select(Conversation.last_seq).where(Conversation.public_id == first)) == 4
        assert s.scalar(select(func.count()).where(AuditEvent.action == "message.blocked")) == 1


def test_only_what_was_stored_is_published_after_the_commit(desk) -> None:  # type: ignore[no-untyped-def]
    bus = LocalBus()
    pipeline = Desk(desk.sessions, bus=bus)
    chat = _chat(pipeline, desk)
    with desk.sessions() as s:
        conv_pk = s.scalar(select(Conversation.id).where(Conversation.public_id == chat))
    seen: list[dict] = []

    async def listen() -> None:
        sub = bus.subscribe()
        sub.follow(conversation_topic(conv_pk))
        await asyncio.to_thread(
            post_messages,
            pipeline,
            [
                SendRequest(desk.tenant_id, chat, PAT, "a", client_msg_id="a"),
                SendRequest(desk.tenant_id, chat, PAT, "  ", client_msg_id="bad"),
                SendRequest(desk.tenant_id, chat, PAT, "b", client_msg_id="b"),
            ],
        )
        while len([e for e in seen if e["type"] == "message"]) < 2:
            seen.append(await asyncio.wait_for(sub.get(), 5))

    asyncio.run(listen())
    assert [e["message"]["body"] for e in seen if e["type"] == "message"] == ["a", "b"]


def test_a_database_failure_fails_the_whole_batch_and_a_retry_stores_it_once(desk, pipeline) -> None:  # type: ignore[no-untyped-def]
    chat = _chat(pipeline, desk)
    requests = [SendRequest(desk.tenant_id, chat, PAT, f"m{n}", client_msg_id=f"m{n}") for n in range(3)]
    broken = Desk(desk.sessions)
    calls = 0
    real_person = broken.person

    def person_then_fail(session, user_id):  # type: ignore[no-untyped-def]
        # The database goes away in the middle of the batch (the third send's transaction work).
        nonlocal calls
        calls += 1
        if calls == 5:
            raise OperationalError("INSERT", {}, Exception("disk I/O error"))
        return real_person(session, user_id)

    broken.person = person_then_fail  # type: ignore[method-assign]
    with pytest.raises(OperationalError):
        post_messages(broken, requests)
    with desk.sessions() as s:
        assert s.scalar(select(func.count()).where(Message.body.in_(["m0", "m1", "m2"]))) == 0
    outcomes = post_messages(pipeline, requests)
    again = post_messages(pipeline, requests)
    assert [o.message["seq"] for o in outcomes] == [2, 3, 4]  # type: ignore[union-attr]
    assert all(isinstance(o, Posted) and o.duplicate for o in again)


def test_the_writer_groups_sends_that_queue_while_it_works(desk, pipeline) -> None:  # type: ignore[no-untyped-def]
    chats = [_chat(pipeline, desk) for _ in range(5)]
    writer = ChatWriter(pipeline)
    release = threading.Event()
    held = threading.Event()

    def hold_first() -> int:
        held.set()
        release.wait(10)  # the first send waits until all others are queued behind it
        return 0

    async def send_all() -> list:
        first = asyncio.ensure_future(
            writer.post(
                SendRequest(desk.tenant_id, chats[0], PAT, "first", client_msg_id="first"), hold_first
            )
        )
        while not held.is_set():
            await asyncio.sleep(0.01)
        rest = [
            asyncio.ensure_future(
                writer.post(
                    SendRequest(desk.tenant_id, chats[n % 5], PAT, f"msg {n}", client_msg_id=f"k{n}"),
                    (lambda n=n: 30 if n == 7 else 0),  # one send is rate limited
                )
            )
            for n in range(40)
        ]
        await asyncio.sleep(0.05)
        release.set()
        return await asyncio.gather(first, *rest)

    try:
        outcomes = asyncio.run(send_all())
    finally:
        writer.stop()
    assert writer.batches == 2 and writer.sends == 41  # everything queued went in one transaction
    assert outcomes[1 + 7] == 30
    stored = [o for o in outcomes if isinstance(o, Posted)]
    assert len(stored) == 40
    per_chat: dict[str, list[int]] = {}
    for posted in stored:
        per_chat.setdefault(posted.message["conversation_id"], []).append(posted.message["seq"])
    for seqs in per_chat.values():
        assert sorted(seqs) == list(range(2, 2 + len(seqs)))  # gap-free, no seq taken twice
    with desk.sessions() as s:
        assert s.scalar(select(func.count()).where(Message.client_msg_id.like("k%"))) == 39


def test_a_retried_agent_answer_keeps_one_message_and_one_reference(desk, pipeline) -> None:  # type: ignore[no-untyped-def]
    chat = _chat(pipeline, desk)
    agent = agent_author(desk)
    answer = SendRequest(desk.tenant_id, chat, agent, "Your parcel left our depot today.", client_msg_id="a1")
    first = post_message(pipeline, desk.tenant_id, chat, agent, answer.body, client_msg_id="a1")
    outcomes = post_messages(
        pipeline, [answer, SendRequest(desk.tenant_id, chat, PAT, "thanks", client_msg_id="t")]
    )
    retry, thanks = outcomes
    assert (
        isinstance(retry, Posted)
        and retry.duplicate
        and retry.message["reference"] == first.message["reference"]
    )
    assert isinstance(thanks, Posted) and thanks.message["seq"] == first.message["seq"] + 1
    with desk.sessions() as s:
        assert s.scalar(select(func.count()).select_from(SentMessage)) == 1
        assert s.scalar(select(func.count()).where(Message.client_msg_id == "a1")) == 1


def test_the_same_send_twice_in_one_batch_is_stored_once(desk, pipeline) -> None:  # type: ignore[no-untyped-def]
    chat = _chat(pipeline, desk)
    send = SendRequest(desk.tenant_id, chat, PAT, "are you there?", client_msg_id="twice")
    first, second = post_messages(pipeline, [send, send])
    assert isinstance(first, Posted) and not first.duplicate
    assert isinstance(second, Posted) and second.duplicate and second.message["seq"] == first.message["seq"]
    with desk.sessions() as s:
        assert s.scalar(select(func.count()).where(Message.client_msg_id == "twice")) == 1
        assert s.scalar(select(Conversation.last_seq).where(Conversation.public_id == chat)) == 2


def test_a_send_that_breaks_the_screening_fails_alone(desk, pipeline, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import trustdesk.conversations.pipeline as pipeline_module

    chat = _chat(pipeline, desk)
    real_scan = pipeline_module.scan

    def scan(text, *args, **kwargs):  # type: ignore[no-untyped-def]
        if "boom" in text:
            raise RuntimeError("a detector failed")
        return real_scan(text, *args, **kwargs)

    monkeypatch.setattr(pipeline_module, "scan", scan)
    ok, broken = post_messages(
        pipeline,
        [
            SendRequest(desk.tenant_id, chat, PAT, "fine", client_msg_id="ok"),
            SendRequest(desk.tenant_id, chat, PAT, "boom", client_msg_id="bad"),
        ],
    )
    assert isinstance(ok, Posted) and ok.message["body"] == "fine"
    assert isinstance(broken, RuntimeError)
    with desk.sessions() as s:
        assert s.scalar(select(func.count()).where(Message.client_msg_id == "bad")) == 0
