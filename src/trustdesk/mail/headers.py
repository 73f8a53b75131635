"""The one writer of the header sections the desk sends, and the check that reads them back.

Every header of an outbound mail is written here from a typed value: a list of msg-ids, a
mailbox, unstructured text or a token the desk made itself. Each value must be valid RFC 5322
syntax for its kind, else `HeaderRefused`; nothing is repaired silently. The email package
never sees these values: it decodes RFC 2047 encoded words in a header value once more when it
writes it, so a stored Message-ID like "<a=?x?q?=0D=0AReply-To:_x=40evil.example?=@ex.org>"
would become a line break and a header of the sender's choosing. So:

- msg-ids (Message-ID, In-Reply-To, References) are dot-atom "@" dot-atom or a domain literal,
  ASCII, at most 250 characters, and hold no "=?" (RFC 2047 allows no encoded word there);
- addresses are ASCII dot-atom local parts at host names; display names and text are one line
  without control characters and without "=?" (`header_text` defuses customer text first);
  non-ASCII is written as UTF-8 encoded words that this module makes itself;
- tokens (a date, "auto-replied", a reference) are printable ASCII without "=?".

`assemble` puts the header section in front of a MIME body and parses the whole mail back
(`check_written`): it must have exactly the intended headers, each once, with exactly the
intended values as a mail reader decodes them; otherwise `HeaderCheckFailed`, and the mail is
not sent.
"""

from __future__ import annotations

import base64
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import compat32
from email.policy import default as default_policy
from typing import Any

MAX_MSG_ID = 250
MAX_LINE = 998
FOLD_AT = 78

