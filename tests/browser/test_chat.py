"""A customer on the chat page and an agent on the console talk live through a real server and browser.

The guard redacts a card number before the agent sees it (the customer is told), blocks an agent
message asking for the security code (the agent sees why), and a customer who drops offline or
reloads gets everything they missed exactly once.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyotp
import pytest
from playwright.sync_api import expect
from tests.browser.conftest import ARTIFACTS
from tests.support.live_server import LiveServer, make_server

pytestmark = pytest.mark.browser

CARD = "4111 1111 1111 1111"
# A shorter flood window than the default 20 per 10 s keeps the rate-limit test quick.
SEND_LIMIT = "12/4"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = make_server(
        tmp_path_factory.mktemp("chat"), extra_env={"TRUSTDESK_CHAT_SEND_PER_CONVERSATION": SEND_LIMIT}
    )
    # These chats are between customers and agents: the demo's bot stands aside (tests/browser/test_bot_chat.py
    # covers chatting with the bot).
    bot_off(server, "acme")
    server.start()
    yield server
    server.stop()


def bot_off(server: LiveServer, slug: str) -> None:
    from sqlalchemy import select

    from trustdesk.config import load_settings
    from trustdesk.store.db import make_engine, make_session_factory
    from trustdesk.store.models import Tenant

    engine = make_engine(load_settings(data_dir=server.data_dir).resolved_database_url)
    with make_session_factory(engine)() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.slug == slug))
        assert tenant is not None
        tenant.branding = {**tenant.branding, "bot": {"enabled": False}}
        s.commit()
    engine.dispose()


def real_problems(problems: list[str]) -> list[str]:
    """Console errors, less the browser's own reports of the network we switched off on purpose."""
    offline = ("ERR_INTERNET_DISCONNECTED", "WebSocket connection to")
    return [p for p in problems if not any(mark in p for mark in offline)]


def sign_in_agent(page, live_server, email: str) -> None:  # type: ignore[no-untyped-def]
    password = live_server.credentials()[("acme", email)]
    page.goto(live_server.url + "/login?tenant=acme")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/login/enrol")
    secret = page.locator("code.secret").inner_text().strip()
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url("**/console")


def bodies(page, selector: str) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator(selector + " .chat-body").all_inner_texts()


def snap(page, name: str) -> None:  # type: ignore[no-untyped-def]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"chat-{name}.png"), full_page=True)


