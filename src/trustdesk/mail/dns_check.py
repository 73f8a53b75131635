"""`trustdesk mail check-dns`: are a retailer's SPF, DKIM and DMARC records published and aligned?"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from trustdesk.mail.dkim_auth import dkim_dns_record, public_key_b64
from trustdesk.mail.dmarc import (
    DmarcPolicy,
    domains_aligned,
    is_dmarc_record,
    organizational_domain,
    parse_dmarc_record,
)
from trustdesk.mail.resolver import Resolver
from trustdesk.mail.spf import SpfResult, check_spf, is_spf_record, parse_spf_record


class CheckStatus(StrEnum):
    """State of one published record."""

    OK = "ok"
    WARNING = "warning"  # published and usable, but weaker than it should be
    MISSING = "missing"
    INVALID = "invalid"
    MISMATCH = "mismatch"  # DKIM: a different key is published
    TEMPERROR = "temperror"  # DNS did not answer; try again


@dataclass(frozen=True)
class RecordCheck:
    """The verdict on one record, with the text found and plain-language findings."""

    status: CheckStatus
    name: str
    record: str | None
    findings: tuple[str, ...]


@dataclass(frozen=True)
class DnsCheck:
    """Everything `check-dns` reports for one sending domain."""

    domain: str
    selector: str
    spf: RecordCheck
    dkim: RecordCheck
    dmarc: RecordCheck
    expected_dkim_record: str
    findings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def ok(self) -> bool:
        """True when all three records are published, valid and aligned (warnings allowed)."""
        good = (CheckStatus.OK, CheckStatus.WARNING)
        return self.spf.status in good and self.dkim.status in good and self.dmarc.status in good

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form for the CLI's --json output."""

        def one(check: RecordCheck) -> dict[str, object]:
            return {
                "status": check.status.value,
                "name": check.name,
                "record": check.record,
                "findings": list(check.findings),
            }

        return {
            "domain": self.domain,
            "selector": self.selector,
            "ok": self.ok,
            "spf": one(self.spf),
            "dkim": one(self.dkim),
            "dmarc": one(self.dmarc),
            "expected_dkim_record": self.expected_dkim_record,
            "findings": list(self.findings),
        }


def _count_lookups(domain: str, resolver: Resolver, seen: set[str], depth: int = 0) -> int:
    """DNS-querying terms reachable from a domain's SPF record (includes and redirects followed)."""
    if depth > 12 or domain in seen:
        return 0
    seen.add(domain)
    answer = resolver.txt(domain)
    records = [r for r in answer.records if is_spf_record(r)]
    if len(records) != 1:
        return 0
    try:
        record = parse_spf_record(records[0])
    except ValueError:
        return 0
    total = record.dns_mechanism_count
    for directive in record.directives:
        if directive.mechanism == "include" and directive.argument and "%" not in directive.argument:
            total += _count_lookups(directive.argument.lower(), resolver, seen, depth + 1)
    if record.redirect and "%" not in record.redirect:
        total += _count_lookups(record.redirect.lower(), resolver, seen, depth + 1)
    return total


def _check_spf(domain: str, resolver: Resolver, sending_ips: Sequence[str]) -> RecordCheck:
    answer = resolver.txt(domain)
    if answer.status.temporary:
        return RecordCheck(
            CheckStatus.TEMPERROR, domain, None, (f"DNS {answer.status.value} reading {domain}; try again",)
        )
    records = [r for r in answer.records if is_spf_record(r)]
    if not records:
        return RecordCheck(
            CheckStatus.MISSING,
            domain,
            None,
            (
                f'{domain} publishes no SPF record: add a TXT record like "v=spf1 include:<your mail provider> -all"',
            ),
        )
    if len(records) > 1:
        return RecordCheck(
            CheckStatus.INVALID,
            domain,
            " | ".join(records),
            (f"{domain} publishes {len(records)} SPF records; merge them into one",),
        )
    text = records[0]
    try:
        record = parse_spf_record(text)
    except ValueError as exc:
        return RecordCheck(CheckStatus.INVALID, domain, text, (f"the SPF record has a syntax error: {exc}",))
    findings: list[str] = []
    status = CheckStatus.OK
    final_all = next((d for d in reversed(record.directives) if d.mechanism == "all"), None)
    if final_all is None and record.redirect is None:
        status = CheckStatus.WARNING
        findings.append("the record has no final 'all' mechanism: mail from anywhere else is only 'neutral'")
    elif final_all is not None and final_all.qualifier is SpfResult.PASS:
        status = CheckStatus.INVALID
        findings.append("'+all' lets anyone on the internet send as this domain; use '-all' or '~all'")
    elif final_all is not None and final_all.qualifier is SpfResult.NEUTRAL:
        status = CheckStatus.WARNING
        findings.append("'?all' gives no protection; use '-all' or '~all'")
    lookups = _count_lookups(domain, resolver, set())
    if lookups > 10:
        status = CheckStatus.INVALID
        findings.append(f"the record needs {lookups} DNS lookups; receivers stop at 10 (permerror)")
    else:
        findings.append(f"the record needs {lookups} of the 10 allowed DNS lookups")
    for ip in sending_ips:
        outcome = check_spf(ip, f"postmaster@{domain}", domain, resolver)
        if outcome.result is not SpfResult.PASS:
            status = (
                CheckStatus.INVALID if outcome.result is not SpfResult.TEMPERROR else CheckStatus.TEMPERROR
            )
            findings.append(f"our sending address {ip} gets SPF {outcome.result.value}: {outcome.reason}")
        else:
            findings.append(f"our sending address {ip} is authorised")
    if status is CheckStatus.OK:
        findings.insert(0, "SPF record published and valid")
    return RecordCheck(status, domain, text, tuple(findings))


