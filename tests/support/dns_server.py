"""A small authoritative DNS server for tests, answering from zones given as Python data.

It listens on 127.0.0.1 on a free port over UDP *and* TCP (the same port number), so a
real dnspython resolver can be pointed at it. Chosen names can be made to answer SERVFAIL
or to never answer at all (a timeout), which is how the tests prove that a temporary DNS
failure is reported as ``temperror`` and never as a pass.

Zones are a mapping ``name -> {rdtype: [values]}``::

    {
        "example.com": {
            "TXT": ["v=spf1 ip4:192.0.2.0/24 -all"],
            "A": ["192.0.2.10"],
            "MX": [(10, "mx.example.com")],
        },
        "10.2.0.192.in-addr.arpa": {"PTR": ["mail.example.com"]},
    }

A name that is absent (and has no names below it) answers NXDOMAIN; a name that exists
without the asked type answers NOERROR with no data. TXT values longer than 255 bytes are
split into several character-strings, as real servers publish DKIM keys.
"""

from __future__ import annotations

import contextlib
import socket
import socketserver
import struct
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from dnslib import AAAA, CNAME, MX, PTR, QTYPE, RCODE, RR, TXT, A, DNSRecord

Zone = Mapping[str, Mapping[str, Iterable[Any]]]


def _norm(name: str) -> str:
    return name.rstrip(".").lower()


def _txt_chunks(value: str | bytes) -> list[bytes]:
    data = value.encode("utf-8") if isinstance(value, str) else value
    if not data:
        return [b""]
    return [data[i : i + 255] for i in range(0, len(data), 255)]


def _rdata(rdtype: str, value: Any) -> Any:
    if rdtype == "A":
        return A(value)
    if rdtype == "AAAA":
        return AAAA(value)
    if rdtype == "TXT":
        return TXT(_txt_chunks(value))
    if rdtype == "MX":
        preference, exchange = value
        return MX(exchange, preference)
    if rdtype == "PTR":
        return PTR(value)
    if rdtype == "CNAME":
        return CNAME(value)
    raise ValueError(f"unsupported record type in test zone: {rdtype}")


