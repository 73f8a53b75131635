"""Real mail from ../shared/data: parsing never crashes, fields are right, and the DMARC
samples authenticate as SpamAssassin's test zones intend (served by our local DNS server)."""

from __future__ import annotations

from pathlib import Path

import pytest

from trustdesk.mail import (
    DkimResult,
    DmarcPolicy,
    DmarcResult,
    authenticate,
    is_spoofing_own_domain,
    parse_message,
)

pytestmark = pytest.mark.shared_data


def sample_files(root: Path) -> list[Path]:
    folders = [
        root / "spamassassin_tests" / "nice",
        root / "spamassassin_tests" / "spam",
        root / "phishing_pot",
        root / "easy_ham",
    ]
    return sorted(p for folder in folders for p in folder.rglob("*") if p.is_file() and p.suffix != ".md")


def test_every_sample_parses(shared_data):
    files = sample_files(shared_data)
    assert len(files) > 500
    with_sender = 0
    for path in files:
        m = parse_message(path.read_bytes())
        assert isinstance(m.text, str), path
        assert "\x00" not in m.subject, path
        assert all(a.size >= 0 and (a.content is None or len(a.content) == a.size) for a in m.attachments), (
            path
        )
        with_sender += m.from_ is not None
    assert with_sender >= len(files) - 5  # nearly every sample has a readable From


def load(shared_data: Path, rel: str):
    return parse_message((shared_data / rel).read_bytes())


def test_dmarc_sample_fields(shared_data):
    m = load(shared_data, "spamassassin_tests/nice/dmarc/strictrejectok.eml")
    assert m.from_ is not None
    assert (m.from_.display_name, m.from_.address) == ("SpamAssassin Test", "test@dmarc4.spamassassin.org")
    assert m.return_path == "test@dmarc4.spamassassin.org"
    assert m.subject == "test message 1"
    assert m.message_id == "<4A294538.10002@dmarc4.spamassassin.org>"
    assert m.received[0].from_ip == "64.142.3.173"
    assert m.date is not None and m.date.year == 2021
    assert m.text == "test message"
    assert m.header("DKIM-Signature") is not None


def test_dkim_sample_keeps_received_chain_in_order(shared_data):
    m = load(shared_data, "spamassassin_tests/nice/dkim/MultipleReceived_08")
    assert m.from_ is not None and m.from_.address == "mickey@dkim.org"
    assert m.subject == "GM - Very Promising Beginning"
    assert [h.from_ip for h in m.received] == ["171.71.176.72", "171.71.177.238", "172.23.250.157"]
    assert m.text.startswith("Team\n\nI think this is good news.")


def test_utf16_sample_with_broken_boundary_is_repaired(shared_data):
    m = load(shared_data, "spamassassin_tests/spam/utf16.eml")
    assert m.subject == "Design and manufacturing"  # an RFC 2047 word in UTF-16
    assert m.text.startswith("Dear potencial partner,")
    assert [a.address for a in m.reply_to] == ["info@example.net"]


def test_cjk_samples_decode(shared_data):
    gb = load(shared_data, "spamassassin_tests/nice/cjk/gb2312.1")
    assert "台湾鑫龙商贸集团公司向您拜年" in gb.subject  # raw 8-bit GB2312 header
    assert "台湾鑫龙商贸集团公司" in gb.text
    big5 = load(shared_data, "spamassassin_tests/nice/cjk/big5-base64.1")
    assert big5.subject.startswith("[SLAT-talk] 鉅靡6月17日新片又到")
    assert big5.text_source == "html" and "永久網址" in big5.text


def test_phishing_sample_fields(shared_data):
    m = load(shared_data, "phishing_pot/sample-104.eml")
    assert m.from_ is not None and m.from_.address == "fkcra@hotprodhau.com"
    assert m.from_.display_name == "Dewalt EXTREME Drill Rewards"
    assert [a.address for a in m.reply_to] == ["newsletter@hotprodhau.com"]
    assert m.return_path == "indsl@gyqqo.com"  # envelope domain differs from From: a classic sign
    assert m.text_source == "html"
    assert "Dewalt EXTREME Drill" in m.text
    assert any(link.url.startswith("https://t.co/") for link in m.links)


