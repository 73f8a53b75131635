"""SPF (RFC 7208) evaluated by our own code on top of :class:`Resolver`.

Why one module: RFC 7208 is one evaluation; parsing, macro expansion and the check share the lookup state (_State) and its limits.

Why not pyspf: it reaches DNS through a module-level function (global state shared by
every tenant and test), folds timeouts and SERVFAIL into its own exception handling, and
gives no structured account of the lookup counts. Owning the evaluation lets every DNS
outcome flow through one :class:`DnsAnswer` and lets a temporary failure be nothing but
``temperror``.

Implemented: mechanisms all/include/a/mx/ptr/ip4/ip6/exists, modifiers redirect/exp
(exp is validated, not fetched), macros %{s l o d i p v h} with digit/r transformers and
custom delimiters, the 10 DNS-mechanism limit, the 2 void-lookup limit, the per-``mx`` and
per-``ptr`` 10-record limits, and syntax checking of the whole record before evaluation.
"""

from __future__ import annotations

import ipaddress
import re
import urllib.parse
from dataclasses import dataclass, field
from enum import StrEnum

from trustdesk.mail.resolver import DnsAnswer, Resolver

MAX_DNS_MECHANISMS = 10
MAX_VOID_LOOKUPS = 2
MAX_MX_OR_PTR_RECORDS = 10

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class SpfResult(StrEnum):
    """RFC 7208 section 2.6 results."""

    PASS = "pass"
    FAIL = "fail"
    SOFTFAIL = "softfail"
    NEUTRAL = "neutral"
    NONE = "none"
    PERMERROR = "permerror"
    TEMPERROR = "temperror"


_QUALIFIERS = {"+": SpfResult.PASS, "-": SpfResult.FAIL, "~": SpfResult.SOFTFAIL, "?": SpfResult.NEUTRAL}


@dataclass(frozen=True)
class SpfOutcome:
    """An SPF verdict with the identity checked and why."""

    result: SpfResult
    domain: str
    identity: str  # "mailfrom" or "helo"
    reason: str
    matched: str | None = None
    dns_lookups: int = 0
    void_lookups: int = 0


class _SpfError(Exception):
    def __init__(self, result: SpfResult, reason: str) -> None:
        super().__init__(reason)
        self.result = result
        self.reason = reason


def _perm(reason: str) -> _SpfError:
    return _SpfError(SpfResult.PERMERROR, reason)


def _temp(answer: DnsAnswer) -> _SpfError:
    return _SpfError(
        SpfResult.TEMPERROR, f"DNS {answer.status.value} looking up {answer.rdtype} {answer.name}"
    )


# ---- record syntax -----------------------------------------------------------------------

_MECHANISMS = {"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"}
_DNS_MECHANISMS = {"include", "a", "mx", "ptr", "exists"}
_TERM = re.compile(r"^([+\-~?]?)([a-z0-9]+)(.*)$", re.IGNORECASE)
_MODIFIER = re.compile(r"^([a-z][a-z0-9_.\-]*)=(.*)$", re.IGNORECASE)
_DUAL_CIDR = re.compile(r"^(.*?)(?:/(\d{1,2}))?(?://(\d{1,3}))?$")


@dataclass(frozen=True)
class Directive:
    """One parsed mechanism of an SPF record."""

    qualifier: SpfResult
    mechanism: str
    argument: str | None  # domain-spec or network text, macros unexpanded
    cidr4: int | None = None
    cidr6: int | None = None

    def __str__(self) -> str:
        return self.mechanism + (f":{self.argument}" if self.argument else "")


@dataclass(frozen=True)
class SpfRecord:
    """A syntactically valid SPF record."""

    directives: tuple[Directive, ...]
    redirect: str | None = None
    exp: str | None = None
    text: str = ""

    @property
    def dns_mechanism_count(self) -> int:
        """How many terms of this record (alone) cost a DNS lookup."""
        count = sum(1 for d in self.directives if d.mechanism in _DNS_MECHANISMS)
        return count + (1 if self.redirect else 0)


