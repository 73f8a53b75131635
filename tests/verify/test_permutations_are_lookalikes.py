"""Every dnstwist fuzzer class, generated for the demo domains, must come back `lookalike`."""

from __future__ import annotations

import pytest

from trustdesk.verify import Registry, Verdict, parse_host
from trustdesk.verify.fuzz import FUZZERS, generate_permutations

DEMO_DOMAINS = ("acmeoutfitters.com", "acme-outfitters.co.uk", "acmeoutfitters.help")


def _registrable(domain: str) -> bool:
    return bool(parse_host(domain).registrable)


def _assert_all_lookalike(registry: Registry, permutations, expected_tenant: str = "acme") -> None:
    missed = []
    for permutation in permutations:
        if not _registrable(permutation.domain):
            continue  # e.g. ".za" alone: nobody can register it
        result = registry.check(permutation.domain)
        if result.verdict is Verdict.OFFICIAL:
            continue  # a permutation that happens to be another official domain
        if (
            result.verdict is not Verdict.LOOKALIKE
            or result.imitates is None
            or result.imitates.tenant != expected_tenant
        ):
            missed.append((permutation.fuzzer, permutation.domain, result.verdict.value))
    assert not missed, missed[:20]


@pytest.mark.parametrize("fuzzer", FUZZERS)
@pytest.mark.parametrize("domain", DEMO_DOMAINS)
def test_every_fuzzer_class_is_caught(demo_registry: Registry, fuzzer: str, domain: str) -> None:
    permutations = generate_permutations(domain, [fuzzer])
    assert permutations, f"{fuzzer} generated nothing for {domain}"
    _assert_all_lookalike(demo_registry, permutations)


@pytest.mark.shared_data
def test_dnstwist_dictionaries_and_tlds(demo_registry: Registry, dnstwist_words, dnstwist_tlds) -> None:
    for domain in DEMO_DOMAINS:
        permutations = generate_permutations(
            domain, ["dictionary", "tld-swap"], words=dnstwist_words, tlds=dnstwist_tlds
        )
        assert len(permutations) > 200
        _assert_all_lookalike(demo_registry, permutations)


@pytest.mark.parametrize(
    ("domain", "code", "detail_part"),
    [
        ("acrneoutfitters.com", "homoglyph", "'rn' looks like 'm'"),
        ("acme0utfitters.com", "homoglyph", "'0' looks like 'o'"),
        ("xn--cmeoutfitters-v1k.com", "homoglyph", "CYRILLIC SMALL LETTER A"),
        ("acmeoutfitters.co", "tld-swap", ".com -> .co"),
        ("acmeuotfitters.com", "transposition", "'ou' swapped to 'uo'"),
        ("acmeoutfiters.com", "omission", "'t' left out"),
        ("acmeoutfittters.com", "repetition", "'t' doubled"),
        ("acmeautfitters.com", "vowel-swap", "vowel 'o' replaced by 'a'"),
        ("acmeout-fitters.com", "hyphenation", "hyphen added"),
        ("acme-outfitters.com", "tld-swap", ".co.uk -> .com"),
        ("acmeoutfitters-support.com", "dictionary", "'support'"),
        ("secure-login-acmeoutfitters.net", "dictionary", "'secure'"),
        ("acmeoutfitters.com.help-desk.io", "brand-in-subdomain", "help-desk.io"),
        ("acme.outfitters.com", "subdomain", "acme.outfitters"),
        ("acmeoutfitters.github.io", "shared-hosting", "github.io"),
        ("acmeoutfitterx.com", "replacement", "neighbouring key"),
        ("acmeoutfitterc.com", "bitsquatting", "one bit flipped"),
        ("acmeoutfitters1.com", "addition", "'1' added at the end"),
    ],
)
def test_reasons_name_the_technique(
    demo_registry: Registry, domain: str, code: str, detail_part: str
) -> None:
    result = demo_registry.check(domain)
    assert result.verdict is Verdict.LOOKALIKE
    assert result.imitates is not None and result.imitates.tenant == "acme"
    matching = [reason for reason in result.reasons if reason.code == code]
    assert matching, result.reasons
    assert any(detail_part in reason.detail for reason in matching), matching


@pytest.mark.parametrize(
    "url",
    [
        "https://help-desk.io/acmeoutfitters",
        "https://help-desk.io/acmeoutfitters.com/login",
        "https://acmeoutfitters.com@evil-host.io/login",
        "hxxps://acmeoutfitters-refund[.]com/claim",
        "https://acmeoutfitters.com.account-verify.xyz/",
    ],
)
def test_url_tricks_are_lookalikes(demo_registry: Registry, url: str) -> None:
    result = demo_registry.check(url)
    assert result.verdict is Verdict.LOOKALIKE, result.reasons
    assert result.imitates is not None and result.imitates.tenant == "acme"


def test_credentials_trick_names_the_real_host(demo_registry: Registry) -> None:
    result = demo_registry.check("https://acmeoutfitters.com@evil-host.io/login")
    detail = next(r.detail for r in result.reasons if r.code == "url-credentials")
    assert "evil-host.io" in detail
