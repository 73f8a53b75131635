"""Outbound messages carry their reference: a footer line, an e-mail header, DKIM-signed mail."""

from __future__ import annotations

import html
import re
import secrets
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from trustdesk.authenticity.canonical import _URL, _trim_url
from trustdesk.authenticity.footers import footer_text
from trustdesk.authenticity.model import REFERENCE_HEADER
from trustdesk.mail import sign_message
from trustdesk.mail.headers import FieldValue, Mailbox, MsgIds, Text, Token, assemble, header_text


def check_url(public_base_url: str, tenant_slug: str) -> str:
    """The retailer's public "was this really from us?" page."""
    return f"{public_base_url.rstrip('/')}/t/{tenant_slug}/check"


def footer_line(reference: str, public_base_url: str, tenant_slug: str, lang: str | None = None) -> str:
    """The line appended to every outbound e-mail, e.g. "Reference TD-… · check it at https://…/t/acme/check",
    in ``lang`` (the conversation's language; English without one)."""
    return footer_text(reference, check_url(public_base_url, tenant_slug), lang)


_LINK = re.compile(_URL, re.IGNORECASE)


def text_to_html(text: str) -> str:
    """Our HTML rendering of a plain-text message: escaped paragraphs, each link shown as its own address."""

    def paragraph(block: str) -> str:
        out: list[str] = []
        position = 0
        for match in _LINK.finditer(block):
            url = _trim_url(match.group(0))
            out.append(html.escape(block[position : match.start()]))
            href = url if url.lower().startswith("http") else "http://" + url
            out.append(f'<a href="{html.escape(href)}">{html.escape(url)}</a>')
            position = match.start() + len(url)
        out.append(html.escape(block[position:]))
        return "<p>" + "".join(out).replace("\n", "<br>\n") + "</p>"

    blocks = [b for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    body = "\n".join(paragraph(b) for b in blocks)
    return f'<!doctype html><html><body style="font-family:sans-serif">\n{body}\n</body></html>\n'


def alternative_body(text: str, footer: str) -> EmailMessage:
    """The body of every mail we send: multipart/alternative, the text with the footer line and
    its escaped HTML rendering; only content headers (mail.headers writes the others)."""
    body = text.rstrip() + "\n\n" + footer + "\n"
    message = EmailMessage(policy=SMTP)
    message.set_content(body, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(text_to_html(body), subtype="html", charset="utf-8", cte="quoted-printable")
    return message


def build_email(
    *,
    text: str,
    footer: str,
    reference: str,
    from_address: str,
    to_address: str,
    subject: str,
    dkim_domain: str | None = None,
    dkim_selector: str | None = None,
    dkim_private_key_pem: bytes | None = None,
    date: datetime | None = None,
    message_id_domain: str | None = None,
    extra_headers: tuple[tuple[str, str], ...] = (),
) -> bytes:
    """A multipart/alternative e-mail (text + HTML) with the reference header and footer, DKIM-signed
    when a key is given. Headers go through mail.headers (HeaderRefused: nothing to send)."""
    domain = (
        (message_id_domain or Mailbox.from_text(from_address).address.rpartition("@")[2]).strip(". ").lower()
    )
    fields: list[tuple[str, FieldValue]] = [
        ("From", Mailbox.from_text(from_address)),
        ("To", Mailbox.from_text(to_address)),
        ("Subject", Text(header_text(subject, 300))),
        ("Date", Token(format_datetime(date or datetime.now(UTC)))),
        ("Message-ID", MsgIds((f"td.{secrets.token_urlsafe(18)}@{domain or 'localhost'}",))),
        (REFERENCE_HEADER, Token(reference)),
        *((name, Token(value)) for name, value in extra_headers),
    ]
    raw = assemble(fields, alternative_body(text, footer))
    if dkim_domain and dkim_selector and dkim_private_key_pem:
        raw = sign_message(raw, dkim_selector, dkim_domain, dkim_private_key_pem)
    return raw
