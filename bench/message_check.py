"""Benchmark: "was this really from us?" on messages the desk sent, one-change forgeries and real phishing.

    .venv/bin/python bench/message_check.py [--messages 1000] [--phishing 300]

(a) N messages the desk sends (refunds with an IBAN, shipping notices with tracking links,
    call-backs with phone numbers, amounts), each checked as delivered in one of six shapes:
    the DKIM-signed .eml as received, pasted text re-wrapped, pasted HTML rendering, a quoted
    reply, and forwarded inline inside a customer's .eml re-encoded as quoted-printable or base64.
    All must be `genuine`. Then each message with one change (a link, the IBAN, an amount or a
    phone number swapped) must be `altered` or `not_from_us`, never `genuine`.
(b) The real phishing mail in ../shared/data/phishing_pot, re-branded to the demo retailer (its
    sender name and domains replaced), must never be `genuine`; we count how many explanations
    name look-alike or failing evidence (verdict `not_from_us`).
(c) Checks per second, with SPF/DKIM/DMARC answered by the local test DNS server.
"""

from __future__ import annotations

import argparse
import base64
import quopri
import random
import re
import sys
import textwrap
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from pinning import pin_to_one_core

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from support.dns_server import DnsTestServer  # noqa: E402
from trustdesk.authenticity import (  # noqa: E402
    DkimPublicKey,
    FingerprintKey,
    StoredMessage,
    TenantIdentity,
    build_email,
    check_message,
    fingerprint_text,
    footer_line,
    new_reference,
)
from trustdesk.mail import Resolver, generate_dkim_keypair, parse_message  # noqa: E402
from trustdesk.verify import Registry  # noqa: E402
from trustdesk.verify.demo import demo_channels  # noqa: E402

SHARED = REPO.parent / "shared" / "data"
BASE = "https://desk.acmeoutfitters.com"
DOMAIN = "acmeoutfitters.com"
SELECTOR = "td202611"
RELAY = "192.0.2.25"
NAMES = ["Pat", "Kim", "Alex", "Sam", "Jo", "Robin", "Chris", "Dana"]
AGENTS = ["Sam", "Lee", "Morgan", "Riley"]


def _iban(rng: random.Random) -> str:
    digits = "".join(rng.choice("0123456789") for _ in range(18))
    return "DE" + f"{rng.randint(10, 99)}" + " " + " ".join(digits[i : i + 4] for i in range(0, 18, 4))


def make_message(rng: random.Random) -> str:
    name, agent = rng.choice(NAMES), rng.choice(AGENTS)
    order = f"A-{rng.randint(10000, 99999)}"
    amount = f"EUR {rng.randint(5, 400)}.{rng.randint(0, 99):02d}"
    kind = rng.randrange(4)
    if kind == 0:
        body = (
            f"Thank you for your patience. Your refund of {amount} for order {order} has been approved and "
            f"will be paid to the account you gave us: IBAN {_iban(rng)}. It usually arrives within 3 to 5 "
            f"working days. You can follow it at https://acmeoutfitters.com/orders/{order}/refund."
        )
    elif kind == 1:
        tracking = f"1Z{rng.randint(10**15, 10**16 - 1)}"
        body = (
            f"Good news: order {order} left our warehouse today with UPS, tracking number {tracking}. "
            f"Follow the parcel at https://acmeoutfitters.com/track/{tracking} - the total charged was {amount}."
        )
    elif kind == 2:
        body = (
            f"As agreed, a colleague will call you back tomorrow between {rng.randint(8, 11)} and "
            f"{rng.randint(12, 17)} o'clock from our official number +1 800 555 0199 about order {order}. "
            "We will never ask for your password, card number or one-time codes."
        )
    else:
        body = (
            f"Your return for order {order} is registered. Print the label at "
            f"https://acmeoutfitters.com/returns/{order}/label and drop the parcel at any UPS point. "
            f"We will refund {amount} once it arrives. Questions? Write to support@acmeoutfitters.com."
        )
    return f"Hello {name},\n\n{body}\n\nKind regards,\n{agent}, Acme Outfitters support"


CHANGES = [
    ("link", re.compile(r"https://acmeoutfitters\.com/"), "https://acmeoutfitters-service.com/"),
    ("iban", re.compile(r"(IBAN DE\d\d [\d ]*?)(\d)(\.)"), None),
    ("amount", re.compile(r"EUR (\d+)\.(\d\d)"), None),
    ("phone", re.compile(r"\+1 800 555 0199"), "+1 800 555 0142"),
    ("email", re.compile(r"support@acmeoutfitters\.com"), "support@acmeoutfitters-care.com"),
]


