"""Where a webhook may be delivered: public internet addresses only, checked again at connect time.

A webhook URL is chosen by a tenant's integrator, so without this the server would POST to
whatever it can reach: the cloud metadata service (169.254.169.254), the database, Redis, an
admin panel on the internal network (server-side request forgery). The URL is checked when it
is registered, and the delivery connects only to an address it has just resolved and checked,
so a name that later resolves to a private address (DNS rebinding) is refused as well.
"""

from __future__ import annotations

import ipaddress
import socket
import ssl
from collections.abc import Iterable

import httpcore
import httpx

# Names that only ever mean something inside a network.
_INTERNAL_SUFFIXES = (".localhost", ".local", ".internal", ".intranet", ".lan", ".home.arpa", ".corp")


# IPv6 ranges Python's is_global (3.11) calls global but that lead inside a network: NAT64 prefixes
# translate to the IPv4 address in their last 32 bits (64:ff9b::a00:1 is 10.0.0.1 behind a NAT64
# gateway); IPv4-compatible (::a.b.c.d) and IPv4-translated (::ffff:0:a.b.c.d) forms are deprecated
# wrappings; fec0::/10 is the deprecated site-local range.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NEVER_PUBLIC_V6 = tuple(
    ipaddress.IPv6Network(net) for net in ("64:ff9b:1::/48", "::/96", "::ffff:0:0:0/96", "fec0::/10")
)


class BlockedDestination(ValueError):
    """The address is not a public internet address; the message says which and why."""


def is_public_address(address: str) -> bool:
    """Whether an IP address is globally routable unicast (not private, loopback, link-local,
    shared, reserved, multicast or unspecified, also when wrapped as IPv4-mapped IPv6)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in _NAT64:
            return is_public_address(str(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)))
        if any(ip in net for net in _NEVER_PUBLIC_V6):
            return False
        embedded = ip.ipv4_mapped or ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if embedded is not None:
            return is_public_address(str(embedded))
    return ip.is_global and not ip.is_multicast


def legacy_ipv4(host: str) -> str | None:
    """The IPv4 address a numeric host means to the C resolver (inet_aton: "2130706433", "0x7f.1",
    "0177.0.0.1", "127.1" are all 127.0.0.1), else None. No DNS name ends in a numeric label."""
    last = host.rpartition(".")[2]
    if not last or not (last.isdigit() or (last.startswith("0x") and last[2:].isalnum())):
        return None
    try:
        return str(ipaddress.IPv4Address(socket.inet_aton(host)))
    except (OSError, ValueError):
        return None


def check_host(host: str, *, allow_private: bool) -> None:
    """Refuse, at registration, a host that names an internal place outright (IP literal or name)."""
    if allow_private:
        return
    bare = host.strip("[]").lower().rstrip(".")
    numeric = legacy_ipv4(bare)
    if numeric is not None:
        if not is_public_address(numeric):
            raise BlockedDestination(
                f"{host} is {numeric}, not a public internet address; webhooks go to public addresses"
            )
        return
    try:
        ipaddress.ip_address(bare.split("%", 1)[0])
    except ValueError:
        if bare == "localhost" or bare.endswith(_INTERNAL_SUFFIXES) or "." not in bare:
            raise BlockedDestination(
                f"{host} is an internal host name; webhooks go to public addresses"
            ) from None
        return
    if not is_public_address(bare):
        raise BlockedDestination(f"{host} is not a public internet address; webhooks go to public addresses")


def public_addresses(infos: Iterable[tuple[object, ...]], host: str) -> list[str]:
    """The resolved addresses of `host`, all of which must be public (one private answer refuses all:
    a mixed answer is how rebinding attacks race the check)."""
    addresses = [str(info[4][0]) for info in infos]  # type: ignore[index]
    if not addresses:
        raise BlockedDestination(f"{host} did not resolve")
    private = [a for a in addresses if not is_public_address(a)]
    if private:
        raise BlockedDestination(f"{host} resolves to {private[0]}, which is not a public internet address")
    return addresses


class PublicOnlyBackend(httpcore.SyncBackend):
    """A network backend that resolves the host itself and connects only to a checked public address.

    TLS still verifies the certificate against the host name: httpcore passes the URL's host as
    the server name, whatever address the socket was opened to.
    """

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from exc
        addresses = public_addresses(infos, host)
        return super().connect_tcp(addresses[0], port, timeout, local_address, socket_options)


def public_only_transport(*, verify: ssl.SSLContext | bool = True) -> httpx.HTTPTransport:
    """An httpx transport whose connections can reach public internet addresses only."""
    transport = httpx.HTTPTransport(verify=verify, trust_env=False)
    context = verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context(verify=verify)
    # httpx builds its pool without a way to pass a network backend, so swap in an equal pool that
    # has one (tests/conversations/test_webhook_destinations.py proves deliveries go through it).
    transport._pool = httpcore.ConnectionPool(ssl_context=context, network_backend=PublicOnlyBackend())
    return transport
