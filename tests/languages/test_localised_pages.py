"""Customer pages speak the customer's language among the retailer's: Accept-Language, the language
switch (remembered in a cookie), the notice when theirs is not offered, <html lang>, Babel formats."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.foundation.factory import PASSWORD, add_orders, make_tenant, make_user, order_row

from trustdesk.accounts.permissions import Role
from trustdesk.store.models import Customer, Tenant
from trustdesk.web.locale import LANG_COOKIE

GERMAN = {"accept-language": "de-DE,de;q=0.9,en;q=0.8", "accept": "text/html"}


def _shop(sessions, slug="acme", languages=("en", "de", "fr"), default="en"):  # type: ignore[no-untyped-def]
    with sessions() as s:
        tenant = make_tenant(s, slug)
        tenant.languages, tenant.default_language = list(languages), default
        s.commit()


def html_lang(page: str) -> str:
    found = re.search(r'<html lang="([^"]+)">', page)
    assert found, page[:200]
    return found.group(1)


def test_a_german_browser_gets_the_help_page_in_german(app, sessions, client):  # type: ignore[no-untyped-def]
    _shop(sessions)
    page = client.get("/t/acme/help", headers=GERMAN).text
    assert html_lang(page) == "de"
    assert "Wie können wir Ihnen helfen?" in page and "How can we help?" not in page
    assert 'value="fr" lang="fr">Français</option>' in page  # the switch lists what acme offers
    assert 'value="nl"' not in page


def test_the_switch_changes_the_language_and_remembers_it(app, sessions, client):  # type: ignore[no-untyped-def]
    _shop(sessions)
    moved = client.get("/language", params={"lang": "fr", "next": "/t/acme/help"}, follow_redirects=False)
    assert moved.status_code == 303
    assert moved.headers["location"] == "/t/acme/help?lang=fr"
    assert client.cookies.get(LANG_COOKIE) == "fr"
    # Later pages, even without ?lang=, stay French for this browser although it prefers German.
    page = client.get("/t/acme/report", headers=GERMAN).text
    assert html_lang(page) == "fr" and "Signaler quelque chose de suspect" in page
    assert "lang-notice" not in page  # a choice the customer made needs no notice


def test_the_switch_never_leaves_the_site(app, sessions, client):  # type: ignore[no-untyped-def]
    for evil in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        r = client.get("/language", params={"lang": "de", "next": evil}, follow_redirects=False)
        assert r.headers["location"] == "/?lang=de"
    r = client.get("/language", params={"lang": "xx", "next": "/verify"}, follow_redirects=False)
    assert r.headers["location"] == "/verify" and LANG_COOKIE not in r.headers.get("set-cookie", "")


def test_the_switch_replaces_an_earlier_choice_and_keeps_the_fragment(app, sessions, client):  # type: ignore[no-untyped-def]
    r = client.get(
        "/language",
        params={"lang": "de", "next": "/t/acme/help?lang=fr&q=r%C3%BCck#returns"},
        follow_redirects=False,
    )
    assert r.headers["location"] == "/t/acme/help?q=r%C3%BCck&lang=de#returns"


def test_a_language_the_retailer_does_not_offer_gets_the_default_and_says_so_twice(app, sessions, client):  # type: ignore[no-untyped-def]
    _shop(sessions, "northwind", languages=("en", "nl", "de"), default="en")
    page = client.get("/t/northwind/help", headers={"accept-language": "pl-PL,pl;q=0.9"}).text
    assert html_lang(page) == "en"
    assert '<p lang="pl">Ta strona nie jest dostępna w Państwa języku (polski).' in page
    assert "This page is not available in your language (Polish). It is shown in English." in page
    # Asked for by the switch, a language the retailer does not offer is not served either.
    chosen = client.get("/t/northwind/help?lang=fr", headers={"accept-language": "nl"}).text
    assert html_lang(chosen) == "nl" and "Waarmee kunnen we u helpen?" in chosen


def test_every_customer_page_is_served_in_the_negotiated_language(app, sessions, client):  # type: ignore[no-untyped-def]
    _shop(sessions)
    for path, words in (
        ("/t/acme/chat", "Chat starten"),
        ("/t/acme/chat/embed", "Chat starten"),
        ("/t/acme/verify", "Was möchten Sie prüfen?"),
        ("/t/acme/check", "Stammt das wirklich von Acme Shop?"),
        ("/t/acme/check-caller", "Der Code, den Ihnen der Anrufer genannt hat"),
        ("/t/acme/report", "Wo haben Sie es gesehen?"),
        ("/login?tenant=acme", "E-Mail"),
    ):
        page = client.get(path, headers=GERMAN)
        assert page.status_code == 200, path
        assert html_lang(page.text) == "de", path
        assert words in page.text, path


def test_the_chat_scripts_words_arrive_in_the_pages_language(app, sessions, client):  # type: ignore[no-untyped-def]
    _shop(sessions)
    page = client.get("/t/acme/chat", headers=GERMAN).text
    words = re.search(r"data-words='([^']+)'", page)
    assert words is not None
    assert "Verbindung wird hergestellt" in words.group(1)
    assert "<script>" not in page and "<script " not in page.replace('<script src="', "")


def test_the_widget_launcher_speaks_the_host_pages_language(app, sessions, client):  # type: ignore[no-untyped-def]
    _shop(sessions)
    r = client.get("/t/acme/chat/launcher.json?lang=fr-FR")
    assert r.json() == {"lang": "fr", "open": "Discuter avec nous", "close": "Fermer le chat"}
    assert r.headers["access-control-allow-origin"] == "*"
    assert client.get("/t/acme/chat/launcher.json?lang=pl", headers=GERMAN).json()["lang"] == "de"


def test_error_pages_speak_the_visitors_language(app, sessions, client):  # type: ignore[no-untyped-def]
    page = client.get("/t/nobody/help", headers=GERMAN)
    assert page.status_code == 404
    assert html_lang(page.text) == "de" and "Nicht gefunden" in page.text
    assert "Zurück zur Startseite" in page.text


def test_dates_and_money_are_written_the_customers_way(app, sessions, client):  # type: ignore[no-untyped-def]
    _shop(sessions)
    with sessions() as s:
        acme = s.scalar(select(Tenant).where(Tenant.slug == "acme"))
        add_orders(s, acme, [order_row("A-77", "pat@example.org", total="1234.50", currency="EUR")])
        shopper = make_user(s, acme, "pat@example.org", Role.CUSTOMER)
        s.scalar(select(Customer).where(Customer.email == "pat@example.org")).user_id = shopper.id
        s.commit()
    client.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "pat@example.org", "password": PASSWORD}
    )
    german = client.get("/account", headers=GERMAN).text
    assert "1.234,50\xa0€" in german and "01.10.2026" in german and "zugestellt" in german
    french = client.get("/account", headers={"accept-language": "fr"}).text
    assert "1\u202f234,50\xa0€" in french and "1 oct. 2026" in french and "livrée" in french
    english = TestClient(app).get("/t/acme/help", headers={"accept-language": "en-US"}).text
    assert html_lang(english) == "en"