def is_spf_record(text: str) -> bool:
    """True when a TXT string declares SPF version 1."""
    lowered = text.strip().lower()
    return lowered == "v=spf1" or lowered.startswith("v=spf1 ")


def _check_macro_string(text: str) -> None:
    i = 0
    while i < len(text):
        ch = text[i]
        if not (0x21 <= ord(ch) <= 0x7E):
            raise _perm(f"invalid character {ch!r} in {text!r}")
        if ch == "%":
            nxt = text[i + 1 : i + 2]
            if nxt in ("%", "_", "-"):
                i += 2
                continue
            if nxt != "{":
                raise _perm(f"bad macro in {text!r}")
            end = text.find("}", i)
            if end < 0 or not _MACRO_BODY.match(text[i + 2 : end]):
                raise _perm(f"bad macro in {text!r}")
            i = end + 1
            continue
        i += 1


_MACRO_BODY = re.compile(r"^([slodiphcrtvSLODIPHCRTV])(\d*)(r?)([.\-+,/_=]*)$", re.IGNORECASE)


def parse_spf_record(text: str) -> SpfRecord:
    """Parse a full ``v=spf1`` record; raises ValueError (permerror) on any syntax error."""
    try:
        return _parse(text)
    except _SpfError as exc:
        raise ValueError(exc.reason) from None


def _parse(text: str) -> SpfRecord:
    terms = text.split()
    if not terms or terms[0].lower() != "v=spf1":
        raise _perm("not an SPF record")
    directives: list[Directive] = []
    redirect: str | None = None
    exp: str | None = None
    for term in terms[1:]:
        modifier = _MODIFIER.match(term)
        if modifier and ":" not in modifier.group(1):
            name, value = modifier.group(1).lower(), modifier.group(2)
            _check_macro_string(value)
            if name == "redirect":
                if redirect is not None:
                    raise _perm("more than one redirect modifier")
                if not value:
                    raise _perm("empty redirect")
                redirect = value
            elif name == "exp":
                if exp is not None:
                    raise _perm("more than one exp modifier")
                if not value:
                    raise _perm("empty exp")
                exp = value
            continue  # unknown modifiers are ignored (RFC 7208 6)
        directives.append(_parse_directive(term))
    return SpfRecord(tuple(directives), redirect, exp, text)


def _parse_directive(term: str) -> Directive:
    match = _TERM.match(term)
    if not match:
        raise _perm(f"unparseable term {term!r}")
    qualifier = _QUALIFIERS.get(match.group(1) or "+", SpfResult.PASS)
    mechanism = match.group(2).lower()
    rest = match.group(3)
    if mechanism not in _MECHANISMS:
        raise _perm(f"unknown mechanism {mechanism!r}")
    if mechanism == "all":
        if rest:
            raise _perm(f"'all' takes no argument: {term!r}")
        return Directive(qualifier, mechanism, None)
    if mechanism in ("ip4", "ip6"):
        if not rest.startswith(":") or len(rest) < 2:
            raise _perm(f"{mechanism} needs a network: {term!r}")
        net = rest[1:]
        try:
            network = ipaddress.ip_network(net, strict=False)
        except ValueError:
            raise _perm(f"invalid network in {term!r}") from None
        if (mechanism == "ip4") != (network.version == 4):
            raise _perm(f"wrong address family in {term!r}")
        if "/" in net and not re.fullmatch(r"\d{1,3}", net.split("/", 1)[1]):
            raise _perm(f"invalid prefix in {term!r}")
        return Directive(qualifier, mechanism, net)
    if mechanism in ("include", "exists"):
        if not rest.startswith(":") or len(rest) < 2:
            raise _perm(f"{mechanism} needs a domain: {term!r}")
        _check_macro_string(rest[1:])
        return Directive(qualifier, mechanism, rest[1:])
    if mechanism == "ptr":
        if rest and (not rest.startswith(":") or len(rest) < 2):
            raise _perm(f"bad ptr term {term!r}")
        if rest:
            _check_macro_string(rest[1:])
        return Directive(qualifier, mechanism, rest[1:] or None)
    # a / mx: [":" domain-spec] [dual-cidr-length]
    if rest and rest[0] not in ":/":
        raise _perm(f"bad {mechanism} term {term!r}")
    body = rest[1:] if rest.startswith(":") else rest
    cidr = _DUAL_CIDR.match(body)
    if cidr is None:  # pragma: no cover - the regex matches every string
        raise _perm(f"bad {mechanism} term {term!r}")
    domain, c4, c6 = cidr.group(1), cidr.group(2), cidr.group(3)
    if rest.startswith(":") and not domain:
        raise _perm(f"empty domain in {term!r}")
    if not rest.startswith(":") and domain:
        raise _perm(f"bad {mechanism} term {term!r}")
    if domain:
        _check_macro_string(domain)
    cidr4 = int(c4) if c4 is not None else None
    cidr6 = int(c6) if c6 is not None else None
    if (cidr4 is not None and cidr4 > 32) or (cidr6 is not None and cidr6 > 128):
        raise _perm(f"prefix too long in {term!r}")
    return Directive(qualifier, mechanism, domain or None, cidr4, cidr6)