def test_customer_and_agent_chat_live_with_guard_and_reconnect(live_server, browser, page) -> None:  # type: ignore[no-untyped-def]
    # The customer starts an anonymous chat from the retailer's help page.
    customer = page
    customer.goto(live_server.url + "/t/acme/help")
    customer.get_by_role("link", name="Chat with us").click()
    customer.wait_for_url("**/t/acme/chat")
    assert "Official" in customer.inner_text(".chat-official")
    assert customer.locator(".chat-official a[href='/t/acme/verify']").count() == 1
    customer.get_by_label("Your name").fill("Robin")
    customer.get_by_label("How can we help?").fill("Hello, where is my parcel?")
    customer.get_by_role("button", name="Start chat").click()
    customer.wait_for_selector("#chat-state.chat-state-ok")
    assert bodies(customer, "#chat-log") == ["Hello, where is my parcel?"]
    assert customer.evaluate("document.activeElement.id") == "chat-input"  # focus moves to the composer

    # The agent signs in and opens it from the queue of new conversations.
    agent_context = browser.new_context(viewport={"width": 1400, "height": 950})
    agent = agent_context.new_page()
    problems: list[str] = []
    agent.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    agent.on("pageerror", lambda exc: problems.append(str(exc)))
    try:
        sign_in_agent(agent, live_server, "agent@acmeoutfitters.com")
        agent.get_by_role("link", name="Conversations").click()
        agent.wait_for_url("**/console/conversations")
        agent.wait_for_selector("#cv-live:has-text('Live')")
        agent.locator(".cv-item", has_text="Robin").first.click()
        agent.wait_for_selector("#cv-log .chat-body:has-text('where is my parcel')")
        assert agent.evaluate("document.activeElement.id") == "cv-conv-title"
        agent.get_by_role("button", name="Claim").click()
        agent.wait_for_selector("#cv-assignee:has-text('Casey Agent')")
        customer.wait_for_selector("#chat-agent:has-text('Casey Agent')")

        # Live both ways.
        agent.get_by_label("Reply to the customer").fill("Hi Robin, I am looking at it now.")
        agent.get_by_role("button", name="Send").click()
        customer.wait_for_selector("#chat-log .chat-body:has-text('looking at it now')")
        badge = customer.locator(".chat-msg-agent .chat-tag-agent").first.inner_text()
        assert "Verified" in badge and "agent" in badge

        # A card number typed by the customer arrives redacted; the customer is told why.
        customer.get_by_label("Your message").fill(f"My card is {CARD}, can you refund it?")
        customer.get_by_label("Your message").press("Enter")
        customer.wait_for_selector("#chat-log .chat-notice")
        agent.wait_for_selector("#cv-log .chat-msg-customer .chat-body:has-text('refund')")
        seen_by_agent = " ".join(bodies(agent, "#cv-log"))
        assert "4111 1111 1111 1111" not in seen_by_agent and "4111111111111111" not in seen_by_agent
        assert "card number" in customer.inner_text("#chat-log .chat-notice")
        agent.wait_for_selector("#cv-notices .cv-notice-redacted")
        assert CARD not in customer.inner_text("#chat-log")
        snap(customer, "customer-redacted")

        # An agent asking for the security code is blocked, with the guard's reason on screen.
        agent.get_by_label("Reply to the customer").fill("Please send me the CVV on the back of your card.")
        agent.get_by_role("button", name="Send").click()
        blocked = agent.locator("#cv-blocked")
        blocked.wait_for(state="visible")
        assert "blocked" in blocked.inner_text().lower()
        assert blocked.locator("li").count() >= 1
        assert agent.get_by_label("Reply to the customer").input_value().startswith("Please send me the CVV")
        snap(agent, "agent-blocked")
        assert "CVV" not in customer.inner_text("#chat-log")

        # The customer drops offline; the agent writes twice; back online, both arrive once.
        customer.context.set_offline(True)
        customer.wait_for_selector("#chat-state.chat-state-warn")
        for text in ("First while you were away.", "Second while you were away."):
            agent.get_by_label("Reply to the customer").fill(text)
            agent.get_by_role("button", name="Send").click()
            agent.wait_for_selector(f"#cv-log .chat-body:has-text('{text}')")
        customer.context.set_offline(False)
        customer.wait_for_selector("#chat-log .chat-body:has-text('Second while you were away.')")
        customer.wait_for_selector("#chat-state.chat-state-ok")

        # Typed while offline: queued, then sent once when the connection is back.
        customer.context.set_offline(True)
        customer.wait_for_selector("#chat-state.chat-state-warn")
        customer.get_by_label("Your message").fill("Typed while offline.")
        customer.get_by_label("Your message").press("Enter")
        customer.wait_for_selector(".chat-pending:has-text('Waiting for connection')")
        customer.context.set_offline(False)
        agent.wait_for_selector("#cv-log .chat-body:has-text('Typed while offline.')")
        customer.wait_for_selector(
            "#chat-log .chat-msg-customer[data-seq] .chat-body:has-text('Typed while offline.')"
        )
        assert customer.locator(".chat-pending").count() == 0

        # A reload restores the whole conversation from the store, again without duplicates.
        customer.reload()
        customer.wait_for_selector("#chat-log .chat-body:has-text('Second while you were away.')")
        assert customer.locator("#chat-start").is_hidden()
        customer.wait_for_selector("#chat-state.chat-state-ok")
        customer.get_by_label("Your message").fill("Thanks, got both.")
        customer.get_by_label("Your message").press("Enter")
        agent.wait_for_selector("#cv-log .chat-body:has-text('Thanks, got both.')")

        seqs = customer.locator("#chat-log li").evaluate_all("els => els.map(e => e.dataset.seq)")
        assert len(seqs) == len(set(seqs)), seqs
        assert [int(s) for s in seqs] == sorted(int(s) for s in seqs)
        texts = bodies(customer, "#chat-log")
        assert texts.count("Typed while offline.") == 1
        assert bodies(agent, "#cv-log").count("Typed while offline.") == 1
        assert texts.count("First while you were away.") == 1
        assert texts.count("Second while you were away.") == 1
        agent_seqs = agent.locator("#cv-log li").evaluate_all("els => els.map(e => e.dataset.seq)")
        assert len(agent_seqs) == len(set(agent_seqs))

        # An internal note stays with the agents.
        agent.get_by_label("Internal note").check()
        agent.get_by_label("Reply to the customer").fill("Note: refund approved by finance.")
        agent.get_by_role("button", name="Send").click()
        agent.wait_for_selector("#cv-log .chat-msg-internal:has-text('refund approved')")
        customer.get_by_label("Your message").fill("One more thing.")
        customer.get_by_label("Your message").press("Enter")
        agent.wait_for_selector("#cv-log .chat-body:has-text('One more thing.')")
        assert "refund approved" not in customer.inner_text("#chat-log")

        # Transfer to a colleague: the customer is told who has the chat now.
        agent.get_by_label("Assign or transfer to").select_option(label="Devon Agent (A1004)")
        agent.get_by_role("button", name="Assign", exact=True).click()
        agent.wait_for_selector("#cv-assignee:has-text('Devon Agent')")
        customer.wait_for_selector("#chat-agent:has-text('Devon Agent')")

        # The agent drops offline while the customer writes twice; back online, each arrives once.
        agent_context.set_offline(True)
        agent.wait_for_selector("#cv-live:has-text('Reconnecting')")
        for text in ("Are you still there?", "Hello?"):
            customer.get_by_label("Your message").fill(text)
            customer.get_by_label("Your message").press("Enter")
            customer.wait_for_selector(
                f"#chat-log .chat-msg-customer[data-seq] .chat-body:has-text('{text}')"
            )
        agent_context.set_offline(False)
        agent.wait_for_selector("#cv-log .chat-body:has-text('Hello?')", timeout=30_000)
        agent_texts = bodies(agent, "#cv-log")
        assert agent_texts.count("Are you still there?") == 1 and agent_texts.count("Hello?") == 1

        # Resolve from the console; the timers show a first response.
        agent.get_by_role("button", name="Resolve", exact=True).click()
        agent.wait_for_selector("#cv-status:has-text('resolved')")
        assert agent.locator("#cv-reopen").is_visible() and not agent.locator("#cv-claim").is_visible()
        customer.wait_for_selector("#chat-agent:has-text('resolved')")
        assert agent.inner_text("#cv-t-first") not in ("", "\u2013")
        snap(agent, "agent-console")
        snap(customer, "customer-chat")
        assert real_problems(problems) == []
        assert real_problems(customer.problems) == []  # type: ignore[attr-defined]
    finally:
        agent_context.close()


