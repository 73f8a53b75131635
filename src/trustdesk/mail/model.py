"""What parsing one mail yields: the parsed mail, its addresses, Received hops and attachments, as plain values."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from trustdesk.mail.html_text import Link


@dataclass(frozen=True)
class Address:
    """A mailbox: display name (decoded) and address."""

    display_name: str
    address: str

    @property
    def domain(self) -> str:
        """Lower-cased domain part ("" when the address has none)."""
        return self.address.rpartition("@")[2].rstrip(".").lower() if "@" in self.address else ""

    def __str__(self) -> str:
        if not self.display_name:
            return self.address
        name = self.display_name
        if re.search(r'[()<>\[\]:;@\\,."]', name):
            name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
        return f"{name} <{self.address}>"


@dataclass(frozen=True)
class ReceivedHop:
    """One Received header, newest first in ``ParsedMail.received``."""

    raw: str
    from_host: str | None = None
    from_ip: str | None = None
    by_host: str | None = None
    timestamp: dt.datetime | None = None


@dataclass(frozen=True)
class Attachment:
    """Attachment metadata; ``content`` is None when refused (type or size)."""

    filename: str
    content_type: str
    size: int
    sha256: str
    content: bytes | None
    disposition: str = "attachment"
    content_id: str | None = None
    detected_type: str | None = None  # from the first bytes, e.g. "pdf", "zip", "pe-executable"
    refused: str | None = None


@dataclass(frozen=True)
class ParsedMail:
    """Everything the desk needs from one message, as plain values."""

    raw: bytes
    from_: Address | None
    from_addresses: tuple[Address, ...]
    sender: Address | None
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    return_path: str | None
    subject: str
    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    date: dt.datetime | None
    received: tuple[ReceivedHop, ...]
    headers: tuple[tuple[str, str], ...]
    text: str
    text_source: str  # "plain", "html" or "none"
    text_plain: str
    html_text: str
    links: tuple[Link, ...]
    attachments: tuple[Attachment, ...]
    defects: tuple[str, ...] = field(default_factory=tuple)
    truncated: bool = False

    @property
    def from_domain(self) -> str:
        """Domain of the (first) From address, lower-cased; "" if none."""
        return self.from_.domain if self.from_ else ""

    def header(self, name: str) -> str | None:
        """First value of a header (decoded), case-insensitive."""
        lowered = name.lower()
        return next((v for n, v in self.headers if n.lower() == lowered), None)

    def header_all(self, name: str) -> list[str]:
        """Every value of a header, in order."""
        lowered = name.lower()
        return [v for n, v in self.headers if n.lower() == lowered]
