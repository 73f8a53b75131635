"""Walking a parsed MIME tree: body text by part, attachments kept or refused by the limits.

Broken parts are read as far as they go and recorded as defects; nothing is rendered, executed
or unpacked (archives stay opaque bytes).
"""

from __future__ import annotations

import binascii
import hashlib
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import BytesParser

from trustdesk.mail.decoding import _clean_header, _clean_text, decode_bytes
from trustdesk.mail.filetypes import _EXECUTABLE_TYPES, sniff_type
from trustdesk.mail.inbound_headers import _msg_id, _safe_str
from trustdesk.mail.limits import MailLimits
from trustdesk.mail.model import Attachment


def _safe_filename(name: str | None, index: int, content_type: str) -> str:
    if name:
        name = _clean_header(name)
        name = re.split(r"[\\/]", name)[-1]  # never keep a path
        name = name.strip(" .")[:200]
    if not name:
        subtype = content_type.partition("/")[2] or "bin"
        name = f"attachment-{index}.{re.sub(r'[^a-z0-9]+', '', subtype.lower())[:10] or 'bin'}"
    return name


@dataclass
class _Walk:
    limits: MailLimits
    defects: list[str]
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    attachment_bytes: int = 0
    parts: int = 0
    depth_exceeded: bool = False


def _lenient_base64(text: str) -> bytes:
    # Padding ends the data; anything after a "=" is junk or a second, concatenated blob.
    data = re.sub(r"[^A-Za-z0-9+/]", "", text.split("=", 1)[0])
    data = data[: len(data) - len(data) % 4] if len(data) % 4 == 1 else data + "=" * (-len(data) % 4)
    try:
        return binascii.a2b_base64(data)
    except (binascii.Error, ValueError):
        return b""


def _payload_bytes(part: Message, walk: _Walk) -> bytes:
    try:
        cte = str(part.get("Content-Transfer-Encoding", "")).strip().lower()
    except Exception:  # noqa: BLE001 - an unreadable CTE header is treated as absent
        cte = ""
    if cte == "base64":
        raw_payload = part.get_payload(decode=False)
        if isinstance(raw_payload, str):
            # Truncated or badly padded base64 (common in spam and cut-off mail) still decodes.
            return _lenient_base64(raw_payload)
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - broken transfer encodings: keep the raw text instead
        walk.defects.append("a body part's transfer encoding could not be decoded")
        raw_payload = part.get_payload(decode=False)
        payload = (
            raw_payload.encode("utf-8", errors="surrogateescape") if isinstance(raw_payload, str) else b""
        )
    if isinstance(payload, bytes):
        return payload
    return b""


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type().lower()
    except Exception:  # noqa: BLE001 - stdlib can choke on a garbage Content-Type
        return "text/plain"


def _is_attachment(part: Message, content_type: str) -> bool:
    try:
        disposition = part.get_content_disposition()
        filename = part.get_filename()
    except Exception:  # noqa: BLE001 - an unparseable disposition: judge by type alone
        disposition, filename = None, None
    if disposition == "attachment" or filename:
        return True
    return content_type not in ("text/plain", "text/html")


def _add_attachment(part: Message, content_type: str, data: bytes, walk: _Walk) -> None:
    limits = walk.limits
    if len(walk.attachments) >= limits.max_attachments:
        if len(walk.attachments) == limits.max_attachments:
            walk.defects.append(f"more than {limits.max_attachments} attachments; the rest ignored")
            walk.attachments.append(
                Attachment("(ignored)", content_type, len(data), "", None, refused="too many attachments")
            )
        return
    try:
        raw_name = part.get_filename()
        disposition = part.get_content_disposition() or "attachment"
        content_id = _msg_id(_safe_str(part.get("Content-ID", ""))) if part.get("Content-ID") else None
    except Exception:  # noqa: BLE001 - unreadable attachment headers still leave bytes to keep
        raw_name, disposition, content_id = None, "attachment", None
    filename = _safe_filename(raw_name, len(walk.attachments) + 1, content_type)
    detected = sniff_type(data)
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    refused: str | None = None
    if extension in limits.blocked_extensions:
        refused = f"file type .{extension} is not accepted"
    elif content_type in limits.blocked_content_types:
        refused = f"content type {content_type} is not accepted"
    elif detected in _EXECUTABLE_TYPES:
        refused = f"the file is an executable ({detected})"
    elif len(data) > limits.max_attachment_bytes:
        refused = f"attachment is {len(data)} bytes; the limit is {limits.max_attachment_bytes}"
    elif walk.attachment_bytes + len(data) > limits.max_total_attachment_bytes:
        refused = "total attachment size limit reached"
    if refused is None:
        walk.attachment_bytes += len(data)
    walk.attachments.append(
        Attachment(
            filename=filename,
            content_type=content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content=None if refused else data,
            disposition=disposition,
            content_id=content_id,
            detected_type=detected,
            refused=refused,
        )
    )


