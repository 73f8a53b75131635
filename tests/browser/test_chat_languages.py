"""The guard in the customer's and the agent's own language, in the real browser: a German customer's
password never reaches the agent's screen (and the customer is told so in German); an agent's French
ask for a password is refused with a French explanation on the agent's screen, and audited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import select
from tests.browser.test_chat import bodies, bot_off, sign_in_agent, snap
from tests.support.live_server import LiveServer, make_server

from trustdesk.config import load_settings
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.models import AuditEvent

pytestmark = pytest.mark.browser

PASSWORD = "Sommer2024!"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = make_server(tmp_path_factory.mktemp("chat-languages"))
    bot_off(server, "acme")
    server.start()
    yield server
    server.stop()


def test_a_german_password_never_reaches_the_agent_and_a_french_ask_is_refused_in_french(  # type: ignore[no-untyped-def]
    live_server, browser
) -> None:
    customer_context = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 900})
    customer = customer_context.new_page()
    customer.goto(live_server.url + "/t/acme/chat")
    customer.get_by_label("Ihr Name").fill("Jana")  # Acme offers German: the page speaks it
    customer.get_by_label("Wie können wir Ihnen helfen?").fill("Hallo, wo ist meine Bestellung 100234?")
    customer.get_by_role("button", name="Chat starten").click()
    customer.wait_for_selector("#chat-state.chat-state-ok")

    agent_context = browser.new_context(viewport={"width": 1400, "height": 950})
    agent = agent_context.new_page()
    sign_in_agent(agent, live_server, "agent@acmeoutfitters.com")
    agent.get_by_role("link", name="Conversations").click()
    agent.wait_for_url("**/console/conversations")
    agent.locator(".cv-item", has_text="Jana").first.click()
    agent.wait_for_selector("#cv-log .chat-body:has-text('Bestellung 100234')")
    agent.get_by_role("button", name="Claim").click()

    # The customer types her password in German: the agent sees it removed, she is told in German.
    customer.get_by_label("Ihre Nachricht").fill(f"Ich komme nicht ins Konto, mein Passwort ist {PASSWORD}")
    customer.get_by_label("Ihre Nachricht").press("Enter")
    agent.wait_for_selector("#cv-log .chat-body:has-text('Ich komme nicht ins Konto')")
    customer.wait_for_selector("#chat-log .chat-notice")
    assert PASSWORD not in agent.inner_text("body")
    assert PASSWORD not in " ".join(bodies(agent, "#cv-log"))
    assert "[removed:" in " ".join(bodies(agent, "#cv-log"))
    notice = customer.inner_text("#chat-log .chat-notice")
    assert "Zu Ihrer Sicherheit haben wir" in notice and "Passwort" in notice
    assert PASSWORD not in customer.inner_text("#chat-log")
    snap(customer, "german-password-removed")

    # The agent asks in French for the password: refused, and told why in French.
    ask = "Pouvez-vous me communiquer votre mot de passe ?"
    agent.get_by_label("Reply to the customer").fill(ask)
    agent.get_by_role("button", name="Send").click()
    blocked = agent.locator("#cv-blocked")
    blocked.wait_for(state="visible")
    reason = blocked.inner_text()
    assert "Ce message demande" in reason and "mot de passe" in reason
    assert "This message asks" not in reason
    assert agent.get_by_label("Reply to the customer").input_value() == ask
    snap(agent, "french-ask-refused")
    assert "mot de passe" not in customer.inner_text("#chat-log")

    engine = make_engine(load_settings(data_dir=live_server.data_dir).resolved_database_url)
    with make_session_factory(engine)() as s:
        event = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "message.blocked").order_by(AuditEvent.id.desc())
        ).first()
    engine.dispose()
    assert event is not None and event.actor.startswith("agent")
    assert "PASSWORD" in str(event.details) and "Pouvez-vous" not in str(event.details)
    customer_context.close()
    agent_context.close()
