"""Registry.check and verify_text: verdicts, reasons, explanations, tenants, updates."""

from __future__ import annotations

import pytest

from trustdesk.verify import (
    ChannelKind,
    Registry,
    ReportedIndicator,
    Verdict,
    make_channel,
    make_reported_indicator,
    parse_contact,
    verify_text,
)
from trustdesk.verify.demo import demo_channels


def test_same_number_formatted_differently_is_official(demo_registry: Registry) -> None:
    for written in (
        "+1 (800) 555-0199",
        "1-800-555-0199",
        "800.555.0199",
        "+18005550199",
        "tel:+1-800-555-0199",
    ):
        result = demo_registry.check(written)
        assert result.verdict is Verdict.OFFICIAL, written
        assert result.official is not None and result.official.value == "+18005550199"


def test_phone_one_or_two_digits_off(demo_registry: Registry) -> None:
    one = demo_registry.check("+1 800 555 0198")
    assert one.verdict is Verdict.LOOKALIKE and one.codes == ["phone-one-digit"]
    assert "This number is not Acme Outfitters'" in one.explanation
    assert "support number is +1 800-555-0199" in one.explanation
    assert demo_registry.check("+1 800 555 0919").codes == ["phone-transposed"]
    assert demo_registry.check("+1 888 555 0199").codes == ["phone-two-digits"]
    assert demo_registry.check("+1 800 555 01990").verdict is Verdict.UNKNOWN  # not a valid number at all
    assert demo_registry.check("+44 800 555 0199").codes == ["phone-country-code"]


def test_vanity_numbers_carry_the_letters_caution() -> None:
    # 1-800-FLOWERS is 1-800-356-9377. The caution used to be lost: the parsed number's flag was
    # reset, the API path re-parsed the E.164 value (no letters left), and "1-800-FLOWERS" (four
    # digits) was taken for a domain name.
    registry = Registry(
        [*demo_channels(), make_channel("flowers", "Flowers", "phone", "+1 800 356 9377", purpose="orders")]
    )
    for written in ("1-800-FLOWERS", "800-FLOWERS", "+1 800 FLOWERS", "tel:1-800-FLOWERS"):
        for result in (registry.check(written), registry.check(parse_contact(written))):
            assert result.verdict is Verdict.OFFICIAL, written
            assert result.codes == ["official", "vanity-number"], written
            assert result.official is not None and result.official.value == "+18003569377"
    near = registry.check(parse_contact("1-800-FLOWERT"))
    assert near.verdict is Verdict.LOOKALIKE and near.codes == ["phone-one-digit", "vanity-number"]
    single_token = verify_text("1-800-FLOWERS", registry).results
    assert [r.codes for r in single_token] == [["official", "vanity-number"]]
    # Digits only, a tel: prefix, words before the number or an extension are no vanity numbers.
    assert registry.check("call (800) 356-9377").codes == ["official"]
    for written in (
        "+1 800 356 9377",
        "tel:+1-800-356-9377",
        "+1 800 356 9377 ext. 12",
        "+1 800 356 9377 ext 12",
    ):
        assert registry.check(written).codes == ["official"], written
    # Letters that dress a fake number up as a real one are still refused; a word is still a domain.
    assert registry.check("+1 800 356 93l7").codes == ["phone-with-letters"]
    assert registry.check("1800flowers.com").contact.kind is ChannelKind.DOMAIN


def test_email_checks(demo_registry: Registry) -> None:
    assert demo_registry.check("Support@AcmeOutfitters.com").verdict is Verdict.OFFICIAL
    on_domain = demo_registry.check("jane@acmeoutfitters.com")
    assert on_domain.verdict is Verdict.OFFICIAL and "official-domain" in on_domain.codes
    freemail = demo_registry.check("acmeoutfitters.support@gmail.com")
    assert freemail.verdict is Verdict.LOOKALIKE and "freemail-brand" in freemail.codes
    display = demo_registry.check("Acme Outfitters <billing@randomco.net>")
    assert display.verdict is Verdict.LOOKALIKE and "display-name" in display.codes
    typo = demo_registry.check("help@acme-outfiters.co.uk")
    assert typo.verdict is Verdict.LOOKALIKE and typo.imitates is not None
    assert typo.imitates.value == "acme-outfitters.co.uk"
    assert (
        "help@acme-outfitters.co.uk" in typo.explanation or "support@acmeoutfitters.com" in typo.explanation
    )