def one_change(text: str, start: int) -> tuple[str, str]:
    """The message with exactly one dangerous change (the first that applies from `start` on), and its name."""
    for name, pattern, replacement in CHANGES[start % len(CHANGES) :] + CHANGES[: start % len(CHANGES)]:
        match = pattern.search(text)
        if not match:
            continue
        if name == "iban":
            digit = str((int(match.group(2)) + 1) % 10)
            return text[: match.start(2)] + digit + text[match.end(2) :], name
        if name == "amount":
            return text[: match.start(1)] + str(int(match.group(1)) + 1) + text[match.end(1) :], name
        return pattern.sub(replacement or "", text, count=1), name
    raise AssertionError("no change applies")


def customer_forward(inner: str, encoding: str) -> bytes:
    data = inner.encode("utf-8")
    body = quopri.encodestring(data) if encoding == "quoted-printable" else base64.encodebytes(data)
    return (
        b"From: Pat Example <pat@example.org>\r\nTo: check@acmeoutfitters.com\r\nSubject: Fwd: your order\r\n"
        b"Date: Tue, 24 Nov 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        b"Content-Transfer-Encoding: " + encoding.encode() + b"\r\n\r\n" + body
    )


def delivered(shape: int, text: str, footer: str, eml: bytes, rng: random.Random) -> bytes | str:
    sent = text + "\n\n" + footer
    if shape == 0:
        return (
            f"Received: from mail.{DOMAIN} (mail.{DOMAIN} [{RELAY}]) by mx.example.org; "
            "Tue, 24 Nov 2026 10:00:00 +0000\r\nReturn-Path: <bounce@acmeoutfitters.com>\r\n"
        ).encode() + eml
    if shape == 1:
        width = rng.choice([40, 60, 72, 78])
        return "\n".join(textwrap.fill(p, width, break_long_words=False) for p in sent.split("\n\n"))
    if shape == 2:
        return parse_message(eml).html_text
    if shape == 3:
        quoted = "\n".join(
            "> " + line for line in textwrap.fill(sent, 70, break_long_words=False).split("\n")
        )
        return (
            f"Thanks!\n\nOn Mon, 23 Nov 2026 at 09:12, Acme Outfitters <support@{DOMAIN}> wrote:\n" + quoted
        )
    gmail = (
        "Is this really from you?\n\n---------- Forwarded message ---------\n"
        f"From: Acme Outfitters <support@{DOMAIN}>\nDate: Mon, 23 Nov 2026\nSubject: Your order\n"
        "To: Pat Example <pat@example.org>\n\n" + sent
    )
    return customer_forward(gmail, "quoted-printable" if shape == 4 else "base64")


SHAPES = ["signed .eml as received", "re-wrapped text", "HTML rendering", "quoted reply", "forward (QP .eml)",
          "forward (base64 .eml)"]  # fmt: skip


