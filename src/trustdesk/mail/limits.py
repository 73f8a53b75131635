"""The size and shape limits applied while parsing one mail, and the errors for mail refused before parsing."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class MailLimits:
    """Size and shape limits applied while parsing one message."""

    max_message_bytes: int = 25 * 1024 * 1024
    max_header_bytes: int = 512 * 1024
    max_depth: int = 8  # MIME nesting below the top-level message
    max_parts: int = 250
    max_attachments: int = 50
    max_attachment_bytes: int = 15 * 1024 * 1024
    max_total_attachment_bytes: int = 25 * 1024 * 1024
    max_text_chars: int = 500_000
    max_links: int = 500
    blocked_extensions: frozenset[str] = frozenset(
        {
            "exe", "scr", "com", "pif", "bat", "cmd", "msi", "msp", "dll", "cpl", "vbs", "vbe", "js", "jse",
            "wsf", "wsh", "hta", "ps1", "psm1", "jar", "lnk", "reg", "iso", "img", "vhd", "vhdx", "xll",
            "docm", "xlsm", "pptm", "application", "appx", "msix", "sh", "apk", "dmg", "scf", "url",
        }
    )  # fmt: skip
    blocked_content_types: frozenset[str] = frozenset(
        {
            "application/x-msdownload", "application/x-msdos-program", "application/x-dosexec",
            "application/x-executable", "application/x-sh", "application/hta", "application/java-archive",
            "application/x-ms-shortcut", "application/vnd.microsoft.portable-executable", "text/javascript",
            "application/javascript", "application/x-javascript", "text/vbscript",
        }
    )  # fmt: skip


DEFAULT_LIMITS = MailLimits()


class MailParseError(ValueError):
    """The message was refused before parsing."""


class MailTooLargeError(MailParseError):
    """The message (or its header section) exceeds the configured size limit."""

    def __init__(self, what: str, size: int, limit: int) -> None:
        super().__init__(f"{what} is {size} bytes; the limit is {limit} bytes")
        self.what = what
        self.size = size
        self.limit = limit
