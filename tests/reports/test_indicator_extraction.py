"""Indicator extraction on plain, defanged and obfuscated text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from trustdesk.reports import Indicator, IndicatorKind, extract_indicators

K = IndicatorKind


def keys(text: str, **kwargs: object) -> set[str]:
    return {i.key for i in extract_indicators(text, **kwargs)}  # type: ignore[arg-type]


def test_defanged_urls_domains_and_addresses() -> None:
    found = keys(
        "Go to hxxps://secure-paypa1[.]com/login?session=123 or evil(.)example[.]org and mail "
        "support[at]amaz0n-help[dot]com."
    )
    assert "url:https://secure-paypa1.com/login" in found  # the query (victim-specific) is dropped
    assert {"domain:secure-paypa1.com", "domain:evil.example.org", "domain:amaz0n-help.com"} <= found
    assert "email:support@amaz0n-help.com" in found


def test_phones_handles_and_profile_links() -> None:
    found = keys(
        "Call us at (888) 555-0199, WhatsApp https://wa.me/447911123456, "
        "Telegram @Fake_Support or https://t.me/acmehelpdesk"
    )
    assert {"phone:+18885550199", "phone:+447911123456"} <= found
    assert {"handle:telegram:fake_support", "handle:telegram:acmehelpdesk"} <= found


def test_default_region_decides_national_numbers() -> None:
    assert "phone:+18885550199" in keys("call (888) 555-0199", default_region="US")
    assert not any(k.startswith("phone:") for k in keys("call (888) 555-0199", default_region=None))
    assert "phone:+4930901820" in keys("Rufen Sie 030 901820 an", default_region="DE")


def test_payment_targets() -> None:
    found = keys(
        "Transfer to DE89 3704 0044 0532 0130 00 or BTC bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq "
        "or ETH 0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
    )
    assert "iban:DE89370400440532013000" in found
    assert "wallet:bitcoin:bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq" in found
    assert "wallet:ethereum:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed" in found


def test_link_targets_and_senders_given_separately() -> None:
    found = extract_indicators(
        "Click the button below.",
        extra_urls=["https://login.evil.test.example.com/a?b=c", "javascript:alert(1)", "mailto:x@y.z"],
        extra_emails=["Billing@Evil-Shop.com"],
    )
    assert Indicator(K.URL, "https://login.evil.test.example.com/a") in found
    assert Indicator(K.DOMAIN, "login.evil.test.example.com") in found
    assert Indicator(K.EMAIL, "billing@evil-shop.com") in found
    assert not any(i.value.startswith(("javascript", "mailto")) for i in found)


def test_sentence_without_space_is_not_a_domain() -> None:
    assert "domain:account.click" not in keys("Verify your account.Click here now")


def test_order_is_by_kind_then_appearance_and_without_duplicates() -> None:
    found = extract_indicators("b.example.com a.example.com https://b.example.com/ b.example.com")
    kinds = [i.kind for i in found]
    assert kinds == sorted(kinds, key=list(K).index)
    assert len(found) == len(set(found))


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_any_text_extracts_without_error(text: str) -> None:
    for indicator in extract_indicators(text):
        assert indicator.value and indicator.key.startswith(indicator.kind.value)
