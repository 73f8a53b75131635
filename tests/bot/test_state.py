"""Conversation state survives storage between turns (JSON round trip mid-flow)."""

from __future__ import annotations

import json

from trustdesk.bot.state import Awaiting, ConversationState

from .conftest import Chat


def test_state_round_trips_through_json_mid_flow(chat: Chat) -> None:
    chat.send("cancel order A-10001")
    chat.send("jane@example.com")
    assert chat.state.awaiting is Awaiting.CONFIRM_CANCEL
    stored = json.dumps(chat.state.to_json())
    chat.state = ConversationState.from_json(json.loads(stored))
    chat.send("yes")
    assert chat.retailer.cancelled == ["A-10001"]


def test_round_trip_is_exact(chat: Chat) -> None:
    chat.send("where is my order")
    chat.send("A-10002")
    state = chat.state
    assert ConversationState.from_json(json.loads(json.dumps(state.to_json()))) == state
