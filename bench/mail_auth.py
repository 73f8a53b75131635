"""Benchmark: MIME parsing and SPF/DKIM/DMARC authentication with DNS answered locally.

    .venv/bin/python bench/mail_auth.py [--messages 300]

Parsing runs over the real samples in ../shared/data (SpamAssassin tests, phishing_pot,
easy_ham) when present. Authentication signs synthetic retailer mail with a 2048-bit key
and checks it against the local test DNS server (tests/support/dns_server.py) — once with
the resolver's cache off (every check asks DNS: SPF include chain, DKIM key over TCP,
DMARC) and once with it on.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

from pinning import pin_to_one_core

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from support.dns_server import DnsTestServer  # noqa: E402
from trustdesk.mail import (  # noqa: E402
    Resolver,
    authenticate,
    check_spf,
    generate_dkim_keypair,
    parse_message,
    sign_message,
)

SHARED = REPO.parent / "shared" / "data"


def bench_parsing() -> None:
    folders = [
        SHARED / "spamassassin_tests",
        SHARED / "phishing_pot",
        SHARED / "easy_ham",
        SHARED / "hard_ham",
    ]
    files = [p for f in folders if f.is_dir() for p in f.rglob("*") if p.is_file() and p.suffix != ".md"]
    if not files:
        print("parsing: shared data absent, skipped")
        return
    raws = [p.read_bytes() for p in files]
    total_bytes = sum(len(r) for r in raws)
    timings: list[float] = []
    started = time.perf_counter()
    for raw in raws:
        t0 = time.perf_counter()
        parse_message(raw)
        timings.append(time.perf_counter() - t0)
    elapsed = time.perf_counter() - started
    timings.sort()
    print(
        f"parsing: {len(raws)} real messages, {total_bytes / 1e6:.1f} MB in {elapsed:.2f} s -> "
        f"{len(raws) / elapsed:.0f} msg/s, {total_bytes / 1e6 / elapsed:.1f} MB/s; "
        f"median {statistics.median(timings) * 1000:.1f} ms, p99 {timings[int(len(timings) * 0.99)] * 1000:.1f} ms, "
        f"max {timings[-1] * 1000:.0f} ms"
    )


def bench_auth(count: int) -> None:
    key = generate_dkim_keypair(2048)
    record = key.dns_record("s2024", "acme-shop.com")
    zone = {
        "acme-shop.com": {"TXT": ["v=spf1 include:_spf.acme-shop.com -all"]},
        "_spf.acme-shop.com": {"TXT": ["v=spf1 ip4:198.51.100.0/24 include:_relay.acme-shop.com -all"]},
        "_relay.acme-shop.com": {"TXT": ["v=spf1 a:relay.acme-shop.com -all"]},
        "relay.acme-shop.com": {"A": ["192.0.2.25"]},
        "_dmarc.acme-shop.com": {"TXT": ["v=DMARC1; p=reject; rua=mailto:d@acme-shop.com"]},
        record.name: {"TXT": [record.value]},
    }
    messages = []
    for i in range(count):
        raw = (
            f"From: Acme Support <support@acme-shop.com>\r\nTo: customer{i}@example.org\r\n"
            f"Subject: Your order {1000 + i}\r\nDate: Tue, 02 Jan 2024 10:00:00 +0000\r\n"
            f"Message-ID: <m{i}@acme-shop.com>\r\n\r\n"
            f"Hello,\r\n\r\nyour order {1000 + i} ships today: https://acme-shop.com/track/{i}\r\n"
        ).encode()
        messages.append(sign_message(raw, "s2024", "acme-shop.com", key.private_key_pem))
    server = DnsTestServer(zone={k: {t: list(v) for t, v in r.items()} for k, r in zone.items()}).start()
    try:
        for cache in (False, True):
            resolver = Resolver(["127.0.0.1"], port=server.port, timeout=2.0, cache=cache)
            server.queries.clear()
            started = time.perf_counter()
            passes = 0
            for raw in messages:
                results = authenticate(
                    raw, "192.0.2.25", "relay.acme-shop.com", "bounce@acme-shop.com", resolver
                )
                passes += results.dmarc.result.value == "pass"
            elapsed = time.perf_counter() - started
            assert passes == count, f"only {passes}/{count} passed"
            print(
                f"authenticate (SPF 3-level include + DKIM 2048-bit + DMARC), cache={'on' if cache else 'off'}: "
                f"{count} messages in {elapsed:.2f} s -> {count / elapsed:.0f} checks/s, "
                f"{len(server.queries) / count:.1f} DNS queries per message"
            )
        resolver = Resolver(["127.0.0.1"], port=server.port, timeout=2.0)
        started = time.perf_counter()
        for i in range(count):
            check_spf(f"192.0.2.{i % 250 + 1}", "bounce@acme-shop.com", "relay.acme-shop.com", resolver)
        elapsed = time.perf_counter() - started
        print(f"SPF alone (no cache): {count / elapsed:.0f} evaluations/s")
        started = time.perf_counter()
        for raw in messages:
            parse_message(raw)
        elapsed = time.perf_counter() - started
        print(f"parse_message on the same signed messages: {count / elapsed:.0f} msg/s")
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=300)
    args = parser.parse_args()
    pin_to_one_core()
    bench_parsing()
    bench_auth(args.messages)


if __name__ == "__main__":
    main()
