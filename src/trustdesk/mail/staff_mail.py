"""Plain-text mail from the desk to a retailer's staff (report alerts, admin notices).

Headers are written by mail.headers like every mail the desk sends; the sender is a fixed
address on the desk's own host, since these mails speak for the desk, not for a retailer.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from urllib.parse import urlsplit

from trustdesk.mail.headers import FieldValue, Mailbox, MsgIds, Text, Token, assemble, header_text


def desk_sender(public_base_url: str, local_part: str) -> str:
    """The desk's own address for a kind of staff mail, e.g. trustdesk-alerts@desk.example."""
    host = (urlsplit(public_base_url).hostname or "localhost").strip(".").lower()
    return f"{local_part}@{host if '.' in host else host + '.invalid'}"


def staff_mail(
    *, sender: str, recipient: str, subject: str, text: str, date: datetime | None = None
) -> bytes:
    """The wire form (CRLF) of a plain-text mail; HeaderRefused when a header cannot be written
    exactly as intended (e.g. a recipient address that is not plain ASCII)."""
    body = EmailMessage(policy=SMTP)
    body.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    domain = sender.rpartition("@")[2]
    fields: list[tuple[str, FieldValue]] = [
        ("From", Mailbox(sender, "Trustdesk")),
        ("To", Mailbox.from_text(recipient)),
        ("Subject", Text(header_text(subject, 300))),
        ("Date", Token(format_datetime(date or datetime.now(UTC)))),
        ("Message-ID", MsgIds((f"td.{secrets.token_urlsafe(18)}@{domain}",))),
        ("Auto-Submitted", Token("auto-generated")),
    ]
    return assemble(fields, body)
