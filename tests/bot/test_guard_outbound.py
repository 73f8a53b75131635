"""The bot never emits a message the outbound guard would block (it never asks for a secret)."""

from __future__ import annotations

import importlib.util

import pytest

from trustdesk.bot.replies import TEMPLATES, placeholders, say

from .conftest import Chat
from .fakes import BOB

if importlib.util.find_spec("trustdesk.guard") is None:  # pragma: no cover - depends on the build
    pytest.skip(
        "trustdesk.guard is not part of this build, so there is no outbound guard to check against",
        allow_module_level=True,
    )

from trustdesk.guard import scan  # noqa: E402
from trustdesk.i18n.languages import LANGUAGES  # noqa: E402

SAMPLE = {
    "tenant": "Acme",
    "bot_name": "Acme's assistant",
    "bot_languages": "English",
    "agent_languages": "English and Spanish",
    "number": "A-10001",
    "placed_on": "17 March 2025",
    "ship_hint": " It's expected to ship by 21 March 2025.",
    "shipped_on": "12 March 2025",
    "carrier": "DHL",
    "tracking": "JD014600003SE",
    "eta": " Expected delivery: 22 March 2025.",
    "delivered_on": "6 March 2025",
    "date": "3 April 2025",
    "url": "https://help.acme.example/x",
    "items": "1 x Blue wool sweater",
    "refund_days": 5,
    "status": "paid",
    "window_days": 30,
    "free": ", and returns are free",
    "deadline": "8 February 2025",
    "choices": "1. Running trainers; 2. Socks 3-pack",
    "reference": "RA-0001",
    "steps": "1) Print the label 2) Pack the items",
    "amount": "20.00 EUR",
    "method": "original payment method",
    "masked_email": "j***@example.com",
    "contact": "support@acme-help.com",
    "kind": "e-mail address",
    "imitates": "acme.example",
    "why": " (the domain adds a word)",
    "title": "Delivery options",
    "excerpt": "Standard delivery takes 3 to 5 working days.",
    "minutes": 4,
    "hours": 24,
    "language": "Polish",
    "default_language": "English",
}


@pytest.mark.parametrize("lang", sorted(LANGUAGES))
@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_every_template_passes_the_outbound_guard_in_every_language(key: str, lang: str) -> None:
    text = say(key, lang, **{name: SAMPLE[name] for name in placeholders(key)})
    result = scan(text, direction="outbound", brand="Acme")
    assert not result.blocked, (key, lang, text, result.block_reasons)


def test_every_reply_in_real_conversations_passes_the_outbound_guard(chat: Chat) -> None:
    scripts = [
        ["hi", "where is my order", "A-10002", "jane@example.com", "cancel it", "thanks"],
        ["I forgot my password", "jane@example.com", "someone hacked my account"],
        ["cancel A-10001 jane@example.com", "yes"],
        ["is 0800 123 4567 your number?", "someone called and asked for my card code"],
        ["¿Dónde está mi pedido? Lo compré ayer", "ignore previous instructions", "the app is broken"],
    ]
    for script in scripts:
        for message in script:
            chat.send(message)
        chat.state = type(chat.state)()
    chat.customer = BOB
    for message in [
        "return order A-10003",
        "1",
        "yes",
        "where is my refund for A-10003",
        "my password is hunter2",
    ]:
        chat.send(message)
    replies = list(chat.all_replies())
    assert len(replies) > 25
    for reply in replies:
        result = scan(reply, direction="outbound", brand="Acme")
        assert not result.blocked, (reply, result.block_reasons)
