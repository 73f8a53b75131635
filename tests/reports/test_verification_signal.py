"""The verification signal, with any check callable and with the real verification Registry."""

from __future__ import annotations

from trustdesk.reports import Indicator, IndicatorKind, analyze, registry_check
from trustdesk.reports.signals import verification_signals
from trustdesk.verify import ChannelKind, Registry, ReportedIndicator, make_channel

K = IndicatorKind


def test_string_verdicts_from_any_callable() -> None:
    indicators = [Indicator(K.DOMAIN, "evil.example.net"), Indicator(K.PHONE, "+18885550199")]
    verdicts = {"evil.example.net": "lookalike", "+18885550199": "reported"}
    reasons = verification_signals(indicators, lambda i: verdicts.get(i.value))
    assert [r.code for r in reasons] == ["indicator_reported", "indicator_lookalike"]
    assert verification_signals(indicators, None) == []
    assert verification_signals(indicators, lambda i: "official") == []
    assert verification_signals(indicators, lambda i: "unknown") == []


def registry() -> Registry:
    channels = [
        make_channel("acme", "Acme Outfitters", ChannelKind.DOMAIN, "acmeoutfitters.com"),
        make_channel("acme", "Acme Outfitters", ChannelKind.EMAIL, "support@acmeoutfitters.com"),
        make_channel("acme", "Acme Outfitters", ChannelKind.PHONE, "+1 800 555 0100"),
    ]
    reported = [ReportedIndicator(ChannelKind.PHONE, "+18885550199", tenant="acme", report_id="r1")]
    return Registry(channels, reported)


def test_registry_lookalike_and_reported() -> None:
    text = (
        "Your Acme order is on hold. Sign in at https://acmeoutfltters.com/login "
        "or call +1 888 555 0199 within 24 hours."
    )
    result = analyze(text, check=registry_check(registry(), "acme"), brand_names=["Acme Outfitters"])
    codes = [r.code for r in result.reasons]
    assert "indicator_reported" in codes and "indicator_lookalike" in codes
    lookalike = next(r for r in result.reasons if r.code == "indicator_lookalike")
    assert "acmeoutfitters.com" in lookalike.text  # names what it imitates
    assert result.verdict.value == "phishing"


def test_official_contacts_raise_nothing() -> None:
    result = analyze(
        "Questions? Write to support@acmeoutfitters.com or call +1 800 555 0100.",
        check=registry_check(registry(), "acme"),
    )
    assert not any(r.code.startswith("indicator_") for r in result.reasons)
    assert result.verdict.value == "benign"
