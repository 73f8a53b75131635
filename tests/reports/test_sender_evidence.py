"""Evidence before wording: Authentication-Results parsing, whose headers are trusted, DMARC-style
alignment, the vouch of an aligned sender and the brand it may borrow."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from trustdesk.cli.reports import app
from trustdesk.reports import analyze
from trustdesk.reports.authresults import parse_authentication_results
from trustdesk.reports.evidence import TrustPolicy, authenticated_domain, receiver_auth
from trustdesk.reports.model import Verdict

from .mailbuild import mail, raw

RECEIVER = "mx.desk.test"
TRUST = TrustPolicy.of([RECEIVER])
PASS = f"{RECEIVER}; spf=pass smtp.mailfrom=bounce@mail.harbourshop.co.uk; dkim=pass header.d=harbourshop.co.uk; dmarc=pass header.from=harbourshop.co.uk"
DUNNING = (
    "Hi Emily, we couldn't process the payment for your membership: your card may have expired. "
    "To keep your account active, please update your payment method within 7 days, or your account "
    "will be suspended: https://www.harbourshop.co.uk/account/billing"
)
DUNNING_HTML = (
    '<p><img src="https://cdn.harbourshop.co.uk/logo.png">Hi Emily, we couldn\'t process the payment for your '
    "membership: your card may have expired. To keep your account active, please update your payment "
    'method within 7 days, or your account will be suspended: <a href="https://www.harbourshop.co.uk/account/billing">'
    "update payment method</a></p>"
)


def _dunning(headers: dict[str, str], sender: str = '"Shop" <billing@harbourshop.co.uk>') -> bytes:
    return raw(
        mail(
            DUNNING,
            sender=sender,
            subject="Action needed: update your payment method",
            html=DUNNING_HTML,
            headers={"Reply-To": "service@harbourshop.co.uk", **headers},
        )
    )


def test_parser_reads_methods_properties_and_comments() -> None:
    header = parse_authentication_results(
        "mx.google.com; dkim=pass (good (nested) sig) header.i=@HarbourShop.co.uk header.s=s1; "
        "spf=pass (google.com: domain of x designates 1.2.3.4) smtp.mailfrom=b@mail.harbourshop.co.uk;"
        'dmarc=pass (p=REJECT) header.from=harbourshop.co.uk; auth=pass smtp.auth="a;b"'
    )
    assert header is not None and header.authserv_id == "mx.google.com"
    assert [r.method for r in header.results] == ["dkim", "spf", "dmarc", "auth"]
    assert header.of("dkim")[0].get("header.i") == "@harbourshop.co.uk"
    assert header.of("auth")[0].get("smtp.auth") == "a;b"


def test_parser_accepts_a_header_without_authserv_id_and_rejects_noise() -> None:
    header = parse_authentication_results("spf=fail smtp.mailfrom=x.test;dmarc=none header.from=x.test")
    assert header is not None and header.authserv_id == "" and header.of("spf")[0].result == "fail"
    assert parse_authentication_results("") is None
    arc = parse_authentication_results("i=2; mx.desk.test; dkim=pass header.d=a.test", arc=True)
    assert arc is not None and arc.instance == 2 and arc.authserv_id == "mx.desk.test"


def test_only_the_topmost_header_of_a_trusted_receiver_counts() -> None:
    forged = (
        "Authentication-Results",
        f"{RECEIVER}; dkim=pass header.d=bank-alerts.com; dmarc=pass header.from=bank-alerts.com",
    )
    real = ("Authentication-Results", f"{RECEIVER}; dkim=none; dmarc=fail header.from=bank-alerts.com")
    auth = receiver_auth([real, forged], TRUST)
    assert auth is not None and auth.dmarc == "fail"
    assert authenticated_domain(auth, "alerts@bank-alerts.com") == ""
    # A header of a receiver the desk does not trust is only a claim.
    assert (
        receiver_auth([("Authentication-Results", forged[1].replace(RECEIVER, "mx.other.test"))], TRUST)
        is None
    )


def test_alignment_is_at_the_organisational_domain_and_dmarc_must_pass() -> None:
    def domain(value: str, sender: str) -> str:
        return authenticated_domain(receiver_auth([("Authentication-Results", value)], TRUST), sender)

    assert domain(f"{RECEIVER}; dkim=pass header.d=mail.shop.co.uk", "news@shop.co.uk") == "shop.co.uk"
    assert domain(f"{RECEIVER}; dkim=pass header.d=other.co.uk", "news@shop.co.uk") == ""
    # dmarc=none (no policy published) never vouches, whatever DKIM says.
    assert domain(f"{RECEIVER}; dkim=pass header.d=shop.co.uk; dmarc=none", "news@shop.co.uk") == ""


def test_a_genuine_dunning_mail_is_benign_and_says_why() -> None:
    result = analyze(_dunning({"Authentication-Results": PASS}), trust=TRUST)
    assert result.verdict is Verdict.BENIGN, result.reasons
    codes = [r.code for r in result.reasons]
    assert "authenticated_sender" in codes and "aligned_content" in codes
    text = " ".join(r.text for r in result.reasons)
    assert "harbourshop.co.uk" in text and RECEIVER in text


def test_without_trusted_evidence_the_same_mail_is_judged_on_its_words() -> None:
    untrusted = analyze(_dunning({"Authentication-Results": PASS}))
    trusted = analyze(_dunning({"Authentication-Results": PASS}), trust=TRUST)
    assert untrusted.score > trusted.score
    assert not any(r.code == "authenticated_sender" for r in untrusted.reasons)


def test_a_borrowed_brand_cancels_the_vouch() -> None:
    header = PASS.replace("harbourshop.co.uk", "pp-billing.com")
    message = _dunning(
        {"Authentication-Results": header}, sender='"PayPal" <billing@pp-billing.com>'
    ).replace(b"harbourshop.co.uk", b"pp-billing.com")
    result = analyze(message, trust=TRUST)
    assert "brand_not_sender" in [r.code for r in result.reasons]
    assert result.verdict is not Verdict.BENIGN


def test_a_forwarded_mails_inner_headers_are_claims() -> None:
    inner = mail(
        DUNNING, sender='"Shop" <billing@harbourshop.co.uk>', headers={"Authentication-Results": PASS}
    )
    outer = mail("Is this real?", sender="customer@example.org", subject="Fwd: payment")
    outer.add_attachment(inner)
    result = analyze(raw(outer), trust=TRUST)
    assert not any(r.code in ("authenticated_sender", "aligned_content") for r in result.reasons)


def test_batch_prints_one_json_line_per_file(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(_dunning({"Authentication-Results": PASS}))
    (tmp_path / "b.txt").write_text("Lunch at noon?", encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result = CliRunner().invoke(app, ["analyze", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [Path(line["file"]).name for line in lines] == ["a.eml", "b.txt", "empty.txt"]
    assert set(lines[1]) == {"file", "score", "verdict", "reasons", "indicators"}
    assert "error" in lines[2]
    two = CliRunner().invoke(app, ["analyze", str(tmp_path / "a.eml"), str(tmp_path / "b.txt")])
    assert len(two.stdout.splitlines()) == 2


def test_a_trusted_id_below_an_untrusted_receiver_is_a_forgery() -> None:
    untrusted = (
        "Authentication-Results",
        "mx.elsewhere.test; dkim=none; dmarc=fail header.from=bank-alerts.com",
    )
    forged = (
        "Authentication-Results",
        f"{RECEIVER}; dkim=pass header.d=bank-alerts.com; dmarc=pass header.from=bank-alerts.com",
    )
    assert receiver_auth([untrusted, forged], TRUST) is None
    # A relay the desk trusts may sit below the desk's own intake: its verdict on the sender counts.
    relay = TrustPolicy.of([RECEIVER, "mx.shop-intake.test"])
    desk_header = (
        "Authentication-Results",
        f"{RECEIVER}; spf=pass smtp.mailfrom=relay@shop-intake.test; dmarc=none",
    )
    shop_header = (
        "Authentication-Results",
        "mx.shop-intake.test; dkim=pass header.d=bank-alerts.com; dmarc=pass header.from=bank-alerts.com",
    )
    auth = receiver_auth([desk_header, shop_header], relay)
    assert auth is not None and authenticated_domain(auth, "alerts@bank-alerts.com") == "bank-alerts.com"


def test_an_arc_verdict_counts_only_when_the_receiver_validated_the_chain() -> None:
    arc = (
        "ARC-Authentication-Results",
        f"i=1; {RECEIVER}; dkim=pass header.d=harbourshop.co.uk; dmarc=pass header.from=harbourshop.co.uk",
    )
    broken = (
        "Authentication-Results",
        f"{RECEIVER}; dkim=fail header.d=harbourshop.co.uk; dmarc=fail header.from=harbourshop.co.uk; arc=fail",
    )
    valid = ("Authentication-Results", broken[1].replace("; arc=fail", "; arc=pass"))
    assert authenticated_domain(receiver_auth([broken, arc], TRUST), "news@harbourshop.co.uk") == ""
    forwarded = receiver_auth([valid, arc], TRUST)
    assert forwarded is not None and forwarded.via_arc
    assert authenticated_domain(forwarded, "news@harbourshop.co.uk") == "harbourshop.co.uk"
