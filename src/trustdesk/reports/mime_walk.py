"""The bounded walk over a reported message's MIME parts: text, HTML, attachments and attached
messages, within the part, depth and size limits.

Both alternatives of a multipart/alternative are read (a filter-dodging plain part is evidence too),
except a plain alternative that is a style sheet: some senders make it by stripping the tags off their
HTML, leaving the CSS of its style blocks as "text"; the HTML alternative says the same in the words a
reader sees, read through nh3 (`trustdesk.reports.mail_html`).
"""

from __future__ import annotations

import re
from email.message import Message

from trustdesk.reports.attachments import _describe_attachment
from trustdesk.reports.mail_headers import _PARSE_ERRORS
from trustdesk.reports.mail_html import _html_result, _parse_html
from trustdesk.reports.mail_values import Attachment, Limits, Link

# One CSS rule: a selector, then a block of "property: value" declarations.
_CSS_RULE_RE = re.compile(r"[^\s{}][^{}\n]{0,200}\{\s*[-\w]+\s*:[^{}]{1,2000}\}")
# A plain text with this many rules is a style sheet, not prose.
MIN_CSS_RULES = 3


def is_style_sheet_dump(text: str) -> bool:
    """True when a plain-text part carries CSS rules (MIN_CSS_RULES or more): the tag-stripped HTML
    of a careless sender, not words meant for the reader."""
    return len(_CSS_RULE_RE.findall(text[:20000], 0)) >= MIN_CSS_RULES


def _has_html(part: Message) -> bool:
    if part.is_multipart():
        payload = part.get_payload()
        return any(
            isinstance(c, Message) and _has_html(c) for c in (payload if isinstance(payload, list) else [])
        )
    return part.get_content_type() == "text/html"


class _Walk:
    """Accumulates the content of a bounded MIME walk."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.parts = 0
        self.texts: list[str] = []
        self.chars = 0
        self.links: list[Link] = []
        self.forms: list[str] = []
        self.lookup_forms: list[str] = []
        self.images: list[str] = []
        self.attachments: list[Attachment] = []
        self.notes: list[str] = []
        self.inner: list[Message] = []

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)

    def add_text(self, text: str) -> None:
        room = self.limits.max_text_chars - self.chars
        if room <= 0:
            self.note(f"only the first {self.limits.max_text_chars:,} characters were analysed")
            return
        if len(text) > room:
            self.note(f"only the first {self.limits.max_text_chars:,} characters were analysed")
            text = text[:room]
        self.texts.append(text)
        self.chars += len(text)

    def visit(self, part: Message, depth: int, *, html_alternative: bool = False) -> None:
        """Read `part` (at nesting `depth`); `html_alternative` when an HTML sibling says the same."""
        self.parts += 1
        if self.parts > self.limits.max_parts:
            self.note(f"only the first {self.limits.max_parts} MIME parts were read")
            return
        if depth > self.limits.max_depth:
            self.note(f"parts nested deeper than {self.limits.max_depth} levels were not read")
            return
        content_type = part.get_content_type()
        if part.is_multipart():
            payload = part.get_payload()
            children = payload if isinstance(payload, list) else []
            if content_type == "message/rfc822" and children and isinstance(children[0], Message):
                self.inner.append(children[0])
            html_alternative = content_type == "multipart/alternative" and any(
                isinstance(child, Message) and _has_html(child) for child in children
            )
            for child in children:
                if isinstance(child, Message):
                    self.visit(child, depth + 1, html_alternative=html_alternative)
            return
        disposition = (part.get_content_disposition() or "").lower()
        filename = _safe_filename(part)
        if content_type in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            text = _decode_text(part)
            if content_type == "text/html":
                self._add_html(text)
            elif not (html_alternative and is_style_sheet_dump(text)):
                self.add_text(text)
            return
        self.attachments.append(_describe_attachment(part, filename, content_type, self.limits))

    def _add_html(self, html: str) -> None:
        if len(html) > self.limits.max_html_chars:
            self.note(f"HTML beyond {self.limits.max_html_chars:,} characters was not read")
            html = html[: self.limits.max_html_chars]
        parser = _parse_html(html)
        text, links, forms = _html_result(parser)
        self.links.extend(links)
        self.forms.extend(forms)
        self.lookup_forms.extend(parser.lookup_forms)
        self.images.extend(parser.images)
        self.add_text(text)


def _safe_filename(part: Message) -> str:
    try:
        return (part.get_filename() or "").strip()[:255]
    except _PARSE_ERRORS:
        return "(unreadable name)"


def _decode_text(part: Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except _PARSE_ERRORS:
        return ""
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset, "replace")
    except LookupError:
        return payload.decode("utf-8", "replace")
