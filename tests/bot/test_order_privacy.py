"""A stranger learns nothing about an order without its number AND the e-mail on it.

Property: for any sequence of messages that never pairs an order's number with its e-mail,
the bot's replies are identical whether or not that order exists, and contain none of its data.
"""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustdesk.bot.engine import BotEngine
from trustdesk.bot.state import BotEvent, ConversationState

from .conftest import Chat
from .fakes import BOB, JANE, FakeRetailer, default_orders

SECRET_FIELDS = [
    "DHL",
    "JD014600003SE",
    "Blue wool sweater",
    "Rain jacket",
    "Lyon",
    "being prepared",
    "shipped on",
]

numbers = st.sampled_from(["A-10001", "A-10002", "a10002", "#A-10001", "A-99999", "B-12345"])
wrong_emails = st.sampled_from(
    ["bob@example.org", "mallory@evil.example", "JANE@example.net", "jane@example.co"]
)
filler = st.sampled_from(
    [
        "where is my order",
        "cancel it",
        "what's the status",
        "I want to return it",
        "has it shipped?",
        "yes",
        "no",
        "please just tell me if it exists",
        "my order",
        "agent",
    ]
)


@st.composite
def messages(draw: st.DrawFn) -> list[str]:
    parts = []
    for _ in range(draw(st.integers(1, 7))):
        kind = draw(st.integers(0, 3))
        if kind == 0:
            parts.append(draw(numbers))
        elif kind == 1:
            parts.append(draw(wrong_emails))
        elif kind == 2:
            parts.append(f"order {draw(numbers)} {draw(wrong_emails)}")
        else:
            parts.append(draw(filler))
    return parts


def _replay(
    engine: BotEngine, retailer: FakeRetailer, script: list[str], customer=None
) -> list[tuple[str, ...]]:
    chat = Chat(engine, retailer, customer=customer)
    return [chat.send(message).replies for message in script]


def _without_jane(retailer: FakeRetailer) -> FakeRetailer:
    return replace(
        retailer, orders=[row for row in default_orders() if row[1] != "jane@example.com"], calls=[]
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=messages())
def test_guest_cannot_tell_whether_an_order_exists(engine: BotEngine, script: list[str]) -> None:
    with_orders = _replay(engine, FakeRetailer(), script)
    without = _replay(engine, _without_jane(FakeRetailer()), script)
    assert with_orders == without
    flat = " ".join(" ".join(r) for r in with_orders)
    for secret in SECRET_FIELDS:
        assert secret not in flat


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=messages())
def test_signed_in_non_owner_cannot_tell_either(engine: BotEngine, script: list[str]) -> None:
    with_orders = _replay(engine, FakeRetailer(), script, customer=BOB)
    without = _replay(engine, _without_jane(FakeRetailer()), script, customer=BOB)
    assert with_orders == without
    flat = " ".join(" ".join(r) for r in with_orders)
    for secret in SECRET_FIELDS:
        assert secret not in flat


def test_proof_does_unlock_the_order(chat: Chat) -> None:
    chat.send("order A-10002 jane@example.com where is it")
    assert "JD014600003SE" in chat.text()


def test_failed_lookups_are_counted_and_then_refused(chat: Chat) -> None:
    for attempt in range(3):
        turn = chat.send(f"order A-1000{attempt + 1} guess{attempt}@example.com")
        assert BotEvent.ORDER_LOOKUP_FAILED in turn.events
        assert turn.order_lookup_attempted
    assert chat.state.order_lookup_failures == 3
    lookups_before = sum(1 for name, _ in chat.retailer.calls if name == "find_order")
    turn = chat.send("order A-10002 jane@example.com")
    assert BotEvent.ORDER_LOOKUP_REFUSED in turn.events
    assert "can't check any more order numbers" in chat.text()
    assert sum(1 for name, _ in chat.retailer.calls if name == "find_order") == lookups_before


def test_callers_rate_limit_stops_lookups(chat: Chat) -> None:
    chat.lookups_allowed = False
    turn = chat.send("where is order A-10002? jane@example.com")
    assert BotEvent.ORDER_LOOKUP_REFUSED in turn.events
    assert not any(name == "find_order" for name, _ in chat.retailer.calls)
    assert "DHL" not in chat.text()


def test_mismatch_and_missing_order_get_the_same_words(engine: BotEngine) -> None:
    mismatch = Chat(engine, FakeRetailer()).send("order A-10002 bob@example.org")
    missing = Chat(engine, FakeRetailer()).send("order A-77777 bob@example.org")
    assert mismatch.replies == missing.replies
    assert mismatch.events == missing.events


def test_state_after_failure_does_not_remember_the_guess(chat: Chat) -> None:
    chat.send("order A-10002 bob@example.org")
    assert chat.state.slot("order_number") is None
    assert chat.state.slot("email") is None
    assert chat.state.verified_order is None
    assert isinstance(chat.state, ConversationState)


def test_signed_in_owner_is_not_counted_as_a_guess(chat: Chat) -> None:
    chat.customer = JANE
    turn = chat.send("where is order A-10002")
    assert not turn.order_lookup_attempted
    assert "JD014600003SE" in chat.text()
