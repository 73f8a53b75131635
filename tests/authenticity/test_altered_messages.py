"""A real reference with changed content is `altered`, and the answer names what was changed."""

from __future__ import annotations

import pytest
from tests.authenticity.conftest import REFUND

from trustdesk.authenticity import MessageVerdict

CHANGES = [
    (
        "DE89 3704 0044 0532 0130 00",
        "DE89 3704 0044 0532 0131 00",
        "iban-changed",
        "bank account number (IBAN) was changed",
    ),
    (
        "https://acmeoutfitters.com/orders/A-10442/refund",
        "https://acmeoutfitters-refunds.com/orders/A-10442/refund",
        "link-changed",
        "link was changed",
    ),
    ("EUR 59.90", "EUR 599.0", "amount-changed", "amount of money was changed"),
    ("+1 800 555 0199", "+1 800 555 0123", "phone-changed", "phone number was changed"),
    (
        "support@acmeoutfitters.com",
        "support@acmeoutfitters-help.com",
        "email-changed",
        "e-mail address was changed",
    ),
    ("order A-10442 has", "order A-10443 has", "number-changed", "number"),
    ("has been approved", "has not been approved", "wording-changed", "wording was changed"),
]


@pytest.mark.parametrize(("before", "after", "code", "words"), CHANGES, ids=[c[2] for c in CHANGES])
def test_one_change_is_named(desk, before: str, after: str, code: str, words: str) -> None:
    ref, sent = desk.send(REFUND)
    assert before in sent
    result = desk.check(sent.replace(before, after, 1))
    assert result.verdict is MessageVerdict.ALTERED
    assert result.reference == ref
    assert code in [r["code"] for r in result.reasons]
    assert words in result.explanation
    assert any("Do not click" in step for step in result.next_steps)


def test_iban_change_survives_forwarding_and_rewrapping(desk) -> None:
    _, sent = desk.send(REFUND)
    tampered = sent.replace("0130 00", "0130 01")
    forwarded = (
        "---------- Forwarded message ---------\nFrom: Acme <support@acmeoutfitters.com>\n\n"
        + "\n".join("> " + line for line in tampered.replace("\n\n", "\n").split("\n"))
    )
    result = desk.check(forwarded)
    assert result.verdict is MessageVerdict.ALTERED
    assert result.changes == ["The bank account number (IBAN) was changed."]


def test_link_swapped_only_behind_the_html_text(desk) -> None:
    import email
    from email import policy

    _, raw = desk.send_email(REFUND, sign=False)
    message = email.message_from_bytes(raw, policy=policy.default)
    html_part = next(p for p in message.walk() if p.get_content_type() == "text/html")
    markup = html_part.get_content()
    target = 'href="https://acmeoutfitters.com/orders/A-10442/refund"'
    assert target in markup
    html_part.set_content(markup.replace(target, 'href="https://acme-outfitters.co/refund"'), subtype="html")
    result = desk.check(message.as_bytes())
    assert result.verdict is MessageVerdict.ALTERED
    assert "link-target-changed" in [r["code"] for r in result.reasons]


def test_signed_mail_with_changed_body_is_altered(desk) -> None:
    _, raw = desk.send_email(REFUND)
    result = desk.check(raw.replace(b"0130 00", b"0130 01"))
    assert result.verdict is MessageVerdict.ALTERED


def test_genuine_message_wrapped_in_added_lookalike_text_is_not_genuine(desk) -> None:
    _, sent = desk.send(REFUND)
    wrapped = "URGENT: your refund failed, confirm your card at https://acmeoutfltters.com/verify\n\n" + (
        "---------- Forwarded message ---------\nFrom: Acme <support@acmeoutfitters.com>\n\n" + sent
    )
    result = desk.check(wrapped)
    assert result.verdict is MessageVerdict.ALTERED
    assert "suspicious-text-added" in [r["code"] for r in result.reasons]


def test_reference_of_another_message_is_altered(desk) -> None:
    _, first = desk.send(REFUND)
    ref2, _ = desk.send("Your parcel arrives on Friday.")
    body = first.rsplit("Reference", 1)[0]
    result = desk.check(body, reference=ref2)
    assert result.verdict is MessageVerdict.ALTERED


def test_genuine_message_wrapped_in_text_with_strangers_number_warns(desk) -> None:
    _, sent = desk.send(REFUND)
    wrapped = "Acme Outfitters: your refund failed. Call +1 202 555 0100 to fix it.\n\n" + (
        "---------- Forwarded message ---------\nFrom: Acme <support@acmeoutfitters.com>\nTo: pat@example.org\n\n"
        + sent
    )
    result = desk.check(wrapped)
    assert result.verdict is MessageVerdict.GENUINE
    assert "unofficial-contacts-added" in [r["code"] for r in result.reasons]
    assert "+12025550100" in result.explanation and "Careful" in result.explanation
    plain_forward = "---------- Forwarded message ---------\nFrom: Acme <support@acmeoutfitters.com>\nTo: pat@example.org\n\n"
    quiet = desk.check(plain_forward + sent)
    assert "Careful" not in quiet.explanation
