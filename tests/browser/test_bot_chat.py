"""In a real browser against a real server: the demo's bot says it is automated, answers from the help
articles, and hands over to a person; the agent finds the conversation in the queue with the bot's note."""

from __future__ import annotations

import pytest
from tests.browser.test_chat import bodies, sign_in_agent, snap

pytestmark = pytest.mark.browser


def test_the_bot_answers_then_hands_over_to_an_agent(live_server, browser, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/t/acme/chat")
    page.get_by_label("Your name").fill("Morgan")
    page.get_by_label("How can we help?").fill("How much does express delivery cost?")
    page.get_by_role("button", name="Start chat").click()
    page.wait_for_selector("#chat-state.chat-state-ok")
    first_bot = page.locator("#chat-log .chat-msg-bot").first
    first_bot.wait_for()
    assert "automated assistant" in first_bot.inner_text() and "Automated" in first_bot.inner_text()
    page.wait_for_selector("#chat-log .chat-msg-bot .chat-body:has-text('Express delivery')", timeout=60_000)

    page.get_by_label("Your message").fill("I'd like to talk to a person please")
    page.get_by_label("Your message").press("Enter")
    page.wait_for_selector("#chat-log .chat-body:has-text('passing you to a member')", timeout=60_000)
    assert not any("Bot handoff" in text for text in bodies(page, "#chat-log"))  # the note is for agents only
    snap(page, "customer-bot-handoff")

    agent_context = browser.new_context(viewport={"width": 1400, "height": 950})
    agent = agent_context.new_page()
    try:
        sign_in_agent(agent, live_server, "agent@acmeoutfitters.com")
        agent.goto(live_server.url + "/console/conversations")
        agent.wait_for_selector("#cv-live:has-text('Live')")
        agent.locator(".cv-item", has_text="Morgan").first.click()
        agent.wait_for_selector("#cv-log .chat-body:has-text('Bot handoff')")
        assert "Reason: customer_request" in " ".join(bodies(agent, "#cv-log"))
        snap(agent, "agent-bot-handoff")
    finally:
        agent_context.close()
    assert page.problems == []  # type: ignore[attr-defined]