_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_DOT_ATOM = rf"{_ATEXT}+(?:\.{_ATEXT}+)*"
_MSG_ID = re.compile(rf"{_DOT_ATOM}@(?:{_DOT_ATOM}|\[[!-Z^-~]*\])")
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_ADDRESS = re.compile(rf"(?P<local>{_DOT_ATOM})@(?P<domain>{_LABEL}(?:\.{_LABEL})+)")
_FIELD_NAME = re.compile(r"[!-9;-~]{1,76}")
_TOKEN = re.compile(r"[!-~](?:[ -~]{0,198}[!-~])?")
_NAME_ADDR = re.compile(r"(?P<name>[^<>]*)<(?P<address>[^<>]*)>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_ENCODED_WORD_START = "=?"
# UTF-8 bytes in one "B" encoded word of at most 75 characters ("=?utf-8?b?" + 60 + "?=").
_EW_BYTES = 45


class HeaderRefused(ValueError):
    """A value that is not valid syntax for its header; the message names the header, never the value."""


class HeaderCheckFailed(HeaderRefused):
    """The mail as written does not read back as exactly the intended headers; it must not be sent."""


# ---- values ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class MsgIds:
    """One msg-id (Message-ID, In-Reply-To) or several (References), without angle brackets."""

    ids: tuple[str, ...]


@dataclass(frozen=True)
class Mailbox:
    """An address with an optional display name."""

    address: str
    name: str = ""

    @classmethod
    def from_text(cls, text: str) -> Mailbox:
        """'Name <address>', '"Name" <address>' or a bare address, as typed by staff or an operator;
        the name made safe with `display_name` (the address is checked when written)."""
        match = _NAME_ADDR.fullmatch(text.strip())
        if match is None:
            return cls(text.strip())
        return cls(match.group("address").strip(), display_name(match.group("name").strip().strip('"')))


@dataclass(frozen=True)
class Text:
    """Unstructured text (Subject): one line."""

    text: str


@dataclass(frozen=True)
class Token:
    """A value the desk makes itself (Date, Auto-Submitted, a reference): printable ASCII."""

    value: str


FieldValue = MsgIds | Mailbox | Text | Token


# ---- validation ------------------------------------------------------------------------------


def valid_msg_id(value: str) -> bool:
    """Whether `value` (without angle brackets) is a msg-id we write and store: RFC 5322
    id-left "@" id-right in their non-obsolete forms, ASCII, no encoded word, at most 250 chars."""
    return (
        len(value) <= MAX_MSG_ID and _ENCODED_WORD_START not in value and _MSG_ID.fullmatch(value) is not None
    )


def valid_address(address: str) -> bool:
    """Whether an address can be written into a header as it is: an ASCII dot-atom local part
    at a host name, and no encoded word (its local part would be decoded into a line break)."""
    return (
        len(address) <= 254 and _ENCODED_WORD_START not in address and _ADDRESS.fullmatch(address) is not None
    )


def header_text(value: str | None, limit: int) -> str:
    """Text the desk may write as a subject or display name: one line, NFC, no control
    characters, runs of spaces collapsed, cut to `limit`, and no RFC 2047 encoded word.

    Customer text that still reads "=?utf-8?q?x=0D=0ABcc:_...?=" after the inbound decoding is
    an encoded word to every mail reader; "=?" becomes "= ?", which no decoder takes for one.
    """
    if not value:
        return ""
    text = unicodedata.normalize("NFC", value)
    text = " ".join(_CONTROL.sub(" ", text).split())[:limit]
    while _ENCODED_WORD_START in text:
        text = text.replace(_ENCODED_WORD_START, "= ?")
    return text[:limit].rstrip()


def display_name(value: str | None, limit: int = 120) -> str:
    """A display name the desk may write: `header_text`, and a non-ASCII name cut to what one
    encoded word holds. Mail readers disagree on the space between two encoded words in a name
    (RFC 2047 drops it, Python's email package adds one), so a name is never split in two."""
    text = header_text(value, limit)
    if text.isascii():
        return text
    while len(text.encode("utf-8")) > _EW_BYTES:
        text = text[:-1]
    return text.rstrip()


def _check_line_text(name: str, text: str) -> None:
    if _CONTROL.search(text) or text != " ".join(text.split()):
        raise HeaderRefused(f"{name}: text must be one line without control characters or extra spaces")
    if _ENCODED_WORD_START in text:
        raise HeaderRefused(f"{name}: text must not hold an encoded word ('=?')")
    if len(text) > MAX_LINE // 2:
        raise HeaderRefused(f"{name}: text is too long")


def _check(name: str, value: FieldValue) -> None:
    if not _FIELD_NAME.fullmatch(name):
        raise HeaderRefused(f"{name[:40]!r} is not a header name")
    if isinstance(value, MsgIds):
        if not value.ids:
            raise HeaderRefused(f"{name}: no msg-id")
        if any(not valid_msg_id(i) for i in value.ids):
            raise HeaderRefused(f"{name}: not a valid msg-id")
    elif isinstance(value, Mailbox):
        if not valid_address(value.address):
            raise HeaderRefused(f"{name}: the address cannot be written safely into a mail header")
        _check_line_text(name, value.name)
        if not value.name.isascii() and len(value.name.encode("utf-8")) > _EW_BYTES:
            raise HeaderRefused(f"{name}: a non-ASCII display name must fit one encoded word")
    elif isinstance(value, Text):
        _check_line_text(name, value.text)
    elif isinstance(value, Token):
        if not _TOKEN.fullmatch(value.value) or _ENCODED_WORD_START in value.value:
            raise HeaderRefused(f"{name}: not a printable ASCII token")
    else:  # pragma: no cover - the type says it cannot happen
        raise HeaderRefused(f"{name}: unknown kind of value")


# ---- writing ---------------------------------------------------------------------------------


def _encoded_words(text: str, first: int = _EW_BYTES) -> list[str]:
    """UTF-8 "B" encoded words of at most 75 characters, split between characters; the first
    holds at most `first` bytes (so that it fits on the line after the header name)."""
    chunks: list[bytes] = []
    chunk = b""
    for char in text:
        data = char.encode("utf-8")
        if chunk and len(chunk) + len(data) > (first if not chunks else _EW_BYTES):
            chunks.append(chunk)
            chunk = b""
        chunk += data
    if chunk:
        chunks.append(chunk)
    return [f"=?utf-8?b?{base64.b64encode(c).decode('ascii')}?=" for c in chunks]


def _fold_words(prefix: str, words: Sequence[str]) -> str:
    """`prefix` then the words, a line break (CRLF + space) before a word that would pass column 78."""
    lines = [prefix]
    for word in words:
        if len(lines[-1]) + 1 + len(word) > FOLD_AT and lines[-1] != prefix:
            lines.append(" " + word)
        else:
            lines[-1] += " " + word
    return "\r\n".join(lines)


def _phrase(name: str) -> list[str]:
    """A display name as words: a quoted string when ASCII, else one encoded word (see `display_name`)."""
    if name.isascii():
        return ['"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"']
    return _encoded_words(name)


def render(name: str, value: FieldValue) -> str:
    """One header field, folded, without the final CRLF; HeaderRefused when the value is not valid."""
    _check(name, value)
    prefix = f"{name}:"
    if isinstance(value, MsgIds):
        words: list[str] = [f"<{i}>" for i in value.ids]
    elif isinstance(value, Mailbox):
        words = [*_phrase(value.name), f"<{value.address}>"] if value.name else [value.address]
    elif isinstance(value, Text):
        # Python's reader keeps a leading space when a value starts on a folded line: fit the first word.
        room = (FOLD_AT - len(prefix) - 1 - len("=?utf-8?b??=")) // 4 * 3
        words = value.text.split(" ") if value.text.isascii() else _encoded_words(value.text, max(room, 3))
    else:
        words = [value.value]
    return _fold_words(prefix, words)


def write_header_section(fields: Sequence[tuple[str, FieldValue]]) -> bytes:
    """The header fields, each ending in CRLF; HeaderRefused for an invalid value or a name given twice."""
    seen: set[str] = set()
    lines: list[str] = []
    for name, value in fields:
        if name.lower() in seen:
            raise HeaderRefused(f"{name}: given twice")
        seen.add(name.lower())
        lines.append(render(name, value) + "\r\n")
    return "".join(lines).encode("ascii")


# ---- reading back ----------------------------------------------------------------------------


def _unfold(value: str) -> str:
    return re.sub(r"\r?\n(?=[ \t])", "", value)


def _decoded_matches(header: object, value: FieldValue) -> bool:
    if isinstance(value, Mailbox):
        addresses: tuple[Any, ...] = tuple(getattr(header, "addresses", ()))
        return (
            len(addresses) == 1
            and addresses[0].addr_spec == value.address
            and addresses[0].display_name == value.name
        )
    decoded = str(header)
    if isinstance(value, MsgIds):
        return decoded.split() == [f"<{i}>" for i in value.ids]
    if isinstance(value, Text):
        return decoded == value.text
    return True  # a token is ASCII without encoded words: read back as written is enough (a Date is re-formatted)


def check_written(
    raw: bytes, fields: Sequence[tuple[str, FieldValue]], body_headers: Sequence[str] = ()
) -> None:
    """Parse a written mail back; HeaderCheckFailed unless its header section is exactly `fields`
    (then `body_headers`, the MIME headers of the body), each once, every value as intended."""
    head, separator, _ = raw.partition(b"\r\n\r\n")
    if not separator:
        raise HeaderCheckFailed("the mail has no header section")
    for line in head.split(b"\r\n"):
        if b"\r" in line or b"\n" in line or len(line) > MAX_LINE or not line.isascii():
            raise HeaderCheckFailed("a header line is not a plain ASCII line of at most 998 characters")
    structural = message_from_bytes(raw, policy=compat32)
    decoded = message_from_bytes(raw, policy=default_policy)
    expected = [name.lower() for name, _ in fields] + [name.lower() for name in body_headers]
    if [name.lower() for name in structural.keys()] != expected:
        raise HeaderCheckFailed("the mail does not have exactly the intended headers")
    if structural.defects or decoded.defects:
        raise HeaderCheckFailed("the header section has defects")
    for name, value in fields:
        written = render(name, value)
        if _unfold(str(structural[name])).strip(" ") != _unfold(written.partition(":")[2]).strip(" "):
            raise HeaderCheckFailed(f"{name}: does not read back as written")
        try:
            header = decoded[name]
        except Exception:  # noqa: BLE001 - the stdlib header parser fails on some hostile input
            raise HeaderCheckFailed(f"{name}: cannot be parsed back") from None
        if header is None or not _decoded_matches(header, value):
            raise HeaderCheckFailed(f"{name}: does not decode to the intended value")


def assemble(fields: Sequence[tuple[str, FieldValue]], body: EmailMessage) -> bytes:
    """The wire form (CRLF) of a mail: our header section, then `body` (a MIME message holding
    only its content headers), checked by `check_written` before anyone may sign or send it."""
    content = body.as_bytes(policy=body.policy.clone(linesep="\r\n"))
    raw = write_header_section(fields) + content
    check_written(raw, fields, body.keys())
    return raw
