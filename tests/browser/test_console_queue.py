"""The agents' queue shows 50 conversations at a time and offers the older ones on request."""

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
from trustdesk.store.models import Conversation, Tenant, utcnow

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
