"""A customer reports a scam from a phone-sized browser; the page obeys CSP and says what it removed."""

from __future__ import annotations

import pytest
from tests.browser.conftest import browser, live_server  # noqa: F401 - fixtures

pytestmark = pytest.mark.browser


def test_report_from_a_phone(browser, live_server) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    try:
        page.goto(live_server.url + "/t/acme/report")
        page.get_by_label("Where did you see it?").select_option("sms")
        page.locator("#text").fill(
            "Acme: your parcel is held, pay the fee at https://acme-parcel-fee.test/pay today. "
            "I entered my card 4242 4242 4242 4242 there"
        )
        page.locator("#phone").fill("+1 415 555 0199")
        page.get_by_role("button", name="Send report").click()
        page.wait_for_selector("text=we have your report")
        body = page.inner_text("main")
        assert "We removed something from your report" in body
        assert "4242 4242 4242 4242" not in page.content()
        link = page.locator("a[href*='/reports/R-']").get_attribute("href")
        page.goto(live_server.url + link)
        assert "Your report" in page.inner_text("h1")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, "the page must not scroll sideways on a phone"
        assert problems == []
    finally:
        context.close()
