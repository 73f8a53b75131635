"""The DNS resolver object every mail-authentication check goes through.

It wraps dnspython with configurable nameservers, port and timeout, and turns every
outcome into a :class:`DnsAnswer` whose :class:`DnsStatus` keeps apart the cases the
authentication RFCs treat differently: the name does not exist (NXDOMAIN), it exists
without the asked type (no data), and the two *temporary* failures (timeout, SERVFAIL or
no reachable server). Callers never see a dnspython exception.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import dns.exception
import dns.name
import dns.rdatatype
import dns.resolver
import dns.reversename


class DnsStatus(StrEnum):
    """Outcome of one DNS question."""

    OK = "ok"
    NXDOMAIN = "nxdomain"
    NODATA = "nodata"
    TIMEOUT = "timeout"
    SERVFAIL = "servfail"

    @property
    def temporary(self) -> bool:
        """True for failures that may go away on retry (RFC 7208/7489 temperror)."""
        return self in (DnsStatus.TIMEOUT, DnsStatus.SERVFAIL)

    @property
    def void(self) -> bool:
        """True for answers that exist but carry nothing (RFC 7208 "void lookup")."""
        return self in (DnsStatus.NXDOMAIN, DnsStatus.NODATA)


@dataclass(frozen=True)
class DnsAnswer:
    """One lookup's result: status plus records as text (MX: exchanges by preference)."""

    name: str
    rdtype: str
    status: DnsStatus
    records: tuple[str, ...] = ()
    detail: str = ""

    @property
    def ok(self) -> bool:
        """True when the server answered with at least one record."""
        return self.status is DnsStatus.OK and bool(self.records)


def _txt_text(strings: Sequence[bytes]) -> str:
    # TXT records are byte strings; SPF/DKIM/DMARC are ASCII, so anything else is kept visible.
    return b"".join(strings).decode("utf-8", errors="replace")


class Resolver:
    """DNS lookups for mail authentication with explicit temporary-failure reporting.

    ``nameservers=None`` uses the system configuration (/etc/resolv.conf); tests and
    deployments with their own resolver pass addresses and a port.
    """

    def __init__(
        self,
        nameservers: Sequence[str] | None = None,
        *,
        port: int = 53,
        timeout: float = 2.0,
        lifetime: float | None = None,
        cache: bool = False,
    ) -> None:
        self.timeout = timeout
        self.lifetime = lifetime if lifetime is not None else timeout * 2
        self._config_error = ""
        if nameservers is None:
            try:
                self._resolver = dns.resolver.Resolver(configure=True)
            except (dns.resolver.NoResolverConfiguration, OSError) as exc:
                self._resolver = dns.resolver.Resolver(configure=False)
                self._config_error = f"no resolver configuration: {exc}"
        else:
            self._resolver = dns.resolver.Resolver(configure=False)
            self._resolver.nameservers = list(nameservers)
        self._resolver.port = port
        self._resolver.timeout = timeout
        self._resolver.lifetime = self.lifetime
        # A SERVFAIL is an answer we must report (temperror), not a reason to hammer the server.
        self._resolver.retry_servfail = False
        if cache:
            self._resolver.cache = dns.resolver.Cache()

    @property
    def nameservers(self) -> tuple[str, ...]:
        """The servers queried, as configured."""
        return tuple(str(ns) for ns in self._resolver.nameservers)

    @property
    def port(self) -> int:
        """The port queried on every nameserver."""
        return int(self._resolver.port)

    def query(self, name: str, rdtype: str) -> DnsAnswer:
        """Ask one question; never raises for DNS failures."""
        rdtype = rdtype.upper()
        if self._config_error or not self._resolver.nameservers:
            return DnsAnswer(name, rdtype, DnsStatus.SERVFAIL, detail=self._config_error or "no nameservers")
        try:
            qname = dns.name.from_text(name)
        except (dns.exception.DNSException, ValueError, UnicodeError) as exc:
            return DnsAnswer(name, rdtype, DnsStatus.NXDOMAIN, detail=f"invalid name: {exc}")
        try:
            answer = self._resolver.resolve(qname, rdtype, raise_on_no_answer=False, search=False)
        except dns.resolver.NXDOMAIN:
            return DnsAnswer(name, rdtype, DnsStatus.NXDOMAIN)
        except dns.resolver.NoNameservers as exc:
            return DnsAnswer(name, rdtype, DnsStatus.SERVFAIL, detail=str(exc))
        except dns.exception.Timeout as exc:
            return DnsAnswer(name, rdtype, DnsStatus.TIMEOUT, detail=str(exc))
        except dns.resolver.YXDOMAIN as exc:
            return DnsAnswer(name, rdtype, DnsStatus.SERVFAIL, detail=str(exc))
        except dns.exception.DNSException as exc:
            return DnsAnswer(name, rdtype, DnsStatus.SERVFAIL, detail=f"{type(exc).__name__}: {exc}")
        except OSError as exc:  # e.g. network unreachable
            return DnsAnswer(name, rdtype, DnsStatus.SERVFAIL, detail=f"network error: {exc}")
        if answer.rrset is None:
            return DnsAnswer(name, rdtype, DnsStatus.NODATA)
        records: list[str]
        if rdtype == "TXT":
            records = [_txt_text(r.strings) for r in answer.rrset]
        elif rdtype == "MX":
            pairs = sorted((int(r.preference), r.exchange.to_text(omit_final_dot=True)) for r in answer.rrset)
            records = [host for _, host in pairs]
        elif rdtype in ("PTR", "CNAME", "NS"):
            records = [r.target.to_text(omit_final_dot=True) for r in answer.rrset]
        else:
            records = [r.to_text() for r in answer.rrset]
        if not records:
            return DnsAnswer(name, rdtype, DnsStatus.NODATA)
        return DnsAnswer(name, rdtype, DnsStatus.OK, tuple(records))

    def txt(self, name: str) -> DnsAnswer:
        """TXT records of a name, each record's strings joined."""
        return self.query(name, "TXT")

    def a(self, name: str) -> DnsAnswer:
        """IPv4 addresses of a name."""
        return self.query(name, "A")

    def aaaa(self, name: str) -> DnsAnswer:
        """IPv6 addresses of a name."""
        return self.query(name, "AAAA")

    def mx(self, name: str) -> DnsAnswer:
        """Mail exchangers of a name, lowest preference first."""
        return self.query(name, "MX")

    def ptr(self, ip: str) -> DnsAnswer:
        """Reverse (PTR) names of an IPv4 or IPv6 address."""
        try:
            rev = dns.reversename.from_address(str(ipaddress.ip_address(ip))).to_text()
        except ValueError as exc:
            return DnsAnswer(ip, "PTR", DnsStatus.NXDOMAIN, detail=f"not an IP address: {exc}")
        return self.query(rev, "PTR")
