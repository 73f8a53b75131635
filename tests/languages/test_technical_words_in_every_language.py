"""What was left in English on customer pages, now in every language the desk speaks: a look-alike
character (by its script, never its English Unicode name) and the customers' API errors. The SPF/DKIM/DMARC
lines: tests/authenticity/test_auth_lines_in_every_language.py."""

from __future__ import annotations

import re

import pytest
from tests.foundation.factory import make_tenant

from trustdesk.i18n import DEFAULT_LANGUAGE, LANGUAGES, words
from trustdesk.verify import Registry, Verdict, make_channel
from trustdesk.verify.wording import localize
from trustdesk.web.public_errors import language_of, localized_error

TRANSLATED = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]


def _english_runs(text: str) -> set[str]:
    """Runs of three English words (domains, addresses and the protocols' own words left out)."""
    plain = re.sub(r"\S*[@/.:+<>]\S*|\S*\d\S*|\b(?:SPF|DKIM|DMARC|From|Received|Return-Path)\b", " ", text)
    return set(re.findall(r"(?:[A-Za-z']{2,} ){2}[A-Za-z']{2,}", plain))


@pytest.fixture(scope="module")
def lookalike_registry() -> Registry:
    return Registry([make_channel("acme", "Acme Shop", "domain", "acmeshop.com")])


@pytest.mark.parametrize("lang", TRANSLATED)
def test_a_lookalike_character_is_named_by_its_script(lookalike_registry: Registry, lang: str) -> None:
    result = lookalike_registry.check("\u0430cmeshop.com")  # a Cyrillic а in place of the Latin a
    assert result.verdict is Verdict.LOOKALIKE
    assert any("CYRILLIC" in r.detail for r in result.reasons)  # the English API keeps its words
    reasons = localize(result, lang)["reasons"]
    w = words(lang)
    expected = w.gettext(
        "'{char}' ({kind}) in place of '{official}' ({official_kind})",
        char="\u0430",
        kind=w.pgettext("kind of character", "Cyrillic letter"),
        official="a",
        official_kind=w.pgettext("kind of character", "Latin letter"),
    )
    assert expected in reasons, reasons
    assert w.pgettext("kind of character", "Cyrillic letter") != "Cyrillic letter"
    assert not any("CYRILLIC" in text or "LATIN" in text for text in reasons)


def test_a_digit_in_place_of_a_letter_is_called_a_digit(lookalike_registry: Registry) -> None:
    reasons = localize(lookalike_registry.check("acmesh0p.com"), "de")["reasons"]
    assert "„0“ (Ziffer) statt „o“ (lateinischer Buchstabe)" in reasons


@pytest.mark.parametrize("lang", TRANSLATED)
def test_customer_api_errors_have_a_sentence_in_the_language(lang: str) -> None:
    english = {
        code: localized_error(code, f"/api/v1/public/acme/{area}", "en")
        for code, area in (("not_found", "chat/conversations/x"), ("rate_limited", "reports"), ("boom", "x"))
    }
    for code, area in (("not_found", "chat/conversations/x"), ("rate_limited", "reports"), ("boom", "x")):
        local = localized_error(code, f"/api/v1/public/acme/{area}", lang)
        assert local is not None and local["lang"] == lang
        theirs = english[code]["message"]  # type: ignore[index]
        assert local["message"] != theirs and not _english_runs(local["message"]) & _english_runs(theirs)
    assert localized_error("not_found", "/api/v1/conversations/x", lang) is None  # staff API: English only
    assert language_of(f"{lang};q=0.9, xx;q=1") == lang


def test_the_chat_api_and_socket_answer_errors_in_the_pages_language(app, sessions, client) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        make_tenant(s, "acme")
        s.commit()
    german = {"Authorization": "Bearer wrong", "Accept-Language": "de"}
    missing = client.get("/api/v1/public/acme/chat/conversations/nope", headers=german).json()["error"]
    assert missing["code"] == "not_found" and missing["message"]  # the stable English stays
    assert missing["localized"] == {
        "lang": "de",
        "message": "Wir konnten diesen Chat nicht finden. Vielleicht ist er nach einer längeren Pause "
        "abgelaufen; bitte starten Sie einen neuen.",
    }
    invalid = client.post(
        "/api/v1/public/acme/chat/conversations", json={"message": 5}, headers={"Accept-Language": "pl"}
    ).json()["error"]
    assert invalid["code"] == "invalid_request" and invalid["localized"]["lang"] == "pl"
    assert "localized" not in client.get("/api/v1/public/acme/chat/conversations/nope").json()["error"]
    staff = client.get("/api/v1/conversations", headers={"Accept-Language": "de"}).json()["error"]
    assert "localized" not in staff
    with client.websocket_connect("/api/v1/public/acme/chat/conversations/nope/ws") as socket:
        socket.send_json({"type": "hello", "token": "wrong", "last_seq": 0, "lang": "fr"})
        frame = socket.receive_json()
    assert frame["code"] == "not_found"
    assert frame["localized"]["message"].startswith("Nous n'avons pas trouvé cette conversation.")
