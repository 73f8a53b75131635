"""analyze(): end to end on pasted text and mail, and on hostile input."""

from __future__ import annotations

import pytest

from trustdesk.reports import Analysis, ReportInputError, Verdict, analyze

from .mailbuild import mail, raw

SUPPORT_SCAM = (
    "Amazon Security: unusual sign-in activity was detected and your account will be suspended within 24 hours. "
    "To restore access, verify your account at hxxps://amazon-account-restore[.]top/verify and confirm your card "
    "number and CVV. If you need help, our technician will connect with AnyDesk: call +1 (888) 555-0199."
)


def test_support_scam_text_is_phishing_with_reasons_and_indicators() -> None:
    result = analyze(SUPPORT_SCAM)
    assert result.verdict is Verdict.PHISHING and result.score > 0.9
    codes = {r.code for r in result.reasons}
    assert {"account_threat", "secret_request", "remote_access", "verify_account_link", "urgency"} <= codes
    keys = {i.key for i in result.indicators}
    assert {"url:https://amazon-account-restore.top/verify", "phone:+18885550199"} <= keys
    weights = [r.weight for r in result.reasons]
    assert weights == sorted(weights, reverse=True)


def test_ordinary_order_mail_is_benign() -> None:
    message = mail(
        "Hi Jane, your order 40213 has shipped and should arrive on Thursday. Track it in your account.",
        sender="Shop <orders@shop.example.com>",
        subject="Your order has shipped",
        headers={"Authentication-Results": "mx.example.org; spf=pass; dkim=pass; dmarc=pass"},
    )
    result = analyze(raw(message))
    assert result.verdict is Verdict.BENIGN and result.reasons == ()


def test_forged_mail_is_phishing() -> None:
    message = mail(
        "Dear customer, your payment failed. Update your payment details here: https://bit.ly/3upd",
        sender='"PayPal" <service@pp-billing.example.net>',
        subject="Action required",
        headers={
            "Reply-To": "paypal.billing.desk@gmail.com",
            "Authentication-Results": "mx.example.org; spf=fail; dkim=none; dmarc=fail",
        },
    )
    result = analyze(raw(message))
    codes = {r.code for r in result.reasons}
    assert {"dmarc_fail", "spf_fail", "display_name_impersonation", "reply_to_freemail"} <= codes
    assert result.verdict is Verdict.PHISHING


def test_brand_names_come_from_the_caller() -> None:
    message = raw(mail("Your order", sender='"Globex Support" <help@refund-desk.example.net>'))
    assert not any(r.code == "display_name_impersonation" for r in analyze(message).reasons)
    tenant = analyze(message, brand_names=["Globex"])
    assert any(r.code == "display_name_impersonation" for r in tenant.reasons)


def test_result_shape() -> None:
    data = analyze(SUPPORT_SCAM).to_dict()
    assert set(data) == {"score", "verdict", "reasons", "indicators"}
    assert 0.0 <= data["score"] <= 1.0 and data["verdict"] in ("phishing", "suspicious", "benign")
    assert set(data["reasons"][0]) == {"code", "weight", "text"}
    assert {"kind", "value"} <= set(data["indicators"][0])


def test_secrets_pasted_by_the_reporter_are_not_echoed() -> None:
    result = analyze("They asked me to enter my password: Tr0ub4dor&3 and card 4111 1111 1111 1111")
    dumped = str(result.to_dict())
    assert "Tr0ub4dor" not in dumped and "4111 1111" not in dumped and "4111111111111111" not in dumped


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    "hostile",
    [
        "a" * 400_000,
        "@" * 200_000,
        "1" * 200_000,
        ("http://" + "a." * 2000) * 20,
        "x@" * 100_000,
        "[.]" * 100_000,
        "\u200c" * 100_000,
    ],
)
def test_hostile_text_is_handled_in_bounded_time(hostile: str) -> None:
    assert isinstance(analyze(hostile), Analysis)


def test_unusable_input_raises_a_clear_error() -> None:
    with pytest.raises(ReportInputError):
        analyze(b"")


def test_duplicates_share_a_fingerprint() -> None:
    first = analyze(SUPPORT_SCAM)
    again = analyze("\n  " + SUPPORT_SCAM.replace(". ", ".\n\n") + "  \n")
    other = analyze(SUPPORT_SCAM.replace("24 hours", "12 hours"))
    assert first.fingerprint == again.fingerprint != other.fingerprint
    assert len(first.fingerprint) == 64
