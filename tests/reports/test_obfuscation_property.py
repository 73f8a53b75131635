"""Inserting invisible or format characters anywhere in a phishing mail's text never lowers its score
by more than 0.05: every signal reads the guard-normalised text, and the disguise is a signal itself."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustdesk.reports import analyze, analyze_view
from trustdesk.reports.mailview import read_report
from trustdesk.reports.training import half

from .mailbuild import mail, raw

PHISHING = [
    (
        "Microsoft 365 billing: payment could not be processed",
        '"Microsoft 365" <billing@ms365-billing.example.top>',
        "Your Microsoft 365 subscription payment could not be processed. Your account will be suspended "
        "within 24 hours. Update your payment details now at https://ms365-renew.example.top/billing "
        "to avoid losing your files.",
    ),
    (
        "Ihr Paket konnte nicht zugestellt werden",
        '"DHL Express" <info@dhl-paket-service.example.xyz>',
        "Ihr Paket konnte nicht zugestellt werden. Bitte bestätigen Sie Ihre Adresse und zahlen Sie die "
        "Versandgebühr von 1,99 EUR innerhalb von 48 Stunden: http://dhl-zustellung.example.xyz/track",
    ),
    (
        "Sua conta será bloqueada",
        '"Banco Seguro" <alerta@seguranca-conta.example.top>',
        "Prezado cliente, detectamos acesso suspeito. Sua conta será bloqueada hoje. Confirme seus dados "
        "e sua senha no link: https://banco-seguro-verifica.example.top/login",
    ),
]
INVISIBLE = st.sampled_from(
    ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u034f", "\u202c", "\u2062", "\u180e"]
)


def _insert(text: str, data: st.DataObject, label: str) -> str:
    count = data.draw(st.integers(0, 40), label=f"{label} count")
    chars = list(text)
    for _ in range(count):
        position = data.draw(st.integers(0, len(chars)), label=f"{label} position")
        chars.insert(position, data.draw(INVISIBLE, label=f"{label} char"))
    return "".join(chars)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=st.sampled_from(PHISHING), data=st.data())
def test_invisible_characters_never_lower_a_phishing_score(
    case: tuple[str, str, str], data: st.DataObject
) -> None:
    subject, sender, body = case
    base = analyze(raw(mail(body, sender=sender, subject=subject))).score
    disguised = analyze(
        raw(mail(_insert(body, data, "body"), sender=sender, subject=_insert(subject, data, "subject")))
    ).score
    assert disguised >= base - 0.05, (base, disguised)


def test_hidden_characters_between_letters_are_a_signal() -> None:
    subject, sender, body = PHISHING[0]
    disguised = "\u200b".join(body)
    result = analyze(raw(mail(disguised, sender=sender, subject=subject)))
    assert "hidden_characters" in [r.code for r in result.reasons]


_DATA = Path(os.environ.get("TRUSTDESK_SHARED_DATA", Path(__file__).resolve().parents[3] / "shared" / "data"))
_POT = sorted((_DATA / "phishing_pot").glob("*.eml"))
# Real phishing from the tune half only (the held-out half is never looked at while building).
_TUNE_POT = [p for p in _POT if half(p.name) == "tune"][:12]


@pytest.mark.skipif(not _TUNE_POT, reason=f"no shared data at {_DATA}")
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, max(0, len(_TUNE_POT) - 1)), data=st.data())
def test_invisible_characters_never_lower_a_real_phishing_score(index: int, data: st.DataObject) -> None:
    view = read_report(_TUNE_POT[index].read_bytes())
    base = analyze_view(view).score
    disguised = replace(
        view,
        text=_insert(view.text[:3000], data, "body") + view.text[3000:],
        subject=_insert(view.subject, data, "subject"),
    )
    assert analyze_view(disguised).score >= base - 0.05


@pytest.mark.skipif(not _TUNE_POT, reason=f"no shared data at {_DATA}")
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(index=st.integers(0, max(0, len(_TUNE_POT) - 1)), data=st.data())
def test_invisible_characters_in_the_sender_name_and_links_text_never_lower_a_score(
    index: int, data: st.DataObject
) -> None:
    view = read_report(_TUNE_POT[index].read_bytes())
    base = analyze_view(view).score
    disguised = replace(
        view,
        from_display=_insert(view.from_display, data, "sender name"),
        links=tuple(replace(link, text=_insert(link.text, data, "link text")) for link in view.links[:5])
        + view.links[5:],
    )
    assert analyze_view(disguised).score >= base - 0.05
