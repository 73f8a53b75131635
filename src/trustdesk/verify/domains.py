"""Domain names: IDNA decoding, normalisation and the registrable domain.

The registrable domain ("eTLD+1") comes from the Public Suffix List snapshot bundled
with tldextract (see `psl.py`); it is never fetched at run time. Private suffixes (github.io,
blogspot.com, ...) count as suffixes, because a name under them belongs to whoever
registered it there, not to the platform.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import idna

from trustdesk.verify.errors import InvalidDomainError, InvalidPunycodeError
from trustdesk.verify.frozen import fast_init
from trustdesk.verify.psl import public_suffix_length

MAX_DOMAIN_LENGTH = 253
MAX_LABEL_LENGTH = 63


# Letters, digits, hyphen; underscore is allowed in real DNS names (_dmarc, SRV) so we accept it.
_ASCII_LABEL = re.compile(r"[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?")
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
# A whole lower-case ASCII name whose every label passes `_ASCII_LABEL` (no empty label, at most 63
# characters); names with "--" anywhere (punycode, reserved labels) take the label-by-label path.
_PLAIN_ASCII_NAME = re.compile(
    r"(?!.*--)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*"
)


@fast_init
@dataclass(frozen=True, slots=True)
class HostName:
    """A normalised host name split along the Public Suffix List.

    `name` is the lower-case Unicode form (U-labels), `ascii` the A-label form.
    `label` is the part just left of the public suffix ("acme-outfitters" in
    "help.acme-outfitters.co.uk"), `subdomain` what is left of that ("help").
    `registrable` is label + "." + suffix, or "" when the host has no public suffix.
    """

    name: str
    ascii: str
    subdomain: str
    label: str
    suffix: str
    is_private_suffix: bool
    had_punycode: bool

    @property
    def registrable(self) -> str:
        """The registrable domain (eTLD+1) in Unicode, or "" when there is none."""
        return f"{self.label}.{self.suffix}" if self.label and self.suffix else ""

    @property
    def subdomain_labels(self) -> list[str]:
        """The labels left of the registrable domain, outermost first."""
        return self.subdomain.split(".") if self.subdomain else []

    def is_under(self, other: str) -> bool:
        """True when this host is `other` or a subdomain of it (both normalised)."""
        return self.name == other or self.name.endswith("." + other)


def _decode_label(label: str) -> tuple[str, str, bool]:
    """Validate one label and return (unicode form, A-label form, was it punycode)."""
    if not label:
        raise InvalidDomainError("empty label (two dots in a row)")
    if len(label) > MAX_LABEL_LENGTH:
        raise InvalidDomainError(f"label longer than {MAX_LABEL_LENGTH} characters")
    if label.isascii():
        if label.startswith("xn--"):
            try:
                decoded = idna.decode(label)
            except (idna.IDNAError, UnicodeError, ValueError) as exc:
                raise InvalidPunycodeError(f"'{label}' is not valid punycode: {exc}") from None
            ascii_form = decoded if decoded.isascii() else idna.encode(decoded, uts46=False).decode("ascii")
            return decoded, ascii_form, True
        if label[2:4] == "--":
            # Reserved "??--" labels other than xn-- are not valid host names (RFC 5891 4.2.3.1).
            raise InvalidDomainError(f"'{label}' uses the reserved '--' in positions 3-4")
        if not _ASCII_LABEL.fullmatch(label):
            raise InvalidDomainError(f"'{label}' contains characters not allowed in a host name")
        return label, label, False
    try:
        encoded = idna.encode(label, uts46=False).decode("ascii")
    except (idna.IDNAError, UnicodeError, ValueError) as exc:
        raise InvalidDomainError(f"'{label}' is not a valid internationalised label: {exc}") from None
    return label, encoded, False


@lru_cache(maxsize=65536)
def parse_host(raw: str) -> HostName:
    """Normalise a host name and split it along the Public Suffix List.

    Accepts Unicode or punycode, any case, full-width dots, a trailing dot. Raises
    `InvalidDomainError` (or `InvalidPunycodeError`) for anything that is not a host name.
    IP addresses are rejected too: they are not domains.
    """
    text = raw.strip()
    if not text:
        raise InvalidDomainError("empty domain")
    if len(text) > MAX_DOMAIN_LENGTH + 1:
        raise InvalidDomainError(f"domain longer than {MAX_DOMAIN_LENGTH} characters")
    if text.isascii():
        # For ASCII, UTS #46 mapping (without STD3 rules) is exactly lower-casing.
        text = text.lower().rstrip(".")
    else:
        try:
            text = idna.uts46_remap(text, std3_rules=False, transitional=False)
        except (idna.IDNAError, UnicodeError, ValueError) as exc:
            raise InvalidDomainError(f"not a valid domain name: {exc}") from None
        text = unicodedata.normalize("NFC", text).rstrip(".")
    if not text:
        raise InvalidDomainError("empty domain")
    if _IPV4.fullmatch(text) or ":" in text:
        raise InvalidDomainError("an IP address is not a domain name")
    labels = text.split(".")
    had_punycode = False
    if _PLAIN_ASCII_NAME.fullmatch(text):
        # The common case: plain ASCII labels are their own Unicode and A-label forms.
        decoded = ascii_labels = labels
        ascii_name = text
    else:
        decoded = []
        ascii_labels = []
        for label in labels:
            unicode_label, ascii_label, was_punycode = _decode_label(label)
            had_punycode = had_punycode or was_punycode
            decoded.append(unicode_label)
            ascii_labels.append(ascii_label)
        ascii_name = ".".join(ascii_labels)
    if len(ascii_name) > MAX_DOMAIN_LENGTH:
        raise InvalidDomainError(f"domain longer than {MAX_DOMAIN_LENGTH} characters")
    suffix_count, is_private = public_suffix_length(ascii_labels)
    label_index = len(decoded) - suffix_count - 1
    if suffix_count and label_index >= 0:
        label = decoded[label_index]
        suffix = ".".join(decoded[label_index + 1 :])
        subdomain = ".".join(decoded[:label_index])
    else:
        label, suffix, subdomain = decoded[-1], "", ".".join(decoded[:-1])
    return HostName(
        name=".".join(decoded),
        ascii=ascii_name,
        subdomain=subdomain,
        label=label,
        suffix=suffix,
        is_private_suffix=is_private if suffix_count and label_index >= 0 else False,
        had_punycode=had_punycode,
    )


def normalize_domain(raw: str) -> str:
    """Return the normalised (lower-case, Unicode, no trailing dot) form of a host name."""
    return parse_host(raw).name


def registrable_domain(raw: str) -> str:
    """Return the registrable domain (eTLD+1) of a host, or raise if it has none."""
    host = parse_host(raw)
    if not host.registrable:
        raise InvalidDomainError(f"'{host.name}' has no public suffix")
    return host.registrable


def has_public_suffix(raw: str) -> bool:
    """True when `raw` parses as a host with a known public suffix and a label before it."""
    try:
        return bool(parse_host(raw).registrable)
    except InvalidDomainError:
        return False
