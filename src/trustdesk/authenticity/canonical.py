"""The canonical form of a message: what survives delivery, and what must never change.

Delivery rewrites a message in harmless ways: quoted-printable or base64 transfer encoding,
re-wrapped lines, collapsed whitespace, an HTML rendering of the text, "> " quoting and
"Forwarded message" blocks when a customer forwards it. None of that may change the
fingerprint. A changed word, link, e-mail address, phone number, amount or account number
must. So the canonical form is a sequence of tokens: whole links and e-mail addresses
(their punctuation matters), and case-folded words and numbers (punctuation between them
does not, except inside numbers: 12.50 is not 1,250).

"Critical tokens" are the parts whose change is dangerous (links, contacts, bank account
numbers, amounts, numbers); they are kept separately so a check can name *what* changed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import parse_qs, urlsplit, urlunsplit

from trustdesk.authenticity.footers import footer_pattern
from trustdesk.verify import ChannelKind, extract_contacts

MAX_CANONICAL_CHARS = 200_000

_QUOTE_PREFIX = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.MULTILINE)
_URL = r"(?:https?://|www\.)[^\s<>\"'`]+"
_EMAIL = r"(?:mailto:)?[\w.+%'-]+@[\w-]+(?:\.[\w-]+)+"
_WORD = r"[^\W_]+(?:[.,][^\W_]+)*"
_TOKEN = re.compile(rf"(?P<url>{_URL})|(?P<email>{_EMAIL})|(?P<word>{_WORD})", re.IGNORECASE)
_URL_TRAILING = ".,;:!?'\")]}>*"
_DIGIT = re.compile(r"\d")

#: Our footer line in any supported language (re-wrapping may have split it anywhere a space was).
FOOTER_PATTERN = footer_pattern()

_FORWARD_MARKERS = re.compile(
    r"^(?:-{2,}\s*(?:forwarded message|original message|weitergeleitete nachricht|message transf[ée]r[ée]|"
    r"mensaje reenviado|mensagem encaminhada|doorgestuurd bericht)\s*-{2,}|begin forwarded message:?|"
    r"_{10,}|-{5,}\s*original\s*-{5,})\s*$",
    re.IGNORECASE,
)
_WROTE = re.compile(
    r"^(?:on\s.{3,300}\swrote|le\s.{3,300}\sa\s[ée]crit|am\s.{3,300}\sschrieb\s.{0,100}|"
    r"el\s.{3,300}\sescribi[óo])\s?:\s*$",
    re.IGNORECASE,
)
_HEADER_LINE = re.compile(
    r"^(?:from|sent|date|to|cc|bcc|subject|reply-to|von|gesendet|datum|an|betreff|de|envoy[ée]|[àa]|objet|"
    r"enviado|para|asunto|assunto)\s*:",
    re.IGNORECASE,
)

_LINK_WRAPPERS = {
    "safelinks.protection.outlook.com": "url",
    "www.google.com": "q",
    "google.com": "q",
    "l.facebook.com": "u",
}


class TokenKind(StrEnum):
    """Kinds of canonical tokens."""

    URL = "url"
    EMAIL = "email"
    WORD = "word"


class CriticalKind(StrEnum):
    """The dangerous parts of a message, each named in plain language when it changes."""

    LINK = "link"
    WEB_ADDRESS = "web_address"
    EMAIL = "email"
    PHONE = "phone"
    IBAN = "iban"
    AMOUNT = "amount"
    NUMBER = "number"
    HANDLE = "handle"


CRITICAL_NAMES: dict[CriticalKind, tuple[str, str]] = {
    CriticalKind.LINK: ("a link", "links"),
    CriticalKind.WEB_ADDRESS: ("a web address", "web addresses"),
    CriticalKind.EMAIL: ("an e-mail address", "e-mail addresses"),
    CriticalKind.PHONE: ("a phone number", "phone numbers"),
    CriticalKind.IBAN: ("the bank account number (IBAN)", "bank account numbers (IBAN)"),
    CriticalKind.AMOUNT: ("an amount of money", "amounts of money"),
    CriticalKind.NUMBER: ("a number (such as an account, order or reference number)", "numbers"),
    CriticalKind.HANDLE: ("a social-media handle", "social-media handles"),
}


@dataclass(frozen=True, slots=True)
class Token:
    """One canonical token and where it was found in the prepared text."""

    kind: TokenKind
    value: str
    start: int
    end: int

    @property
    def key(self) -> str:
        """The form hashed into the fingerprint."""
        return f"{self.kind.value[0]}:{self.value}"


@dataclass(frozen=True, slots=True)
class CriticalToken:
    """A dangerous part of a message in normalised form (never stored raw: only its keyed digest)."""

    kind: CriticalKind
    value: str


def prepare(text: str) -> str:
    """Normalise text as delivery may have left it: Unicode NFKC, no invisible characters, no "> " quoting."""
    text = text[:MAX_CANONICAL_CHARS]
    text = unicodedata.normalize("NFKC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return _QUOTE_PREFIX.sub("", text)


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, unwrap known link-rewriting services, drop a bare trailing slash."""
    if url.lower().startswith("www."):
        url = "http://" + url
    for _ in range(3):
        try:
            parts = urlsplit(url)
        except ValueError:
            return url
        host = (parts.hostname or "").lower()
        wrapped = next((param for suffix, param in _LINK_WRAPPERS.items() if host.endswith(suffix)), None)
        if wrapped and parts.path in ("/", "", "/url", "/l.php"):
            inner = parse_qs(parts.query).get(wrapped)
            if inner and inner[0].lower().startswith(("http://", "https://")):
                url = inner[0]
                continue
        break
    try:
        parts = urlsplit(url)
        netloc = parts.netloc.lower()
        path = "" if parts.path == "/" else parts.path
        return urlunsplit((parts.scheme.lower(), netloc, path, parts.query, parts.fragment))
    except ValueError:
        return url


