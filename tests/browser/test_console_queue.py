"""The agents' queue shows 50 conversations at a time and offers the older ones on request; it and the
conversation show the customer's language, which the agent can change to one the retailer offers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from tests.browser.test_chat import sign_in_agent
from tests.support.live_server import LiveServer, make_server

from trustdesk.config import load_settings
from trustdesk.conversations.domain import new_public_id, new_reference
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.models import AuditEvent, Conversation, Tenant, utcnow

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = make_server(tmp_path_factory.mktemp("queue"))
    engine = make_engine(load_settings(data_dir=server.data_dir).resolved_database_url)
    with make_session_factory(engine)() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.slug == "acme"))
        now = utcnow()
        for n in range(62):
            at = now - timedelta(minutes=n)
            s.add(
                Conversation(
                    tenant_id=tenant_id,
                    public_id=new_public_id(),
                    reference=new_reference(),
                    channel="chat",
                    status="new",
                    customer_name=f"Customer {n:02d}",
                    language="de" if n == 0 else None,
                    created_at=at,
                    updated_at=at,
                    last_message_at=at,
                )
            )
        s.commit()
    engine.dispose()
    server.start()
    yield server
    server.stop()


def test_older_conversations_load_on_request(live_server, page) -> None:  # type: ignore[no-untyped-def]
    sign_in_agent(page, live_server, "agent@acmeoutfitters.com")
    page.goto(live_server.url + "/console/conversations")
    items = page.locator(".cv-item")
    expect(items).to_have_count(50)
    more = page.get_by_role("button", name="Show older conversations")
    more.focus()
    page.keyboard.press("Enter")  # reachable and usable from the keyboard
    expect(items.filter(has_text="Customer")).to_have_count(62)
    expect(more).to_be_hidden()
    names = items.locator("strong").all_inner_texts()
    demo = [n for n in names if not n.startswith("Customer ")]
    ours = [n for n in names if n.startswith("Customer ")]
    assert ours == sorted(ours) and len(set(ours)) == 62, (ours, demo)  # newest first, none twice


def test_the_agent_sees_the_language_and_sets_another_offered_one(live_server, page) -> None:  # type: ignore[no-untyped-def]
    sign_in_agent(page, live_server, "agent2@acmeoutfitters.com")  # the first test enrolled "agent@"
    page.goto(live_server.url + "/console/conversations")
    item = page.locator(".cv-item", has_text="Customer 00")
    expect(item.locator(".cv-lang")).to_have_text("Language: de")  # in the queue
    item.click()
    expect(page.locator("#cv-language-now")).to_have_text("Language: German (de)")
    chooser = page.get_by_label("Conversation language")
    expect(chooser).to_have_value("de")
    options = chooser.locator("option")
    expect(options).to_have_text(["English (en)", "German (de)", "French (fr)"])  # Acme's languages only
    chooser.select_option("fr")
    page.get_by_role("button", name="Set language").click()
    expect(page.locator("#cv-language-ok")).to_contain_text("Language set to French (fr)")
    expect(page.locator("#cv-language-now")).to_have_text("Language: French (fr)")
    expect(item.locator(".cv-lang")).to_have_text("Language: fr")  # the queue follows
    expect(page.locator("#cv-action-error")).to_be_hidden()

    engine = make_engine(load_settings(data_dir=live_server.data_dir).resolved_database_url)
    with make_session_factory(engine)() as s:
        conv = s.scalars(select(Conversation).where(Conversation.customer_name == "Customer 00")).one()
        event = s.scalars(
            select(AuditEvent).where(
                AuditEvent.action == "conversation.language",
                AuditEvent.target == f"conversation:{conv.public_id}",
            )
        ).one()
    engine.dispose()
    assert conv.language == "fr"
    assert event.actor == "agent:agent2@acmeoutfitters.com" and event.details["from"] == "de"
    assert event.details["to"] == "fr"
