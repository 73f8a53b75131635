"""Our outbound mail: multipart/alternative (text + escaped HTML), threading headers, the public
reference (header and footer line), DKIM-signed with the retailer's key when it has one."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

from trustdesk.authenticity.model import REFERENCE_HEADER
from trustdesk.authenticity.outbound import alternative_body
from trustdesk.mail import sign_message
from trustdesk.mail.headers import (
    FieldValue,
    HeaderRefused,
    Mailbox,
    MsgIds,
    Text,
    Token,
    assemble,
    display_name,
    header_text,
    valid_address,
)


def new_message_id(domain: str) -> str:
    """A fresh, unguessable Message-ID (without angle brackets) in our domain."""
    return f"td.{secrets.token_urlsafe(18)}@{domain.strip().strip('.').lower() or 'localhost'}"


class UnsafeAddress(HeaderRefused):
    """An address we will not write into a header (see mail.headers.valid_address)."""


def safe_header_address(address: str) -> bool:
    """Whether an address can be written into a header as it is (mail.headers.valid_address)."""
    return valid_address(address)


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


def reply_fields(reply: Reply) -> list[tuple[str, FieldValue]]:
    """The header fields of a reply, in order; names and subject made safe for a header here."""
    for address in (reply.from_address, reply.to_address):
        if not valid_address(address):
            raise UnsafeAddress("an address cannot be written safely into a mail header")
    fields: list[tuple[str, FieldValue]] = [
        ("From", Mailbox(reply.from_address, display_name(reply.from_name))),
        ("To", Mailbox(reply.to_address, display_name(reply.to_name))),
        ("Subject", Text(header_text(reply.subject, 300))),
        ("Date", Token(format_datetime(reply.date or datetime.now(UTC)))),
        ("Message-ID", MsgIds((reply.message_id,))),
    ]
    if reply.in_reply_to:
        fields.append(("In-Reply-To", MsgIds((reply.in_reply_to,))))
    if reply.references:
        fields.append(("References", MsgIds(tuple(reply.references))))
    fields.append((REFERENCE_HEADER, Token(reply.reference)))
    fields.append(("Auto-Submitted", Token("auto-replied" if reply.automatic else "no")))
    return fields


def build_reply(reply: Reply) -> bytes:
    """The wire form of a reply (CRLF line ends), unsigned; every header through mail.headers,
    parsed back before it is returned (HeaderRefused: the mail must not be sent)."""
    return assemble(reply_fields(reply), alternative_body(reply.text, reply.footer))


def sign_reply(raw: bytes, *, domain: str, selector: str, private_key_pem: bytes) -> bytes:
    """DKIM-sign (relaxed/relaxed, rsa-sha256) with the retailer's key for the From domain."""
    return sign_message(raw, selector, domain, private_key_pem)
