"""E-mail addresses, with or without a display name ("Acme Support <help@acme.com>")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import parseaddr
from functools import lru_cache

from trustdesk.verify.defang import refang
from trustdesk.verify.domains import HostName, parse_host
from trustdesk.verify.errors import InvalidDomainError, InvalidEmailError
from trustdesk.verify.frozen import fast_init

MAX_EMAIL_LENGTH = 320
# Dot-atom local part (RFC 5322) plus the quoted form's most common cousin: nothing exotic.
_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LOCAL_UNICODE = re.compile(r"[^\s@<>()\[\],;:\\\"]+")


@fast_init
@dataclass(frozen=True, slots=True)
class EmailAddress:
    """A normalised e-mail address: local part kept as written, domain normalised."""

    local: str
    host: HostName
    display_name: str = ""

    @property
    def address(self) -> str:
        """``local@domain`` with the domain in normalised Unicode form."""
        return f"{self.local}@{self.host.name}"

    @property
    def normalized(self) -> str:
        """The comparison key: local part lower-cased (providers treat it so in practice)."""
        return f"{self.local.lower()}@{self.host.name}"


@lru_cache(maxsize=65536)
def parse_email(raw: str) -> EmailAddress:
    """Parse an address, optionally with a display name; refangs ``[at]``/``[.]`` first.

    Raises `InvalidEmailError` when the text is not one e-mail address.
    """
    text = refang(raw.strip())
    if not text or len(text) > MAX_EMAIL_LENGTH + 200:
        raise InvalidEmailError("empty or overlong e-mail address")
    display, address = parseaddr(text)
    if not address or address.count("@") != 1:
        raise InvalidEmailError(f"'{raw.strip()[:80]}' is not one e-mail address")
    local, _, domain = address.rpartition("@")
    if not local or len(local) > 64:
        raise InvalidEmailError("the part before @ is empty or longer than 64 characters")
    if not (_LOCAL.fullmatch(local) or _LOCAL_UNICODE.fullmatch(local)):
        raise InvalidEmailError(f"'{local}' is not a valid local part")
    try:
        host = parse_host(domain)
    except InvalidDomainError as exc:
        raise InvalidEmailError(f"bad domain in e-mail address: {exc}", code=exc.code) from None
    if not host.registrable:
        raise InvalidEmailError(f"'{host.name}' is not a public mail domain")
    return EmailAddress(local=local, host=host, display_name=display.strip())


def format_address(address: EmailAddress) -> str:
    """Render with the display name, quoting as RFC 5322 requires."""
    if not address.display_name:
        return address.address
    return str(Address(display_name=address.display_name, addr_spec=address.address))