def _trim_url(url: str) -> str:
    while url and url[-1] in _URL_TRAILING:
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break
        url = url[:-1]
    return url


def tokenize(text: str) -> list[Token]:
    """Canonical tokens of already prepared text; repeated adjacent links/addresses count once.

    Repeats are folded because text renderings of HTML often print a link twice
    ("https://x <https://x>").
    """
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        kind_name = match.lastgroup
        raw = match.group(0)
        if kind_name == "url":
            raw = _trim_url(raw)
            token = Token(TokenKind.URL, normalize_url(raw), match.start(), match.start() + len(raw))
        elif kind_name == "email":
            value = raw.lower().removeprefix("mailto:")
            token = Token(TokenKind.EMAIL, value, match.start(), match.end())
        else:
            token = Token(TokenKind.WORD, raw.casefold(), match.start(), match.end())
        if (
            tokens
            and token.kind is not TokenKind.WORD
            and tokens[-1].kind is token.kind
            and tokens[-1].value == token.value
        ):
            continue
        tokens.append(token)
    return tokens


def remove_footers(prepared: str) -> tuple[str, list[int]]:
    """Blank out our footer lines; returns the text and where each footer started."""
    starts: list[int] = []

    def blank(match: re.Match[str]) -> str:
        starts.append(match.start())
        return re.sub(r"\S", " ", match.group(0))

    return FOOTER_PATTERN.sub(blank, prepared), starts


def segment_starts(prepared: str) -> list[int]:
    """Offsets where forwarded or quoted content begins (after "Forwarded message" blocks and "wrote:" lines)."""
    starts: list[int] = []
    lines = prepared.split("\n")
    offsets = []
    position = 0
    for line in lines:
        offsets.append(position)
        position += len(line) + 1
    index = 0
    while index < len(lines):
        line = lines[index].strip()
        joined = (line + " " + lines[index + 1].strip()) if index + 1 < len(lines) else line
        if _FORWARD_MARKERS.match(line) or (
            line and _HEADER_LINE.match(line) and _is_header_block(lines, index)
        ):
            index += 1 if _FORWARD_MARKERS.match(line) else 0
            index = _skip_header_block(lines, index)
            starts.append(offsets[index] if index < len(lines) else len(prepared))
            continue
        if _WROTE.match(line):
            starts.append(offsets[index + 1] if index + 1 < len(lines) else len(prepared))
        elif line.lower().startswith(("on ", "le ", "am ", "el ")) and _WROTE.match(joined):
            starts.append(offsets[index + 2] if index + 2 < len(lines) else len(prepared))
            index += 1
        index += 1
    return starts


def _is_header_block(lines: list[str], index: int) -> bool:
    # An Outlook-style header block without a marker line: at least two header lines in a row.
    count = 0
    for line in lines[index : index + 8]:
        if _HEADER_LINE.match(line.strip()):
            count += 1
        elif not line.strip():
            break
    return count >= 2


def _skip_header_block(lines: list[str], index: int) -> int:
    while index < len(lines) and not lines[index].strip():
        index += 1
    seen_header = False
    while index < len(lines):
        line = lines[index].strip()
        if not line:
            return index + 1 if seen_header else index
        if _HEADER_LINE.match(line):
            seen_header = True
        elif not seen_header:
            return index
        index += 1
    return index


