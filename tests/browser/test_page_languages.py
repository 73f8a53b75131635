"""Customer pages in the real browser, in every language the demo retailers offer: a German browser
gets German, the language switch changes and remembers it, a Polish customer is told in Polish that
the retailer does not offer Polish, and every customer page in every offered language shows no English
left over, fits a 360 px phone without scrolling sideways and runs no inline script (strict CSP)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.support.live_server import LiveServer, make_server

pytestmark = pytest.mark.browser

OFFERED = {"acme": ("en", "de", "fr"), "northwind": ("en", "nl", "de")}
BROWSER_LOCALE = {"en": "en-GB", "de": "de-DE", "fr": "fr-FR", "nl": "nl-NL"}
PAGES = (
    "/t/{slug}/help",
    "/t/{slug}/chat",
    "/t/{slug}/chat/embed",
    "/t/{slug}/verify",
    "/t/{slug}/check",
    "/t/{slug}/check-caller",
    "/t/{slug}/report",
    "/login?tenant={slug}",
    "/t/{slug}/reports/R-DOESNOTEXIST",  # the error page
)
# Words a language shares with English on purpose, and the retailers' own names and data.
SAME_IN_ENGLISH = {
    "Trustdesk",
    "Chat",
    "Status",
    "App",
    "Website",
    "E-mail",
    "Total",
    "Messages",
    "SMS",
    "Code:",
    "Acme Outfitters",
    "Northwind Home",
    "Instagram",
    "Facebook",
    "Android",
    "iOS",
    "acme",  # the example retailer in the sign-in form
    "(optional)",  # German
    "chat",  # French, Dutch
    "notifications",  # French
    "· status:",  # Dutch
}
CONTACT_VALUE = re.compile(r"^\S*[@./]\S*$")  # an address, domain, handle or URL: the same in every language

# Every text a reader sees or hears on the page, outside code, the retailer's own content and
# elements marked as another language (the language switch's names, the "not offered" notice).
VISIBLE_TEXTS = """() => {
  const root = document.documentElement.lang;
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (!el || el.closest('script, style, code, [data-retailer-content]')) continue;
    const marked = el.closest('[lang]');
    if (marked && marked.lang !== root) continue;
    const text = walker.currentNode.textContent.replace(/\\s+/g, ' ').trim();
    if (text) out.push(text);
  }
  for (const el of document.querySelectorAll('[placeholder], [aria-label], [title]')) {
    if (el.closest('[data-retailer-content]')) continue;
    for (const name of ['placeholder', 'aria-label', 'title']) {
      const value = el.getAttribute(name);
      if (value) out.push(value.trim());
    }
  }
  const chat = document.getElementById('chat');
  if (chat) Object.values(JSON.parse(chat.dataset.words || '{}')).forEach((w) => out.push(w));
  return out;
}"""


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = make_server(tmp_path_factory.mktemp("page-languages"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def report_links(live_server: LiveServer) -> dict[str, str]:
    """One report per retailer, for its private status page."""
    links = {}
    for slug in OFFERED:
        r = httpx.post(
            f"{live_server.url}/api/v1/public/{slug}/reports",
            json={
                "text": "Your parcel is held: pay the fee at https://parcel-fee.test/pay",
                "channel": "sms",
            },
            timeout=30,
        )
        assert r.status_code == 201, r.text
        links[slug] = r.json()["status_url"]
    return links


def customers(server: LiveServer) -> dict[str, tuple[str, str]]:
    """A demo customer account per retailer: tenant -> (e-mail, password)."""
    found: dict[str, tuple[str, str]] = {}
    for line in (server.data_dir / "demo-credentials.jsonl").read_text().splitlines():
        row = json.loads(line)
        if row["role"] == "customer":
            found.setdefault(row["tenant"], (row["email"], row["password"]))
    return found


def new_phone(browser, code: str):  # type: ignore[no-untyped-def]
    context = browser.new_context(locale=BROWSER_LOCALE[code], viewport={"width": 360, "height": 760})
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.problems = problems  # type: ignore[attr-defined]
    return context, page


def test_a_german_browser_sees_the_help_page_in_german(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    context, page = new_phone(browser, "de")
    try:
        page.goto(live_server.url + "/t/acme/help")
        assert page.get_attribute("html", "lang") == "de"
        assert page.inner_text("h1") == "Wie können wir Ihnen helfen?"
        assert page.get_by_role("link", name="Chatten Sie mit uns").is_visible()
        assert page.problems == []  # type: ignore[attr-defined]
    finally:
        context.close()


def test_the_language_switch_works_from_the_keyboard_and_is_remembered(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    context, page = new_phone(browser, "de")
    try:
        page.goto(live_server.url + "/t/acme/help")
        switch = page.get_by_label("Sprache")
        switch.focus()
        switch.select_option("fr")  # the keyboard's choice in a focused <select>
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent.trim()") == "Sprache ändern"
        page.keyboard.press("Enter")
        page.wait_for_url("**/t/acme/help?lang=fr")
        assert page.get_attribute("html", "lang") == "fr"
        assert page.inner_text("h1") == "Comment pouvons-nous vous aider ?"
        page.goto(live_server.url + "/t/acme/report")  # no ?lang=: the cookie remembers
        assert page.get_attribute("html", "lang") == "fr"
        assert page.get_by_label("Où l’avez-vous vu ?").is_visible()
        page.goto(live_server.url + "/t/northwind/help")  # Northwind offers no French: the browser's German
        assert page.get_attribute("html", "lang") == "de"
    finally:
        context.close()


def test_a_polish_customer_gets_the_default_with_a_polish_sentence_saying_so(live_server, browser) -> None:  # type: ignore[no-untyped-def]
    context = browser.new_context(locale="pl-PL", viewport={"width": 360, "height": 760})
    page = context.new_page()
    try:
        page.goto(live_server.url + "/t/northwind/help")
        assert page.get_attribute("html", "lang") == "en"
        notice = page.locator(".lang-notice")
        assert notice.locator('p[lang="pl"]').inner_text() == (
            "Ta strona nie jest dostępna w Państwa języku (polski). Wyświetlamy ją w języku: angielski."
        )
        assert "It is shown in English." in notice.inner_text()
        assert page.inner_text("h1") == "How can we help?"
    finally:
        context.close()


def _check_page(page, url: str, shots: Path, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    response = page.goto(url)
    assert response is not None
    csp = response.headers.get("content-security-policy", "")
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp, url
    assert page.locator("script:not([src])").count() == 0, f"inline script on {url}"
    fits = page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert fits, f"{url} scrolls sideways at 360 px (screenshot {shots / name}.png)"
    return page.evaluate(VISIBLE_TEXTS)


def _sign_in(page, server: LiveServer, slug: str, who: tuple[str, str]) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/login?tenant={slug}&next=/account")
    page.fill("#email", who[0])
    page.fill("#password", who[1])
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/account")


def test_every_customer_page_in_every_offered_language_is_translated_fits_a_phone_and_keeps_csp(  # type: ignore[no-untyped-def]
    live_server, browser, report_links, tmp_path
) -> None:
    accounts = customers(live_server)
    leftovers: list[str] = []
    for slug, languages in OFFERED.items():
        urls = [live_server.url + p.format(slug=slug) for p in PAGES]
        urls.append(live_server.url + report_links[slug])
        english: set[str] = set()
        for code in languages:
            context, page = new_phone(browser, code)
            try:
                texts: dict[str, list[str]] = {}
                for n, url in enumerate(urls):
                    texts[url] = _check_page(page, url, tmp_path, f"{slug}-{code}-{n}")
                    assert page.get_attribute("html", "lang") == code, url
                _sign_in(page, live_server, slug, accounts[slug])
                texts["/account"] = _check_page(
                    page, live_server.url + "/account", tmp_path, f"{slug}-{code}-acct"
                )
                assert page.get_attribute("html", "lang") == code
                assert not [p for p in page.problems if "Content Security Policy" in p], page.problems  # type: ignore[attr-defined]
            finally:
                context.close()
            if code == "en":
                english = {t for found in texts.values() for t in found}
                continue
            for url, found in texts.items():
                for text in found:
                    if (
                        text in english
                        and text not in SAME_IN_ENGLISH
                        and not CONTACT_VALUE.match(text)
                        and re.search(r"[A-Za-z]{3}", text)
                    ):
                        leftovers.append(f"{code} {url}: {text!r}")
    assert leftovers == [], "English left on translated pages:\n" + "\n".join(sorted(set(leftovers)))
