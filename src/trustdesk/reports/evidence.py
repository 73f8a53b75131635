"""Evidence about who really sent a message, read before any wording.

Only the receiving side can vouch for a sender: a mail server records what it checked in an
Authentication-Results header that it adds *on top* of the message. Anything lower down (or inside a
forwarded message) was written by the sender or a forwarder and is a claim. So a header is trusted only
when it belongs to the block of headers at the very top whose authserv-ids the desk is configured to
trust (by default the desk's own intake), the topmost one per id: the block ends at the first header of
a receiver not trusted. RFC 8601 section 5 asks every receiver to remove or rename headers that carry
its own id, and a receiver adds its own above everything the sender wrote.

With a trusted header, the check is the one DMARC makes: the From domain is *authenticated* when the
receiver's DMARC result for it is "pass", or, where the receiver recorded no DMARC result, when a
passing DKIM signature's d= shares its organisational domain (relaxed alignment; organisational
domains from the public suffix list snapshot shipped with tldextract, never fetched at run time). A
DMARC result other than pass (including "none": no policy published) never vouches. A forwarded
copy keeps its original verdict in an ARC-Authentication-Results header; it counts when the trusted
receiver found the ARC chain valid (arc=pass) and the ARC header's authserv-id is trusted too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from trustdesk.reports.authresults import AuthenticationResults, parse_authentication_results
from trustdesk.reports.domains import host_of, registrable_domain

AR_HEADER = "authentication-results"
ARC_AR_HEADER = "arc-authentication-results"


@dataclass(frozen=True, slots=True)
class TrustPolicy:
    """Whose Authentication-Results the desk believes.

    `authserv_ids`: receivers whose topmost header is trusted (lower-case). `topmost_any`: trust the
    topmost header whatever its id (or with none, as Microsoft writes them): for mail saved straight
    from the receiving mailbox, as in the benchmark's honeypot corpus; never for customer uploads.
    """

    authserv_ids: frozenset[str] = frozenset()
    topmost_any: bool = False

    @classmethod
    def of(cls, ids: Iterable[str], *, topmost_any: bool = False) -> TrustPolicy:
        return cls(frozenset(i.strip().lower() for i in ids if i.strip()), topmost_any)

    def trusts(self, authserv_id: str) -> bool:
        return authserv_id.lower() in self.authserv_ids


NO_TRUST = TrustPolicy()


@dataclass(frozen=True, slots=True)
class ReceiverAuth:
    """What a trusted receiver recorded about the message (results lower-case, None when absent)."""

    authserv_id: str
    spf: str | None = None
    spf_domain: str = ""
    dkim: str | None = None
    dkim_pass_domains: tuple[str, ...] = ()
    dmarc: str | None = None
    dmarc_from: str = ""
    arc: str | None = None
    # True when the verdict comes from the ARC-Authentication-Results of a forwarder.
    via_arc: bool = False


def _best(results: Sequence[str]) -> str | None:
    if not results:
        return None
    return "pass" if "pass" in results else results[0]


def _summarise(header: AuthenticationResults, via_arc: bool = False) -> ReceiverAuth:
    spf = header.of("spf")
    dkim = header.of("dkim")
    dmarc = header.of("dmarc")
    arc = header.of("arc")
    spf_domain = ""
    for item in spf:
        if item.result == "pass":
            mailfrom = item.get("smtp.mailfrom") or item.get("smtp.helo")
            spf_domain = mailfrom.rsplit("@", 1)[-1]
            break
    passing = []
    for item in dkim:
        if item.result != "pass":
            continue
        domain = item.get("header.d") or item.get("header.i").rsplit("@", 1)[-1]
        if domain:
            passing.append(domain.strip("."))
    dmarc_from = next((d.get("header.from") for d in dmarc if d.get("header.from")), "")
    return ReceiverAuth(
        authserv_id=header.authserv_id,
        spf=_best([s.result for s in spf]),
        spf_domain=spf_domain,
        dkim=_best([d.result for d in dkim]),
        dkim_pass_domains=tuple(dict.fromkeys(passing)),
        dmarc=_best([d.result for d in dmarc]),
        dmarc_from=dmarc_from,
        arc=_best([a.result for a in arc]),
        via_arc=via_arc,
    )


def _trusted_block(headers: Sequence[tuple[str, str]], policy: TrustPolicy) -> list[AuthenticationResults]:
    """The Authentication-Results headers at the top of the message that trusted receivers added, top
    first. The block ends at the first header of a receiver not trusted: whatever lies below it may
    have been written by anyone, including a copy of a trusted receiver's id. A second header with
    the same id lower down is such a copy and is skipped."""
    block: list[AuthenticationResults] = []
    seen: set[str] = set()
    for name, value in headers:
        if name.lower() != AR_HEADER:
            continue
        parsed = parse_authentication_results(value)
        if parsed is None:
            continue
        if policy.topmost_any:
            return [parsed]
        if not policy.trusts(parsed.authserv_id):
            break
        if parsed.authserv_id not in seen:
            seen.add(parsed.authserv_id)
            block.append(parsed)
    return block


def receiver_auth(headers: Sequence[tuple[str, str]], policy: TrustPolicy) -> ReceiverAuth | None:
    """The trusted receivers' results from a message's headers (name, value) in their order, or None.

    Of the trusted block at the top (`_trusted_block`), the topmost header whose DMARC passed is used
    (a retailer's own intake may relay to the desk, whose header then judges the relay), else the
    topmost. When the receiver found a valid ARC chain and its DMARC did not pass (a forward broke
    SPF or the signature), the forwarder's ARC-Authentication-Results of the highest instance stands
    in, if its authserv-id is trusted too.
    """
    block = _trusted_block(headers, policy)
    if not block:
        return None
    summaries = [_summarise(header) for header in block]
    summary = next((s for s in summaries if s.dmarc == "pass"), summaries[0])
    if summary.arc == "pass" and summary.dmarc != "pass":
        arc_headers = [
            parsed
            for name, value in headers
            if name.lower() == ARC_AR_HEADER
            and (parsed := parse_authentication_results(value, arc=True)) is not None
        ]
        arc_headers.sort(key=lambda h: -h.instance)
        if arc_headers and policy.trusts(arc_headers[0].authserv_id):
            forwarded = _summarise(arc_headers[0], via_arc=True)
            if forwarded.dmarc == "pass" or forwarded.dkim_pass_domains:
                return forwarded
    return summary


def organisational_domain(domain_or_address: str) -> str:
    """The organisational domain (registrable domain) of a host or address; "" when it has none."""
    return registrable_domain(domain_or_address.rsplit("@", 1)[-1].strip(".").lower())


def authenticated_domain(auth: ReceiverAuth | None, from_address: str) -> str:
    """The From address's organisational domain when the receiver authenticated it (DMARC-style
    relaxed alignment), else ""."""
    if auth is None or "@" not in from_address:
        return ""
    org = organisational_domain(from_address)
    if not org:
        return ""
    from_domain = from_address.rsplit("@", 1)[1].lower()
    if auth.dmarc is not None and auth.dmarc != "pass":
        # DMARC judged the From domain and did not pass (or the domain publishes no policy, which
        # every bulk sender has had to since 2024): aligned SPF or DKIM alone does not vouch then.
        return ""
    if auth.dmarc == "pass" and (
        not auth.dmarc_from or organisational_domain(auth.dmarc_from) == org or auth.dmarc_from == from_domain
    ):
        return org
    if any(organisational_domain(d) == org for d in auth.dkim_pass_domains):
        return org
    return ""


@dataclass(frozen=True, slots=True)
class Alignment:
    """How the message's links, images and reply-to addresses relate to the authenticated domain."""

    aligned: tuple[str, ...] = field(default=())
    foreign: tuple[str, ...] = field(default=())

    @property
    def all_aligned(self) -> bool:
        return bool(self.aligned) and not self.foreign


def _url_org(url: str) -> str:
    lowered = url.strip().lower()
    if lowered.startswith("mailto:"):
        return organisational_domain(lowered[7:].split("?", 1)[0])
    if not lowered.startswith(("http://", "https://")):
        return ""
    try:
        host = host_of(urlsplit(lowered).netloc)
    except ValueError:
        return "?"
    return organisational_domain(host) or "?"


def alignment(org: str, urls: Iterable[str], reply_to: Iterable[str]) -> Alignment:
    """Sort the organisational domains of `urls` (links and images) and `reply_to` addresses into
    those of the authenticated `org` and foreign ones (each listed once)."""
    aligned: dict[str, None] = {}
    foreign: dict[str, None] = {}
    for url in urls:
        target = _url_org(url)
        if not target:
            continue
        (aligned if target == org else foreign)[target] = None
    for address in reply_to:
        target = organisational_domain(address)
        if target:
            (aligned if target == org else foreign)[target] = None
    return Alignment(tuple(aligned), tuple(foreign))