def test_easy_ham_sample_fields(shared_data):
    m = load(shared_data, "easy_ham/00024.066b89ecd18c7688e91833f97cf415ca.eml")
    assert m.from_ is not None and str(m.from_) == "Ivan Kelly <ivan@ivankelly.net>"
    assert m.subject == "Re: [ILUG] dial-on-demand"
    assert m.in_reply_to == "<3680.64.110.46.132.1029912731.squirrel@mpsc.ph>"
    assert m.references == ("<3680.64.110.46.132.1029912731.squirrel@mpsc.ph>",)
    assert [link.url for link in m.links] == ["http://www.linux.ie/mailman/listinfo/ilug"]


def test_html_in_text_part_is_not_rendered_but_links_found(shared_data):
    m = load(shared_data, "spamassassin_tests/spam/phishing_openphish.eml")
    assert [link.url for link in m.links] == ["https://ehawkerbd.com/wp/wp-admin/js/office365/auth.php"]


# SpamAssassin's DMARC test domains, re-created on the local server: dmarc1 p=none,
# dmarc2 p=quarantine, dmarc3 p=reject, dmarc4 p=reject with strict alignment; each allows
# only the test relay 64.142.3.173 in SPF. Their DKIM keys are not available: DKIM can only
# come out "no key" (permerror), never pass.
SA_POLICIES = {
    "dmarc1": "v=DMARC1; p=none",
    "dmarc2": "v=DMARC1; p=quarantine",
    "dmarc3": "v=DMARC1; p=reject",
    "dmarc4": "v=DMARC1; p=reject; adkim=s; aspf=s",
}


@pytest.fixture
def sa_zone(dns):
    for name, policy in SA_POLICIES.items():
        dns.add(f"{name}.spamassassin.org", "TXT", "v=spf1 ip4:64.142.3.173 -all")
        dns.add(f"_dmarc.{name}.spamassassin.org", "TXT", policy)
    return dns


def auth_sample(shared_data, resolver, rel):
    parsed = load(shared_data, rel)
    hop = parsed.received[0]
    assert hop.from_ip and hop.from_host and parsed.return_path
    return authenticate(parsed, hop.from_ip, hop.from_host, parsed.return_path, resolver)


@pytest.mark.parametrize("name", ["noneok", "quarok", "rejectok", "strictrejectok"])
def test_sa_dmarc_nice_samples_pass(shared_data, sa_zone, resolver, name):
    results = auth_sample(shared_data, resolver, f"spamassassin_tests/nice/dmarc/{name}.eml")
    assert results.spf.result.value == "pass"
    assert results.dmarc.result is DmarcResult.PASS
    assert all(sig.result is not DkimResult.PASS for sig in results.dkim)
    assert not is_spoofing_own_domain(results, [results.from_domain])


@pytest.mark.parametrize(
    ("name", "policy"),
    [
        ("noneko", DmarcPolicy.NONE),
        ("quarko", DmarcPolicy.QUARANTINE),
        ("rejectko", DmarcPolicy.REJECT),
        ("strictrejectko", DmarcPolicy.REJECT),
    ],
)
def test_sa_dmarc_spam_samples_fail_with_policy(shared_data, sa_zone, resolver, name, policy):
    results = auth_sample(shared_data, resolver, f"spamassassin_tests/spam/dmarc/{name}.eml")
    assert results.spf.result.value == "fail"
    assert results.dmarc.result is DmarcResult.FAIL
    assert results.dmarc.policy is policy
    assert is_spoofing_own_domain(results, ["spamassassin.org"])


def test_sa_sample_without_dmarc_record(shared_data, sa_zone, resolver):
    results = auth_sample(shared_data, resolver, "spamassassin_tests/spam/dmarc/nodmarc.eml")
    assert results.dmarc.result is DmarcResult.NONE


def test_dkim_samples_never_pass_without_their_keys(shared_data, resolver):
    for path in sorted((shared_data / "spamassassin_tests" / "nice" / "dkim").iterdir()):
        if path.name == "MultipleAuthRes_10":
            continue
        results = authenticate(path.read_bytes(), "192.0.2.1", "x", "", resolver)
        assert results.dkim, path
        assert all(sig.result in (DkimResult.PERMERROR, DkimResult.FAIL) for sig in results.dkim), path


def test_forged_authentication_results_headers_are_ignored(shared_data, resolver):
    # the sample carries two "dkim=pass" Authentication-Results headers but no signature
    raw = (shared_data / "spamassassin_tests/nice/dkim/MultipleAuthRes_10").read_bytes()
    assert raw.count(b"dkim=pass") == 2
    results = authenticate(raw, "192.0.2.1", "x", "", resolver)
    assert results.dkim_result is DkimResult.NONE
    assert results.dmarc.result is not DmarcResult.PASS
