"""Parsing of Authentication-Results and ARC-Authentication-Results headers (RFC 8601, RFC 8617).

Real headers stray from the grammar: Microsoft's carry no authserv-id, properties end in `;` without a
space, comments nest and reasons are quoted. The parser is lenient where that is harmless (unknown
methods and properties are kept, odd tokens skipped) and never raises: an unreadable header yields
nothing rather than a guess. Which headers deserve trust is `trustdesk.reports.evidence`'s job.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A method, optionally with a version, and its result: "dkim=pass", "spf/1=fail".
_RESINFO_RE = re.compile(r"^([A-Za-z][A-Za-z0-9_\-]*)(?:/\d+)?\s*=\s*([A-Za-z]+)$")
_PROPERTY_RE = re.compile(
    r'([A-Za-z][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+)?)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s";]*)'
)
_INSTANCE_RE = re.compile(r"^\s*i\s*=\s*(\d{1,3})\s*$")
MAX_HEADER_CHARS = 8_000


@dataclass(frozen=True, slots=True)
class MethodResult:
    """One method's outcome: "spf" "pass" with its properties ("smtp.mailfrom" -> "shop.example")."""

    method: str
    result: str
    properties: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str:
        """The value of property `name` ("header.d", "smtp.mailfrom", ...), "" when absent."""
        return next((value for key, value in self.properties if key == name), "")


@dataclass(frozen=True, slots=True)
class AuthenticationResults:
    """A parsed header: who recorded it (authserv-id, "" when missing), the ARC instance (0 for a plain
    Authentication-Results) and the results it lists."""

    authserv_id: str
    results: tuple[MethodResult, ...]
    instance: int = 0

    def of(self, method: str) -> tuple[MethodResult, ...]:
        """The results of one method, in header order."""
        return tuple(r for r in self.results if r.method == method)


def _split_outside(text: str) -> list[str]:
    """The header split on ";" with comments removed; quoted strings stay whole."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    quoted = False
    escaped = False
    for char in text:
        if escaped:
            escaped = False
            if depth == 0:
                current.append(char)
            continue
        if char == "\\" and (quoted or depth):
            escaped = True
            if depth == 0:
                current.append(char)
            continue
        if quoted:
            current.append(char)
            if char == '"':
                quoted = False
            continue
        if char == "(":
            depth += 1
            continue
        if char == ")" and depth:
            depth -= 1
            continue
        if depth:
            continue
        if char == '"':
            quoted = True
            current.append(char)
        elif char == ";":
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return parts


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _resinfo(part: str) -> MethodResult | None:
    head, _, rest = part.partition(" ")
    match = _RESINFO_RE.match(head.strip())
    if match is None:
        # "dkim = pass" with spaces around "=".
        found = re.match(r"^([A-Za-z][A-Za-z0-9_\-]*)(?:/\d+)?\s*=\s*([A-Za-z]+)\b(.*)$", part, re.DOTALL)
        if found is None:
            return None
        method, result, rest = found.group(1), found.group(2), found.group(3)
    else:
        method, result = match.group(1), match.group(2)
    properties = tuple(
        (key.lower(), _unquote(value).strip().lower()) for key, value in _PROPERTY_RE.findall(rest)
    )
    return MethodResult(method.lower(), result.lower(), properties)


def parse_authentication_results(value: str, *, arc: bool = False) -> AuthenticationResults | None:
    """Parse one header value (without its name). `arc` reads the leading "i=N;" of an
    ARC-Authentication-Results header. None when the value is not an authentication results header."""
    parts = _split_outside(" ".join(value[:MAX_HEADER_CHARS].split()))
    instance = 0
    if arc:
        if not parts:
            return None
        found = _INSTANCE_RE.match(parts[0])
        if found is None:
            return None
        instance = int(found.group(1))
        parts = parts[1:]
    if not parts:
        return None
    first = parts[0]
    authserv_id = ""
    if _resinfo(first) is None or "=" not in first.split(" ", 1)[0]:
        # authserv-id, optionally followed by a version number.
        authserv_id = first.split(" ", 1)[0].strip().lower()
        parts = parts[1:]
    results = []
    for part in parts:
        if not part or part.lower() == "none":
            continue
        item = _resinfo(part)
        if item is not None:
            results.append(item)
    if not authserv_id and not results:
        return None
    return AuthenticationResults(authserv_id, tuple(results), instance)
