"""The bot answers through the real pipeline: disclosure first, replies as the bot, with references."""

from __future__ import annotations

from .conftest import BotDesk


def test_a_new_chat_starts_with_the_bot_saying_it_is_automated(botdesk: BotDesk) -> None:
    chat = botdesk.chat()
    conv = chat.conversation()
    assert conv.bot_active is True
    # The start response already carries it, so a client that continues from the last seq misses nothing.
    assert "automated assistant" in chat.started["messages"][0]["body"]
    first = chat.history()[0]
    assert first["author_kind"] == "bot"
    assert "automated assistant" in first["body"] and "not a person" in first["body"]
    # Like everything the retailer says, the bot's words carry a checkable reference.
    assert first["reference"]


def test_the_bot_answers_a_question_from_the_help_articles(botdesk: BotDesk) -> None:
    chat = botdesk.chat()
    reply = chat.send("How much does express delivery cost?")
    assert "Express delivery arrives the next working day" in reply
    assert "/t/acme/help/delivery" in reply
    bot = [m for m in chat.messages if m["author_kind"] == "bot"]
    assert all(m["reference"] for m in bot)


def test_a_first_message_with_the_start_request_is_answered(botdesk: BotDesk) -> None:
    chat = botdesk.chat(message="hello there")
    seq = max(m["seq"] for m in chat.started["messages"])
    chat.wait_answered(seq)
    assert chat.replies_after(seq), "the bot replies to the opening message"
    # The disclosure came before the customer's first message, and is not repeated.
    assert sum("automated assistant" in m["body"] for m in chat.messages) == 1


def test_bot_conversations_stay_out_of_the_agents_queue(botdesk: BotDesk) -> None:
    chat = botdesk.chat()
    r = botdesk.agent.client.get("/api/v1/conversations", params={"view": "unassigned"})
    assert r.status_code == 200, r.text
    assert chat.id not in {c["id"] for c in r.json()}
