"""What of an inbound mail becomes the conversation message: its own text, within the body limit."""

from __future__ import annotations

import re

from trustdesk.conversations.domain import MAX_BODY_CHARS
from trustdesk.mail import ParsedMail

# Leave room for the shortening note within the pipeline's limit.
_BUDGET = MAX_BODY_CHARS - 200
_ATTRIBUTION = re.compile(
    r"^\s*(on .{0,200}wrote:|am .{0,200}schrieb .{0,100}:|le .{0,200}a écrit\s*:|-{2,}\s*original message\s*-{2,})\s*$",
    re.IGNORECASE,
)


def strip_quoted_tail(text: str) -> str:
    """Drop the quoted history at the end of a reply ("> ..." lines and the "On … wrote:" line above them)."""
    lines = text.split("\n")
    end = len(lines)
    while end > 0 and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith(">")):
        end -= 1
    if end < len(lines) and any(line.lstrip().startswith(">") for line in lines[end:]):
        if end > 0 and _ATTRIBUTION.match(lines[end - 1]):
            end -= 1
        kept = "\n".join(lines[:end]).rstrip()
        return kept or text  # a mail that is nothing but a quote keeps it
    return text


def shorten(text: str, budget: int = _BUDGET) -> str:
    """Cut long text at a whitespace boundary (never inside a number or word) and say so."""
    if len(text) <= budget:
        return text
    cut = text.rfind(" ", 0, budget)
    newline = text.rfind("\n", 0, budget)
    cut = max(cut, newline)
    if cut < budget // 2:
        cut = budget
    omitted = len(text) - cut
    return text[:cut].rstrip() + f"\n\n[… e-mail shortened: {omitted} more characters not shown]"


def message_text(parsed: ParsedMail, attachment_count: int) -> str:
    """The body stored (after the guard) for one inbound mail."""
    text = strip_quoted_tail(parsed.text.replace("\r\n", "\n").strip())
    text = shorten(text)
    if not text.strip():
        if attachment_count:
            return f"(no text; {attachment_count} attachment{'s' if attachment_count != 1 else ''})"
        return "(empty e-mail)"
    return text


_BROKEN_MULTIPART = {
    "NoBoundaryInMultipartDefect",
    "StartBoundaryNotFoundDefect",
    "MultipartInvariantViolationDefect",
}


def malformed_reason(parsed: ParsedMail) -> str | None:
    """Why a mail cannot be taken in (answered 554 5.6.0), or None when it can."""
    if parsed.from_ is None or "@" not in parsed.from_.address or not parsed.from_.domain:
        if "MissingHeaderBodySeparatorDefect" in parsed.defects:
            return "no header section (is this an RFC 5322 message?)"
        return "no valid From address"
    broken = _BROKEN_MULTIPART.intersection(parsed.defects)
    if broken:
        return "a multipart body without a usable boundary (" + ", ".join(sorted(broken)) + ")"
    return None
