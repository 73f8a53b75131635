"""A German customer on a phone checks contacts and a message in the real browser: the verdicts, the
reasons behind them and what changed are German, nothing of the English answer is left over, the
answer fits 360 px and the page runs no inline script."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.browser.test_page_languages import CONTACT_VALUE, SAME_IN_ENGLISH, VISIBLE_TEXTS, new_phone
from tests.support.live_server import LiveServer, make_server

pytestmark = pytest.mark.browser

CONTACTS = "acmeoutfiters.com\n+1 800 555 0198\nsupport@acmeoutfitters.com"
MESSAGE = (
    "Acme Outfitters: your parcel is held. Pay the customs fee within 24 hours at "
    "https://acrneoutfitters.com/pay or call +1 800 555 0198."
)


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server = make_server(tmp_path_factory.mktemp("judgments-german"))
    server.start()
    yield server
    server.stop()


def _answer(page, url: str, text: str, button: str, shots: Path, name: str) -> list[str]:  # type: ignore[no-untyped-def]
    page.goto(url)
    page.fill("#text", text)
    page.get_by_role("button", name=button, exact=True).press("Enter")
    page.wait_for_selector("article.verdict")
    for summary in page.locator("details > summary").all():
        summary.press("Enter")  # open "Why" from the keyboard, as a screen-reader user would
    assert page.locator("script:not([src])").count() == 0
    page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth"), name
    return page.evaluate(VISIBLE_TEXTS)


# What the customer pasted into the form is theirs, in whatever language they received it.
PASTED = {" ".join(CONTACTS.split()), " ".join(MESSAGE.split())}


def _leftovers(german: list[str], english: list[str]) -> list[str]:
    return [
        text
        for text in german
        if text in set(english)
        and text not in PASTED
        and text not in SAME_IN_ENGLISH
        and not all(CONTACT_VALUE.match(token) or re.fullmatch(r"[+\d]+", token) for token in text.split())
        and re.search(r"[A-Za-z]{3}", text)
    ]


def test_a_german_customer_gets_verdicts_and_reasons_in_german(live_server, browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = live_server.url + "/t/acme/verify"
    context, page = new_phone(browser, "en")
    try:
        english = _answer(page, url, CONTACTS, "Check", tmp_path, "verify-en")
    finally:
        context.close()
    context, page = new_phone(browser, "de")
    try:
        german = _answer(page, url, CONTACTS, "Prüfen", tmp_path, "verify-de")
        assert page.get_attribute("html", "lang") == "de"
        explanations = page.locator("p.explanation").all_inner_texts()
        assert explanations[0].startswith("Das ist kein Kontakt von Acme Outfitters.")
        assert "'t' ausgelassen" in explanations[0]
        assert any("eine Ziffer weicht von +1 800-555-0199 ab" in e for e in explanations)
        reasons = page.locator("ul.reasons li").all_inner_texts()
        assert "official eine offizielle E-Mail-Adresse von Acme Outfitters" in reasons
        assert page.locator("article.verdict [lang=en]").count() == 0  # no verdict is marked as English
        assert _leftovers(german, english) == []
        assert page.problems == []  # type: ignore[attr-defined]
    finally:
        context.close()


def test_a_german_customer_gets_the_message_check_in_german(live_server, browser, tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = live_server.url + "/t/acme/check"
    context, page = new_phone(browser, "en")
    try:
        english = _answer(page, url, MESSAGE, "Check", tmp_path, "check-en")
    finally:
        context.close()
    context, page = new_phone(browser, "de")
    try:
        german = _answer(page, url, MESSAGE, "Prüfen", tmp_path, "check-de")
        reasons = " ".join(page.locator("ul.reasons li").all_inner_texts())
        assert "sie trägt keine Referenz" in reasons and "Er ahmt acmeoutfitters.com nach" in reasons
        assert _leftovers(german, english) == []
        assert page.problems == []  # type: ignore[attr-defined]
    finally:
        context.close()
