"""Language cues of support scams: positive and negative examples for every cue."""

from __future__ import annotations

import pytest

from trustdesk.reports.signals import (
    account_threat,
    advance_fee,
    callback_scam,
    crypto_giveaway,
    crypto_payment,
    delivery_problem,
    gambling_bonus,
    gift_card_payment,
    legal_threat,
    remote_access,
    reward_lure,
    romance_lure,
    secret_request,
    subscription_lapse,
    urgency,
    verify_account_link,
)

CASES = [
    (urgency, "Please respond within 24 hours or lose access.", "I'll reply when I have a moment."),
    (urgency, "FINAL NOTICE: action required", "The final chapter of the book."),
    (
        account_threat,
        "Your account will be suspended tomorrow.",
        "The account was opened in 1998 by my father.",
    ),
    (account_threat, "We detected unusual sign-in activity", "The activity report is attached."),
    (account_threat, "Ihr Konto wurde gesperrt.", "Das Konto ist in Ordnung."),
    (secret_request, "Please confirm your card number and CVV", "Your card was charged 10 EUR."),
    (secret_request, "Reply with the one-time code we sent you", "The code review is scheduled."),
    (secret_request, "Informe sua senha para continuar", "Obrigado pela compra."),
    (
        gift_card_payment,
        "Buy three Google Play gift cards and send photos",
        "Gift wrapping is free this week.",
    ),
    (gift_card_payment, "Scratch the card and read the codes on the back", "The card arrived."),
    (
        crypto_payment,
        "Send the payment in Bitcoin to the wallet below",
        "Bitcoin prices fell today, said the report.",
    ),
    (remote_access, "Install AnyDesk so our technician can fix it", "Install the update from the store."),
    (reward_lure, "Congratulations, you have been selected for a reward", "Congratulations on the new baby!"),
    (advance_fee, "As next of kin you will inherit 4.5 million dollars", "Our next meeting is on Monday."),
    (delivery_problem, "Your parcel is on hold until the customs fee is paid", "Your parcel was delivered."),
    (romance_lure, "Hot singles want to meet you tonight", "Our singles tennis league starts soon."),
    (crypto_giveaway, "Claim your free XRP tokens in the airdrop", "We exchanged tokens at the fair."),
    (
        crypto_giveaway,
        "Password reset for username: 1.52 BTC withdrawal pending, confirm at once",
        "You can withdraw cash at any ATM.",
    ),
    (gambling_bonus, "Welcome bonus: 400 free spins at our casino", "The casino museum reopens."),
    (legal_threat, "An arrest warrant will be issued for unpaid toll", "The court of appeals ruled."),
    (
        subscription_lapse,
        "Your subscription has expired and your photos will be deleted",
        "I renewed my passport.",
    ),
]


@pytest.mark.parametrize(("signal", "scam", "ordinary"), CASES)
def test_cue_fires_on_scam_and_not_on_ordinary_text(signal, scam: str, ordinary: str) -> None:  # type: ignore[no-untyped-def]
    reason = signal(scam)
    assert reason is not None and reason.text and 0 < reason.weight < 1
    assert signal(ordinary) is None


def test_secret_request_ignores_reassurance() -> None:
    assert secret_request("We will never ask you to confirm your password by e-mail.") is None
    assert secret_request("Amazon doesn't ask you to provide your card number") is None


def test_verify_account_link_needs_a_link() -> None:
    assert verify_account_link("Verify your account now", has_link=True) is not None
    assert verify_account_link("Verify your account now", has_link=False) is None
    assert verify_account_link("Update your information in the newsletter preferences", has_link=True) is None


def test_callback_scam_needs_a_phone_number() -> None:
    text = (
        "Your Norton subscription has been renewed and charged $399. If you did not authorize this, call us."
    )
    assert callback_scam(text, has_phone=True) is not None
    assert callback_scam(text, has_phone=False) is None
    assert callback_scam("Call us any time", has_phone=True) is None


def test_reason_quotes_only_the_matched_words() -> None:
    reason = secret_request("Hi! Please enter your password: hunter2 and more text after it")
    assert reason is not None and "hunter2" not in reason.text
