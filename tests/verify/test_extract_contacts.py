"""Contact extraction from pasted text, including defanged forms and display names."""

from __future__ import annotations

import time

import pytest

from trustdesk.verify import ChannelKind, Registry, extract_contacts, scan_contacts, verify_text
from trustdesk.verify.demo import demo_channels

MESSAGE = """From: "Acme Outfitters Support" <support@acme-outfiters.co.uk>
Your parcel is on hold! Pay the fee at hxxps://acmeoutfitters-delivery[.]com/pay?ref=77 today,
or call our helpline on (800) 555-0198 or +44 20 7946 0321. Questions: refunds[at]acmeoutfitters[.]co
Follow us on Instagram @acme.outfitters.help. Our site: acmeoutfitters.com (see help-desk.io/acme too).
"""


def _by_kind(contacts):
    out: dict[str, list[str]] = {}
    for contact in contacts:
        out.setdefault(contact.kind.value, []).append(contact.value)
    return out


def test_extracts_every_kind_from_a_pasted_message() -> None:
    found = _by_kind(extract_contacts(MESSAGE))
    assert found["email"] == ["support@acme-outfiters.co.uk", "refunds@acmeoutfitters.co"]
    assert found["url"] == ["https://acmeoutfitters-delivery.com/pay", "https://help-desk.io/acme"]
    assert found["phone"] == ["+18005550198", "+442079460321"]
    assert found["social"] == ["instagram:acme.outfitters.help"]
    assert found["domain"] == ["acmeoutfitters.com"]


def test_offsets_point_into_the_text_and_defanging_is_flagged() -> None:
    for contact in extract_contacts(MESSAGE):
        assert MESSAGE[contact.start : contact.end] == contact.raw
    defanged = [c for c in extract_contacts(MESSAGE) if c.defanged]
    assert {c.kind for c in defanged} == {ChannelKind.URL, ChannelKind.EMAIL}


def test_display_name_is_kept() -> None:
    (email,) = [c for c in extract_contacts(MESSAGE) if c.kind is ChannelKind.EMAIL][:1]
    assert email.display_name == "Acme Outfitters Support"
    plain = extract_contacts("Write to Acme Billing <billing@example.org>, thanks")
    assert plain[0].display_name == "Acme Billing"


def test_defanged_variants() -> None:
    text = "hxxp://evil[.]shop/login and evil(.)shop and user[@]evil{.}shop and h**ps://x[.]org"
    values = [c.value for c in extract_contacts(text)]
    assert values == ["http://evil.shop/login", "evil.shop", "user@evil.shop", "https://x.org/"]


def test_national_and_international_phone_formats() -> None:
    text = "Call 800-555-0199, (212) 555 0143, +1.800.555.0199 or +44 (0)20 7946 0321."
    assert [c.value for c in extract_contacts(text)] == [
        "+18005550199",
        "+12125550143",
        "+18005550199",
        "+442079460321",
    ]
    assert [c.value for c in extract_contacts("Ring 020 7946 0321", default_region="GB")] == ["+442079460321"]


def test_no_false_contacts_in_ordinary_text() -> None:
    text = "Version 1.2.3 of setup.py is in README.md; order #12345 ships e.g. tomorrow at 10.30."
    assert extract_contacts(text) == []


def test_urls_inside_brackets_and_sentences() -> None:
    values = [c.value for c in extract_contacts("(see https://acmeoutfitters.com/help).")]
    assert values == ["https://acmeoutfitters.com/help"]


def test_passwords_in_links_are_masked_in_raw_and_value() -> None:
    (contact,) = extract_contacts("log in at https://bob:hunter2@acmeoutfitters.com/account")
    assert "hunter2" not in contact.raw and "hunter2" not in (contact.value or "")


def test_invalid_punycode_is_reported_not_dropped() -> None:
    (contact,) = extract_contacts("visit xn--zz.com now")
    assert contact.value is None and contact.problem == "invalid-punycode"


def test_enormous_text_is_capped_and_fast() -> None:
    junk = ("acme[.]com hxxp://x[.]io +1 800 555 0199 @a " * 20000) + "a@b.co " * 5000
    started = time.perf_counter()
    scan = scan_contacts(junk)
    elapsed = time.perf_counter() - started
    assert scan.truncated and scan.scanned_chars == 100_000
    assert len(scan.contacts) <= 200
    assert elapsed < 20  # generous: this is a bound against runaway time, not a benchmark


def test_pathological_inputs_do_not_hang() -> None:
    for text in (
        "a" * 100_000,
        "." * 100_000,
        "a." * 50_000,
        "@" * 100_000,
        "[.]" * 30_000,
        "1-" * 50_000,
        "http://" + "a" * 99_000,
    ):
        started = time.perf_counter()
        scan_contacts(text)
        assert time.perf_counter() - started < 10, text[:20]


def test_vanity_numbers_in_running_text_are_found() -> None:
    text = "Urgent: call 1-800-FLOWERS, or +1 888 GOT JUNK, or (855) FLOWERS. Ref 1-212-MUSEUMS."
    phones = [(c.raw, c.value) for c in extract_contacts(text) if c.kind is ChannelKind.PHONE]
    assert phones == [
        ("1-800-FLOWERS", "+18003569377"),
        ("+1 888 GOT JUNK", "+18884685865"),
        ("(855) FLOWERS", "+18553569377"),
        ("1-212-MUSEUMS", "+12126873867"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "see 1-800-flowers for details",  # not printed as a vanity number
        "visit 1-800-FLOWERS.com today",  # a domain
        "SKU 800-X1234Y in stock",  # too few letters
        "ISO 9001 ABCDEF certified",  # not a toll-free code, no leading 1
        "call 212-MUSEUMS",  # a local area code needs the 1 in front
        "SKU 800 ABC1234 is back",  # a product code: four digits after the letters
        "Part no. 888 XYZ9876",
        "Order 1-234-ABCD123 shipped",
    ],
)
def test_codes_that_only_resemble_vanity_numbers_are_not_phones(text: str) -> None:
    assert [c for c in extract_contacts(text) if c.kind is ChannelKind.PHONE] == []


def test_a_pasted_vanity_number_carries_the_letters_caution() -> None:
    registry = Registry(demo_channels())
    results = verify_text("Our agents answer at 1-800-FLOWERS day and night", registry).results
    assert [(r.contact.value, r.codes) for r in results] == [("+18003569377", ["vanity-number"])]
