"""A mail that passes SPF, DKIM and DMARC for its own look-alike domain is still judged phishing: the
receiver's verdict is computed here by `trustdesk.mail.authenticate` against a real DNS server on
127.0.0.1, and the judge reads it from the Authentication-Results header it trusts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from support.dns_server import DnsTestServer
from trustdesk.mail import DkimKeyPair, Resolver, authenticate, generate_dkim_keypair, sign_message
from trustdesk.reports import analyze, registry_check
from trustdesk.reports.brand_claims import brand_claim
from trustdesk.reports.evidence import TrustPolicy
from trustdesk.reports.lookalikes import brand_claim_imitation, default_brand_labels, imitation_checks
from trustdesk.reports.model import Verdict
from trustdesk.reports.reason_words import reason_words
from trustdesk.verify import ChannelKind, Registry, make_channel

RECEIVER = "mx.desk.example"
TRUST = TrustPolicy.of([RECEIVER])
SENDER_IP = "192.0.2.77"


@pytest.fixture
def dns() -> Iterator[DnsTestServer]:
    server = DnsTestServer().start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def resolver(dns: DnsTestServer) -> Resolver:
    return Resolver(["127.0.0.1"], port=dns.port, timeout=0.3, lifetime=0.6)


@pytest.fixture(scope="module")
def key() -> DkimKeyPair:
    return generate_dkim_keypair(1024)


def publish(dns: DnsTestServer, key: DkimKeyPair, domain: str) -> None:
    """The domain's owner (here: the impersonator) publishes SPF, DKIM and a strict DMARC policy."""
    record = key.dns_record("s1", domain)
    dns.update(
        {
            domain: {"TXT": [f"v=spf1 ip4:{SENDER_IP} -all"]},
            f"_dmarc.{domain}": {"TXT": ["v=DMARC1; p=reject"]},
            record.name: {"TXT": [record.value]},
        }
    )


def received(
    resolver: Resolver, key: DkimKeyPair, domain: str, display: str, subject: str, body: str
) -> bytes:
    """The mail signed by `domain`, as the desk's receiver stores it: its verdict on top."""
    raw = (
        f"From: {display} <service@{domain}>\r\nTo: jane@example.org\r\nSubject: {subject}\r\n"
        f"Date: Mon, 07 Dec 2026 10:00:00 +0000\r\nMessage-ID: <1@{domain}>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        f"{body}\r\n"
    ).encode()
    signed = sign_message(raw, "s1", domain, key.private_key_pem)
    results = authenticate(signed, SENDER_IP, f"mail.{domain}", f"bounce@{domain}", resolver)
    assert results.summary() == {"spf": "pass", "dkim": "pass", "dmarc": "pass"}
    header = results.authentication_results_header(RECEIVER)
    return f"Authentication-Results: {header}\r\n".encode() + signed


def codes(analysis) -> set[str]:  # type: ignore[no-untyped-def]
    return {r.code for r in analysis.reasons}


def test_an_authenticated_lookalike_of_a_default_brand_is_phishing(dns, resolver, key) -> None:  # type: ignore[no-untyped-def]
    publish(dns, key, "paypa1-support.com")
    mail = received(
        resolver,
        key,
        "paypa1-support.com",
        "Service",
        "Action required on your account",
        "We noticed unusual activity. Review your recent payments at https://paypa1-support.com/review",
    )
    result = analyze(mail, trust=TRUST)
    assert "authenticated_sender" in codes(result)  # the receiver did confirm the (look-alike) domain
    assert "lookalike_domain" in codes(result)
    assert result.verdict is Verdict.PHISHING
    text = next(r.text for r in result.reasons if r.code == "lookalike_domain")
    assert "paypa1-support.com" in text and "PayPal" in text and "'1' looks like 'l'" in text


def test_a_lookalike_of_any_registered_retailer_is_phishing_even_for_another_tenant(
    dns, resolver, key
) -> None:  # type: ignore[no-untyped-def]
    registry = Registry(
        [
            make_channel("linde", "Drogisterij Linde", ChannelKind.DOMAIN, "drogisterijlinde.nl"),
            make_channel("colombe", "Papeterie Colombe", ChannelKind.DOMAIN, "papeteriecolombe.fr"),
        ]
    )
    publish(dns, key, "drogisterij1inde.nl")
    mail = received(
        resolver,
        key,
        "drogisterij1inde.nl",
        "Drogisterij",
        "Uw bestelling is vertraagd",
        "Bevestig uw adres via https://drogisterij1inde.nl/adres om de levering te hervatten.",
    )
    # A brand the judge does not know by default: without the registry the vouch decides.
    assert analyze(mail, trust=TRUST).verdict is Verdict.BENIGN
    # Reported to another retailer's desk: the look-alike of any tenant counts.
    result = analyze(
        mail,
        check=registry_check(registry, "colombe"),
        brand_names=["Papeterie Colombe"],
        trust=TRUST,
        imitations=imitation_checks(registry),
    )
    assert "lookalike_domain" in codes(result)
    assert result.verdict is Verdict.PHISHING
    assert "Drogisterij Linde" in next(r.text for r in result.reasons if r.code == "lookalike_domain")


def test_the_retailers_own_authenticated_mail_stays_benign(dns, resolver, key) -> None:  # type: ignore[no-untyped-def]
    registry = Registry(
        [make_channel("linde", "Drogisterij Linde", ChannelKind.DOMAIN, "drogisterijlinde.nl")]
    )
    publish(dns, key, "drogisterijlinde.nl")
    mail = received(
        resolver,
        key,
        "drogisterijlinde.nl",
        "Drogisterij Linde",
        "Uw bestelling 1042 is verzonden",
        "Volg uw pakket op https://drogisterijlinde.nl/bestelling/1042",
    )
    result = analyze(mail, trust=TRUST, imitations=imitation_checks(registry))
    assert "lookalike_domain" not in codes(result)
    assert result.verdict is Verdict.BENIGN


