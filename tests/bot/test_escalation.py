"""Handoffs to a person: when, what they carry, and what the customer is told."""

from __future__ import annotations

from datetime import timedelta

from trustdesk.bot.classifier import IntentModel, OperatingPoint
from trustdesk.bot.engine import BotEngine
from trustdesk.bot.intents import Intent
from trustdesk.bot.state import HandoffReason

from .conftest import Chat


def test_asking_for_a_person_hands_off_with_context(chat: Chat) -> None:
    chat.send("where is order A-10002? jane@example.com")
    turn = chat.send("I want to talk to a human")
    handoff = turn.handoff
    assert handoff is not None
    assert handoff.reason is HandoffReason.CUSTOMER_REQUEST
    assert handoff.intent is Intent.TALK_TO_HUMAN
    assert handoff.slots["order_number"] == "A-10002"
    assert "A-10002 (verified by order number and e-mail)" in handoff.summary
    assert [e.speaker for e in handoff.transcript][:2] == ["customer", "bot"]
    assert handoff.transcript[-1].text == "I want to talk to a human"
    assert "member of the Acme team" in chat.text()
    assert "about 4 minutes" in chat.text()


def test_single_word_agent(chat: Chat) -> None:
    assert chat.send("agent").handoff is not None


def _unsure_chat(model: IntentModel, retailer) -> Chat:
    # The real model with an out-of-scope rule no prediction can pass: every in-scope answer
    # becomes "low confidence", which makes the streak logic testable without fragile phrasing.
    unsure = model.with_operating_point(OperatingPoint(min_confidence=1.01, gated_confidence=1.01))
    return Chat(BotEngine(unsure), retailer)


def test_two_low_confidence_turns_hand_off(model: IntentModel, retailer) -> None:
    chat = _unsure_chat(model, retailer)
    first = chat.send("where is my parcel")
    assert first.handoff is None
    assert "not sure I understood" in chat.text()
    second = chat.send("I want to cancel my order")
    assert second.handoff is not None and second.handoff.reason is HandoffReason.LOW_CONFIDENCE


def test_understood_message_resets_the_low_confidence_streak(model: IntentModel, retailer) -> None:
    chat = _unsure_chat(model, retailer)
    chat.send("where is my parcel")
    chat.send("what is the capital of peru")  # confidently out of scope: understood, no streak
    assert chat.send("I want to cancel my order").handoff is None


def test_vague_request_for_help_is_not_a_handoff(chat: Chat) -> None:
    turn = chat.send("I need help with something")
    assert turn.handoff is None
    assert "not sure I understood" in chat.text()


def test_complaint_hands_off(chat: Chat) -> None:
    turn = chat.send("I want to make a formal complaint about how I was treated")
    assert turn.handoff is not None and turn.handoff.reason is HandoffReason.COMPLAINT
    assert "sorry" in chat.text().lower()


def test_strong_negative_sentiment_hands_off_even_mid_flow(chat: Chat) -> None:
    chat.send("where is my order")
    turn = chat.send("THIS IS RIDICULOUS, WORST SERVICE EVER, I'M FURIOUS")
    assert turn.handoff is not None and turn.handoff.reason is HandoffReason.NEGATIVE_SENTIMENT
    assert turn.handoff.priority == "high"


def test_offline_team_is_announced_honestly(chat: Chat) -> None:
    chat.retailer.wait = None
    chat.send("agent please")
    assert "Nobody is available right now" in chat.text()
    assert "24 hours" in chat.text()


def test_short_wait_says_shortly(chat: Chat) -> None:
    chat.retailer.wait = timedelta(seconds=40)
    chat.send("real person please")
    assert "shortly" in chat.text()


def test_bot_is_silent_after_handoff(chat: Chat) -> None:
    chat.send("agent")
    turn = chat.send("hello? anyone?")
    assert turn.replies == ()
    assert turn.state.transcript[-1].text == "hello? anyone?"


def test_unanswered_question_offers_a_person_and_yes_accepts(chat: Chat) -> None:
    chat.send("does the desk lamp come with a bulb?")
    assert "Would you like me to pass you to a person?" in chat.text()
    turn = chat.send("yes")
    assert turn.handoff is not None and turn.handoff.reason is HandoffReason.UNANSWERED


def test_declining_the_offer_keeps_the_bot(chat: Chat) -> None:
    chat.send("does the desk lamp come with a bulb?")
    turn = chat.send("no thanks")
    assert turn.handoff is None
    assert "What else can I help with?" in chat.text()
