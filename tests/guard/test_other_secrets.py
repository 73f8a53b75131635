"""CVV, expiry, bank accounts, national IDs, passwords, one-time codes, secret keys, e-mail."""

from __future__ import annotations

import pytest

from trustdesk.guard import scan


def found(text: str, kind: str) -> list[str]:
    return [text[f.start : f.end] for f in scan(text).findings if f.type == kind]


@pytest.mark.parametrize(
    "text,value",
    [
        ("the cvv is 123", "123"),
        ("CVC: 9876", "9876"),
        ("security code 321 on my visa", "321"),
        ("the 3 digits on the back of my card are 555", "555"),
        ("card verification value = 042", "042"),
    ],
)
def test_card_security_code_after_a_cue(text, value):
    assert found(text, "CARD_SECURITY_CODE") == [value]


@pytest.mark.parametrize(
    "text,value",
    [
        ("exp 12/26", "12/26"),
        ("valid thru 04/2027", "04/2027"),
        ("expiry date: 0327", "0327"),
        ("Exp. Jan 2027", "jan 2027"),
    ],
)
def test_card_expiry_after_a_cue(text, value):
    assert [v.lower() for v in found(text, "CARD_EXPIRY")] == [value]


def test_expiry_word_without_card_context_is_not_an_expiry():
    assert found("my coupon expires 12/31/2024", "CARD_EXPIRY") == []
    assert found("my subscription expires 06/25", "CARD_EXPIRY") == []


def test_bank_account_needs_bank_context_and_routing_checksum():
    # With the account goes the code that routes money to it (a sort code, a routing number).
    text = "routing 021000021, checking account 12345678"
    assert found(text, "BANK_ACCOUNT") == ["021000021", "12345678"]
    assert found("sort code 12-34-56 account number 31926819", "BANK_ACCOUNT") == ["12-34-56", "31926819"]
    assert found("routing 021000021 is on the cheque, my order number is 12345678", "BANK_ACCOUNT") == []
    # A shop's own "account number" is not a bank account.
    assert found("my account number is 12345678, where is my order?", "BANK_ACCOUNT") == []


@pytest.mark.parametrize(
    "text,expected",
    [
        ("SSN 123-45-6780", ["123-45-6780"]),
        ("my social security number is 078 05 1121", ["078 05 1121"]),
        ("ssn 000-12-3456", []),  # area 000 is never issued
        ("ssn 666-12-3456", []),
        ("ssn 912-12-3456", []),
        ("ssn 123-00-4567", []),
        ("ssn 123-45-0000", []),
        ("ssn 078-05-1120", []),  # the famous wallet sample
        ("NI number AB 12 34 56 C", ["AB 12 34 56 C"]),
        ("NINO QQ123456C", []),  # QQ is a placeholder prefix
        ("SIN 130 692 544", ["130 692 544"]),
        ("SIN 046 454 286", []),  # SINs starting with 0 are never issued
        ("mi DNI es 12345678Z", ["12345678Z"]),
        ("mi DNI es 12345678A", []),  # wrong check letter
        ("BSN 111222333", ["111222333"]),
    ],
)
def test_national_ids_with_their_validity_rules(text, expected):
    assert found(text, "NATIONAL_ID") == expected


@pytest.mark.parametrize(
    "text,value",
    [
        ("my password is hunter2", "hunter2"),
        ("pw: S3cret!", "S3cret!"),
        ("pass = Tr0ub4dor&3", "Tr0ub4dor&3"),
        ('my password is "correct horse battery staple"', "correct horse battery staple"),
        ("login bob@example.com / sunshine", "sunshine"),
        ("username: bob password: hunter2.", "hunter2"),
        ("https://bob:s3cr3t@shop.example.com/admin", "s3cr3t"),
        ("my PIN is 4821", "4821"),
        ("user bob pw hunter22", "hunter22"),
        ("Passwort: geheim123", "geheim123"),
    ],
)
def test_passwords_after_a_cue(text, value):
    assert found(text, "PASSWORD") == [value]


@pytest.mark.parametrize(
    "text",
    [
        "I forgot my password",
        "reset my password please",
        "my password is not working",
        "my password is incorrect.",
        "password: ********",
        "the pass is valid until May",
        "my password was expired",
        "what is my password?",
        "the password reset link doesn't work",
        "I changed my password yesterday",
    ],
)
def test_talking_about_a_password_is_not_a_finding(text):
    assert found(text, "PASSWORD") == []


@pytest.mark.parametrize(
    "text,value",
    [
        ("my verification code is 482913", "482913"),
        ("482913 is your Acme verification code", "482913"),
        ("OTP: 9921", "9921"),
        ("the code is 123 456", "123 456"),
        ("2FA code 12345678", "12345678"),
        ("Your Acme code is 552211", "552211"),
        ("the security code you texted me is 739201", "739201"),
    ],
)
def test_one_time_codes_in_context(text, value):
    assert found(text, "ONE_TIME_CODE") == [value]


@pytest.mark.parametrize(
    "text",
    ["discount code 123456", "order code 123456", "the verification code for order 123456", "error code 500"],
)
def test_codes_that_are_not_one_time_codes(text):
    assert found(text, "ONE_TIME_CODE") == []


@pytest.mark.parametrize(
    "token,display",
    [
        ("sk_live_4eC39HqLyjWDarjtT1zdp7dc", "Stripe secret key"),
        ("AKIAIOSFODNN7EXAMPLE", "AWS access key"),
        ("ghp_" + "a1B2c3D4e5" * 4, "GitHub token"),
        ("xoxb-123456789012-abcdefghijkl", "Slack token"),
        ("AIza" + "B" * 20 + "c1d2e3f4g5h6i7j", "Google API key"),
        (
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
            "JSON Web Token",
        ),
    ],
)
def test_secret_key_formats(token, display):
    result = scan(f"here is the key {token} ok")
    keys = [f for f in result.findings if f.type == "SECRET_KEY"]
    assert [f.display for f in keys] == [display]
    assert token not in result.redacted


def test_private_key_block_is_removed_whole():
    block = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc+/=\n-----END RSA PRIVATE KEY-----"
    result = scan(f"key:\n{block}\nthanks")
    assert result.redacted == "key:\n[removed: private key]\nthanks"


def test_high_entropy_token_after_a_cue_but_not_a_plain_word():
    assert found("api_key=Zx9vQ2LmN8pR4tY6uW1s", "SECRET_KEY") == ["Zx9vQ2LmN8pR4tY6uW1s"]
    assert found("the token is aaaaaaaaaaaaaaaaaaaa", "SECRET_KEY") == []
    assert found("secret key: https://example.com/docs/keys", "SECRET_KEY") == []


def test_email_is_found_masked_and_kept():
    result = scan("write to jane.doe+shop@mail.example.co.uk please")
    assert [(f.type, f.action, f.display) for f in result.findings] == [
        ("EMAIL", "keep", "j***@mail.example.co.uk")
    ]
    assert result.redacted == "write to jane.doe+shop@mail.example.co.uk please"