def test_social_handles(demo_registry: Registry) -> None:
    assert demo_registry.check("x:@acmeoutfitters").verdict is Verdict.OFFICIAL
    assert demo_registry.check("https://www.instagram.com/acme.outfitters/").verdict is Verdict.OFFICIAL
    elsewhere = demo_registry.check("tiktok:@acmeoutfitters")
    assert elsewhere.verdict is Verdict.LOOKALIKE and elsewhere.codes[0] == "handle-other-platform"
    fake = demo_registry.check("x:@acmeoutfitters_help")
    assert fake.verdict is Verdict.LOOKALIKE and "handle-imitation" in fake.codes
    assert fake.imitates is not None and fake.imitates.kind is ChannelKind.SOCIAL
    assert demo_registry.check("x:@acme0utfitters").verdict is Verdict.LOOKALIKE


def test_apps(demo_registry: Registry) -> None:
    assert demo_registry.check(parse_contact("com.acmeoutfitters.shop", "app")).verdict is Verdict.OFFICIAL
    fake = demo_registry.check(parse_contact("com.acme0utfitters.shop", "app"))
    assert fake.verdict is Verdict.LOOKALIKE


def test_urls(demo_registry: Registry) -> None:
    chat = demo_registry.check("https://acmeoutfitters.com/help/chat?session=1")
    assert chat.verdict is Verdict.OFFICIAL
    odd = demo_registry.check("https://acmeoutfitters.com:8443/")
    assert odd.verdict is Verdict.OFFICIAL and "nonstandard-port" in odd.codes
    ip = demo_registry.check("http://203.0.113.9/acmeoutfitters/login")
    assert ip.verdict is Verdict.LOOKALIKE and "ip-address-host" in ip.codes


def test_tenant_scope(demo_registry: Registry) -> None:
    other = demo_registry.check("northwindtraders.com", tenant="acme")
    assert other.verdict is Verdict.UNKNOWN and other.codes == ["official-other-tenant"]
    assert "Northwind Traders" in other.explanation
    assert demo_registry.check("northwindtraders.com").verdict is Verdict.OFFICIAL
    # Without a tenant the look-alike names the tenant it imitates.
    result = demo_registry.check("northwind-traders-support.com")
    assert result.verdict is Verdict.LOOKALIKE and result.imitates is not None
    assert result.imitates.tenant == "northwind"
    # Scoped to Acme, a Northwind look-alike is simply unknown.
    assert demo_registry.check("northwind-traders-support.com", tenant="acme").verdict is Verdict.UNKNOWN


def test_reported_indicators_and_conflicts() -> None:
    registry = Registry(demo_channels())
    registry.add_reported(ReportedIndicator(ChannelKind.DOMAIN, "acme-refunds-desk.com", report_id="r1"))
    registry.add_reported(
        ReportedIndicator(ChannelKind.PHONE, "+18005550198", note="caller asked for card codes")
    )
    reported = registry.check("https://pay.acme-refunds-desk.com/x")
    assert reported.verdict is Verdict.REPORTED and reported.reported is not None
    phone = registry.check("(800) 555-0198")
    assert phone.verdict is Verdict.REPORTED and phone.imitates is not None
    assert "caller asked for card codes" in phone.reasons[0].detail
    registry.remove_reported(ReportedIndicator(ChannelKind.PHONE, "+18005550198"))
    assert registry.check("(800) 555-0198").verdict is Verdict.LOOKALIKE


