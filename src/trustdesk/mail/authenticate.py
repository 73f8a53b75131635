"""Inbound mail authentication: SPF + DKIM + DMARC for one message, and spoofing detection."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from trustdesk.mail.dkim_auth import DkimResult, DkimSignatureResult, verify_dkim
from trustdesk.mail.dmarc import DmarcOutcome, DmarcResult, evaluate_dmarc, sample_fraction
from trustdesk.mail.impersonation import claims_own_domain, seen_domain
from trustdesk.mail.limits import DEFAULT_LIMITS, MailLimits
from trustdesk.mail.model import ParsedMail
from trustdesk.mail.parsing import parse_message
from trustdesk.mail.resolver import Resolver
from trustdesk.mail.spf import SpfOutcome, SpfResult, check_spf


@dataclass(frozen=True)
class AuthResults:
    """SPF, DKIM and DMARC verdicts for one message, with the reasons behind them."""

    spf: SpfOutcome
    dkim: tuple[DkimSignatureResult, ...]
    dmarc: DmarcOutcome
    from_domain: str
    from_domains: tuple[str, ...]
    client_ip: str
    helo: str
    mail_from: str

    @property
    def dkim_result(self) -> DkimResult:
        """One DKIM word for the message: pass if any signature passes, else the most telling failure."""
        if not self.dkim:
            return DkimResult.NONE
        order = [
            DkimResult.PASS,
            DkimResult.TEMPERROR,
            DkimResult.FAIL,
            DkimResult.POLICY,
            DkimResult.PERMERROR,
            DkimResult.NEUTRAL,
        ]
        present = {r.result for r in self.dkim}
        return next(r for r in order if r in present)

    @property
    def aligned_spf_domain(self) -> str | None:
        """The SPF-authenticated domain when it is DMARC-aligned with From."""
        return self.spf.domain if self.dmarc.spf_aligned else None

    @property
    def aligned_dkim_domains(self) -> tuple[str, ...]:
        """DKIM-authenticated domains aligned with From."""
        return self.dmarc.dkim_aligned_domains

    @property
    def reasons(self) -> tuple[str, ...]:
        """Human-readable explanation lines, SPF first."""
        lines = [f"SPF {self.spf.result.value}: {self.spf.reason}"]
        lines += [
            f"DKIM {r.result.value} (d={r.domain or '?'}, s={r.selector or '?'}): {r.reason}"
            for r in self.dkim
        ]
        if not self.dkim:
            lines.append("DKIM none: the message carries no DKIM signature")
        lines.append(f"DMARC {self.dmarc.result.value}: " + "; ".join(self.dmarc.reasons))
        return tuple(lines)

    def summary(self) -> dict[str, str]:
        """The stable {"spf", "dkim", "dmarc"} words used by `trustdesk message check`."""
        return {
            "spf": self.spf.result.value,
            "dkim": self.dkim_result.value,
            "dmarc": self.dmarc.result.value,
        }

    def as_dict(self) -> dict[str, object]:
        """A JSON-ready account of every result, for storage with the message."""
        return {
            **self.summary(),
            "from_domain": self.from_domain,
            "spf_domain": self.spf.domain,
            "dkim_signatures": [
                {"result": r.result.value, "domain": r.domain, "selector": r.selector, "reason": r.reason}
                for r in self.dkim
            ],
            "dmarc_policy": self.dmarc.policy.value if self.dmarc.policy else None,
            "dmarc_disposition": self.dmarc.disposition.value if self.dmarc.disposition else None,
            "aligned_spf_domain": self.aligned_spf_domain,
            "aligned_dkim_domains": list(self.aligned_dkim_domains),
            "reasons": list(self.reasons),
        }

    def authentication_results_header(self, authserv_id: str) -> str:
        """An RFC 8601 Authentication-Results header value."""
        parts = [authserv_id]
        smtp_key = "smtp.mailfrom" if self.spf.identity == "mailfrom" else "smtp.helo"
        parts.append(f"spf={self.spf.result.value} {smtp_key}={self.spf.domain or 'unknown'}")
        if self.dkim:
            parts += [
                f"dkim={r.result.value} header.d={r.domain or 'unknown'} header.s={r.selector}"
                for r in self.dkim
            ]
        else:
            parts.append("dkim=none")
        parts.append(f"dmarc={self.dmarc.result.value} header.from={self.from_domain or 'unknown'}")
        return "; ".join(parts)


def authenticate(
    message: bytes | ParsedMail,
    client_ip: str,
    helo: str,
    mail_from: str,
    resolver: Resolver,
    *,
    limits: MailLimits = DEFAULT_LIMITS,
) -> AuthResults:
    """Run SPF (for the SMTP client), DKIM (every signature) and DMARC (From alignment)."""
    parsed = message if isinstance(message, ParsedMail) else parse_message(message, limits)
    spf = check_spf(client_ip, mail_from, helo, resolver)
    dkim_results = tuple(verify_dkim(parsed.raw, resolver))
    from_domains = [a.domain for a in parsed.from_addresses if a.domain]
    if not from_domains and parsed.from_addresses:
        from_domains = [""]
    sample = sample_fraction(parsed.message_id or parsed.raw[:4096].hex())
    dmarc = evaluate_dmarc(from_domains, spf, dkim_results, resolver, sample=sample)
    return AuthResults(
        spf=spf,
        dkim=dkim_results,
        dmarc=dmarc,
        from_domain=dmarc.from_domain,
        from_domains=tuple(sorted({d for d in from_domains if d})),
        client_ip=client_ip,
        helo=helo,
        mail_from=mail_from,
    )


def is_spoofing_own_domain(results: AuthResults, own_domains: Iterable[str]) -> bool:
    """True when From claims one of our domains (or a subdomain) without an aligned pass.

    The claim is judged on the domain as a reader sees it (`impersonation.seen_domain`: invisible
    characters dropped, look-alike letters folded): "acmeoutfitters.com" plus a zero-width space
    is shown as ours, yet is another name, so no DNS result can make it genuine. DMARC temperror
    is not spoofing (we cannot tell yet); a missing DMARC record is no excuse for our own
    domains, since we know they are always signed.
    """
    owned = [d.strip().rstrip(".").lower() for d in own_domains if d and d.strip()]
    claimed = [d for d in results.from_domains if claims_own_domain(d, owned)]
    if not claimed:
        return False
    if any(seen_domain(d) != d for d in claimed):
        return True  # a disguised copy of our domain
    if results.dmarc.result in (DmarcResult.PASS, DmarcResult.TEMPERROR):
        return False
    if results.dmarc.spf_aligned or results.dmarc.dkim_aligned_domains:
        return False
    # Evidence we could not fetch (DNS trouble) is "cannot tell", not "forged".
    temporary = results.spf.result is SpfResult.TEMPERROR or any(
        r.result is DkimResult.TEMPERROR for r in results.dkim
    )
    return not temporary
