"""Normalisers: domains (IDNA, PSL), e-mail addresses, phone numbers, URLs, handles, defanging."""

from __future__ import annotations

import pytest

from trustdesk.verify import (
    ChannelKind,
    InvalidDomainError,
    InvalidEmailError,
    InvalidPhoneError,
    InvalidPunycodeError,
    InvalidUrlError,
    make_channel,
    parse_email,
    parse_handle,
    parse_host,
    parse_phone,
    parse_url,
    registrable_domain,
)
from trustdesk.verify.defang import refang


@pytest.mark.parametrize(
    ("raw", "name", "registrable"),
    [
        ("WWW.Acme-Outfitters.CO.UK.", "www.acme-outfitters.co.uk", "acme-outfitters.co.uk"),
        ("acmeoutfitters。com", "acmeoutfitters.com", "acmeoutfitters.com"),
        ("ＡＣＭＥ.com", "acme.com", "acme.com"),
        ("xn--80ak6aa92e.com", "аррӏе.com", "аррӏе.com"),
        ("shop.acme.github.io", "shop.acme.github.io", "acme.github.io"),
        ("a.b.c.example.com.au", "a.b.c.example.com.au", "example.com.au"),
        ("bücher.de", "bücher.de", "bücher.de"),
    ],
)
def test_domains_normalise(raw: str, name: str, registrable: str) -> None:
    assert parse_host(raw).name == name
    assert registrable_domain(raw) == registrable


def test_punycode_and_unicode_forms_are_the_same_host() -> None:
    assert parse_host("xn--bcher-kva.de").name == parse_host("BÜCHER.de").name
    assert parse_host("bücher.de").ascii == "xn--bcher-kva.de"


@pytest.mark.parametrize("raw", ["xn--zz.com", "xn--.com", "xn--a-ecp.xn--zz"])
def test_invalid_punycode_is_a_clear_error(raw: str) -> None:
    with pytest.raises(InvalidPunycodeError):
        parse_host(raw)


@pytest.mark.parametrize(
    "raw",
    ["", ".", "a..b.com", "-acme.com", "acme-.com", "ex ample.com", "1.2.3.4", "💳.com", "a" * 64 + ".com"],
)
def test_invalid_domains_raise_value_errors(raw: str) -> None:
    with pytest.raises(InvalidDomainError):
        parse_host(raw)
    assert issubclass(InvalidDomainError, ValueError)


def test_email_with_display_name_and_defanging() -> None:
    address = parse_email('"Acme Support" <Help[at]Acme-Outfitters[.]co.uk>')
    assert address.display_name == "Acme Support"
    assert address.normalized == "help@acme-outfitters.co.uk"


@pytest.mark.parametrize("raw", ["not an address", "a@b", "two@@at.com", "@acme.com", "x@xn--zz.com"])
def test_bad_email_is_refused(raw: str) -> None:
    with pytest.raises(InvalidEmailError):
        parse_email(raw)


@pytest.mark.parametrize(
    ("raw", "region", "e164"),
    [
        ("+1 (800) 555-0199", "US", "+18005550199"),
        ("1-800-555-0199", "US", "+18005550199"),
        ("800.555.0199", "US", "+18005550199"),
        ("020 7946 0321", "GB", "+442079460321"),
        ("+44 (0)20 7946 0321", "US", "+442079460321"),
        ("tel:+442079460321", "US", "+442079460321"),
        ("1-800-FLOWERS", "US", "+18003569377"),
    ],
)
def test_phones_normalise_to_e164(raw: str, region: str, e164: str) -> None:
    assert parse_phone(raw, region).e164 == e164


@pytest.mark.parametrize(
    "raw", ["+1 800 555 O199", "+1 800 555 0l99", "12", "+1 800 555 01999999", "call me", "+999 123"]
)
def test_bad_numbers_are_refused(raw: str) -> None:
    with pytest.raises(InvalidPhoneError):
        parse_phone(raw)


def test_letter_o_trick_has_its_own_code() -> None:
    with pytest.raises(InvalidPhoneError) as caught:
        parse_phone("+1 800 555 O199")
    assert caught.value.code == "phone-with-letters"