def test_reported_indicators_from_raw_text() -> None:
    registry = Registry(demo_channels())
    for kind, raw, probe in [
        ("url", "hxxps://Evil-Refunds[.]com/acme/claim?id=9", "https://evil-refunds.com/acme/claim"),
        ("email", "Refund Team <Refunds@Evil-Mail.net>", "refunds@evil-mail.net"),
        ("social", "@acme_outfitters_refunds", "instagram:@acme_outfitters_refunds"),
        ("phone", "(415) 555-0187", "+1 415 555 0187"),
    ]:
        registry.add_reported(make_reported_indicator(kind, raw, report_id="r7"))
        result = registry.check(probe)
        assert result.verdict is Verdict.REPORTED, (kind, result.reasons)
        assert result.reported is not None and result.reported.report_id == "r7"


def test_incremental_add_and_remove() -> None:
    registry = Registry()
    assert registry.check("acmeoutfiters.com").verdict is Verdict.UNKNOWN
    domain = make_channel("acme", "Acme Outfitters", "domain", "acmeoutfitters.com")
    phone = make_channel("acme", "Acme Outfitters", "phone", "+1 800 555 0199")
    registry.add(domain)
    registry.add(phone)
    assert registry.check("acmeoutfiters.com").verdict is Verdict.LOOKALIKE
    assert registry.check("+1 800 555 0198").verdict is Verdict.LOOKALIKE
    registry.remove(domain)
    registry.remove(phone.id)
    assert len(registry) == 0 and registry.tenants() == {}
    assert registry.check("acmeoutfiters.com").verdict is Verdict.UNKNOWN
    assert registry.check("+1 800 555 0198").verdict is Verdict.UNKNOWN
    assert registry.check("acmeoutfitters.com").verdict is Verdict.UNKNOWN


def test_removing_one_of_two_owners_keeps_the_other() -> None:
    first = make_channel("a", "Alpha", "domain", "sharedbrandname.com")
    second = make_channel("b", "Beta", "domain", "sharedbrandname.co.uk")
    registry = Registry([first, second])
    registry.remove(first)
    result = registry.check("sharedbrandname.net")
    assert result.verdict is Verdict.LOOKALIKE and result.imitates == second


def test_verify_text_checks_every_contact(demo_registry: Registry) -> None:
    text = (
        "Dear customer, your Acme order is on hold. Confirm at hxxps://acmeoutfitters-verify[.]com/login "
        "or call +1 800 555 0198. Our real site is acmeoutfitters.com."
    )
    outcome = verify_text(text, demo_registry, "acme")
    verdicts = [(r.contact.kind.value, r.verdict.value) for r in outcome]
    assert verdicts == [("url", "lookalike"), ("phone", "lookalike"), ("domain", "official")]
    data = outcome.to_dict()
    assert set(data["results"][0]) >= {"contact", "kind", "verdict", "reasons", "imitates", "explanation"}
    assert data["results"][0]["imitates"]["value"] == "acmeoutfitters.com"


def test_single_bad_token_still_gets_an_answer(demo_registry: Registry) -> None:
    outcome = verify_text("xn--zz.com", demo_registry)
    assert [r.verdict for r in outcome] == [Verdict.UNKNOWN]
    assert outcome.results[0].codes == ["invalid-punycode"]
    assert verify_text("+1 800 555 O199", demo_registry).results[0].codes == ["phone-with-letters"]


@pytest.mark.parametrize("domain", ["acme0outfitters.com", "acmeioutfitters.com", "ac-eoutfitters.com"])
def test_equally_close_lookalikes_name_the_channel_of_the_same_kind(
    demo_registry: Registry, domain: str
) -> None:
    """'acme0outfitters' is one edit from the domain label and from the Instagram handle
    'acme.outfitters'; a web address is said to imitate the web domain, whatever the set order."""
    result = demo_registry.check(domain)
    assert result.verdict is Verdict.LOOKALIKE
    assert result.imitates is not None and result.imitates.kind is ChannelKind.DOMAIN
