"""Reading a reported message's headers: decoded text, the sender, and the SPF/DKIM/DMARC outcomes
its Authentication-Results headers claim.
"""

from __future__ import annotations

import email
import email.errors
import re
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr

from trustdesk.reports.domains import has_public_suffix
from trustdesk.reports.mail_values import AuthResults

_PARSE_ERRORS = (email.errors.MessageError, ValueError, TypeError, IndexError, AttributeError, LookupError)


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