def _check_dkim(domain: str, selector: str, expected_b64: str, resolver: Resolver) -> RecordCheck:
    name = f"{selector}._domainkey.{domain}"
    answer = resolver.txt(name)
    if answer.status.temporary:
        return RecordCheck(
            CheckStatus.TEMPERROR, name, None, (f"DNS {answer.status.value} reading {name}; try again",)
        )
    if not answer.records:
        return RecordCheck(CheckStatus.MISSING, name, None, (f"no DKIM key is published at {name}",))
    text = next((r for r in answer.records if "p=" in r.replace(" ", "")), answer.records[0])
    published = public_key_b64(text)
    if not published:
        return RecordCheck(
            CheckStatus.INVALID,
            name,
            text,
            (f"the record at {name} has no public key (p= is empty: revoked)",),
        )
    if published != expected_b64:
        return RecordCheck(
            CheckStatus.MISMATCH,
            name,
            text,
            (f"the key published at {name} is not the desk's signing key; mail signed by us will fail DKIM",),
        )
    findings = [f"the desk's DKIM key is published at {name}"]
    if "k=" in text.replace(" ", "") and "k=rsa" not in text.replace(" ", ""):
        return RecordCheck(
            CheckStatus.INVALID, name, text, ("the record declares a key type other than rsa",)
        )
    return RecordCheck(CheckStatus.OK, name, text, tuple(findings))


def _check_dmarc(domain: str, resolver: Resolver, mail_from_domain: str) -> RecordCheck:
    candidates = [domain]
    org = organizational_domain(domain)
    if org != domain:
        candidates.append(org)
    for candidate in candidates:
        name = f"_dmarc.{candidate}"
        answer = resolver.txt(name)
        if answer.status.temporary:
            return RecordCheck(
                CheckStatus.TEMPERROR, name, None, (f"DNS {answer.status.value} reading {name}; try again",)
            )
        texts = [r for r in answer.records if is_dmarc_record(r)]
        if len(texts) > 1:
            return RecordCheck(
                CheckStatus.INVALID, name, " | ".join(texts), (f"{name} publishes several DMARC records",)
            )
        if not texts:
            continue
        record = parse_dmarc_record(texts[0])
        if record is None:
            return RecordCheck(
                CheckStatus.INVALID, name, texts[0], ("the DMARC record has no valid p= policy",)
            )
        findings: list[str] = []
        status = CheckStatus.OK
        if candidate != domain:
            findings.append(f"{domain} is covered by the organisational domain's record {name}")
        policy = record.subdomain_policy if candidate != domain and record.subdomain_policy else record.policy
        if policy is DmarcPolicy.NONE:
            status = CheckStatus.WARNING
            findings.append(
                "p=none only monitors: forged mail is still delivered; move to quarantine or reject"
            )
        else:
            findings.append(f"policy {policy.value} protects customers from mail forging {domain}")
        if record.pct < 100:
            status = CheckStatus.WARNING
            findings.append(f"pct={record.pct}: the policy applies to only part of the forged mail")
        findings.extend(record.warnings)
        if not domains_aligned(mail_from_domain, domain, record.aspf):
            findings.append(
                f"SPF of the envelope domain {mail_from_domain} is not aligned with {domain} "
                f"({'strict' if record.aspf == 's' else 'relaxed'}); DMARC will rely on DKIM alone"
            )
        else:
            findings.append(f"SPF ({mail_from_domain}) and DKIM (d={domain}) are both aligned with {domain}")
        if not record.rua:
            findings.append("no rua= address: you will not receive aggregate reports")
        return RecordCheck(status, name, texts[0], tuple(findings))
    return RecordCheck(
        CheckStatus.MISSING,
        f"_dmarc.{domain}",
        None,
        (f'no DMARC record: add _dmarc.{domain} TXT "v=DMARC1; p=reject; adkim=s; aspf=r; rua=mailto:..."',),
    )


def check_dns_records(
    domain: str,
    selector: str,
    expected_dkim_public_key: str | bytes,
    resolver: Resolver,
    *,
    mail_from_domain: str | None = None,
    sending_ips: Sequence[str] = (),
) -> DnsCheck:
    """Check that SPF, DKIM and DMARC for a sending domain are published and aligned.

    ``expected_dkim_public_key`` may be PEM (public or private) or the base64 p= value;
    ``mail_from_domain`` is the envelope domain our relay uses (default: ``domain``);
    ``sending_ips`` are addresses our relay sends from, checked against SPF.
    """
    domain = domain.strip().rstrip(".").lower()
    envelope = (mail_from_domain or domain).strip().rstrip(".").lower()
    expected = public_key_b64(expected_dkim_public_key)
    spf = _check_spf(envelope, resolver, sending_ips)
    dkim = _check_dkim(domain, selector, expected, resolver)
    dmarc = _check_dmarc(domain, resolver, envelope)
    findings: list[str] = []
    for label, check in (("SPF", spf), ("DKIM", dkim), ("DMARC", dmarc)):
        if check.status not in (CheckStatus.OK, CheckStatus.WARNING):
            findings.append(
                f"{label}: {check.status.value} — {check.findings[0] if check.findings else ''}".strip()
            )
    if not findings:
        findings.append(f"{domain} is ready: SPF, DKIM and DMARC are published and aligned")
    return DnsCheck(
        domain=domain,
        selector=selector,
        spf=spf,
        dkim=dkim,
        dmarc=dmarc,
        expected_dkim_record=dkim_dns_record(selector, domain, expected).value,
        findings=tuple(findings),
    )
