"""Non-English phishing and shop mail in our own phrasing (bench/data/lang_mail, see its SOURCE.md),
rendered into MIME mail as it reaches a receiving server.

Shop mail carries the receiver's Authentication-Results with SPF, DKIM and DMARC pass for the shop's
domain. Phishing comes either with no authentication at all ("none") or, as much real phishing does,
with SPF, DKIM and DMARC passing for the phisher's own look-alike domain ("own"). A mail with an
"attachment" carries an HTML attachment holding a sign-in form (the usual invoice lure).

dev.json is the set to look at while building; heldout.json was written first and is only ever scored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from html import escape
from pathlib import Path

from legit_mail import RECEIVER

FOLDER = Path(__file__).resolve().parent / "data" / "lang_mail"
FILES = {"tune": FOLDER / "dev.json", "held-out": FOLDER / "heldout.json"}


@dataclass(frozen=True, slots=True)
class LangMail:
    name: str
    lang: str
    is_phish: bool
    half: str
    raw: bytes


def _form(domain: str) -> str:
    return (
        "<html><body><h3>Document protected</h3><p>Sign in with your e-mail account to view it.</p>"
        f'<form method="post" action="https://{domain}/view.php"><input type="email" name="u">'
        '<input type="password" name="p"><button>View</button></form></body></html>'
    )


def render(item: dict[str, str], seed: int) -> bytes:
    domain = item["sender"].split("@", 1)[1]
    when = datetime(2026, 11, 20, 8, 0, tzinfo=UTC) + timedelta(minutes=seed * 41)
    ip = f"203.0.113.{seed % 250 + 1}"
    message = EmailMessage()
    message["Return-Path"] = f"<bounce@{domain}>"
    message["Received"] = (
        f"from mail.{domain} (mail.{domain} [{ip}]) by {RECEIVER} with ESMTPS id {seed:08x}; "
        f"{format_datetime(when)}"
    )
    if item["auth"] in ("shop", "own"):
        message["Authentication-Results"] = (
            f"{RECEIVER}; spf=pass smtp.mailfrom=bounce@{domain}; dkim=pass header.d={domain} "
            f"header.s=mail; dmarc=pass (p=REJECT) header.from={domain}"
        )
    else:
        message["Authentication-Results"] = (
            f"{RECEIVER}; spf=none smtp.mailfrom=bounce@{domain}; dkim=none; dmarc=none header.from={domain}"
        )
    message["From"] = f'"{item["sender_name"]}" <{item["sender"]}>'
    message["To"] = "kunde@example.net"
    message["Subject"] = item["subject"]
    message["Date"] = format_datetime(when)
    message["Message-ID"] = f"<{hashlib.sha1(item['id'].encode()).hexdigest()[:16]}@{domain}>"
    body = item["body"]
    link, text = item.get("link"), item.get("link_text", "")
    plain = body.replace("{link}", f"{text}: {link}" if link else "")
    html_body = "".join(
        "<p>"
        + (
            f'<a href="{escape(link)}">{escape(text)}</a>'
            if block == "{link}" and link
            else escape(block).replace("\n", "<br>")
        )
        + "</p>"
        for block in body.split("\n\n")
    )
    message.set_content(plain)
    message.add_alternative(f"<html><body>{html_body}</body></html>", subtype="html")
    if item.get("attachment"):
        message.add_attachment(
            _form(f"secure-docs-{seed}.{domain}").encode(),
            maintype="text",
            subtype="html",
            filename=item["attachment"],
        )
    return message.as_bytes()


def corpus() -> Iterator[LangMail]:
    for part, path in FILES.items():
        for seed, item in enumerate(json.loads(path.read_text(encoding="utf-8"))):
            yield LangMail(item["id"], item["lang"], item["label"] == "phishing", part, render(item, seed))
