"""The console's search box: words found through their stems with the hits marked, filters from
the keyboard, a clear way back to the queue, screen-reader announcements and no CSP complaint."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from tests.browser.test_chat import sign_in_agent
from tests.support.live_server import LiveServer, make_server

from trustdesk.config import load_settings
from trustdesk.conversations.pipeline import CustomerRef, Desk, start_conversation
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.models import Tenant

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = make_server(tmp_path_factory.mktemp("search"))
    engine = make_engine(load_settings(data_dir=server.data_dir).resolved_database_url)
    sessions = make_session_factory(engine)
    with sessions() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.slug == "acme"))
    assert tenant_id is not None
    desk = Desk(sessions)
    start_conversation(
        desk,
        tenant_id,
        CustomerRef(name="Greta Search"),
        first_message="Meine Regenjacke ist nicht angekommen",
        language="de",
    )
    start_conversation(
        desk,
        tenant_id,
        CustomerRef(name="Fleur Search"),
        first_message="Ma paire de sandales est en retard",
        language="fr",
    )
    engine.dispose()
    server.start()
    yield server
    server.stop()


def test_search_finds_stems_marks_hits_and_clears(live_server, page) -> None:  # type: ignore[no-untyped-def]
    sign_in_agent(page, live_server, "agent@acmeoutfitters.com")
    page.goto(live_server.url + "/console/conversations")
    items = page.locator(".cv-item")
    expect(items.first).to_be_visible()

    box = page.get_by_role("searchbox", name="Search messages")
    box.fill("Regenjacken")  # a word no demo conversation holds (the demo speaks of "Bestellung")
    box.press("Enter")  # the keyboard is enough
    expect(items).to_have_count(1)
    expect(items.first.locator("strong")).to_have_text("Greta Search")
    expect(items.first.locator("mark")).to_have_text("Regenjacke")
    expect(page.locator("#cv-announce")).to_have_text("1 conversation found")

    # Filters: words and the conversation's language together.
    box.fill("sandale")  # the demo's French chats speak of "commande"
    page.locator(".cv-search-filters summary").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Language", exact=True).select_option("de")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(items).to_have_count(0)
    expect(page.locator("#cv-announce")).to_have_text("No conversation matches")
    page.get_by_label("Language", exact=True).select_option("fr")
    box.press("Enter")
    expect(items).to_have_count(1)
    expect(items.first.locator("mark")).to_have_text("sandales")

    # A search the server refuses says why, in an alert.
    page.get_by_label("Customer e-mail").fill("not-an-address")
    box.press("Enter")
    expect(page.locator("#cv-search-error")).to_contain_text("customer must be")

    clear = page.get_by_role("button", name="Clear the search")
    clear.click()
    expect(box).to_have_value("")
    expect(items.filter(has_text="Greta Search")).to_have_count(1)
    expect(page.locator(".cv-item mark")).to_have_count(0)
    assert not [p for p in page.problems if "Content Security Policy" in p or "Refused" in p], page.problems
