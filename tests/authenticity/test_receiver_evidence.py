"""The check reads the same evidence as the phishing judge: the Authentication-Results of a receiver the
desk trusts. A genuine mail of the retailer (its marketing platform, not the support desk) is never
`not_from_us` because DNS was not asked; a forged one is named by the same evidence."""

from __future__ import annotations

from email.message import EmailMessage

from trustdesk.authenticity import MessageVerdict
from trustdesk.reports.evidence import TrustPolicy

RECEIVER = "mx.desk.test"
TRUST = TrustPolicy.of([RECEIVER])


def _newsletter(auth_results: str) -> bytes:
    message = EmailMessage()
    message["Authentication-Results"] = auth_results
    message["From"] = "Acme Outfitters <news@acmeoutfitters.com>"
    message["To"] = "pat@example.org"
    message["Subject"] = "Your order A-10442 has shipped"
    message.set_content(
        "Hello Pat, your Acme Outfitters order A-10442 is on its way. "
        "Track it at https://click.mailservice-links.net/ls/click?upn=abc123"
    )
    return message.as_bytes()


PASS = f"{RECEIVER}; spf=pass smtp.mailfrom=bounce@mail.acmeoutfitters.com; dkim=pass header.d=acmeoutfitters.com; dmarc=pass header.from=acmeoutfitters.com"


def codes(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [r["code"] for r in result.reasons]


def test_a_genuine_retailer_mail_authenticated_by_a_trusted_receiver_is_not_called_fake(desk) -> None:
    result = desk.check(_newsletter(PASS), trust=TRUST)
    assert result.verdict is not MessageVerdict.NOT_FROM_US, result.reasons
    assert "receiver-authenticated" in codes(result)
    assert result.auth["dmarc"] == "pass"
    # Without that trust the same mail is judged on what it shows, as before.
    assert desk.check(_newsletter(PASS)).verdict is MessageVerdict.NOT_FROM_US


def test_a_receiver_the_desk_does_not_trust_vouches_for_nothing(desk) -> None:
    result = desk.check(_newsletter(PASS.replace(RECEIVER, "mx.elsewhere.test")), trust=TRUST)
    assert "receiver-authenticated" not in codes(result)
    assert result.verdict is MessageVerdict.NOT_FROM_US


def test_a_trusted_receivers_dmarc_failure_names_the_spoof(desk) -> None:
    failed = f"{RECEIVER}; spf=fail smtp.mailfrom=x@evil.example.top; dkim=none; dmarc=fail header.from=acmeoutfitters.com"
    result = desk.check(_newsletter(failed), trust=TRUST)
    assert result.verdict is MessageVerdict.NOT_FROM_US
    assert "receiver-not-authenticated" in codes(result)
