"""Safe parsing of RFC 5322 / MIME mail into plain values.

Rules: oversize mail is refused with :class:`MailTooLargeError` before any parsing;
everything else — unknown charsets, broken encodings, truncated multiparts, absurd
nesting — is parsed as far as it goes and recorded in ``ParsedMail.defects``; nothing is
ever rendered, executed or unpacked (archives stay opaque bytes).
"""

from __future__ import annotations

import re
from email import policy
from email.message import Message
from email.parser import BytesParser

from trustdesk.mail.decoding import _clean_header, _codec_for
from trustdesk.mail.html_text import Link, html_links, html_to_text, text_links
from trustdesk.mail.inbound_headers import (
    _addresses,
    _date,
    _header_values,
    _msg_id,
    _policy_values,
    _raw_headers,
    _received_hop,
)
from trustdesk.mail.limits import DEFAULT_LIMITS, MailLimits, MailTooLargeError
from trustdesk.mail.mime_walk import _Walk, _walk
from trustdesk.mail.model import ParsedMail

_HEADER_END = re.compile(rb"\r?\n\r?\n")
_FIRST_CHARSET = re.compile(rb"charset\s*=\s*[\"']?([A-Za-z0-9_.:\-]{1,40})", re.IGNORECASE)
_BOUNDARY_DECL = re.compile(rb"boundary\s*=", re.IGNORECASE)
_TRUNCATION_DEFECTS = {"CloseBoundaryNotFoundDefect"}


def _collect_defects(msg: Message) -> list[str]:
    names: list[str] = []
    try:
        for part in msg.walk():
            names.extend(type(d).__name__ for d in getattr(part, "defects", []))
    except Exception:  # noqa: BLE001 - defect listing is best effort
        names.append("defects could not be listed")
    return names


def parse_message(raw: bytes, limits: MailLimits = DEFAULT_LIMITS) -> ParsedMail:
    """Parse raw RFC 5322 bytes safely; raises MailTooLargeError only for oversize input."""
    if isinstance(raw, str):
        raw = raw.encode("utf-8", errors="surrogateescape")
    raw = bytes(raw)
    if len(raw) > limits.max_message_bytes:
        raise MailTooLargeError("message", len(raw), limits.max_message_bytes)
    end = _HEADER_END.search(raw, 0, limits.max_header_bytes + 4)
    header_size = end.start() if end else len(raw)
    if header_size > limits.max_header_bytes:
        raise MailTooLargeError("header section", header_size, limits.max_header_bytes)

    defects: list[str] = []
    parser = BytesParser(policy=policy.default)
    headers_only = len(_BOUNDARY_DECL.findall(raw)) > limits.max_parts
    if headers_only:
        defects.append("too many multipart boundaries; body not parsed")
    to_parse = raw
    header_bytes = raw[:header_size]
    if not header_bytes.isascii():
        try:
            header_bytes.decode("utf-8")
        except UnicodeDecodeError:
            # Legacy 8-bit headers (not RFC 6532 UTF-8): senders use the body's charset, so read
            # them in the first charset the message declares, else Windows-1252 — never as U+FFFD.
            declared = _FIRST_CHARSET.search(raw, 0, 65536)
            codec = _codec_for(declared.group(1).decode("ascii")) if declared else None
            if codec in (None, "ascii", "utf-8"):
                codec = "cp1252"
            to_parse = header_bytes.decode(codec, errors="replace").encode("utf-8") + raw[header_size:]
            defects.append(f"8-bit header bytes that are not UTF-8; read as {codec}")
    try:
        msg = parser.parsebytes(to_parse, headersonly=headers_only)
    except RecursionError:
        defects.append("MIME structure nested too deeply; body not parsed")
        headers_only = True
        msg = parser.parsebytes(to_parse, headersonly=True)
    defects.extend(_collect_defects(msg))

    walk = _Walk(limits, defects)
    if not headers_only:
        try:
            _walk(msg, 0, walk)
        except RecursionError:
            defects.append("MIME structure nested too deeply; some parts ignored")

    text_plain = "\n\n".join(t.strip("\r\n") for t in walk.plain if t.strip())[: limits.max_text_chars]
    html_source = "\n".join(walk.html)
    html_plain = html_to_text(html_source, max_chars=limits.max_text_chars) if html_source.strip() else ""
    if text_plain.strip():
        text, text_source = text_plain, "plain"
    elif html_plain:
        text, text_source = html_plain, "html"
    else:
        text, text_source = "", "none"
    text = text.replace("\r\n", "\n")

    links: list[Link] = []
    seen: set[tuple[str, str]] = set()
    candidates = html_links(html_source, limit=limits.max_links) if html_source else []
    candidates += text_links(text_plain, limit=limits.max_links)
    for link in candidates:
        key = (link.url, link.text)
        if key not in seen and len(links) < limits.max_links:
            seen.add(key)
            links.append(link)

    from_addresses = _addresses(msg, "From")
    sender = _addresses(msg, "Sender")
    raw_headers = _raw_headers(msg)
    return_path_values = _header_values(raw_headers, "Return-Path")
    return_path = None
    if return_path_values:
        match = re.search(r"<([^<>]*)>", return_path_values[0])
        return_path = (match.group(1) if match else return_path_values[0]).strip()

    # msg-ids are read as sent: RFC 2047 allows no encoded word in them, so none is decoded.
    msg_id_headers = [(_clean_header(str(k)), _clean_header(str(v))) for k, v in msg.raw_items()]
    references: tuple[str, ...] = ()
    ref_values = _header_values(msg_id_headers, "References")
    if ref_values:
        references = tuple(re.findall(r"<[^<>\s]+>", " ".join(ref_values)))

    subject_values = _policy_values(msg, "Subject")
    message_ids = _header_values(msg_id_headers, "Message-ID")
    in_reply_to = _header_values(msg_id_headers, "In-Reply-To")
    truncated = any(d in _TRUNCATION_DEFECTS for d in defects)
    return ParsedMail(
        raw=raw,
        from_=from_addresses[0] if from_addresses else None,
        from_addresses=from_addresses,
        sender=sender[0] if sender else None,
        reply_to=_addresses(msg, "Reply-To"),
        to=_addresses(msg, "To"),
        cc=_addresses(msg, "Cc"),
        return_path=return_path,
        subject=subject_values[0] if subject_values else "",
        message_id=_msg_id(message_ids[0]) if message_ids else None,
        in_reply_to=_msg_id(in_reply_to[0]) if in_reply_to else None,
        references=references,
        date=_date(msg),
        received=tuple(_received_hop(v) for v in _header_values(raw_headers, "Received")),
        headers=tuple(raw_headers),
        text=text,
        text_source=text_source,
        text_plain=text_plain.replace("\r\n", "\n"),
        html_text=html_plain,
        links=tuple(links),
        attachments=tuple(walk.attachments),
        defects=tuple(dict.fromkeys(defects)),
        truncated=truncated,
    )
