"""The values a reported message is read into: `MailView` with its links, attachments and
authentication results, the reading limits, and the error for input that cannot be read.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class ReportInputError(ValueError):
    """The upload cannot be analysed (too large, not text, nested too deep); the message says why."""


@dataclass(frozen=True, slots=True)
class Limits:
    """Bounds on what one report may cost. Defaults suit a public upload form."""

    max_bytes: int = 10 * 1024 * 1024
    max_parts: int = 200
    max_depth: int = 5
    max_text_chars: int = 400_000
    max_html_chars: int = 2_000_000
    max_archive_entries: int = 1_000
    # Declared uncompressed size / compressed size above this marks an archive as a likely zip bomb.
    max_compression_ratio: float = 100.0


@dataclass(frozen=True, slots=True)
class AuthResults:
    """SPF, DKIM and DMARC outcomes ("pass", "fail", "softfail", "none", ...); None when not known.

    Fill it from the mail package's own authentication when available, or from the receiving
    server's Authentication-Results header with `auth_results_from_headers`.
    """

    spf: str | None = None
    dkim: str | None = None
    dmarc: str | None = None


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink in HTML mail: where it goes and what the reader sees."""

    href: str
    text: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A described, never-opened attachment."""

    filename: str
    content_type: str
    size: int
    archive_members: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MailView:
    """What the analysis needs from a message. For pasted text only `text` is filled."""

    text: str
    is_mail: bool = False
    subject: str = ""
    from_display: str = ""
    from_address: str = ""
    from_malformed: bool = False
    to_addresses: tuple[str, ...] = ()
    forwarded: bool = False
    reply_to: tuple[str, ...] = ()
    return_path: str = ""
    is_mailing_list: bool = False
    auth: AuthResults | None = None
    links: tuple[Link, ...] = ()
    forms: tuple[str, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    notes: tuple[str, ...] = field(default=())
    # Targets of forms that are only a lookup box (one visible text field, nothing secret: a site search,
    # a stock quote): newsletters embed them, and they ask for nothing. Also listed in `forms`.
    lookup_forms: tuple[str, ...] = ()
    # Image sources of HTML mail (where the pictures come from).
    images: tuple[str, ...] = ()
    # The Authentication-Results and ARC-Authentication-Results headers (name, value) of the message
    # itself, top to bottom; empty for a forwarded message, whose headers are only claims.
    auth_headers: tuple[tuple[str, str], ...] = ()
