"""Safe parsing of RFC 5322 / MIME mail into plain values.

Rules: oversize mail is refused with :class:`MailTooLargeError` before any parsing;
everything else — unknown charsets, broken encodings, truncated multiparts, absurd
nesting — is parsed as far as it goes and recorded in ``ParsedMail.defects``; nothing is
ever rendered, executed or unpacked (archives stay opaque bytes).
"""

from __future__ import annotations

import binascii
import codecs
import datetime as dt
import email.header
import email.utils
import hashlib
import ipaddress
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import BytesParser
from typing import Any

from trustdesk.mail.html_text import Link, html_links, html_to_text, text_links

# ---- limits and errors -------------------------------------------------------------------


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


# ---- value objects -----------------------------------------------------------------------


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


# ---- text cleaning -----------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")


def _clean_text(text: str) -> str:
    if _SURROGATES.search(text):
        # 8-bit bytes smuggled through surrogateescape: try UTF-8, else Windows-1252.
        data = text.encode("utf-8", errors="surrogateescape")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        text = _SURROGATES.sub("\ufffd", text)
    return _CONTROL.sub("", text)


def _clean_header(text: str) -> str:
    return re.sub(r"\s*[\r\n]+\s*", " ", _clean_text(text)).strip()


_CHARSET_ALIASES = {
    "unicode-1-1-utf-7": "utf-7",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "x-sjis": "shift_jis",
    "x-gbk": "gbk",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
    "windows-874": "cp874",
    "x-mac-roman": "mac_roman",
    "iso-8859-1": "cp1252",  # WHATWG: labels for Latin-1 decode as Windows-1252
    "latin1": "cp1252",
    "x-user-defined": "cp1252",
}


def _codec_for(charset: str | None) -> str | None:
    if not charset:
        return None
    name = charset.strip().strip("\"'").lower()
    name = _CHARSET_ALIASES.get(name, name)
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    # Refuse bytes-to-bytes "codecs" such as base64, zlib or rot13 named as a charset.
    if not getattr(info, "_is_text_encoding", True):
        return None
    return info.name


def decode_bytes(data: bytes, charset: str | None, defects: list[str]) -> str:
    """Decode a body with its declared charset; unknown or wrong charsets never raise."""
    codec = _codec_for(charset)
    if codec == "ascii":
        codec = None  # "ascii" mail is routinely 8-bit in practice: UTF-8, else Windows-1252
    elif charset and codec is None:
        defects.append(f"unknown charset {charset[:40]!r}; decoded as UTF-8 or Windows-1252")
    if codec:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            defects.append(
                f"body is not valid {charset[:40] if charset else codec}; undecodable bytes replaced"
            )
            return data.decode(codec, errors="replace")
        except Exception:  # noqa: BLE001 - exotic codecs can raise other errors on crafted input
            defects.append(f"charset {charset[:40] if charset else codec} failed; decoded as Windows-1252")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


# ---- headers -----------------------------------------------------------------------------


