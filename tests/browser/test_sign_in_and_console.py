"""A staff member signs in with a password, enrols an authenticator, and reaches the console; pages obey CSP."""

from __future__ import annotations

import pyotp
import pytest

pytestmark = pytest.mark.browser


def test_staff_sign_in_with_two_factor_enrolment(live_server, page) -> None:  # type: ignore[no-untyped-def]
    password = live_server.credentials()[("acme", "admin@acmeoutfitters.com")]
    page.goto(live_server.url + "/login?tenant=acme")
    page.get_by_label("E-mail").fill("admin@acmeoutfitters.com")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/login/enrol")
    assert page.locator(".qr svg").count() == 1
    secret = page.locator("code.secret").inner_text().strip()
    page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on").click()
    codes = page.locator("ul.codes li")
    assert codes.count() == 10
    page.get_by_role("link", name="Continue").click()
    page.wait_for_url("**/console")
    assert "Good to see you" in page.inner_text("h1")
    # An admin's bar (four pages, three menus, who is signed in, sign out) stays on one line at 1,280 px.
    page.set_viewport_size({"width": 1280, "height": 800})
    first = page.get_by_role("link", name="Overview").bounding_box()
    last = page.get_by_role("button", name="Sign out").bounding_box()
    assert first and last and abs((first["y"] + first["height"] / 2) - (last["y"] + last["height"] / 2)) < 8
    page.locator("summary", has_text="Settings").click()
    page.get_by_role("link", name="Channels").click()
    assert page.locator("table code", has_text="+18005550199").count() == 1
    page.get_by_role("link", name="Orders").click()
    assert page.locator("tbody tr").count() > 10
    assert page.problems == []  # type: ignore[attr-defined]


def test_wrong_password_is_explained(live_server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/login?tenant=acme")
    page.get_by_label("E-mail").fill("agent@acmeoutfitters.com")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    assert page.get_by_role("alert").inner_text() == "wrong e-mail or password"


def test_public_verify_page_by_keyboard(live_server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/t/acme/verify")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    page.get_by_label("What do you want to check?").fill(
        "Hi, this is Acme support. Call us back on +1 800 555 0198 or reply to billing@acme-outfitters-support.com"
    )
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_selector("article.verdict")
    verdicts = page.locator("article.verdict .pill").all_inner_texts()
    assert verdicts == ["Look-alike", "Look-alike"]
    assert "Do not reply" in page.inner_text("main")
    assert page.problems == []  # type: ignore[attr-defined]


def test_help_page_lists_official_channels(live_server, page) -> None:  # type: ignore[no-untyped-def]
    page.goto(live_server.url + "/t/acme/help")
    text = page.inner_text(".channel-list")
    assert "support@acmeoutfitters.com" in text and "+1 800-555-0199" in text
    assert page.problems == []  # type: ignore[attr-defined]
