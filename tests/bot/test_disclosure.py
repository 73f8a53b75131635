"""The bot says it is automated, never claims to be human, and says what it cannot do."""

from __future__ import annotations

import re

import pytest

from trustdesk.bot.replies import TEMPLATES

from .conftest import Chat


def test_first_reply_discloses_automation_and_limits(chat: Chat) -> None:
    turn = chat.send("hi")
    first = turn.replies[0]
    assert "automated assistant" in first
    assert "not a person" in first
    assert "can't see or change card details" in first
    assert "never ask for your password" in first
    assert '"agent"' in first


def test_disclosure_is_given_once(chat: Chat) -> None:
    chat.send("hi")
    chat.send("hello again")
    assert sum("automated assistant for Acme" in r for r in chat.all_replies()) == 1


def test_disclosure_even_when_the_first_message_is_bad_input(chat: Chat) -> None:
    turn = chat.send("")
    assert "automated assistant" in turn.replies[0]


@pytest.mark.parametrize(
    "question", ["are you a real person?", "Am I talking to a bot?", "r u human", "is this a bot"]
)
def test_asked_directly_it_says_it_is_automated(chat: Chat, question: str) -> None:
    chat.send("hi")
    chat.send(question)
    assert "I'm an automated assistant, not a person" in chat.text()


def test_no_template_claims_to_be_human() -> None:
    claims = re.compile(
        r"\b(i am|i'm) (a )?(human|real person|person|member of staff|agent)\b", re.IGNORECASE
    )
    for key, template in TEMPLATES.items():
        assert not claims.search(template), key
