"""The agents' queue shows SLA breach and near-breach, sorts by due time, and takes priority and tags."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from tests.browser.test_chat import sign_in_agent
from tests.sla.conftest import policy_body
from tests.support.live_server import LiveServer, make_server

from trustdesk.config import load_settings
from trustdesk.conversations.domain import new_public_id, new_reference
from trustdesk.sla.service import save_policy, sweep
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.models import Conversation, Message, Tenant, utcnow

pytestmark = pytest.mark.browser

# (name, minutes waiting): round the clock, a normal chat is answered within 60 minutes, near at 80 %.
WAITING = [("Ada Overdue", 75), ("Bo Nearly", 50), ("Cy Fresh", 5)]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = make_server(tmp_path_factory.mktemp("sla"))
    engine = make_engine(load_settings(data_dir=server.data_dir).resolved_database_url)
    with make_session_factory(engine)() as s:
        tenant_id = s.scalar(select(Tenant.id).where(Tenant.slug == "acme"))
        assert tenant_id is not None
        save_policy(s, tenant_id, policy_body(), actor="test")  # replaces the demo's business-hours policy
        now = utcnow()
        for name, minutes in WAITING:
            at = now - timedelta(minutes=minutes)
            conv = Conversation(
                tenant_id=tenant_id,
                public_id=new_public_id(),
                reference=new_reference(),
                channel="chat",
                status="new",
                customer_name=name,
                last_seq=1,
                created_at=at,
                updated_at=at,
                last_message_at=at,
            )
            s.add(conv)
            s.flush()
            s.add(
                Message(
                    tenant_id=tenant_id,
                    conversation_id=conv.id,
                    seq=1,
                    author_kind="customer",
                    author_name=name,
                    body="Is anyone there?",
                    guard=[],
                    created_at=at,
                )
            )
        sweep(s, tenant_id, now=now, batch=10_000)
        s.commit()
    engine.dispose()
    server.start()
    yield server
    server.stop()


def _order(page) -> list[str]:  # type: ignore[no-untyped-def]
    names = page.locator(".cv-item strong").all_inner_texts()
    return [n for n in names if n in {w[0] for w in WAITING}]


def test_queue_shows_breach_and_near_breach_and_sorts_by_due(live_server, page) -> None:  # type: ignore[no-untyped-def]
    sign_in_agent(page, live_server, "agent@acmeoutfitters.com")
    page.goto(live_server.url + "/console/conversations")
    items = page.locator(".cv-item")
    overdue = items.filter(has_text="Ada Overdue")
    expect(overdue.locator(".sla-pill[data-sla='breached']")).to_have_text("SLA breached")
    expect(items.filter(has_text="Bo Nearly").locator(".sla-pill[data-sla='near']")).to_have_text("SLA near")
    expect(items.filter(has_text="Cy Fresh").locator(".sla-pill[data-sla='ok']")).to_have_text("SLA ok")
    # Latest activity first by default; "SLA due first" puts the most urgent on top.
    assert _order(page) == ["Cy Fresh", "Bo Nearly", "Ada Overdue"]
    due_first = page.get_by_role("button", name="SLA due first")
    due_first.focus()
    page.keyboard.press("Enter")
    expect(due_first).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.cv-item strong')].map(e => e.textContent)"
        ".filter(n => ['Ada Overdue','Bo Nearly','Cy Fresh'].includes(n)).join() === 'Ada Overdue,Bo Nearly,Cy Fresh'"
    )
    # The open conversation says how far past due it is, and takes a priority and tags.
    overdue.click()
    expect(page.locator("#cv-sla")).to_contain_text("SLA breached: first response overdue by")
    page.locator("#cv-priority").select_option("urgent")  # not the search form's Priority filter
    page.get_by_label("Tags").fill("Refund Request, VIP")
    page.get_by_role("button", name="Save labels").click()
    expect(page.locator("#cv-labels-ok")).to_have_text("Labels saved.")
    expect(page.get_by_label("Tags")).to_have_value("refund-request, vip")
    expect(overdue.locator(".tag-pill")).to_have_text(["#refund-request", "#vip"])
    expect(overdue.locator(".prio-urgent")).to_have_text("urgent")
    assert page.problems == []  # type: ignore[attr-defined]


def test_admin_reaches_the_sla_page_and_saves_business_hours(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    try:
        sign_in_agent(page, live_server, "admin@acmeoutfitters.com")
        page.goto(live_server.url + "/console/conversations")
        page.get_by_role("link", name="Service levels and business hours").click()
        page.wait_for_url("**/console/sla")
        expect(page.get_by_role("heading", name="Service levels", exact=True)).to_be_visible()
        expect(
            page.get_by_role("table", name="SLA attainment of conversations started in the last 30 days")
        ).to_be_visible()
        page.get_by_label("Saturday").fill("10:00-14:00")
        page.get_by_label("Holidays").fill("2026-12-25\n2026-12-26")
        page.get_by_role("button", name="Save service levels").click()
        page.wait_for_url("**/console/sla?saved=1")
        expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
        expect(page.get_by_label("Saturday")).to_have_value("10:00-14:00")
        page.get_by_label("Saturday").fill("ten to two")
        page.get_by_role("button", name="Save service levels").click()
        expect(page.get_by_role("alert")).to_contain_text("business hours on sat")
        expect(page.get_by_label("Saturday")).to_have_value("ten to two")  # nothing typed is lost
        page.screenshot(path="test-artifacts/console-sla.png", full_page=True)
        assert problems == []
    finally:
        context.close()