@dataclass
class DnsTestServer:
    """Authoritative test DNS server; use as a context manager or call start()/stop()."""

    zone: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    servfail: set[str] = field(default_factory=set)
    timeout: set[str] = field(default_factory=set)
    host: str = "127.0.0.1"
    port: int = 0
    queries: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._udp: socketserver.ThreadingUDPServer | None = None
        self._tcp: socketserver.ThreadingTCPServer | None = None
        self._threads: list[threading.Thread] = []
        self.zone = {_norm(k): {t.upper(): list(v) for t, v in recs.items()} for k, recs in self.zone.items()}
        self.servfail = {_norm(n) for n in self.servfail}
        self.timeout = {_norm(n) for n in self.timeout}

    # ---- zone editing -------------------------------------------------------------------
    def add(self, name: str, rdtype: str, *values: Any) -> None:
        """Add records to the served zone (takes effect immediately)."""
        with self._lock:
            self.zone.setdefault(_norm(name), {}).setdefault(rdtype.upper(), []).extend(values)

    def set(self, name: str, rdtype: str, *values: Any) -> None:
        """Replace the records of one type for a name."""
        with self._lock:
            self.zone.setdefault(_norm(name), {})[rdtype.upper()] = list(values)

    def update(self, zone: Zone) -> None:
        """Merge a whole zone mapping into the served data."""
        for name, recs in zone.items():
            for rdtype, values in recs.items():
                self.add(name, rdtype, *values)

    def fail_with_servfail(self, name: str) -> None:
        """Answer every query for this name with SERVFAIL."""
        with self._lock:
            self.servfail.add(_norm(name))

    def fail_with_timeout(self, name: str) -> None:
        """Never answer queries for this name."""
        with self._lock:
            self.timeout.add(_norm(name))

    def query_count(self, name: str | None = None) -> int:
        """How many questions were received (for one name, or in total)."""
        with self._lock:
            if name is None:
                return len(self.queries)
            return sum(1 for qname, _ in self.queries if qname == _norm(name))

    # ---- answering ----------------------------------------------------------------------
    def answer(self, packet: bytes) -> bytes | None:
        """Build the reply for one wire-format query; None means stay silent (timeout)."""
        try:
            request = DNSRecord.parse(packet)
        except Exception:  # noqa: BLE001 - garbage in, silence out, like a real server
            return None
        qname = _norm(str(request.q.qname))
        qtype = QTYPE[request.q.qtype]
        with self._lock:
            self.queries.append((qname, qtype))
            if qname in self.timeout:
                return None
            reply = request.reply()
            reply.header.aa = 1
            if qname in self.servfail:
                reply.header.rcode = RCODE.SERVFAIL
                return reply.pack()
            records = self.zone.get(qname)
            if records is None:
                exists_below = any(name.endswith("." + qname) for name in self.zone)
                if not exists_below:
                    reply.header.rcode = RCODE.NXDOMAIN
                return reply.pack()
            if "CNAME" in records and qtype != "CNAME":
                for target in records["CNAME"]:
                    reply.add_answer(RR(qname, QTYPE.CNAME, rdata=CNAME(target), ttl=60))
                    for value in self.zone.get(_norm(target), {}).get(qtype, []):
                        reply.add_answer(
                            RR(target, getattr(QTYPE, qtype), rdata=_rdata(qtype, value), ttl=60)
                        )
                return reply.pack()
            for value in records.get(qtype, []):
                reply.add_answer(RR(qname, getattr(QTYPE, qtype), rdata=_rdata(qtype, value), ttl=60))
        return reply.pack()

    # ---- lifecycle ----------------------------------------------------------------------
    def start(self) -> DnsTestServer:
        """Bind UDP and TCP on the same free port and serve in background threads."""
        server = self
        for _attempt in range(20):
            udp_handler = type("UDPHandler", (_UdpHandler,), {"dns": server})
            tcp_handler = type("TCPHandler", (_TcpHandler,), {"dns": server})
            socketserver.ThreadingUDPServer.allow_reuse_address = True
            udp = socketserver.ThreadingUDPServer((self.host, self.port), udp_handler)
            udp.daemon_threads = True
            port = udp.server_address[1]
            try:
                tcp = socketserver.ThreadingTCPServer((self.host, port), tcp_handler, bind_and_activate=False)
                tcp.daemon_threads = True
                tcp.allow_reuse_address = True
                tcp.server_bind()
                tcp.server_activate()
            except OSError:
                udp.server_close()
                if self.port:
                    raise
                continue
            self.port = port
            self._udp, self._tcp = udp, tcp
            break
        else:  # pragma: no cover - would need 20 port collisions in a row
            raise RuntimeError("could not bind a test DNS server")
        for srv in (self._udp, self._tcp):
            thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def stop(self) -> None:
        """Stop serving and close the sockets."""
        for srv in (self._udp, self._tcp):
            if srv is not None:
                srv.shutdown()
                srv.server_close()
        for thread in self._threads:
            thread.join(timeout=2)
        self._threads.clear()
        self._udp = self._tcp = None

    def __enter__(self) -> DnsTestServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class _UdpHandler(socketserver.BaseRequestHandler):
    dns: DnsTestServer

    def handle(self) -> None:
        data, sock = self.request
        reply = self.dns.answer(data)
        if reply is None:
            return
        if len(reply) > 512:
            # Too big for classic UDP: send the header with TC set so the client retries over TCP.
            truncated = DNSRecord.parse(reply)
            truncated.rr = []
            truncated.header.tc = 1
            reply = truncated.pack()
        sock.sendto(reply, self.client_address)


class _TcpHandler(socketserver.BaseRequestHandler):
    dns: DnsTestServer

    def handle(self) -> None:
        conn: socket.socket = self.request
        conn.settimeout(5)
        with contextlib.suppress(OSError):
            while True:
                header = _recv_exact(conn, 2)
                if header is None:
                    return
                (length,) = struct.unpack("!H", header)
                packet = _recv_exact(conn, length)
                if packet is None:
                    return
                reply = self.dns.answer(packet)
                if reply is None:
                    return
                conn.sendall(struct.pack("!H", len(reply)) + reply)


def _recv_exact(conn: socket.socket, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = conn.recv(size - len(chunks))
        if not chunk:
            return None
        chunks.extend(chunk)
    return bytes(chunks)


@contextlib.contextmanager
def running_dns_server(zone: Zone | None = None, **kwargs: Any) -> Iterator[DnsTestServer]:
    """Context manager: a started DnsTestServer serving ``zone``; stopped on exit."""
    server = DnsTestServer(
        zone={k: {t: list(v) for t, v in r.items()} for k, r in (zone or {}).items()}, **kwargs
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()