def test_widget_script_opens_the_framed_chat(live_server, page, request) -> None:  # type: ignore[no-untyped-def]
    response = page.request.get(live_server.url + "/widget.js")
    assert response.ok and "javascript" in response.headers["content-type"]
    embed = page.request.get(live_server.url + "/t/acme/chat/embed")
    assert "frame-ancestors *" in embed.headers["content-security-policy"]
    assert "x-frame-options" not in embed.headers
    # A retailer's own site on another origin (another site too: localhost, not 127.0.0.1) embeds
    # the widget with one script tag; a real little web server serves that page.
    html = (
        "<!doctype html><html lang=en><head><title>Acme shop</title></head><body><h1>Acme shop</h1>"
        f'<script src="{live_server.url}/widget.js" data-tenant="acme" async></script></body></html>'
    ).encode()

    class ShopPage(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the handler API's name
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.send_header("content-length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args: object) -> None:
            pass

    shop = ThreadingHTTPServer(("127.0.0.1", 0), ShopPage)
    threading.Thread(target=shop.serve_forever, daemon=True).start()
    request.addfinalizer(shop.shutdown)
    page.goto(f"http://localhost:{shop.server_address[1]}/")
    page.get_by_role("button", name="Chat with us").click()
    launcher = page.locator("#trustdesk-chat-launcher")
    assert launcher.get_attribute("aria-expanded") == "true"
    frame = page.frame_locator("#trustdesk-chat-panel iframe")
    frame.get_by_label("How can we help?").fill("Do you ship to Canada?")
    frame.get_by_role("button", name="Start chat").click()
    frame.locator("#chat-state.chat-state-ok").wait_for()
    assert frame.locator("#chat-log .chat-body").all_inner_texts() == ["Do you ship to Canada?"]
    snap(page, "widget-open")
    page.keyboard.press("Escape")
    page.locator("#trustdesk-chat-panel").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.id") == "trustdesk-chat-launcher"
    assert page.problems == []  # type: ignore[attr-defined]


def test_signed_in_customer_chats_with_their_account(live_server, browser, page) -> None:  # type: ignore[no-untyped-def]
    rows = [
        json.loads(line)
        for line in (live_server.data_dir / "demo-credentials.jsonl").read_text().splitlines()
        if line.strip()
    ]
    shopper = next(r for r in rows if r["tenant"] == "acme" and r["role"] == "customer")
    page.goto(live_server.url + "/t/acme/chat")
    page.get_by_role("link", name="Sign in to your account").click()
    page.get_by_label("E-mail").fill(shopper["email"])
    page.get_by_label("Password").fill(shopper["password"])
    page.get_by_role("button", name="Sign in").click()
    # The sign-in form carries ?next=, so the customer comes straight back to the chat.
    page.wait_for_url("**/t/acme/chat")
    assert "Signed in as" in page.inner_text("#chat-start")
    page.get_by_label("How can we help?").fill("Where is my latest order?")
    page.get_by_role("button", name="Start chat").click()
    page.wait_for_selector("#chat-state.chat-state-ok")

    agent_context = browser.new_context(viewport={"width": 1400, "height": 950})
    agent = agent_context.new_page()
    try:
        sign_in_agent(agent, live_server, "agent2@acmeoutfitters.com")
        agent.goto(live_server.url + "/console/conversations")
        agent.wait_for_selector("#cv-live:has-text('Live')")
        agent.locator(".cv-item").first.click()
        agent.wait_for_selector("#cv-log .chat-body:has-text('Where is my latest order?')")
        assert "Signed in (verified)" in agent.inner_text("#cv-customer")
        assert agent.locator("#cv-orders a").count() >= 1
        agent.get_by_label("Reply to the customer").fill("I can see your orders; one moment.")
        agent.get_by_role("button", name="Send").click()
        page.wait_for_selector("#chat-log .chat-body:has-text('I can see your orders')")
        # Canned replies: one asking for a secret is refused; a good one is saved and used.
        agent.get_by_text("Save a canned reply").click()
        agent.get_by_label("Shortcut").fill("cvv")
        agent.get_by_label("Text", exact=True).fill("To verify you, please tell me the CVV of your card.")
        agent.get_by_role("button", name="Save", exact=True).click()
        agent.locator("#cv-canned-error").wait_for(state="visible")
        agent.get_by_label("Shortcut").fill("hours")
        agent.get_by_label("Text", exact=True).fill("We answer chats Mon-Sat 8:00-20:00 ET.")
        agent.get_by_role("button", name="Save", exact=True).click()
        agent.locator("#cv-canned-ok").wait_for(state="visible")
        agent.get_by_label("Canned reply").select_option(label="/hours [en]")
        assert "Mon-Sat" in agent.get_by_label("Reply to the customer").input_value()
        assert agent.locator("#cv-canned-note").is_hidden()  # the conversation's own language
        # An answer saved only in French: offered with its language, and inserting it says so.
        agent.get_by_label("Language of this reply").select_option("fr")
        agent.get_by_label("Shortcut").fill("bonjour")
        agent.get_by_label("Text", exact=True).fill("Bonjour, je regarde votre commande.")
        agent.get_by_role("button", name="Save", exact=True).click()
        agent.locator("#cv-canned-ok").wait_for(state="visible")
        agent.locator("#cv-canned option", has_text="/bonjour [fr, no en version]").wait_for(state="attached")
        agent.get_by_label("Canned reply").select_option(label="/bonjour [fr, no en version]")
        note = agent.locator("#cv-canned-note")
        note.wait_for(state="visible")
        assert "no version in the conversation's language (en)" in note.inner_text()
        agent.get_by_label("Reply to the customer").fill("We answer chats Mon-Sat 8:00-20:00 ET.")
        agent.get_by_role("button", name="Send").click()
        page.wait_for_selector("#chat-log .chat-body:has-text('We answer chats')")
        snap(agent, "agent-signed-in-customer")
    finally:
        agent_context.close()
    assert page.problems == []  # type: ignore[attr-defined]


def test_flood_is_explained_and_retried_without_duplicates(live_server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/t/acme/chat")
    page.get_by_label("How can we help?").fill("Quick questions")
    page.get_by_role("button", name="Start chat").click()
    page.wait_for_selector("#chat-state.chat-state-ok")
    box = page.get_by_label("Your message")
    for i in range(16):  # more than SEND_LIMIT allows
        box.fill(f"question {i}")
        box.press("Enter")
    alert = page.locator("#chat-error")
    alert.wait_for(state="visible")
    assert "too quickly" in alert.inner_text()
    assert page.locator(".chat-failed").count() >= 1
    snap(page, "customer-rate-limited")
    # The held-back messages go out by themselves once the window passes: each exactly once.
    expect(page.locator(".chat-pending")).to_have_count(0, timeout=30_000)
    texts = bodies(page, "#chat-log")
    assert all(texts.count(f"question {i}") == 1 for i in range(16)), texts
