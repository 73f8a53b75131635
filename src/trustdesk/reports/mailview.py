"""Safe reading of a reported message: an .eml upload, a forwarded mail or pasted text.

Nothing in a report is ever executed, rendered or unpacked: HTML is sanitised with nh3 before its text
and links are read, attachments are described (name, type, size) but not opened, and archives are only
inspected through their central directory, never decompressed. Every walk is bounded in size, depth
and part count so a hostile upload costs bounded time.
"""

from __future__ import annotations

import email
import email.errors
import re
from email import policy
from email.message import EmailMessage, Message
from email.utils import getaddresses

from trustdesk.mail.model import ParsedMail
from trustdesk.mail.parsing import parse_message
from trustdesk.reports.attachments import _ARCHIVE_SUFFIXES, inspect_zip
from trustdesk.reports.forwarded import _apply_inline_forward, forwarded_sender
from trustdesk.reports.mail_headers import (
    _AUTH_HEADER_NAMES,
    _address_of,
    _auth_headers,
    _header_text,
    auth_results_from_headers,
    auth_results_from_values,
    parse_sender,
)
from trustdesk.reports.mail_values import Attachment, Limits, Link, MailView, ReportInputError
from trustdesk.reports.mime_walk import _Walk

_HEADER_LINE_RE = re.compile(rb"^(?:From .*|[!-9;-~]+:.*)$")


def looks_like_mail(data: bytes) -> bool:
    """True when `data` starts with an RFC 5322 header block that names a sender or subject."""
    head = data[:16384].lstrip(b"\r\n")
    lines = head.splitlines()
    if not lines or not _HEADER_LINE_RE.match(lines[0]):
        return False
    header_names = set()
    for line in lines:
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t"):
            continue
        if not _HEADER_LINE_RE.match(line):
            return False
        header_names.add(line.split(b":", 1)[0].strip().lower())
    return bool(header_names & {b"from", b"subject", b"received", b"message-id"})


def read_report(data: bytes | str, limits: Limits | None = None) -> MailView:
    """Turn an upload (raw .eml bytes or pasted text) into a `MailView`, within `limits`.

    Raises `ReportInputError` for empty or oversized input and for messages too deeply nested to parse.
    """
    limits = limits or Limits()
    raw = data.encode("utf-8", "surrogateescape") if isinstance(data, str) else bytes(data)
    if len(raw) > limits.max_bytes:
        raise ReportInputError(
            f"the report is {len(raw):,} bytes; the limit is {limits.max_bytes:,} bytes. "
            "Forward only the suspicious message."
        )
    if not raw.strip():
        raise ReportInputError("the report is empty")
    if b"\x00" in raw[:8192] and not looks_like_mail(raw):
        raise ReportInputError("the report looks like a binary file, not a message or text")
    if not looks_like_mail(raw):
        text = raw.decode("utf-8", "replace")
        notes: tuple[str, ...] = ()
        if len(text) > limits.max_text_chars:
            text = text[: limits.max_text_chars]
            notes = (f"only the first {limits.max_text_chars:,} characters were analysed",)
        inner = forwarded_sender(text)
        if inner is not None:
            display, address, malformed, recipients = inner
            return MailView(
                text=text,
                from_display=display,
                from_address=address,
                from_malformed=malformed,
                to_addresses=recipients,
                forwarded=True,
                notes=notes,
            )
        return MailView(text=text, notes=notes)
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
    except RecursionError as exc:
        raise ReportInputError("the message is nested too deeply to analyse") from exc
    return _view_message(message, limits)


