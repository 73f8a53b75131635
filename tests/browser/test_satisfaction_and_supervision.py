"""In a real browser: the satisfaction question in the customer's chat once an agent resolves it, and
the supervisor watching the bot's chats live and taking one over."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_chat import bot_off, real_problems, sign_in_agent
from tests.support.live_server import LiveServer, make_server

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = make_server(tmp_path_factory.mktemp("csat"))
    bot_off(
        server, "northwind"
    )  # acme keeps the demo's bot (the supervisor's view); northwind's chats go to agents
    server.start()
    yield server
    server.stop()


def sign_in(page, live_server, email: str, tenant: str) -> None:  # type: ignore[no-untyped-def]
    if tenant == "acme":
        sign_in_agent(page, live_server, email)
        return
    import pyotp

    password = live_server.credentials()[(tenant, email)]
    page.goto(live_server.url + f"/login?tenant={tenant}")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/login/enrol")
    secret = page.locator("code.secret").inner_text().strip()
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url("**/console")


def test_customer_rates_the_chat_once_it_is_resolved(live_server, browser, page) -> None:  # type: ignore[no-untyped-def]
    customer = page
    customer.goto(live_server.url + "/t/northwind/chat")
    customer.get_by_label("Your name").fill("Robin")
    customer.get_by_label("How can we help?").fill("Hello, where is my lamp?")
    customer.get_by_role("button", name="Start chat").click()
    customer.wait_for_selector("#chat-state.chat-state-ok")
    expect(customer.locator("#chat-survey")).to_be_hidden()

    agent_context = browser.new_context(viewport={"width": 1400, "height": 950})
    agent = agent_context.new_page()
    try:
        sign_in(agent, live_server, "agent@northwindhome.co.uk", "northwind")
        agent.goto(live_server.url + "/console/conversations")
        agent.wait_for_selector("#cv-live:has-text('Live')")
        agent.locator(".cv-item", has_text="Robin").first.click()
        agent.get_by_role("button", name="Claim").click()
        agent.get_by_label("Reply to the customer").fill("It ships tomorrow. Anything else?")
        agent.get_by_role("button", name="Send").click()
        customer.wait_for_selector("#chat-log .chat-body:has-text('ships tomorrow')")
        agent.get_by_role("button", name="Resolve", exact=True).click()
    finally:
        agent_context.close()

    # The question appears in the chat by itself (live), answerable from the keyboard.
    survey = customer.locator("#chat-survey")
    expect(survey).to_be_visible(timeout=15000)
    expect(survey.locator("legend")).to_have_text("How satisfied are you with the help you received?")
    customer.get_by_role("button", name="Send answer").click()
    expect(customer.locator("#chat-survey-error")).to_have_text("Please choose an answer from 1 to 5.")
    customer.get_by_role("radio", name="Satisfied", exact=True).check()
    customer.get_by_label("Anything you would like to add?").fill("Quick answer, thanks.")
    customer.get_by_role("button", name="Send answer").click()
    done = customer.locator("#chat-survey-done")
    expect(done).to_have_text("Thank you! Your answer helps us improve.")
    expect(survey).to_be_hidden()
    # After a reload the chat remembers it was answered: no second question.
    customer.reload()
    expect(customer.locator("#chat-survey-done")).to_be_visible(timeout=15000)
    expect(customer.locator("#chat-survey")).to_be_hidden()
    assert real_problems(customer.problems) == []

    # The supervisor sees the answer in the results.
    supervisor_context = browser.new_context(viewport={"width": 1400, "height": 950})
    supervisor = supervisor_context.new_page()
    try:
        sign_in(supervisor, live_server, "supervisor@northwindhome.co.uk", "northwind")
        supervisor.goto(live_server.url + "/console/satisfaction?days=7")
        expect(supervisor.locator("#csat-comment-list")).to_contain_text("Quick answer, thanks.")
        expect(supervisor.locator("#csat-by-agent")).to_contain_text("Ned Agent")
        expect(supervisor.locator("#csat-by-channel")).to_contain_text("chat")
        ARTIFACTS.mkdir(exist_ok=True)
        supervisor.screenshot(path=str(ARTIFACTS / "csat-results.png"), full_page=True)
    finally:
        supervisor_context.close()


def test_supervisor_watches_the_bot_live_and_takes_over(live_server, browser, page) -> None:  # type: ignore[no-untyped-def]
    supervisor = page
    sign_in_agent(supervisor, live_server, "supervisor@acmeoutfitters.com")
    supervisor.get_by_role("link", name="Conversations").click()
    supervisor.get_by_role("link", name="Watch the bot's conversations").click()
    supervisor.wait_for_url("**/console/supervise")
    items = supervisor.locator("#sv-list .cv-item")
    expect(items).to_have_count(2)  # the demo's two chats with the bot

    customer_context = browser.new_context(viewport={"width": 1000, "height": 900})
    customer = customer_context.new_page()
    try:
        customer.goto(live_server.url + "/t/acme/chat")
        customer.get_by_label("Your name").fill("Quinn")
        customer.get_by_label("How can we help?").fill("Do you ship to Iceland?")
        customer.get_by_role("button", name="Start chat").click()
        customer.wait_for_selector("#chat-state.chat-state-ok")
        # The list picks the new chat up by itself.
        quinn = supervisor.locator("#sv-list .cv-item", has_text="Quinn")
        expect(quinn).to_be_visible(timeout=15000)
        quinn.focus()
        supervisor.keyboard.press("Enter")
        expect(supervisor.locator("#sv-log")).to_contain_text("Do you ship to Iceland?")
        # Live: what the customer writes next appears without a reload.
        customer.get_by_label("Your message").fill("And to Greenland?")
        customer.get_by_label("Your message").press("Enter")
        expect(supervisor.locator("#sv-log")).to_contain_text("And to Greenland?", timeout=15000)
        # Read-only: there is no way to write from here, only to take over.
        assert supervisor.locator("#sv-room textarea").count() == 0
        supervisor.get_by_role("button", name="Take over").click()
        expect(supervisor.locator("#sv-done")).to_contain_text("You have taken over", timeout=60000)
        expect(supervisor.get_by_role("button", name="Take over")).to_be_hidden()
        expect(supervisor.locator("#sv-list .cv-item", has_text="Quinn")).to_have_count(0)
        # The customer is told a person joined, and who is handling the chat.
        expect(customer.locator("#chat-log")).to_contain_text(
            "Jordan Supervisor from Acme Outfitters has joined the chat"
        )
        expect(customer.locator("#chat-agent")).to_contain_text("Jordan Supervisor")
        ARTIFACTS.mkdir(exist_ok=True)
        customer.screenshot(path=str(ARTIFACTS / "supervisor-take-over-customer.png"), full_page=True)
    finally:
        customer_context.close()
    assert real_problems(supervisor.problems) == []
