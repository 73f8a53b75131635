"""Our outbound mail: multipart/alternative (text + escaped HTML), threading headers, the public
reference (header and footer line), DKIM-signed with the retailer's key when it has one."""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime

from trustdesk.authenticity.model import REFERENCE_HEADER
from trustdesk.authenticity.outbound import text_to_html
from trustdesk.conversations.domain import clean_line
from trustdesk.mail import sign_message


def new_message_id(domain: str) -> str:
    """A fresh, unguessable Message-ID (without angle brackets) in our domain."""
    return f"td.{secrets.token_urlsafe(18)}@{domain.strip().strip('.').lower() or 'localhost'}"


def header_text(value: str, limit: int) -> str:
    """Text for a header we write (subject, display name): one line, and no RFC 2047 encoded word.

    Python's email package decodes encoded words in a header value once more when it writes the
    header, so customer text that still reads "=?utf-8?q?x=0D=0ABcc:_...?=" after the inbound
    decoding would turn into a line break and a header of the customer's choosing. "=?" becomes
    "= ?", which no decoder takes for the start of an encoded word.
    """
    text = clean_line(value, limit)
    while "=?" in text:
        text = text.replace("=?", "= ?")
    return text[:limit]


_SAFE_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/^_`{|}~-]+@[A-Za-z0-9.-]+")


def safe_header_address(address: str) -> bool:
    """Whether an address can be written into a header as it is: plain ASCII dot-atom characters
    and no "=?" (the email package would decode an encoded word in the local part into a line break)."""
    return bool(_SAFE_ADDRESS.fullmatch(address)) and "=?" not in address


class UnsafeAddress(ValueError):
    """An address we will not write into a header (see safe_header_address)."""


def _mailbox(name: str, address: str) -> Address:
    if not safe_header_address(address):
        raise UnsafeAddress(f"the address {address[:80]!r} cannot be written safely into a mail header")
    local, _, domain = address.rpartition("@")
    return Address(display_name=header_text(name, 120), username=local, domain=domain)


@dataclass(frozen=True)
class Reply:
    """Everything one outbound mail says; already-guarded text only."""

    from_name: str
    from_address: str
    to_name: str
    to_address: str
    subject: str
    text: str
    footer: str
    reference: str
    message_id: str  # without angle brackets
    in_reply_to: str | None = None
    references: Sequence[str] = ()
    date: datetime | None = None
    automatic: bool = False  # written by the bot, not a person (RFC 3834: Auto-Submitted: auto-replied)


def build_reply(reply: Reply) -> bytes:
    """The wire form of a reply (CRLF line ends), unsigned."""
    body = reply.text.rstrip() + "\n\n" + reply.footer + "\n"
    message = EmailMessage(policy=SMTP)
    message["From"] = _mailbox(reply.from_name, reply.from_address)
    message["To"] = _mailbox(reply.to_name, reply.to_address)
    message["Subject"] = header_text(reply.subject, 300)
    message["Date"] = format_datetime(reply.date or datetime.now(UTC))
    message["Message-ID"] = f"<{reply.message_id}>"
    if reply.in_reply_to:
        message["In-Reply-To"] = f"<{reply.in_reply_to}>"
    if reply.references:
        message["References"] = " ".join(f"<{r}>" for r in reply.references)
    message[REFERENCE_HEADER] = reply.reference
    message["Auto-Submitted"] = "auto-replied" if reply.automatic else "no"
    message.set_content(body, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(text_to_html(body), subtype="html", charset="utf-8", cte="quoted-printable")
    return message.as_bytes()


def sign_reply(raw: bytes, *, domain: str, selector: str, private_key_pem: bytes) -> bytes:
    """DKIM-sign (relaxed/relaxed, rsa-sha256) with the retailer's key for the From domain."""
    return sign_message(raw, selector, domain, private_key_pem)
