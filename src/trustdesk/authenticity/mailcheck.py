"""The e-mail side of a check: is it mail, where did it come from, SPF/DKIM/DMARC, and our own DKIM signature."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence

from trustdesk.authenticity.auth_wording import add_auth_lines
from trustdesk.authenticity.model import NOT_CHECKED, DkimPublicKey, Envelope, Evidence, TenantIdentity
from trustdesk.authenticity.wording import N_
from trustdesk.mail import (
    DkimResult,
    DnsAnswer,
    DnsStatus,
    ParsedMail,
    Resolver,
    authenticate,
    dkim_dns_record,
    verify_dkim,
)

_HEADER_START = re.compile(rb"^[!-9;-~]{1,76}:[ \t]?\S?", re.MULTILINE)
_MAIL_HEADERS = (
    b"from:",
    b"received:",
    b"return-path:",
    b"subject:",
    b"date:",
    b"message-id:",
    b"delivered-to:",
)


def looks_like_mail(data: bytes) -> bool:
    """True when bytes start with an RFC 5322 header section that names mail headers."""
    head = data.lstrip()[:8192]
    first = head.split(b"\n", 1)[0]
    if not _HEADER_START.match(first) and not first.startswith(b"From "):
        return False
    header_section = re.split(rb"\r?\n\r?\n", head, maxsplit=1)[0].lower()
    return sum(1 for name in _MAIL_HEADERS if re.search(rb"(?m)^" + re.escape(name), header_section)) >= 2


#: Hops inside the receiving organisation (its own relays), skipped when looking for the sending server.
_INTERNAL_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7")
)


def public_hop(parsed: ParsedMail) -> tuple[str, str, str] | None:
    for hop in parsed.received:
        if not hop.from_ip:
            continue
        try:
            address = ipaddress.ip_address(hop.from_ip)
        except ValueError:
            continue
        if (
            address.is_loopback
            or address.is_link_local
            or address.is_unspecified
            or any(address in network for network in _INTERNAL_NETWORKS if network.version == address.version)
        ):
            continue
        return hop.from_ip, hop.from_host or "", hop.by_host or ""
    return None


class StoredKeys(Resolver):
    """Answers DKIM key queries from the tenant's own stored keys: no DNS needed to check our signature."""

    def __init__(self, keys: Sequence[DkimPublicKey]) -> None:
        super().__init__([], timeout=1.0)
        self._records = {
            f"{k.selector}._domainkey.{k.domain}".lower(): dkim_dns_record(
                k.selector, k.domain, k.public_key
            ).value
            for k in keys
        }

    def query(self, name: str, rdtype: str) -> DnsAnswer:
        record = self._records.get(name.rstrip(".").lower()) if rdtype.upper() == "TXT" else None
        if record is None:
            return DnsAnswer(name, rdtype.upper(), DnsStatus.NXDOMAIN)
        return DnsAnswer(name, "TXT", DnsStatus.OK, (record,))


def claims_domain(domain: str, own: Sequence[str]) -> bool:
    domain = domain.lower().rstrip(".")
    return any(domain == d or domain.endswith("." + d) for d in own)


def our_dkim(parsed: ParsedMail, owner: TenantIdentity) -> DkimResult:
    if not owner.dkim_keys:
        return DkimResult.NONE
    results = verify_dkim(parsed.raw, StoredKeys(owner.dkim_keys))
    ours = {(k.domain.lower(), k.selector) for k in owner.dkim_keys}
    mine = [r for r in results if (r.domain, r.selector) in ours]
    if any(r.result is DkimResult.PASS for r in mine):
        return DkimResult.PASS
    return mine[0].result if mine else DkimResult.NONE


def authenticate_mail(
    parsed: ParsedMail, resolver: Resolver, envelope: Envelope | None, evidence: Evidence
) -> dict[str, str]:
    if envelope is None:
        hop = public_hop(parsed)
        mail_from = parsed.return_path or ""
        if hop is None:
            evidence.add(
                "no-envelope",
                "no connecting server address was given or found in the Received headers, so SPF was not evaluated",
                say=N_(
                    "no connecting server address was given or found in the Received headers, so SPF was not "
                    "evaluated"
                ),
            )
            client_ip, helo = "", ""
        else:
            client_ip, helo, by_host = hop
            evidence.add(
                "envelope-from-headers",
                f"SPF was evaluated for {client_ip} (the last Received hop, recorded by {by_host or 'the receiving server'})"
                f" with the Return-Path <{mail_from}> as envelope sender, because no envelope was given",
                say=N_(
                    "SPF was checked for the server {server} named in the Received headers, with the "
                    "Return-Path {sender} as the sender, because no envelope was given"
                ),
                server=client_ip,
                sender=f"<{mail_from}>",
            )
        envelope = Envelope(client_ip, helo, mail_from)
    if not envelope.client_ip:
        # No client address: an address no SPF record authorises, so DMARC rests on DKIM alone.
        results = authenticate(
            parsed,
            "0.0.0.0",  # noqa: S104
            envelope.helo,
            envelope.mail_from,
            resolver,
        )
        summary = results.summary()
        summary["spf"] = NOT_CHECKED
    else:
        results = authenticate(parsed, envelope.client_ip, envelope.helo, envelope.mail_from, resolver)
        summary = results.summary()
    add_auth_lines(results, evidence, with_spf=bool(envelope.client_ip))
    return summary
