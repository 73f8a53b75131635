"""Safe reading of a reported message: an .eml upload, a forwarded mail or pasted text.

Nothing in a report is ever executed, rendered or unpacked: HTML is sanitised with nh3 before its text
and links are read, attachments are described (name, type, size) but not opened, and archives are only
inspected through their central directory, never decompressed. Every walk is bounded in size, depth
and part count so a hostile upload costs bounded time.
"""

from __future__ import annotations

import email
import email.errors
import io
import re
import zipfile
from dataclasses import dataclass, field, replace
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

import nh3

from trustdesk.mail.model import ParsedMail
from trustdesk.mail.parsing import parse_message
from trustdesk.reports.domains import has_public_suffix


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


_HEADER_LINE_RE = re.compile(rb"^(?:From .*|[!-9;-~]+:.*)$")
_PARSE_ERRORS = (email.errors.MessageError, ValueError, TypeError, IndexError, AttributeError, LookupError)
_BLOCK_TAGS = frozenset({"p", "br", "div", "tr", "li", "table", "h1", "h2", "h3", "h4", "h5", "h6", "td"})
_KEPT_TAGS = _BLOCK_TAGS | {"a", "form", "input", "textarea", "select", "img"}
# Input types that are not something the reader types into.
_NOT_TYPED = frozenset({"hidden", "submit", "button", "image", "reset", "checkbox", "radio"})
_SECRET_FIELD_RE = re.compile(
    r"pass|pwd|senha|passwort|card|cvv|cvc|ssn|pin|otp|login|user|e-?mail|phone|tel|account|iban|cpf",
    re.IGNORECASE,
)
_ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".gz", ".tgz", ".tar", ".iso", ".img", ".cab", ".arj", ".lzh")


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

    def visit(self, part: Message, depth: int) -> None:
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
            for child in children:
                if isinstance(child, Message):
                    self.visit(child, depth + 1)
            return
        disposition = (part.get_content_disposition() or "").lower()
        filename = _safe_filename(part)
        if content_type in ("text/plain", "text/html") and disposition != "attachment" and not filename:
            text = _decode_text(part)
            if content_type == "text/html":
                self._add_html(text)
            else:
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


def _describe_attachment(part: Message, filename: str, content_type: str, limits: Limits) -> Attachment:
    try:
        payload = part.get_payload(decode=True)
    except _PARSE_ERRORS:
        payload = None
    body = payload if isinstance(payload, bytes) else b""
    members: tuple[str, ...] = ()
    notes: list[str] = []
    lowered = filename.lower()
    if body[:4] == b"PK\x03\x04" or lowered.endswith(".zip") or content_type in ("application/zip",):
        members, notes = inspect_zip(body, limits)
    elif lowered.endswith(_ARCHIVE_SUFFIXES):
        notes.append("archive not inspected")
    return Attachment(filename, content_type, len(body), members, tuple(notes))


def inspect_zip(data: bytes, limits: Limits) -> tuple[tuple[str, ...], list[str]]:
    """List a zip archive's member names from its central directory without decompressing anything.

    Returns the names (capped at `limits.max_archive_entries`) and notes: an unreadable archive, an
    archive whose declared sizes betray a zip bomb, or nested archives (which are never opened).
    """
    notes: list[str] = []
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        return (), ["archive could not be read"]
    if len(infos) > limits.max_archive_entries:
        notes.append(f"archive lists {len(infos):,} entries; only {limits.max_archive_entries:,} were listed")
        infos = infos[: limits.max_archive_entries]
    declared = sum(info.file_size for info in infos)
    compressed = max(1, sum(info.compress_size for info in infos))
    if declared / compressed > limits.max_compression_ratio:
        notes.append("archive declares an extreme compression ratio (possible zip bomb); not unpacked")
    names = tuple(info.filename[:255] for info in infos)
    if any(name.lower().endswith(_ARCHIVE_SUFFIXES) for name in names):
        notes.append("archive contains nested archives; they were not opened")
    return names, notes


