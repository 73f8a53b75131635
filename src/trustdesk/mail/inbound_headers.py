"""Reading the headers of inbound mail: addresses, msg-ids, Received hops and the Date.

Every value is unfolded and cleaned; the stdlib parses only the headers that need structure, and
its known crashes on hostile input fall back to the raw text.
"""

from __future__ import annotations

import datetime as dt
import email.header
import email.utils
import ipaddress
import re
from email.message import Message
from typing import Any

from trustdesk.mail.decoding import _clean_header
from trustdesk.mail.model import Address, ReceivedHop


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
