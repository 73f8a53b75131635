"""The SPF/DKIM/DMARC lines of an uploaded e-mail in every language the desk speaks: written from the
verdicts' values, with no English reason text left over (the API keeps the English lines)."""

from __future__ import annotations

import re

import pytest
from tests.authenticity.conftest import REFUND
from tests.authenticity.test_signed_mail_and_auth import RELAY, received

from trustdesk.i18n import DEFAULT_LANGUAGE, LANGUAGES

TRANSLATED = [code for code in LANGUAGES if code != DEFAULT_LANGUAGE]


def _english_runs(text: str) -> set[str]:
    """Runs of three English words (domains, addresses and the protocols' own words left out)."""
    plain = re.sub(r"\S*[@/.:+<>]\S*|\S*\d\S*|\b(?:SPF|DKIM|DMARC|From|Received|Return-Path)\b", " ", text)
    return set(re.findall(r"(?:[A-Za-z']{2,} ){2}[A-Za-z']{2,}", plain))


@pytest.mark.parametrize("lang", TRANSLATED)
def test_the_mail_authentication_lines_are_written_in_the_language(
    desk, acme_zone, resolver, lang: str
) -> None:  # type: ignore[no-untyped-def]
    _, signed = desk.send_email(REFUND)
    _, unsigned = desk.send_email(REFUND, sign=False)
    for raw, relay in ((signed, RELAY), (unsigned, "203.0.113.9")):
        english = desk.check(received(raw, relay), resolver=resolver)
        local = desk.check(received(raw, relay), resolver=resolver, lang=lang).localized
        assert local is not None
        lines = [
            (reason["detail"], text)
            for reason, text in zip(english.reasons, local["reasons"], strict=True)
            if reason["code"] in ("auth", "envelope-from-headers")
        ]
        assert len(lines) >= 4  # the envelope note, SPF, DKIM and DMARC
        for detail, text in lines:
            assert text != detail and not _english_runs(text) & _english_runs(detail), (lang, text)
            assert text.split(" ", 1)[0] in ("SPF", "DKIM", "DMARC") or relay in text
        assert any("acmeoutfitters.com" in text for _, text in lines)
