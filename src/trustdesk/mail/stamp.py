"""The desk's own Authentication-Results on a mail it received (RFC 8601 section 5).

A receiver records what it checked in a header it adds on top of the message, and first removes any
header that already carries its authserv-id: the sender wrote that one, and a judge that believes
the desk's own id (trustdesk.reports.evidence) must never believe a copy. Works on the raw bytes so
nothing else of the message changes (DKIM signatures stay valid: they never cover this header)."""

from __future__ import annotations

import re

_FIELD = re.compile(rb"^([!-9;-~]+)[ \t]*:", re.ASCII)
_COMMENT = re.compile(r"\([^()]*\)")


def _authserv_id(value: bytes) -> str:
    """The authserv-id of a header value (comments and a version number dropped), lower-case."""
    text = _COMMENT.sub(" ", value.decode("latin-1")).strip()
    return text.split(";", 1)[0].split()[0].lower() if text.split(";", 1)[0].split() else ""


def _fields(head: bytes, newline: bytes) -> list[bytes]:
    """The header block cut into fields, each with its folded continuation lines."""
    fields: list[bytes] = []
    for line in head.split(newline):
        if fields and line[:1] in (b" ", b"\t"):
            fields[-1] += newline + line
        else:
            fields.append(line)
    return fields


def stamp_authentication_results(raw: bytes, authserv_id: str, results: str | None) -> bytes:
    """``raw`` without Authentication-Results headers that claim ``authserv_id``, and with the desk's
    own ``results`` (a header value starting with that id) on top when given."""
    newline = b"\r\n" if b"\r\n" in raw[:4096] else b"\n"
    end = raw.find(newline + newline)
    head, body = (raw, b"") if end < 0 else (raw[:end], raw[end:])
    own = authserv_id.strip().lower()
    kept = []
    for field in _fields(head, newline):
        m = _FIELD.match(field)
        if m and m.group(1).lower() == b"authentication-results":
            if own and _authserv_id(field[m.end() :]) == own:
                continue
        kept.append(field)
    stamped = newline.join(kept)
    if results:
        line = f"Authentication-Results: {' '.join(results.split())}".encode("ascii", "replace")
        stamped = line + newline + stamped
    return stamped + body
