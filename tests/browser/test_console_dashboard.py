"""The dashboard over the demo's seeded weeks: every chart drawn with its table, the volume table and its
CSV match the conversations counted here independently; the admin's header fits 360, 1,280 and
1,400 px and every section is reached by keyboard."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from tests.browser.test_chat import sign_in_agent

from trustdesk.config import load_settings
from trustdesk.insights.window import zone_or_utc
from trustdesk.sla.service import load_policy
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.models import Conversation, Tenant

pytestmark = pytest.mark.browser

ADMIN = "admin@acmeoutfitters.com"
ADMIN_PAGES = {
    "/console",
    "/console/conversations",
    "/console/orders",
    "/console/dashboard",
    "/console/supervise",
    "/console/satisfaction",
    "/console/reports",
    "/console/audit",
    "/console/keys",
    "/console/channels",
    "/console/mail",
    "/console/mailboxes",
    "/console/bot",
    "/console/sla",
    "/console/staff",
    "/console/languages",
    "/console/privacy",
}


def _expected_volume(live_server, days: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Conversations per channel opened in the last `days` local days, counted in Python."""
    engine = make_engine(load_settings(data_dir=live_server.data_dir).resolved_database_url)
    try:
        with make_session_factory(engine)() as s:
            tenant_id = s.scalar(select(Tenant.id).where(Tenant.slug == "acme"))
            policy = load_policy(s, tenant_id)
            zone = zone_or_utc(policy.calendar.timezone if policy else None)
            first = datetime.now(UTC).astimezone(zone).date() - timedelta(days=days - 1)
            rows = s.execute(
                select(Conversation.channel, Conversation.created_at).where(
                    Conversation.tenant_id == tenant_id
                )
            ).all()
    finally:
        engine.dispose()
    return dict(Counter(channel for channel, at in rows if at.astimezone(zone).date() >= first))


def test_the_dashboard_draws_every_chart_with_true_tables_and_csv(live_server, page) -> None:  # type: ignore[no-untyped-def]
    sign_in_agent(page, live_server, ADMIN)
    page.get_by_role("link", name="Dashboard").click()
    page.wait_for_url("**/console/dashboard")
    expect(page.locator("svg.chart")).to_have_count(10)
    expect(page.locator("figure.chart-figure table caption")).to_have_count(10)
    page.get_by_role("link", name="28 days").click()
    page.wait_for_url("**/console/dashboard?days=28")
    volume = page.locator("#chart-volume")
    volume.locator("summary", has_text="Show as a table").click()
    table = volume.get_by_role("table", name="Conversations by channel and day, last 28 days")
    expect(table).to_be_visible()
    texts = "els => els.map(e => e.textContent.trim())"  # inner text would be the CSS upper case
    headers = table.locator("thead th").evaluate_all(texts)
    totals: Counter[str] = Counter()
    for row in table.locator("tbody tr").all():
        cells = row.locator("td").evaluate_all(texts)
        for name, value in zip(headers[1:], cells, strict=True):
            totals[name] += int(value)
    assert table.locator("tbody tr").count() == 28
    expected = _expected_volume(live_server, 28)
    assert sum(expected.values()) > 0  # the demo seeds weeks of activity
    assert totals["chat"] == expected.get("chat", 0) and totals["e-mail"] == expected.get("email", 0)
    with page.expect_download() as download_info:
        volume.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert download.suggested_filename == "acme-volume-28d.csv"
    rows = list(csv.reader(io.StringIO(open(download.path(), encoding="utf-8").read())))
    assert rows[0][:3] == ["day", "chat", "e-mail"] and len(rows) == 29
    assert sum(int(r[1]) for r in rows[1:]) == totals["chat"]
    assert sum(int(r[2]) for r in rows[1:]) == totals["e-mail"]
    assert page.problems == []  # type: ignore[attr-defined]


def _sign_in_northwind_admin(page, live_server) -> None:  # type: ignore[no-untyped-def]
    """The other demo retailer's admin (acme's enrolled its authenticator in the test above)."""
    email = "admin@northwindhome.co.uk"
    page.goto(live_server.url + "/login?tenant=northwind")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(live_server.credentials()[("northwind", email)])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/login/enrol")
    secret = page.locator("code.secret").inner_text().strip()
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url("**/console")


def _nav_rows(page) -> list[list[str]]:  # type: ignore[no-untyped-def]
    """The header's navigation items grouped by the line they sit on."""
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('.topbar .nav > li')].filter(li => li.offsetParent).map(li => {"
        " const r = li.getBoundingClientRect(); return [li.innerText.split('\\n')[0].trim(), Math.round(r.top)]; })"
    )
    lines: dict[int, list[str]] = {}
    for text, top in boxes:
        key = next((k for k in lines if abs(k - top) < 8), top)
        lines.setdefault(key, []).append(text)
    return [lines[k] for k in sorted(lines)]


def test_the_admins_header_fits_and_every_section_is_reached_by_keyboard(live_server, page) -> None:  # type: ignore[no-untyped-def]
    _sign_in_northwind_admin(page, live_server)
    for width in (360, 1280, 1400):
        page.set_viewport_size({"width": width, "height": 800})
        rows = _nav_rows(page)
        if width >= 1280:
            assert len(rows) == 1, rows
            first = page.locator(".topbar .nav > li").first.bounding_box()
            out = page.get_by_role("button", name="Sign out").bounding_box()
            assert first and out and abs(first["y"] + first["height"] / 2 - out["y"] - out["height"] / 2) < 8
        assert all(len(row) > 1 for row in rows), f"a lone item on a line at {width} px: {rows}"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    # By keyboard: Tab to each menu, Enter opens it, its links take focus, Escape closes it.
    page.set_viewport_size({"width": 1280, "height": 800})
    reached = set(page.eval_on_selector_all(".topbar .nav > li > a", "els => els.map(a => a.pathname)"))
    menus = page.locator("details[data-nav-menu]")
    assert menus.count() == 3
    for i in range(menus.count()):
        summary = menus.nth(i).locator("summary")
        summary.focus()
        page.keyboard.press("Enter")
        expect(menus.nth(i)).to_have_attribute("open", "")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.closest('details[data-nav-menu]') !== null")
        reached |= set(menus.nth(i).locator("a").evaluate_all("els => els.map(a => a.pathname)"))
        page.keyboard.press("Escape")
        expect(menus.nth(i)).not_to_have_attribute("open", "")
        assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    assert reached == ADMIN_PAGES
    assert page.problems == []  # type: ignore[attr-defined]