def test_url_normalisation_masks_passwords_and_drops_queries() -> None:
    url = parse_url("hxxps://bob:hunter2@Acme-Outfitters[.]co.uk:8443/Help?token=secret#x")
    assert url.value == "https://bob:***@acme-outfitters.co.uk:8443/Help"
    assert "hunter2" not in url.value and "secret" not in url.value
    assert url.defanged and url.nonstandard_port and url.has_password


@pytest.mark.parametrize(
    "raw",
    ["javascript:alert(1)", "https://", "https://acme.com:99999/", "ftp://acme.com/x", "https://xn--zz.com/"],
)
def test_bad_urls_are_refused(raw: str) -> None:
    with pytest.raises(InvalidUrlError):
        parse_url(raw)


def test_scheme_less_and_www_urls() -> None:
    assert parse_url("www.acmeoutfitters.com/help").value == "https://www.acmeoutfitters.com/help"
    assert parse_url("acmeoutfitters.com:8080/x").port == 8080


@pytest.mark.parametrize(
    ("defanged", "plain"),
    [
        ("hxxps://acme[.]com/x", "https://acme.com/x"),
        ("hxxp[:]//acme(.)com", "http://acme.com"),
        ("support[at]acme[dot]com", "support@acme.com"),
        ("support(at)acme{.}com", "support@acme.com"),
        ("h**ps://acme[.]com", "https://acme.com"),
    ],
)
def test_refang(defanged: str, plain: str) -> None:
    assert refang(defanged) == plain


def test_handles() -> None:
    assert parse_handle("@AcmeOutfitters").value == "@acmeoutfitters"
    assert parse_handle("Twitter:@Acme").value == "x:acme"
    assert parse_handle("acme_help", "IG").platform == "instagram"


def test_channels_have_stable_ids_and_normalised_values() -> None:
    one = make_channel("acme", "Acme Outfitters", "phone", "(800) 555-0199", purpose="Support")
    two = make_channel("ACME", "Acme Outfitters", ChannelKind.PHONE, "+1 800 555 0199", purpose="support")
    assert one.value == "+18005550199" and one.id == two.id
    assert make_channel("acme", "Acme", "domain", "ACMEoutfitters.COM.").value == "acmeoutfitters.com"
    assert one.id != make_channel("other", "Other", "phone", "+1 800 555 0199").id


def test_official_url_cannot_carry_credentials() -> None:
    with pytest.raises(ValueError):
        make_channel("acme", "Acme", "url", "https://user:pw@acmeoutfitters.com/")


def test_phone_validity_fast_path_agrees_with_phonenumbers() -> None:
    # The shortcut for shared calling codes (+1, +44, +7, +61 ...) must answer exactly as
    # phonenumbers.is_valid_number: random digit strings under every calling code, valid or not.
    import random

    import phonenumbers

    from trustdesk.verify.phones import is_valid_number

    rng = random.Random(4)
    checked = valid = 0
    for code, regions in sorted(phonenumbers.COUNTRY_CODE_TO_REGION_CODE.items()):
        examples = [phonenumbers.example_number(region) for region in regions]
        seeds = [str(example.national_number) for example in examples if example is not None]
        for _ in range(60 if len(regions) > 1 else 3):
            if seeds and rng.random() < 0.7:
                # Another region's example number, with up to two digits changed.
                chosen = list(rng.choice(seeds))
                for _change in range(rng.randint(0, 2)):
                    chosen[rng.randrange(len(chosen))] = rng.choice("0123456789")
                digits = "".join(chosen)
            else:
                digits = "".join(rng.choice("0123456789") for _ in range(rng.randint(4, 12)))
            try:
                number = phonenumbers.parse(f"+{code}{digits}")
            except phonenumbers.NumberParseException:
                continue
            expected = phonenumbers.is_valid_number(number)
            assert is_valid_number(number) is expected, (code, digits)
            checked += 1
            valid += expected
    assert checked > 1_000 and valid > 300, (checked, valid)
