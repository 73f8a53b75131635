"""The console's key page in a real browser: an operating admin reads both key rings by public id,
rotates the secret key from the keyboard, and after the restart retires the older key; the page is
translated (German here), runs no inline script under the strict CSP, fits 360 px, and never shows a key."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_chat import sign_in_agent
from tests.support.live_server import LiveServer, make_server

from trustdesk.signing_keys import secret_key_id

pytestmark = pytest.mark.browser
ADMIN = "admin@acmeoutfitters.com"
# The elements sticking out past the right edge (tag, class, text), for a failure that says what to fix.
WIDER_THAN_THE_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  if (document.documentElement.scrollWidth <= width) return [];
  return [...document.querySelectorAll("body *")]
    .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest(".table-scroll *"))
    .map((el) => `${el.tagName}.${el.className}: ${(el.textContent || "").trim().slice(0, 40)}`)
    .slice(0, 10);
}"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = make_server(tmp_path_factory.mktemp("keys"), extra_env={"TRUSTDESK_KEYS_ADMIN_TENANT": "acme"})
    server.start()
    yield server
    server.stop()


def _ring(server: LiveServer) -> list[str]:
    return (server.data_dir / "secret_key").read_text().strip().split(",")


def test_an_admin_rotates_and_retires_the_secret_key_from_the_keyboard(live_server, page) -> None:  # type: ignore[no-untyped-def]
    first = _ring(live_server)[0]
    sign_in_agent(page, live_server, ADMIN)
    page.locator("summary", has_text="Security").click()  # the Keys page sits in the Security menu
    page.get_by_role("link", name="Keys").click()
    page.wait_for_url("**/console/keys")
    response = page.reload()
    assert response is not None
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp
    assert page.locator("script:not([src])").count() == 0
    secret_ring = page.locator("section", has=page.get_by_role("heading", name="Secret key"))
    expect(secret_ring.get_by_role("row")).to_have_count(2)  # the header and the one key
    expect(secret_ring).to_contain_text(secret_key_id(first))
    expect(secret_ring).to_contain_text("current")

    # Keyboard only: tick "sign everyone out" off (left as it is), focus the button, press Enter.
    rotate = page.get_by_role("button", name="Rotate the secret key")
    rotate.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text("New secret key")
    new = _ring(live_server)
    assert len(new) == 2 and new[1] == first
    expect(page.get_by_role("status").first).to_contain_text(secret_key_id(new[0]))
    # This instance still signs with the first key: retiring it now is refused, with the reason.
    retire = page.get_by_role("button", name=f"Retire secret key {secret_key_id(first)}")
    retire.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text("restart the desk first")
    assert _ring(live_server) == new

    live_server.stop()  # the restart the page asks for; the admin's session, signed by the first key, lives on
    live_server.start()
    page.goto(live_server.url + "/console/keys")
    secret_ring = page.locator("section", has=page.get_by_role("heading", name="Secret key"))
    expect(secret_ring.get_by_text("in use by this instance")).to_have_count(2)
    page.get_by_role("button", name=f"Retire secret key {secret_key_id(first)}").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_contain_text(f"Retired: {secret_key_id(first)}")
    assert _ring(live_server) == new[:1]
    html = page.content()
    assert not any(key in html for key in (first, *new))
    # The one console error is the refused retirement's own status (409), which the page explained.
    assert [p for p in page.problems if "status of 409" not in p] == []  # type: ignore[attr-defined]


def test_the_page_speaks_german_and_fits_a_phone(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 360, "height": 760})
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    try:
        sign_in_agent(page, live_server, "admin2@acmeoutfitters.com")
        page.goto(live_server.url + "/console/keys?lang=de")
        expect(page.get_by_role("heading", level=1)).to_have_text("Schlüssel")
        expect(page.get_by_role("button", name="Verschlüsselungsschlüssel wechseln")).to_be_visible()
        expect(page.get_by_role("button", name="Geheimen Schlüssel wechseln")).to_be_visible()
        assert page.locator("html").get_attribute("lang") == "de"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "console-keys-de-360.png"), full_page=True)
        wide = page.evaluate(WIDER_THAN_THE_SCREEN)
        assert not wide, f"the key page scrolls sideways at 360 px: {wide}"
        assert problems == []
    finally:
        context.close()