def _decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words in an unstructured header value (cheap path)."""
    if "=?" not in value:
        return value
    try:
        return str(email.header.make_header(email.header.decode_header(value)))
    except Exception:  # noqa: BLE001 - bad encoded words (unknown charset, bad base64) stay as sent
        return value


def _raw_headers(msg: Message) -> list[tuple[str, str]]:
    """All headers, unfolded and cleaned, encoded words decoded; no structured parsing.

    The policy's header registry parses every header fully, which costs milliseconds on the
    80-header mail that big providers send; only From/To/Subject-like headers need it.
    """
    return [(_clean_header(str(k)), _clean_header(_decode_words(str(v)))) for k, v in msg.raw_items()]


def _header_values(headers: list[tuple[str, str]], name: str) -> list[str]:
    lowered = name.lower()
    return [v for k, v in headers if k.lower() == lowered]


def _policy_values(msg: Message, name: str) -> list[str]:
    try:
        return [_clean_header(str(v)) for v in msg.get_all(name) or []]
    except Exception:  # noqa: BLE001 - stdlib header parsing has known crash bugs on hostile input
        return [_clean_header(_decode_words(str(v))) for k, v in msg.raw_items() if k.lower() == name.lower()]


def _safe_str(value: Any) -> str:
    try:
        return _clean_header(str(value))
    except Exception:  # noqa: BLE001 - see _header_values
        return ""


def _addresses(msg: Message, name: str) -> tuple[Address, ...]:
    found: list[Address] = []
    try:
        headers = msg.get_all(name) or []
    except Exception:  # noqa: BLE001 - fall back to raw values below
        headers = []
    for header in headers:
        pairs: list[tuple[str, str]] = []
        try:
            pairs = [(a.display_name, a.addr_spec) for a in getattr(header, "addresses")]  # noqa: B009
        except Exception:  # noqa: BLE001 - malformed address lists: use the tolerant legacy parser
            pairs = email.utils.getaddresses([_safe_str(header)])
        for display, addr in pairs:
            display, addr = _clean_header(display or ""), _clean_header(addr or "").strip("<>")
            if addr or display:
                found.append(Address(display, addr))
    return tuple(found)


def _msg_id(value: str | None) -> str | None:
    if not value:
        return None
    match = re.search(r"<[^<>\s]+>", value)
    if match:
        return match.group(0)
    value = value.strip()
    return f"<{value}>" if value and " " not in value else None


_RECEIVED_FROM = re.compile(r"\bfrom\s+([^\s();]+)", re.IGNORECASE)
_RECEIVED_BY = re.compile(r"\bby\s+([^\s();]+)", re.IGNORECASE)
_RECEIVED_IP = re.compile(r"[\[(](?:IPv6:)?([0-9A-Fa-f:.]+)[\])]")


def _received_hop(raw: str) -> ReceivedHop:
    clauses, _, date_text = raw.rpartition(";")
    if not clauses:
        clauses, date_text = raw, ""
    from_match = _RECEIVED_FROM.search(clauses)
    by_match = _RECEIVED_BY.search(clauses)
    ip: str | None = None
    # Only look for the client IP inside the "from" clause (before " by ").
    from_clause = clauses[: by_match.start()] if by_match else clauses
    for candidate in _RECEIVED_IP.findall(from_clause):
        try:
            ip = str(ipaddress.ip_address(candidate))
            break
        except ValueError:
            continue
    timestamp: dt.datetime | None = None
    if date_text.strip():
        try:
            timestamp = email.utils.parsedate_to_datetime(date_text.strip())
        except (TypeError, ValueError, IndexError, OverflowError):
            timestamp = None
    return ReceivedHop(
        raw=raw,
        from_host=from_match.group(1).lower() if from_match else None,
        from_ip=ip,
        by_host=by_match.group(1).lower() if by_match else None,
        timestamp=timestamp,
    )


def _date(msg: Message) -> dt.datetime | None:
    try:
        header = msg["Date"]
    except Exception:  # noqa: BLE001 - a broken Date header is simply no date
        return None
    if header is None:
        return None
    value = getattr(header, "datetime", None)
    if isinstance(value, dt.datetime):
        return value
    try:
        return email.utils.parsedate_to_datetime(_safe_str(header))
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


# ---- bodies and attachments --------------------------------------------------------------

_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\x1f\x8b", "gzip"),
    (b"Rar!\x1a\x07", "rar"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
    (b"MZ", "pe-executable"),
    (b"\x7fELF", "elf-executable"),
    (b"\xcf\xfa\xed\xfe", "macho-executable"),
    (b"#!", "script"),
)
_EXECUTABLE_TYPES = {"pe-executable", "elf-executable", "macho-executable"}


def sniff_type(data: bytes) -> str | None:
    """A coarse file type from the first bytes (never from the declared type)."""
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    return None


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


# ---- entry point -------------------------------------------------------------------------

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