def test_a_link_to_a_lookalike_counts_too() -> None:
    text = "From: a@example.org\nSubject: hi\n\nSign in at https://rnicrosoft-login.com/owa to keep your mailbox."
    result = analyze(text.encode())
    reason = next(r for r in result.reasons if r.code == "lookalike_domain")
    assert "rnicrosoft-login.com" in reason.text and "Microsoft" in reason.text


@pytest.mark.parametrize(
    "domain",
    [
        "adore.com",
        "chose.com",
        "looking.com",
        "telecom.de",
        "paypal.com",
        "paypal-community.com",
        "python.org",
        "correos.es",  # Correos' own name, one letter from Correios'
        "correios.com.br",
    ],
)
def test_words_and_the_brands_own_names_are_not_lookalikes(domain: str) -> None:
    assert default_brand_labels().imitation(domain) is None


@pytest.mark.parametrize(
    "domain", ["amaz0n.de", "xn--mazon-3ve.com", "micros0ft-billing.net", "wellsfarg0.com", "micosoft.com"]
)
def test_disguised_spellings_of_default_brands_are_lookalikes(domain: str) -> None:
    assert default_brand_labels().imitation(domain) is not None


def test_the_reason_is_in_the_customers_language() -> None:
    text = "It is sent from “paypa1-support.com”, a look-alike of PayPal ('1' looks like 'l')."
    german = reason_words("lookalike_domain", text, "de")
    assert german.startswith("Es stammt von einer Domain") and "“paypa1-support.com”" in german
    assert reason_words("lookalike_domain", text, "fr").startswith("Il provient d'un domaine")


def test_an_authenticated_domain_naming_a_brand_beside_lure_words_is_phishing(dns, resolver, key) -> None:  # type: ignore[no-untyped-def]
    publish(dns, key, "mbank-blokada.net")
    mail = received(
        resolver,
        key,
        "mbank-blokada.net",
        "mBank",
        "Twoje konto zostało zablokowane",
        "Wykryliśmy nietypowe logowanie. Odblokuj dostęp: https://mbank-blokada.net/odblokuj",
    )
    # Without the brand-name check the receiver's pass would vouch for it (the judge of 2ad0261).
    assert "authenticated_sender" in codes(
        analyze(mail, trust=TRUST, imitations=(default_brand_labels().imitation,))
    )
    result = analyze(mail, trust=TRUST)
    assert "lookalike_domain" in codes(result)
    assert result.verdict is Verdict.PHISHING
    text = next(r.text for r in result.reasons if r.code == "lookalike_domain")
    assert "mbank-blokada.net" in text and "mBank" in text and "“blokada”" in text and "mbank.pl" in text


@pytest.mark.parametrize(
    ("domain", "brand"),
    [
        ("seur-entrega-pendiente.info", "SEUR"),
        ("dhl-pakket-status.top", "DHL"),
        ("correios-objeto-taxado.com.br", "Correios"),
        ("amazon-rimborso-clienti.shop", "Amazon"),
        ("sparkasse-sicherheit-pruefung.de", "Sparkasse"),
        ("colissimo-frais-douane.fr", "Colissimo"),
        ("postnl-bezorging.nl", "PostNL"),
        ("inpost-doplata.pl", "InPost"),
        ("secure.paypal-verification.com", "PayPal"),
    ],
)
def test_brand_names_beside_lure_words_are_claims(domain: str, brand: str) -> None:
    found = brand_claim(domain)
    assert found is not None and found.brand == brand
    assert brand_claim_imitation(domain) is not None


@pytest.mark.parametrize(
    "domain",
    [
        "mbank.pl",  # the brand's own domain
        "login.mbank.pl",  # and its subdomains
        "dhl-express.com",  # a brand's name with a word that is no lure: brands register such names
        "paypal-community.com",
        "konto-sicherheit-check.com",  # lure words without a brand (judged by the other signals)
        "dhl-ups-tracking.de",  # two brands: a comparison or a partnership, not one brand's lure
        "ingenieur-konto.de",  # "ing" only as a whole part
        "mbankblokada.net",  # glued: not read (a part boundary is what makes the claim unambiguous)
        "xn--mbank-blokada-abc.net",
    ],
)
def test_no_claim_without_exactly_one_brand_and_a_lure_word(domain: str) -> None:
    assert brand_claim(domain) is None


def test_a_domain_the_registry_knows_as_a_retailers_own_is_never_a_claim(dns, resolver, key) -> None:  # type: ignore[no-untyped-def]
    registry = Registry(
        [make_channel("kurier", "Kurier Ekspres", ChannelKind.DOMAIN, "dhl-paczka-kurier.pl")]
    )
    publish(dns, key, "dhl-paczka-kurier.pl")
    mail = received(
        resolver,
        key,
        "dhl-paczka-kurier.pl",
        "Kurier Ekspres",
        "Twoja paczka jest w drodze",
        "Śledź przesyłkę na https://dhl-paczka-kurier.pl/sledzenie/1042",
    )
    assert "lookalike_domain" in codes(analyze(mail, trust=TRUST))
    result = analyze(mail, trust=TRUST, imitations=imitation_checks(registry))
    assert "lookalike_domain" not in codes(result)
    assert result.verdict is Verdict.BENIGN