class _TextAndLinks(HTMLParser):
    """Collects visible text, anchors and form targets from already-sanitised HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.chunks: list[str] = []
        self.links: list[Link] = []
        self.forms: list[str] = []
        self.lookup_forms: list[str] = []
        self.images: list[str] = []
        self._href: str | None = None
        self._anchor: list[str] = []
        # Within the current form: visible fields typed into, and whether one asks for a secret.
        self._form: tuple[str, int, bool] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.chunks.append("\n")
        if tag == "img":
            source = (dict(attrs).get("src") or "").strip()
            if source and len(self.images) < 200:
                self.images.append(source)
        elif tag == "a":
            self._href = dict(attrs).get("href") or ""
            self._anchor = []
        elif tag == "form":
            self._close_form()
            action = dict(attrs).get("action") or ""
            self.forms.append(action)
            self._form = (action, 0, False)
        elif tag in ("input", "textarea", "select") and self._form is not None:
            fields = dict(attrs)
            kind = (fields.get("type") or "text").lower() if tag == "input" else tag
            if kind not in _NOT_TYPED:
                secret = kind in ("password", "email", "tel") or bool(
                    _SECRET_FIELD_RE.search(fields.get("name") or "")
                )
                action, typed, asks_secret = self._form
                self._form = (action, typed + (tag != "select"), asks_secret or secret)

    def _close_form(self) -> None:
        if self._form is not None:
            action, typed, asks_secret = self._form
            if typed <= 1 and not asks_secret:
                self.lookup_forms.append(action)
            self._form = None

    def close(self) -> None:
        super().close()
        self._close_form()

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._close_form()
        if tag == "a" and self._href is not None:
            self.links.append(Link(self._href.strip(), " ".join("".join(self._anchor).split())))
            self._href = None
        if tag in _BLOCK_TAGS:
            self.chunks.append("\n")

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)
        if self._href is not None:
            self._anchor.append(data)


def html_to_text(html: str) -> tuple[str, list[Link], list[str]]:
    """Sanitise `html` with nh3 (scripts, styles and event handlers removed) and return its text, links
    and form targets. Nothing is rendered or executed."""
    return _html_result(_parse_html(html))


def _parse_html(html: str) -> _TextAndLinks:
    cleaned = nh3.clean(
        html,
        tags=set(_KEPT_TAGS),
        clean_content_tags={"script", "style", "head", "title", "noscript", "template"},
        attributes={
            "a": {"href"},
            "img": {"src"},
            "form": {"action"},
            "input": {"type", "name"},
            "textarea": {"name"},
            "select": {"name"},
        },
        link_rel=None,
        url_schemes={"http", "https", "mailto", "tel"},
    )
    parser = _TextAndLinks()
    parser.feed(cleaned)
    parser.close()
    return parser


def _html_result(parser: _TextAndLinks) -> tuple[str, list[Link], list[str]]:
    text = re.sub(r"[ \t\r\f\v\u00a0]+", " ", "".join(parser.chunks))
    text = re.sub(r"\n\s*\n+", "\n\n", text)
    return text.strip(), parser.links, parser.forms


_AUTH_RE = re.compile(r"\b(spf|dkim|dmarc)\s*=\s*([a-zA-Z]+)")


def auth_results_from_headers(message: Message) -> AuthResults | None:
    """Read SPF/DKIM/DMARC from the topmost Authentication-Results (and Received-SPF) header.

    The topmost header is the one the receiving provider added; lower ones may be forged by the sender.
    Returns None when the message carries no such header.
    """
    return auth_results_from_values(
        _header_text(message, "Authentication-Results"), _header_text(message, "Received-SPF")
    )


def auth_results_from_values(authentication_results: str, received_spf: str = "") -> AuthResults | None:
    """AuthResults from the text of an Authentication-Results header (and optionally Received-SPF)."""
    found: dict[str, list[str]] = {}
    for method, result in _AUTH_RE.findall(authentication_results or ""):
        found.setdefault(method.lower(), []).append(result.lower())
    if "spf" not in found and received_spf:
        words = received_spf.split()
        if words:
            found["spf"] = [words[0].lower()]
    if not found:
        return None

    def pick(method: str) -> str | None:
        results = found.get(method)
        if not results:
            return None
        return "pass" if "pass" in results else results[0]

    return AuthResults(spf=pick("spf"), dkim=pick("dkim"), dmarc=pick("dmarc"))


def _header_text(message: Message, name: str) -> str:
    """The first `name` header, RFC 2047 words decoded, unfolded; "" when absent or undecodable.

    Reads the raw header and decodes it directly: the full structured-header parser of policy.default is
    the slowest part of reading a message and is not needed for the fields read here.
    """
    wanted = name.lower()
    try:
        raw = next((value for key, value in message.raw_items() if key.lower() == wanted), None)
    except _PARSE_ERRORS:
        return ""
    if raw is None:
        return ""
    raw = str(raw)
    if any("\udc80" <= ch <= "\udcff" for ch in raw):
        # 8-bit header bytes (RFC 6532 UTF-8, or a legacy charset) kept by the parser as surrogates.
        data = raw.encode("utf-8", "surrogateescape")
        try:
            raw = data.decode("utf-8")
        except UnicodeDecodeError:
            raw = data.decode("cp1252", "replace")
    if "=?" in raw:
        try:
            raw = str(make_header(decode_header(raw)))
        except (*_PARSE_ERRORS, UnicodeError):
            pass
    return " ".join(raw.split())


def _address_of(value: str) -> tuple[str, str]:
    display, address = parseaddr(value)
    return display.strip(), address.strip().strip("<>").lower()


_BRACKET_RE = re.compile(r"<([^<>]{0,320})>")
_MAILTO_RE = re.compile(r"\[mailto:([^\]\s]{1,320})\]", re.IGNORECASE)
_ADDRESS_RE = re.compile(
    r"[A-Za-z0-9._%+\-=!#$&'*/?^`{|}~]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9.\-]{0,251}[A-Za-z0-9])?"
)


def _valid_address(address: str) -> bool:
    if not _ADDRESS_RE.fullmatch(address):
        return False
    return has_public_suffix(address.rsplit("@", 1)[1])


def parse_sender(value: str) -> tuple[str, str, bool]:
    """Split a From value into (display name, address, malformed).

    Tolerates the tricks of forged senders: several mailboxes, empty `<>`, quoted or domain-less
    addresses. The address kept is the last well-formed bracketed one (what most mail apps reply to);
    `malformed` says the header was not one plain, valid mailbox.
    """
    value = " ".join(value.split())
    outlook = _MAILTO_RE.search(value)
    if outlook and "<" not in value:
        address = outlook.group(1).strip().lower()
        display = value[: outlook.start()].strip().strip("\"'").strip()
        return display, address if _valid_address(address) else "", not _valid_address(address)
    brackets = _BRACKET_RE.findall(value)
    if brackets:
        candidates = [b.strip().strip("\"'").strip().lower() for b in brackets]
        valid = [c for c in candidates if _valid_address(c)]
        display = value[: value.find("<")].strip().strip(",_;").strip().strip("\"'").strip()
        address = valid[-1] if valid else ""
        multiple = len(getaddresses([value])) > 1
        malformed = (
            len(brackets) != 1 or not valid or candidates[0] != brackets[0].strip().lower() or multiple
        )
        return display, address, malformed
    display, address = _address_of(value)
    address = address.strip("\"'")
    if not _valid_address(address):
        return display or value.strip(), "", True
    return display, address, False


# A forward is announced by the subject prefix or an explicit banner. "Original Message" alone is how
# Outlook quotes replies, which are not forwards of someone else's message.
_FORWARD_SUBJECT_RE = re.compile(
    r"^\s*(?:(?:re|aw|sv)\s*:\s*)*(?:fwd?|fw|enc|rv|wg|tr|doorst|i)\s*:", re.IGNORECASE
)
_FORWARD_BANNER_RE = re.compile(
    r"forwarded message|begin forwarded message|mensagem encaminhada|weitergeleitete nachricht|"
    r"message transf[ée]r[ée]|mensaje reenviado|doorgestuurd bericht|messaggio inoltrato",
    re.IGNORECASE,
)
_FORWARD_FROM_RE = re.compile(
    r"^[ \t>*]{0,6}(?:From|De|Von|Van|Da|Från|Fra|Od|Expéditeur)[ \t*]{0,3}:[ \t*]{0,3}([^\n]{1,300})\n"
    r"((?:[^\n]{0,300}\n){0,6})",
    re.MULTILINE,
)
_FORWARD_FIELD_RE = re.compile(
    r"^[ \t>*]{0,6}(Sent|Date|Enviado|Enviada|Gesendet|Datum|Envoy[ée]|Verzonden|Inviato|Data|Fecha|"
    r"Subject|Assunto|Betreff|Objet|Asunto|Onderwerp|Oggetto|To|Para|An|À|Aan|A)[ \t*]{0,3}:[ \t*]{0,3}([^\n]{0,300})",
    re.MULTILINE | re.IGNORECASE,
)


def forwarded_sender(text: str) -> tuple[str, str, bool, tuple[str, ...]] | None:
    """Find the header block of a message forwarded inline (or pasted with its headers) and return the
    original sender as (display, address, malformed, recipients); None when there is no such block."""
    for match in _FORWARD_FROM_RE.finditer(text[:20000]):
        fields = {m.group(1).lower(): m.group(2) for m in _FORWARD_FIELD_RE.finditer(match.group(2))}
        has_subject = any(
            k in fields for k in ("subject", "assunto", "betreff", "objet", "asunto", "onderwerp", "oggetto")
        )
        has_date = any(
            k in fields
            for k in (
                "sent",
                "date",
                "enviado",
                "enviada",
                "gesendet",
                "datum",
                "envoyé",
                "envoye",
                "verzonden",
                "inviato",
                "data",
                "fecha",
            )
        )
        if not (has_subject or has_date):
            continue
        display, address, malformed = parse_sender(match.group(1).strip().strip("*").strip())
        to_value = next((fields[k] for k in ("to", "para", "an", "à", "aan", "a") if k in fields), "")
        recipients = tuple(a.lower() for _, a in getaddresses([to_value]) if "@" in a)
        return display, address, malformed, recipients
    return None


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


_AUTH_HEADER_NAMES = frozenset({"authentication-results", "arc-authentication-results"})


def _auth_headers(message: Message) -> tuple[tuple[str, str], ...]:
    """The message's own (ARC-)Authentication-Results headers, top to bottom, unfolded (at most 50)."""
    found = []
    try:
        for key, value in message.raw_items():
            if key.lower() in _AUTH_HEADER_NAMES:
                found.append((key, " ".join(str(value).split())))
                if len(found) >= 50:
                    break
    except _PARSE_ERRORS:
        return ()
    return tuple(found)


def _apply_inline_forward(view: MailView, body: str) -> MailView:
    """For a mail the reporter forwarded inline, make the original sender the evidence: the outer From,
    envelope and authentication results describe the forward, not the suspicious message."""
    announced = _FORWARD_SUBJECT_RE.search(view.subject) or _FORWARD_BANNER_RE.search(body[:5000])
    inner = forwarded_sender(body) if announced else None
    if inner is None or not (inner[0] or inner[1]):
        return view
    display, address, malformed, inner_to = inner
    return replace(
        view,
        from_display=display,
        from_address=address,
        from_malformed=malformed,
        to_addresses=inner_to or view.to_addresses,
        forwarded=True,
        reply_to=(),
        return_path="",
        auth=None,
        auth_headers=(),
    )


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