def without_forward_headers(text: str) -> str:
    """Text with forward markers and header lines (From:, To:, Date: ...) dropped: who forwarded to whom."""
    kept = [
        line
        for line in text.split("\n")
        if not (
            _FORWARD_MARKERS.match(line.strip())
            or _HEADER_LINE.match(line.strip())
            or _WROTE.match(line.strip())
        )
    ]
    return "\n".join(kept)


def collapse(text: str) -> str:
    """Whitespace runs to one space: the form critical tokens are read from."""
    return " ".join(text.split())


_IBAN = re.compile(
    r"(?<![\w])([A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?)(?![\w])", re.IGNORECASE
)
_CURRENCY_CODES = "USD|EUR|GBP|CHF|CAD|AUD|NZD|JPY|SEK|NOK|DKK|PLN|CZK|HUF|INR|BRL|MXN|ZAR"
_AMOUNT = re.compile(
    rf"(?P<c1>[$\u20ac\u00a3\u00a5]|\b(?:{_CURRENCY_CODES})\b)\s?(?P<n1>\d[\d.,']*\d|\d)"
    rf"|(?P<n2>\d[\d.,']*\d|\d)\s?(?P<c2>[$\u20ac\u00a3\u00a5]|\b(?:{_CURRENCY_CODES}|euros?|dollars?|pounds?)\b)",
    re.IGNORECASE,
)
_CURRENCY_WORDS = {"$": "USD", "\u20ac": "EUR", "\u00a3": "GBP", "\u00a5": "JPY", "euro": "EUR", "euros": "EUR",
                   "dollar": "USD", "dollars": "USD", "pound": "GBP", "pounds": "GBP"}  # fmt: skip


def amount_value(number: str) -> str:
    """A locale-neutral value: the last separator followed by 1-2 digits is the decimal point."""
    digits = number.replace("'", "")
    match = re.search(r"[.,](\d{1,2})$", digits)
    if match:
        whole = re.sub(r"[.,]", "", digits[: match.start()])
        return f"{int(whole or '0')}.{match.group(1).ljust(2, '0')}"
    return str(int(re.sub(r"[.,]", "", digits) or "0"))


_CONTACT_KINDS = {
    ChannelKind.PHONE: CriticalKind.PHONE,
    ChannelKind.DOMAIN: CriticalKind.WEB_ADDRESS,
    ChannelKind.SOCIAL: CriticalKind.HANDLE,
}


def critical_tokens(region: str) -> list[CriticalToken]:
    """The dangerous parts of a (prepared) text region, in order of appearance."""
    text = collapse(region)
    found: list[tuple[int, int, CriticalToken]] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(start: int, end: int, token: CriticalToken) -> None:
        found.append((start, end, token))
        taken.append((start, end))

    tokens = tokenize(text)
    for token in tokens:
        if token.kind is TokenKind.URL:
            add(token.start, token.end, CriticalToken(CriticalKind.LINK, token.value))
        elif token.kind is TokenKind.EMAIL:
            add(token.start, token.end, CriticalToken(CriticalKind.EMAIL, token.value))
    for match in _IBAN.finditer(text):
        if free(match.start(), match.end()) and _DIGIT.search(match.group(1)[4:]):
            value = match.group(1).replace(" ", "").upper()
            if sum(ch.isdigit() for ch in value) >= 8:
                add(match.start(), match.end(), CriticalToken(CriticalKind.IBAN, value))
    for match in _AMOUNT.finditer(text):
        if not free(match.start(), match.end()):
            continue
        currency = (match.group("c1") or match.group("c2") or "").lower()
        code = _CURRENCY_WORDS.get(currency, currency.upper())
        number = match.group("n1") or match.group("n2") or "0"
        add(match.start(), match.end(), CriticalToken(CriticalKind.AMOUNT, f"{code} {amount_value(number)}"))
    for contact in extract_contacts(text):
        kind = _CONTACT_KINDS.get(contact.kind)
        if kind is None or contact.value is None or not free(contact.start, contact.end):
            continue
        add(contact.start, contact.end, CriticalToken(kind, contact.value))
    for token in tokens:
        if token.kind is TokenKind.WORD and _DIGIT.search(token.value) and free(token.start, token.end):
            add(token.start, token.end, CriticalToken(CriticalKind.NUMBER, token.value))
    found.sort(key=lambda item: item[0])
    return [token for _, _, token in found]