# ---- evaluation --------------------------------------------------------------------------


@dataclass
class _State:
    resolver: Resolver
    ip: IPAddress
    sender: str
    helo: str
    dns_lookups: int = 0
    void_lookups: int = 0
    validated_ptr: str | None = None
    includes_seen: list[str] = field(default_factory=list)

    def count_dns_term(self, term: str) -> None:
        self.dns_lookups += 1
        if self.dns_lookups > MAX_DNS_MECHANISMS:
            raise _perm(f"more than {MAX_DNS_MECHANISMS} DNS-querying terms (at {term})")

    def lookup(self, answer: DnsAnswer, *, count_void: bool = True) -> DnsAnswer:
        if answer.status.temporary:
            raise _temp(answer)
        if count_void and answer.status.void:
            self.void_lookups += 1
            if self.void_lookups > MAX_VOID_LOOKUPS:
                raise _perm(f"more than {MAX_VOID_LOOKUPS} void DNS lookups (at {answer.name})")
        return answer


def _valid_domain(domain: str) -> bool:
    if not domain or len(domain) > 253 or domain.startswith(".") or ".." in domain:
        return False
    labels = domain.rstrip(".").split(".")
    if len(labels) < 2:
        return False
    return all(0 < len(label) <= 63 for label in labels)


def _split_sender(sender: str) -> tuple[str, str]:
    local, _, domain = sender.rpartition("@")
    return (local or "postmaster"), domain


def expand_macros(
    text: str, *, ip: str, sender: str, domain: str, helo: str, validated_ptr: str = "unknown"
) -> str:
    """Expand an SPF macro-string (RFC 7208 section 7) for the given evaluation context."""
    state = _State(resolver=None, ip=ipaddress.ip_address(ip), sender=sender, helo=helo)  # type: ignore[arg-type]
    state.validated_ptr = validated_ptr
    return _expand(text, state, domain)


def _macro_value(letter: str, state: _State, domain: str) -> str:
    local, sender_domain = _split_sender(state.sender)
    ip = state.ip
    if letter == "s":
        return f"{local}@{sender_domain}"
    if letter == "l":
        return local
    if letter == "o":
        return sender_domain
    if letter == "d":
        return domain
    if letter == "i":
        if ip.version == 4:
            return str(ip)
        return ".".join(ip.exploded.replace(":", ""))
    if letter == "v":
        return "in-addr" if ip.version == 4 else "ip6"
    if letter == "h":
        return state.helo or "unknown"
    if letter == "p":
        return state.validated_ptr or "unknown"
    if letter == "c":
        return str(ip)
    if letter == "r":
        return "unknown"
    if letter == "t":
        return "0"
    raise _perm(f"unknown macro letter {letter!r}")


