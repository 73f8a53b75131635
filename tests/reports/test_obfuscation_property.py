"""Inserting invisible or format characters anywhere in a phishing mail's text never lowers its score
by more than 0.05: every signal reads the guard-normalised text, and the disguise is a signal itself."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from trustdesk.reports import analyze

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
