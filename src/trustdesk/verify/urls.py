"""Web addresses: refang, split, and make safe to show.

A normalised URL never carries a password (it is masked) nor a query string or
fragment (they often hold one-time tokens); it keeps what identifies the site:
scheme, user name (the "acme.com@evil.example" trick lives there), host, port, path.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from trustdesk.verify.defang import is_defanged, refang
from trustdesk.verify.domains import HostName, parse_host
from trustdesk.verify.errors import InvalidDomainError, InvalidUrlError
from trustdesk.verify.frozen import fast_init

MAX_URL_LENGTH = 4096
ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_PASSWORD_IN_URL = re.compile(r"(?<=://)([^/@\s:]*):([^/@\s]*)@")


@fast_init
@dataclass(frozen=True, slots=True)
class ParsedUrl:
    """A parsed, refanged web address. Exactly one of `host` and `ip` is set."""

    scheme: str
    host: HostName | None
    ip: str | None
    port: int | None
    username: str
    has_password: bool
    path: str
    had_query: bool
    defanged: bool

    @property
    def host_text(self) -> str:
        """The host as shown to people (Unicode name or IP literal)."""
        if self.host is not None:
            return self.host.name
        return f"[{self.ip}]" if self.ip and ":" in self.ip else str(self.ip)

    @property
    def nonstandard_port(self) -> bool:
        """True when an explicit port differs from the scheme's default."""
        return self.port is not None and self.port != DEFAULT_PORTS.get(self.scheme)

    @property
    def value(self) -> str:
        """The safe normalised form: no password, query or fragment."""
        userinfo = ""
        if self.username or self.has_password:
            userinfo = self.username + (":***" if self.has_password else "") + "@"
        port = f":{self.port}" if self.port is not None and self.nonstandard_port else ""
        return f"{self.scheme}://{userinfo}{self.host_text}{port}{self.path or '/'}"

    @property
    def path_tokens(self) -> list[str]:
        """Lower-case words of the path (for "brand in path" checks), at most 12."""
        return [token for token in re.split(r"[^\w]+|_", unquote(self.path).lower()) if token][:12]


def mask_url_password(text: str) -> str:
    """Replace the password of any ``scheme://user:password@`` in `text` with ``***``."""
    return _PASSWORD_IN_URL.sub(lambda m: f"{m.group(1)}:***@", text)


@lru_cache(maxsize=65536)
def parse_url(raw: str) -> ParsedUrl:
    """Parse a (possibly defanged, possibly scheme-less) web address.

    ``hxxps://acme[.]com/x`` and ``www.acme.com/x`` are accepted. Raises `InvalidUrlError`
    for other schemes, bad ports, bad hosts and overlong input.
    """
    text = raw.strip()
    if not text or len(text) > MAX_URL_LENGTH:
        raise InvalidUrlError("empty or overlong web address")
    defanged = is_defanged(text)
    text = refang(text)
    scheme_match = _SCHEME.match(text)
    if not scheme_match or "." in scheme_match.group(0) or text.lower().startswith("localhost:"):
        text = "https://" + text.lstrip("/")
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise InvalidUrlError(f"not a valid web address: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise InvalidUrlError(f"'{scheme}:' links are not web addresses", code="unsupported-scheme")
    hostname = parts.hostname or ""
    if not hostname:
        raise InvalidUrlError("the web address has no host")
    host: HostName | None = None
    ip: str | None = None
    try:
        ip = str(ipaddress.ip_address(hostname.strip("[]")))
    except ValueError:
        try:
            host = parse_host(unquote(hostname))
        except InvalidDomainError as exc:
            raise InvalidUrlError(f"bad host in web address: {exc}", code=exc.code) from None
    return ParsedUrl(
        scheme=scheme,
        host=host,
        ip=ip,
        port=port,
        username=unquote(parts.username or ""),
        has_password=parts.password is not None,
        path=parts.path,
        had_query=bool(parts.query or parts.fragment),
        defanged=defanged,
    )