def _view_message(message: EmailMessage, limits: Limits) -> MailView:
    walk = _Walk(limits)
    try:
        walk.visit(message, 0)
    except RecursionError as exc:
        raise ReportInputError("the message is nested too deeply to analyse") from exc
    # A report forwarded "as attachment" wraps the suspicious mail: its headers are the evidence.
    subject_msg: Message = message
    for _ in range(limits.max_depth):
        if not _header_text(subject_msg, "From") and walk.inner:
            subject_msg = walk.inner[0]
            break
        if _is_forward_wrapper(subject_msg, walk.inner):
            subject_msg = walk.inner[0]
            walk.inner = walk.inner[1:]
        else:
            break
    display, address, malformed = parse_sender(_header_text(subject_msg, "From"))
    to_addresses = tuple(
        addr.lower() for _, addr in getaddresses([_header_text(subject_msg, "To")]) if "@" in addr
    )
    reply_to = tuple(
        addr.lower() for _, addr in getaddresses([_header_text(subject_msg, "Reply-To")]) if "@" in addr
    )
    _, return_path = _address_of(_header_text(subject_msg, "Return-Path"))
    subject = _header_text(subject_msg, "Subject")
    is_list = any(
        _header_text(subject_msg, h) for h in ("List-Id", "List-Unsubscribe", "Mailing-List", "List-Post")
    )
    defects = len(getattr(message, "defects", []))
    if defects:
        walk.note(f"the message has {defects} structural defect(s); it was read leniently")
    body = "\n".join(walk.texts)
    text = (subject + "\n\n" if subject else "") + body
    auth = auth_results_from_headers(subject_msg)
    auth_headers: tuple[tuple[str, str], ...] = ()
    if subject_msg is message:
        auth_headers = _auth_headers(message)
    view = MailView(
        text=text,
        is_mail=True,
        subject=subject,
        from_display=display,
        from_address=address,
        from_malformed=malformed,
        to_addresses=to_addresses,
        reply_to=reply_to,
        return_path=return_path,
        is_mailing_list=is_list,
        auth=auth,
        links=tuple(walk.links),
        forms=tuple(walk.forms),
        attachments=tuple(walk.attachments),
        notes=tuple(walk.notes),
        lookup_forms=tuple(walk.lookup_forms),
        images=tuple(walk.images),
        auth_headers=auth_headers,
    )
    return _apply_inline_forward(view, body)


def _is_forward_wrapper(message: Message, inner: list[Message]) -> bool:
    # Only unwrap when the outer mail is a plain wrapper: exactly one attached message at the top.
    return bool(inner) and message.get_content_type() == "multipart/mixed" and len(inner) == 1


def view_from_parsed_mail(parsed: ParsedMail, limits: Limits | None = None, _depth: int = 0) -> MailView:
    """Build a MailView from a message already parsed by `trustdesk.mail.parse_message` (for the SMTP
    report address, which parses every inbound mail anyway), so it is not parsed twice."""
    limits = limits or Limits()
    inner_mails = [a for a in parsed.attachments if a.content_type == "message/rfc822" and a.content]
    if (not parsed.from_ or len(inner_mails) == 1) and inner_mails and _depth < limits.max_depth:
        # Forwarded as an attachment: the attached message is the evidence.
        inner = inner_mails[0].content or b""
        return view_from_parsed_mail(parse_message(inner), limits, _depth + 1)
    display, address, malformed = parse_sender(parsed.header("From") or "")
    subject = " ".join(parsed.subject.split())
    body = "\n".join(t for t in (parsed.text_plain, parsed.html_text) if t)[: limits.max_text_chars]
    attachments = []
    for item in parsed.attachments:
        members: tuple[str, ...] = ()
        notes: list[str] = []
        if item.content is not None and (
            item.detected_type == "zip" or item.filename.lower().endswith(".zip")
        ):
            members, notes = inspect_zip(item.content, limits)
        elif item.filename.lower().endswith(_ARCHIVE_SUFFIXES):
            notes.append("archive not inspected")
        attachments.append(Attachment(item.filename, item.content_type, item.size, members, tuple(notes)))
    view = MailView(
        text=(subject + "\n\n" if subject else "") + body,
        is_mail=True,
        subject=subject,
        from_display=display,
        from_address=address,
        from_malformed=malformed,
        to_addresses=tuple(a.address.lower() for a in parsed.to if "@" in a.address),
        reply_to=tuple(a.address.lower() for a in parsed.reply_to if "@" in a.address),
        return_path=(parsed.return_path or "").lower(),
        is_mailing_list=any(
            parsed.header(h) for h in ("List-Id", "List-Unsubscribe", "Mailing-List", "List-Post")
        ),
        auth=auth_results_from_values(
            parsed.header("Authentication-Results") or "", parsed.header("Received-SPF") or ""
        ),
        links=tuple(Link(link.url, link.text) for link in parsed.links if link.tag == "a"),
        forms=tuple(link.url for link in parsed.links if link.tag == "form"),
        attachments=tuple(attachments),
        notes=tuple(parsed.defects[:5]),
        images=tuple(link.url for link in parsed.links if link.tag == "img"),
        auth_headers=tuple(
            (name, " ".join(value.split()))
            for name, value in parsed.headers
            if name.lower() in _AUTH_HEADER_NAMES and _depth == 0
        )[:50],
    )
    return _apply_inline_forward(view, body)