def _expand(text: str, state: _State, domain: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch != "%":
            out.append(ch)
            i += 1
            continue
        nxt = text[i + 1 : i + 2]
        if nxt == "%":
            out.append("%")
            i += 2
            continue
        if nxt == "_":
            out.append(" ")
            i += 2
            continue
        if nxt == "-":
            out.append("%20")
            i += 2
            continue
        end = text.find("}", i)
        body = _MACRO_BODY.match(text[i + 2 : end]) if nxt == "{" and end > 0 else None
        if body is None:
            raise _perm(f"bad macro in {text!r}")
        letter, digits, reverse, delimiters = body.groups()
        if letter.lower() == "p" and state.validated_ptr is None:
            state.validated_ptr = _validated_ptr_name(state, domain) or "unknown"
        value = _macro_value(letter.lower(), state, domain)
        parts = re.split("[" + re.escape(delimiters or ".") + "]", value)
        if reverse:
            parts.reverse()
        if digits:
            keep = int(digits)
            if keep == 0:
                raise _perm("macro transformer keeps zero labels")
            parts = parts[-keep:]
        expanded = ".".join(parts)
        if letter.isupper():
            expanded = urllib.parse.quote(expanded, safe="")
        out.append(expanded)
        i = end + 1
    return "".join(out)


def _target_domain(spec: str | None, state: _State, current: str) -> str:
    if spec is None:
        return current
    expanded = _expand(spec, state, current).rstrip(".")
    # RFC 7208 7.3: over-long results lose labels from the left.
    while len(expanded) > 253 and "." in expanded:
        expanded = expanded.split(".", 1)[1]
    if not _valid_domain(expanded):
        raise _perm(f"macro expansion gave an invalid domain {expanded!r}")
    return expanded.lower()


def _addresses(state: _State, host: str, *, count_void: bool) -> list[IPAddress]:
    answer = state.resolver.a(host) if state.ip.version == 4 else state.resolver.aaaa(host)
    state.lookup(answer, count_void=count_void)
    result: list[IPAddress] = []
    for text in answer.records:
        try:
            result.append(ipaddress.ip_address(text))
        except ValueError:
            continue
    return result


def _in_network(ip: IPAddress, address: IPAddress, cidr4: int | None, cidr6: int | None) -> bool:
    if ip.version != address.version:
        return False
    prefix = (
        (cidr4 if cidr4 is not None else 32) if ip.version == 4 else (cidr6 if cidr6 is not None else 128)
    )
    return ip in ipaddress.ip_network(f"{address}/{prefix}", strict=False)


def _validated_ptr_name(state: _State, target: str) -> str | None:
    """Return a PTR name of the client that resolves back to it, preferring ``target``'s zone."""
    answer = state.resolver.ptr(str(state.ip))
    if not answer.ok:
        return None  # RFC 7208 5.5: DNS errors here make ptr not match
    validated: list[str] = []
    for name in answer.records[:MAX_MX_OR_PTR_RECORDS]:
        forward = state.resolver.a(name) if state.ip.version == 4 else state.resolver.aaaa(name)
        if not forward.ok:
            continue
        if any(_same_ip(state.ip, rec) for rec in forward.records):
            validated.append(name.lower().rstrip("."))
    for name in validated:
        if name == target or name.endswith("." + target):
            return name
    return validated[0] if validated else None


def _same_ip(ip: IPAddress, text: str) -> bool:
    try:
        return ipaddress.ip_address(text) == ip
    except ValueError:
        return False


def _matches(directive: Directive, state: _State, domain: str) -> bool:
    mech = directive.mechanism
    if mech == "all":
        return True
    if mech in ("ip4", "ip6"):
        network = ipaddress.ip_network(directive.argument or "", strict=False)
        return state.ip.version == network.version and state.ip in network
    state.count_dns_term(str(directive))
    if mech == "include":
        target = _target_domain(directive.argument, state, domain)
        result, reason = _check_host(state, target, nested=True)
        if result is SpfResult.PASS:
            return True
        if result is SpfResult.TEMPERROR:
            raise _SpfError(result, reason)
        if result in (SpfResult.PERMERROR, SpfResult.NONE):
            raise _perm(f"include:{target} gave {result.value}: {reason}")
        return False
    if mech == "a":
        target = _target_domain(directive.argument, state, domain)
        return any(
            _in_network(state.ip, a, directive.cidr4, directive.cidr6)
            for a in _addresses(state, target, count_void=True)
        )
    if mech == "mx":
        target = _target_domain(directive.argument, state, domain)
        answer = state.lookup(state.resolver.mx(target))
        hosts = [h for h in answer.records if h not in ("", ".")]
        if len(hosts) > MAX_MX_OR_PTR_RECORDS:
            raise _perm(f"mx:{target} has more than {MAX_MX_OR_PTR_RECORDS} MX records")
        for host in hosts:
            if any(
                _in_network(state.ip, a, directive.cidr4, directive.cidr6)
                for a in _addresses(state, host, count_void=False)
            ):
                return True
        return False
    if mech == "ptr":
        target = _target_domain(directive.argument, state, domain)
        name = _validated_ptr_name(state, target)
        return name is not None and (name == target or name.endswith("." + target))
    if mech == "exists":
        target = _target_domain(directive.argument, state, domain)
        # exists always asks for A records, whatever the client's address family (RFC 7208 5.7).
        return state.lookup(state.resolver.a(target)).ok
    raise _perm(f"unknown mechanism {mech}")  # pragma: no cover - rejected at parse time


def _fetch_record(state: _State, domain: str, *, nested: bool) -> SpfRecord | None:
    answer = state.resolver.txt(domain)
    if answer.status.temporary:
        raise _temp(answer)
    if nested and answer.status.void:
        state.lookup(answer)  # counts towards the void limit
    records = [r for r in answer.records if is_spf_record(r)]
    if not records:
        return None
    if len(records) > 1:
        raise _perm(f"{domain} publishes {len(records)} SPF records")
    return _parse(records[0])


def _check_host(state: _State, domain: str, *, nested: bool = False) -> tuple[SpfResult, str]:
    if not _valid_domain(domain):
        return SpfResult.NONE, f"{domain!r} is not a valid domain"
    record = _fetch_record(state, domain, nested=nested)
    if record is None:
        return SpfResult.NONE, f"{domain} publishes no SPF record"
    for directive in record.directives:
        if _matches(directive, state, domain):
            return directive.qualifier, f"matched {directive} in the SPF record of {domain}"
    if record.redirect:
        state.count_dns_term(f"redirect={record.redirect}")
        target = _target_domain(record.redirect, state, domain)
        result, reason = _check_host(state, target, nested=True)
        if result is SpfResult.NONE:
            return SpfResult.PERMERROR, f"redirect={target} has no SPF record"
        return result, reason
    return SpfResult.NEUTRAL, f"no mechanism of {domain}'s SPF record matched"


def check_spf(client_ip: str, mail_from: str, helo: str, resolver: Resolver) -> SpfOutcome:
    """Evaluate SPF for an SMTP client: the MAIL FROM identity, or HELO when the sender is null."""
    helo = (helo or "").strip().rstrip(".").lower()
    sender = (mail_from or "").strip().strip("<>").strip()
    if sender and "@" in sender:
        domain = sender.rpartition("@")[2].rstrip(".").lower()
        identity = "mailfrom"
    elif sender:
        domain, sender, identity = sender.lower(), f"postmaster@{sender.lower()}", "mailfrom"
    else:
        domain, sender, identity = helo, f"postmaster@{helo}", "helo"
    try:
        ip = ipaddress.ip_address(client_ip.strip().strip("[]"))
    except ValueError:
        return SpfOutcome(SpfResult.PERMERROR, domain, identity, f"client address {client_ip!r} is not an IP")
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    state = _State(resolver=resolver, ip=ip, sender=sender, helo=helo)
    try:
        result, reason = _check_host(state, domain)
        matched = reason.split(" ", 2)[1] if reason.startswith("matched ") else None
    except _SpfError as exc:
        result, reason, matched = exc.result, exc.reason, None
    except RecursionError:
        result, reason, matched = SpfResult.PERMERROR, "SPF evaluation recursed too deeply", None
    return SpfOutcome(result, domain, identity, reason, matched, state.dns_lookups, state.void_lookups)