_LENIENT_BOUNDARY = re.compile(r"boundary\s*=\s*\"?([^\";\r\n]+)\"?", re.IGNORECASE)


def _repair_multipart(part: Message, walk: _Walk) -> Message | None:
    """Re-split a multipart whose boundary the stdlib could not find (e.g. an unquoted "=")."""
    # The raw header, not the policy's re-rendering (which has already lost the boundary).
    header = next((_clean_header(str(v)) for k, v in part.raw_items() if k.lower() == "content-type"), "")
    match = _LENIENT_BOUNDARY.search(header)
    payload = part.get_payload(decode=False)
    if not isinstance(payload, str):
        return part
    if match:
        boundary = match.group(1).strip()
        rebuilt = f'Content-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'.encode(
            "ascii", errors="replace"
        ) + payload.encode("utf-8", errors="surrogateescape")
        try:
            repaired = BytesParser(policy=policy.default).parsebytes(rebuilt)
        except Exception:  # noqa: BLE001 - a failed repair leaves the part as text below
            repaired = None
        if repaired is not None and repaired.is_multipart():
            walk.defects.append("multipart boundary repaired")
            return repaired
    walk.defects.append("multipart body without usable boundary; kept as text")
    walk.plain.append(_clean_text(payload))
    return None


def _walk(part: Message, depth: int, walk: _Walk) -> None:
    walk.parts += 1
    if walk.parts > walk.limits.max_parts:
        if walk.parts == walk.limits.max_parts + 1:
            walk.defects.append(f"more than {walk.limits.max_parts} MIME parts; the rest ignored")
        return
    content_type = _content_type(part)
    if content_type == "message/rfc822" or content_type == "message/global":
        # A forwarded message stays a whole .eml attachment; callers may parse it on its own.
        inner = part.get_payload()
        inner_msg = inner[0] if isinstance(inner, list) and inner else None
        data = b""
        if isinstance(inner_msg, Message):
            try:
                data = inner_msg.as_bytes(policy=policy.default.clone(linesep="\r\n"))
            except Exception:  # noqa: BLE001 - re-serialising broken inner mail may fail
                walk.defects.append("an attached message could not be re-serialised")
        _add_attachment(part, "message/rfc822", data, walk)
        return
    if content_type.startswith("multipart/") and not part.is_multipart():
        repaired = _repair_multipart(part, walk)
        if repaired is None:
            return
        part = repaired
    if part.is_multipart():
        if depth >= walk.limits.max_depth:
            if not walk.depth_exceeded:
                walk.defects.append(f"MIME nesting deeper than {walk.limits.max_depth}; inner parts ignored")
            walk.depth_exceeded = True
            return
        children = part.get_payload()
        if not isinstance(children, list):
            return
        if content_type == "multipart/alternative":
            # Keep every alternative: plain and HTML are compared by callers (they can differ).
            pass
        for child in children:
            if isinstance(child, Message):
                _walk(child, depth + 1, walk)
        return
    data = _payload_bytes(part, walk)
    if _is_attachment(part, content_type):
        _add_attachment(part, content_type, data, walk)
        return
    try:
        charset = part.get_content_charset()
    except Exception:  # noqa: BLE001 - a garbage charset parameter means "unknown"
        charset = None
    text = decode_bytes(data, charset, walk.defects)
    if content_type == "text/html":
        walk.html.append(text)
    else:
        walk.plain.append(text)
