"""The customer-facing judgments in every language the desk speaks: the verify page's verdicts and
reasons, and the report status page's reasons. Each page is compared with the English one: the
judgment's sentences differ and no run of English words from them is left over."""

from __future__ import annotations

import html
import re

import pytest
from tests.foundation.factory import make_tenant

from trustdesk.i18n import DEFAULT_LANGUAGE, LANGUAGES
from trustdesk.reports.reason_words import SENTENCES, reason_words
from trustdesk.reports.weights import WEIGHTS
from trustdesk.store.models import OfficialChannelRow

TRANSLATED = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]
CONTACTS = "acme-shoop.com\nacme-shop.net\nacme-shop.com\nexample.org\nbad..domain"
SCAM = (
    "URGENT: your account will be suspended within 24 hours! Verify your password and card number now at "
    "http://192.0.2.44/login or pay the release fee in gift cards."
)


def _everywhere(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        tenant = make_tenant(s, "acme")
        tenant.languages, tenant.default_language = list(LANGUAGES), "en"
        s.flush()
        s.add(
            OfficialChannelRow(tenant_id=tenant.id, kind="domain", value="acme-shop.com", purpose="website")
        )
        s.commit()


def _texts(page: str, pattern: str) -> list[str]:
    return [
        html.unescape(re.sub(r"<[^>]+>", " ", found)).strip() for found in re.findall(pattern, page, re.S)
    ]


def _english_runs(text: str) -> set[str]:
    """Runs of three English-looking words (contacts, numbers, the shop's name and quotations of the
    reported message left out)."""
    plain = re.sub(r"“[^”]*”|\S*[@/.:+]\S*|\S*\d\S*|Acme Shop", " ", text)
    return set(re.findall(r"(?:[A-Za-z']{2,} ){2}[A-Za-z']{2,}", plain))


def _verdicts(client, lang: str) -> list[str]:  # type: ignore[no-untyped-def]
    page = client.post(
        "/t/acme/verify", data={"text": CONTACTS}, headers={"accept-language": lang, "accept": "text/html"}
    )
    assert page.status_code == 200
    assert f'<html lang="{lang}">' in page.text
    return _texts(page.text, r'<p class="explanation">(.*?)</p>') + _texts(
        page.text, r"<li><code>[a-z-]+</code>(.*?)</li>"
    )


def test_the_verify_page_judges_in_every_offered_language(app, sessions, client) -> None:  # type: ignore[no-untyped-def]
    _everywhere(sessions)
    english = _verdicts(client, "en")
    assert len(english) >= 8 and any("not Acme Shop's" in text for text in english)
    for lang in TRANSLATED:
        local = _verdicts(client, lang)
        assert len(local) == len(english), lang
        for mine, theirs in zip(local, english, strict=True):
            if _english_runs(theirs):
                assert mine != theirs, (lang, mine)
            assert not _english_runs(mine) & _english_runs(theirs), (lang, mine)


def test_the_verify_api_adds_the_language_asked_for(app, sessions, client) -> None:  # type: ignore[no-untyped-def]
    _everywhere(sessions)
    plain = client.post("/api/v1/verify", json={"contact": "acme-shoop.com", "tenant": "acme"}).json()
    assert "localized" not in plain["results"][0]
    asked = client.post("/api/v1/verify", json={"contact": "acme-shoop.com", "tenant": "acme", "lang": "nl"})
    result = asked.json()["results"][0]
    assert result["explanation"] == plain["results"][0]["explanation"]  # the stable English stays
    assert result["localized"]["lang"] == "nl"
    assert result["localized"]["explanation"].startswith("Dit is geen contact van Acme Shop.")
    assert result["localized"]["reasons"] == ["'o' verdubbeld"]
    wrong = client.post("/api/v1/verify", json={"contact": "acme-shoop.com", "lang": "xx"})
    assert wrong.status_code == 422


def _report_reasons(client, status_url: str, lang: str) -> list[str]:  # type: ignore[no-untyped-def]
    page = client.get(status_url, headers={"accept-language": lang, "accept": "text/html"}).text
    assert f'<html lang="{lang}">' in page
    found = re.search(r'<ul class="reasons">(.*?)</ul>', page, re.S)
    assert found, page[-2000:]
    return _texts(found.group(1), r"<li>(.*?)</li>")


def test_the_report_status_gives_its_reasons_in_every_offered_language(app, sessions, client) -> None:  # type: ignore[no-untyped-def]
    _everywhere(sessions)
    sent = client.post(
        "/t/acme/report", data={"text": SCAM, "channel": "email"}, headers={"accept": "text/html"}
    )
    assert sent.status_code == 201
    status_url = re.search(r'href="(/t/acme/reports/[^"]+)"', sent.text).group(1)  # type: ignore[union-attr]
    english = _report_reasons(client, status_url, "en")
    assert len(english) >= 3
    for lang in TRANSLATED:
        local = _report_reasons(client, status_url, lang)
        assert len(local) == len(english)
        for mine, theirs in zip(local, english, strict=True):
            assert mine != theirs and not _english_runs(mine) & _english_runs(theirs), (lang, mine)


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_report_reason_has_its_sentence(lang: str) -> None:
    for code, sentence in SENTENCES.items():
        quoted = reason_words(code, f"The message says something: “jetzt zahlen”. ({code})", lang)
        plain = reason_words(code, f"Some English words here ({code}).", lang)
        assert quoted.endswith("“jetzt zahlen”.") and "English" not in plain, (code, quoted)
        assert not _english_runs(plain) & _english_runs(sentence), (lang, code, plain)
    assert reason_words("a_new_code", "Kept in English.", lang) == "Kept in English."


def test_every_reason_the_engine_weighs_has_a_sentence() -> None:
    assert set(WEIGHTS) - set(SENTENCES) == set()