def rebrand(raw: bytes) -> bytes:
    match = re.search(rb"(?im)^From:[ \t]*(.*(?:\r?\n[ \t].*)*)", raw)
    if match is None:
        return raw
    header = match.group(1)
    out = raw
    name = re.split(rb"[<@]", header, maxsplit=1)[0].strip(b" \t\r\n\"',_")
    if len(name) >= 2:
        out = out.replace(name, b"Acme Outfitters")
    for domain in set(re.findall(rb"@([A-Za-z0-9.-]+\.[A-Za-z]{2,})", header)):
        out = re.sub(re.escape(domain), b"acmeoutfitters-support.com", out, flags=re.IGNORECASE)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--phishing", type=int, default=300)
    args = parser.parse_args()
    pin_to_one_core()
    rng = random.Random(6)
    key = FingerprintKey.derive("bench secret")
    dkim = generate_dkim_keypair(2048)
    acme = TenantIdentity(
        "acme", "Acme Outfitters", (DOMAIN, "mail.acmeoutfitters.com"),
        (DkimPublicKey(DOMAIN, SELECTOR, dkim.public_key_b64),), f"{BASE}/t/acme/check", f"{BASE}/t/acme/report",
    )  # fmt: skip
    registry = Registry(demo_channels())
    records: dict[str, StoredMessage] = {}
    server = DnsTestServer().start()
    record = dkim.dns_record(SELECTOR, DOMAIN)
    server.update(
        {
            DOMAIN: {"TXT": [f"v=spf1 ip4:{RELAY} -all"]},
            "_dmarc." + DOMAIN: {"TXT": ["v=DMARC1; p=reject; rua=mailto:dmarc@acmeoutfitters.com"]},
            record.name: {"TXT": [record.value]},
        }
    )
    resolver = Resolver(["127.0.0.1"], port=server.port, timeout=1.0, cache=True)

    def check(data: bytes | str) -> object:
        return check_message(
            data, tenant=acme, registry=registry, resolver=resolver, lookup=records.get, key=key,
            tenants=lambda slug: acme if slug == "acme" else None,
        )  # fmt: skip

    # (a) desk-sent messages as delivered
    messages = []
    started = time.perf_counter()
    for _ in range(args.messages):
        text = make_message(rng)
        reference = new_reference()
        fp = fingerprint_text(key, "acme", text)
        records[reference] = StoredMessage(
            reference, acme, "email", datetime.now(UTC), fp.value, fp.token_count, fp.critical, fp.key_id
        )
        footer = footer_line(reference, BASE, "acme")
        eml = build_email(
            text=text, footer=footer, reference=reference, from_address=f"Acme Outfitters <support@{DOMAIN}>",
            to_address="pat@example.org", subject="Your order", dkim_domain=DOMAIN, dkim_selector=SELECTOR,
            dkim_private_key_pem=dkim.private_key_pem,
        )  # fmt: skip
        messages.append((text, footer, eml))
    record_seconds = time.perf_counter() - started
    by_shape: dict[str, Counter[str]] = {s: Counter() for s in SHAPES}
    failures = []
    started = time.perf_counter()
    timings: dict[str, list[float]] = {s: [] for s in SHAPES}
    for index, (text, footer, eml) in enumerate(messages):
        shape = index % len(SHAPES)
        data = delivered(shape, text, footer, eml, rng)
        t0 = time.perf_counter()
        result = check(data)
        timings[SHAPES[shape]].append(time.perf_counter() - t0)
        verdict = result.verdict.value  # type: ignore[attr-defined]
        by_shape[SHAPES[shape]][verdict] += 1
        if verdict != "genuine" and len(failures) < 5:
            failures.append((SHAPES[shape], verdict, result.reasons))  # type: ignore[attr-defined]
    genuine_seconds = time.perf_counter() - started
    print(
        f"(a) {args.messages} desk-sent messages recorded in {record_seconds:.2f} s (incl. 2048-bit DKIM signing)"
    )
    total_genuine = sum(c["genuine"] for c in by_shape.values())
    print(f"    as delivered: {total_genuine}/{args.messages} genuine")
    for shape, counts in by_shape.items():
        print(f"      {shape:<24} {dict(counts)}")
    for failure in failures:
        print("      NOT GENUINE:", failure)

    changed: Counter[str] = Counter()
    changed_by_kind: dict[str, Counter[str]] = {}
    named = 0
    for index, (text, footer, eml) in enumerate(messages):
        variant, kind = one_change(text, index)
        shape = index % 3
        sent = variant + "\n\n" + footer
        if shape == 0:
            data: bytes | str = sent
        elif shape == 1:
            data = "\n".join(textwrap.fill(p, 66, break_long_words=False) for p in sent.split("\n\n"))
        else:
            data = customer_forward("---------- Forwarded message ---------\nFrom: Acme\n\n" + sent, "base64")
        result = check(data)
        verdict = result.verdict.value  # type: ignore[attr-defined]
        changed[verdict] += 1
        changed_by_kind.setdefault(kind, Counter())[verdict] += 1
        if result.changes:  # type: ignore[attr-defined]
            named += 1
    print(f"    one change each: {dict(changed)}; what changed was named in {named}/{args.messages}")
    for kind, counts in changed_by_kind.items():
        print(f"      {kind:<8} {dict(counts)}")

    # (b) phishing re-branded to the demo retailer
    files = sorted((SHARED / "phishing_pot").glob("*.eml"))[: args.phishing]
    if files:
        outcome: Counter[str] = Counter()
        evidence: Counter[str] = Counter()
        unexplained = []
        t0 = time.perf_counter()
        for path in files:
            result = check(rebrand(path.read_bytes()))
            verdict = result.verdict.value  # type: ignore[attr-defined]
            outcome[verdict] += 1
            codes = {r["code"] for r in result.reasons}  # type: ignore[attr-defined]
            for code in codes & {"lookalike-contact", "reported-contact", "spoofed-sender", "unknown-reference",
                                 "brand-with-unofficial-contacts", "our-signature-missing"}:  # fmt: skip
                evidence[code] += 1
            if verdict != "not_from_us":
                unexplained.append(path.name)
        seconds = time.perf_counter() - t0
        print(
            f"(b) {len(files)} phishing_pot mails re-branded to Acme Outfitters: {dict(outcome)} in {seconds:.1f} s"
        )
        print(f"    evidence named: {dict(evidence)}")
        if unexplained:
            print(f"    without named evidence: {unexplained[:10]}")
    else:
        print("(b) skipped: ../shared/data/phishing_pot not found")

    # (c) throughput
    print(f"(c) checks/s with DNS answered locally (resolver cache on), {args.messages} as-delivered checks:")
    for shape, values in timings.items():
        values.sort()
        if values:
            print(
                f"      {shape:<24} {len(values) / sum(values):7.0f}/s  median {1000 * values[len(values) // 2]:.2f} ms"
                f"  p95 {1000 * values[int(len(values) * 0.95)]:.2f} ms"
            )
    print(f"      overall                  {args.messages / genuine_seconds:7.0f}/s")
    server.stop()
    assert total_genuine == args.messages, "a desk-sent message was not genuine"
    assert changed["genuine"] == 0, "a changed message was called genuine"


if __name__ == "__main__":
    main()
