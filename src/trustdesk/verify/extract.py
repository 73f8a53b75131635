"""Find every contact in free text: web addresses, domains, e-mail addresses, phone numbers, @handles.

Built for pasted messages ("Call our support on +1 800 555 0199 or visit
hxxps://acme-help[.]com"), so it understands defanged writing (``hxxp://``,
``example[.]com``, ``name[at]example[.]com``) and display names
(``"Acme Support" <help@example.com>``). It is reused by the reports package.

Time is bounded: only the first `MAX_TEXT_CHARS` characters are scanned and at most
`MAX_CONTACTS` contacts are returned; `scan_contacts` says when either cap was hit.
All patterns are linear (no nested unbounded repetition), and phone matching goes
through phonenumbers' own bounded matcher.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

import phonenumbers

from trustdesk.verify.defang import is_defanged, refang
from trustdesk.verify.domains import HostName, parse_host
from trustdesk.verify.emails import EmailAddress, parse_email
from trustdesk.verify.errors import ContactInputError
from trustdesk.verify.handles import PLATFORM_ALIASES, SocialHandle, normalize_app_id, parse_handle
from trustdesk.verify.model import ChannelKind, ExtractedContact
from trustdesk.verify.phones import PhoneNumber, is_vanity, parse_phone
from trustdesk.verify.urls import ParsedUrl, mask_url_password, parse_url

MAX_TEXT_CHARS = 100_000
MAX_CONTACTS = 200
_PHONE_MAX_TRIES = 2_000

_DOT = r"(?:\.|\[\s?\.\s?\]|\(\s?\.\s?\)|\{\s?\.\s?\}|\[dot\]|\(dot\)|\{dot\}|\\\.)"
_AT = r"(?:@|\s?(?:\[\s?@\s?\]|\(\s?@\s?\)|\[at\]|\(at\)|\{at\})\s?)"
_LABEL = r"[^\W_](?:[\w-]{0,61}[^\W_])?"
_HOST = rf"{_LABEL}(?:{_DOT}{_LABEL}){{1,8}}"
_SCHEME = r"(?:https?|hxxps?|h\*\*ps?|hxtps?|hXXps?)"
_SEP = r"(?:://|\[://\]|\[:\]//|\(:\)//|:\\/\\/)"
_TAIL = r"[^\s<>\"'`]{0,2000}"

URL_RE = re.compile(
    rf"(?<![\w@]){_SCHEME}{_SEP}{_TAIL}|(?<![\w@.\-])www{_DOT}{_HOST}(?:[:/][^\s<>\"'`]{{0,2000}})?",
    re.IGNORECASE,
)
EMAIL_RE = re.compile(rf"(?<![\w.+%'-])([\w.+%'-]{{1,64}}){_AT}({_HOST})(?![\w-])", re.IGNORECASE)
DOMAIN_RE = re.compile(rf"(?<![\w@.\-/\\])({_HOST})(/[^\s<>\"'`]{{0,2000}})?(?![\w@-])", re.IGNORECASE)
HANDLE_RE = re.compile(r"(?<![\w@./])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)(?![\w@]|\.\w)")
_PLATFORM_NEAR = re.compile(
    r"\b(" + "|".join(sorted(map(re.escape, PLATFORM_ALIASES), key=len, reverse=True)) + r")\b", re.IGNORECASE
)
_DISPLAY_NAME = re.compile(r"(?:\"([^\"\n]{1,80})\"|([^\s\"<>,;:\n][^\"<>,;:\n]{0,78}?))\s*<\s*$")
_TRAILING = ".,;:!?'\"”’»)"
_BARE_FILE_SUFFIXES = frozenset({"py", "md", "sh", "rs", "pl", "js", "txt", "exe", "pdf", "html", "php"})


@dataclass(frozen=True, slots=True)
class ContactScan:
    """The result of scanning text: contacts in order, and whether a cap was hit."""

    contacts: list[ExtractedContact]
    truncated: bool
    scanned_chars: int


def _trim(text: str) -> str:
    """Drop sentence punctuation that follows a link, keeping balanced brackets."""
    while text:
        last = text[-1]
        if last in _TRAILING:
            if last == ")" and text.count("(") >= text.count(")"):
                break
            text = text[:-1]
        elif last == "]" and text.count("[") < text.count("]"):
            text = text[:-1]
        else:
            break
    return text


def _problem(
    kind: ChannelKind, raw: str, start: int, exc: ContactInputError, defanged: bool
) -> ExtractedContact:
    return ExtractedContact(
        kind=kind,
        raw=raw,
        value=None,
        start=start,
        end=start + len(raw),
        defanged=defanged,
        problem=exc.code,
        problem_detail=str(exc),
    )


def _url_contact(raw: str, start: int) -> ExtractedContact:
    return _url_parts(raw, start)[0]


def _url_parts(raw: str, start: int) -> tuple[ExtractedContact, ParsedUrl | None]:
    safe_raw = mask_url_password(raw)
    try:
        url = parse_url(raw)
    except ContactInputError as exc:
        return _problem(ChannelKind.URL, safe_raw, start, exc, is_defanged(raw)), None
    contact = ExtractedContact(
        ChannelKind.URL, safe_raw, url.value, start, start + len(raw), defanged=url.defanged
    )
    return contact, url


def _display_name_before(text: str, start: int) -> str | None:
    window = text[max(0, start - 90) : start]
    match = _DISPLAY_NAME.search(window)
    if not match:
        return None
    if match.group(1):
        return match.group(1).strip() or None
    # Unquoted: keep the trailing run of capitalised words ("Write to Acme Billing <..>").
    words = (match.group(2) or "").split()
    run: list[str] = []
    for word in reversed(words):
        if not (word[:1].isupper() or word[:1].isdigit() or word in ("&", "-")):
            break
        run.append(word)
    return " ".join(reversed(run)) or None


def _email_contact(text: str, match: re.Match[str]) -> ExtractedContact:
    raw = match.group(0)
    defanged = is_defanged(raw) or " " in raw
    display = _display_name_before(text, match.start())
    try:
        address = parse_email(refang(raw).replace(" ", ""))
    except ContactInputError as exc:
        return _problem(ChannelKind.EMAIL, raw, match.start(), exc, defanged)
    return ExtractedContact(
        ChannelKind.EMAIL,
        raw,
        address.normalized,
        match.start(),
        match.end(),
        display_name=display,
        defanged=defanged,
    )


def _domain_contact(match: re.Match[str]) -> ExtractedContact | None:
    host_raw, path = match.group(1), match.group(2)
    host_text = refang(host_raw)
    defanged = host_text != host_raw
    if path:
        raw = _trim(match.group(0))
        if len(raw) > len(host_raw):
            return _url_contact(raw, match.start())
    try:
        host = parse_host(host_text)
    except ContactInputError as exc:
        # Only report shapes that were clearly meant as a domain (punycode, defanged).
        if "xn--" in host_text.lower() or defanged:
            return _problem(ChannelKind.DOMAIN, host_raw, match.start(), exc, defanged)
        return None
    if not host.registrable or host.label.isdigit():
        return None
    if not defanged and host.suffix in _BARE_FILE_SUFFIXES and not host.subdomain:
        return None
    return ExtractedContact(
        ChannelKind.DOMAIN,
        host_raw,
        host.name,
        match.start(),
        match.start() + len(host_raw),
        defanged=defanged,
    )


def _handle_platform(text: str, start: int) -> str | None:
    window = text[max(0, start - 40) : start]
    found = _PLATFORM_NEAR.findall(window)
    return PLATFORM_ALIASES[found[-1].lower()] if found else None


class _Spans:
    """Occupied, non-overlapping character ranges (sorted), so one piece of text yields one contact."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def free(self, start: int, end: int) -> bool:
        index = bisect.bisect_right(self._starts, start)
        if index > 0 and self._ends[index - 1] > start:
            return False
        return not (index < len(self._starts) and self._starts[index] < end)

    def take(self, start: int, end: int) -> None:
        index = bisect.bisect_right(self._starts, start)
        self._starts.insert(index, start)
        self._ends.insert(index, end)


def scan_contacts(
    text: str,
    default_region: str = "US",
    *,
    max_chars: int = MAX_TEXT_CHARS,
    max_contacts: int = MAX_CONTACTS,
) -> ContactScan:
    """Extract every contact from `text` (see module docs), in order of appearance.

    Contacts that look like one but fail validation (e.g. invalid punycode) are kept
    with `value=None` and a `problem`, so a caller can tell the customer why.
    """
    truncated = len(text) > max_chars
    text = text[:max_chars]
    spans = _Spans()
    found: list[ExtractedContact] = []

    # Each kind is scanned in text order, so the first `max_contacts` of every kind are
    # enough to know the first `max_contacts` overall: stop each scan there.
    kept: dict[ChannelKind, int] = {}

    def keep(contact: ExtractedContact | None) -> None:
        if contact is not None and spans.free(contact.start, contact.end):
            spans.take(contact.start, contact.end)
            found.append(contact)
            kept[contact.kind] = kept.get(contact.kind, 0) + 1

    def full(kind: ChannelKind) -> bool:
        return kept.get(kind, 0) >= max_contacts

    for match in URL_RE.finditer(text):
        if full(ChannelKind.URL):
            truncated = True
            break
        keep(_url_contact(_trim(match.group(0)), match.start()))
    for match in EMAIL_RE.finditer(text):
        if full(ChannelKind.EMAIL):
            truncated = True
            break
        if spans.free(match.start(), match.end()):
            keep(_email_contact(text, match))
    for match in DOMAIN_RE.finditer(text):
        if full(ChannelKind.DOMAIN) or full(ChannelKind.URL):
            truncated = True
            break
        if spans.free(match.start(), match.end()):
            keep(_domain_contact(match))
    for match in HANDLE_RE.finditer(text):
        if full(ChannelKind.SOCIAL):
            truncated = True
            break
        if spans.free(match.start(), match.end()):
            platform = _handle_platform(text, match.start())
            handle = parse_handle(match.group(1), platform)
            keep(
                ExtractedContact(
                    ChannelKind.SOCIAL,
                    match.group(0),
                    handle.value,
                    match.start(),
                    match.end(),
                    platform=platform,
                )
            )
    for match in _VANITY_IN_TEXT.finditer(text):
        if full(ChannelKind.PHONE):
            truncated = True
            break
        raw = match.group(0)
        # Keypad words, not codes: three or more letters and at most two digits after the area code
        # (1-800-FLOWERS, 1-800-GOT-JUNK; not SKU 800 ABC1234).
        letters, digits = sum(c.isalpha() for c in raw), sum(c.isdigit() for c in raw)
        if letters < 3 or digits > 6 or not spans.free(match.start(), match.end()):
            continue
        try:
            number = parse_phone(raw, "US")
        except ContactInputError:
            continue
        keep(ExtractedContact(ChannelKind.PHONE, raw, number.e164, match.start(), match.end()))
    matcher = phonenumbers.PhoneNumberMatcher(
        text, default_region.upper(), leniency=phonenumbers.Leniency.VALID, max_tries=_PHONE_MAX_TRIES
    )
    for phone_match in matcher:
        if full(ChannelKind.PHONE):
            truncated = True
            break
        if not spans.free(phone_match.start, phone_match.end):
            continue
        e164 = phonenumbers.format_number(phone_match.number, phonenumbers.PhoneNumberFormat.E164)
        keep(
            ExtractedContact(
                ChannelKind.PHONE, phone_match.raw_string, e164, phone_match.start, phone_match.end
            )
        )
    found.sort(key=lambda contact: contact.start)
    if len(found) > max_contacts:
        found, truncated = found[:max_contacts], True
    return ContactScan(found, truncated, len(text))


def extract_contacts(text: str, default_region: str = "US") -> list[ExtractedContact]:
    """Every contact in `text`, in order: URLs (also defanged), bare domains, e-mail
    addresses (with display names), phone numbers in national or international format
    (`default_region` for numbers without a country code) and @handles.

    Scans at most `MAX_TEXT_CHARS` characters and returns at most `MAX_CONTACTS`
    contacts; use `scan_contacts` to learn whether a cap was hit.
    """
    return scan_contacts(text, default_region).contacts


# A North American vanity number in running text ("call 1-800-FLOWERS", "+1 888 GOT JUNK"):
# phonenumbers' matcher only finds digits. Toll-free codes stand alone; any other area code needs
# the leading 1 or +1, and the letters must be capitals, as these numbers are printed; parse_phone
# then requires three or more letters and a valid number.
_VANITY_IN_TEXT = re.compile(
    r"(?<![\w+.\-])(?:(?:\+1|1)[ .\-]?\(?[2-9]\d\d\)?|\(?8(?:00|33|44|55|66|77|88)\)?)[ .\-]?"
    r"(?=[0-9\-]*[A-Z])[A-Z0-9]{2,7}(?:[ .\-][A-Z0-9]{2,5})?(?![\w\-]|\.\w)"
)
_DIGITS = re.compile(r"\d")
_HANDLE_INPUT = re.compile(r"^(?:([A-Za-z.]{1,20})\s*[:/]\s*)?@?[\w.\-]{1,64}$")
_PHONE_INPUT = re.compile(r"^(?:tel:)?[+(]?[\d\s().\-/A-Za-z\u00a0]{4,40}$")
# A vanity number written digits first, then keypad letters ("1-800-FLOWERS", "800 GOT JUNK"):
# only three or four digits, and no dot, so it cannot be a domain name.
_VANITY_INPUT = re.compile(r"^(?:tel:)?\+?\(?\d[\d\s()\-/\u00a0]*[A-Za-z][A-Za-z\d\s\-]*$")


def parse_contact(
    raw: str,
    kind: ChannelKind | str | None = None,
    *,
    default_region: str = "US",
    platform: str | None = None,
) -> ExtractedContact:
    """Interpret one contact typed on its own (kind guessed when not given).

    Never raises: a value that cannot be understood comes back with `value=None` and
    a `problem` code, which `Registry.check` turns into an `unknown` verdict.
    """
    return parse_contact_parts(raw, kind, default_region=default_region, platform=platform)[0]


# What `parse_contact_parts` parsed on the way, so a check need not parse the value again.
ParsedContact = HostName | ParsedUrl | EmailAddress | PhoneNumber | SocialHandle | None


def parse_contact_parts(
    raw: str,
    kind: ChannelKind | str | None = None,
    *,
    default_region: str = "US",
    platform: str | None = None,
) -> tuple[ExtractedContact, ParsedContact]:
    """`parse_contact`, plus the parsed host/URL/address/number/handle (None for apps and problems).

    The parsed object is what parsing the contact's normalised `value` would give, except
    that a phone number keeps its `vanity` flag (its E.164 form has no letters left).
    """
    text = raw.strip()
    if len(text) > 4096:
        text = text[:4096]
    defanged = is_defanged(text)
    refanged = refang(text) if defanged else text
    kind = ChannelKind(kind) if kind else _guess_kind(text, platform, refanged)
    try:
        if kind in (ChannelKind.DOMAIN, ChannelKind.SENDING_DOMAIN):
            host = parse_host(refanged)
            if not host.registrable:
                raise ContactInputError(f"'{host.name}' has no public suffix", code="no-public-suffix")
            contact = ExtractedContact(kind, text, host.name, 0, len(text), defanged=defanged)
            return contact, None
        if kind is ChannelKind.URL:
            return _url_parts(text, 0)
        if kind is ChannelKind.EMAIL:
            address = parse_email(text)
            contact = ExtractedContact(
                kind,
                text,
                address.normalized,
                0,
                len(text),
                display_name=address.display_name or None,
                defanged=defanged,
            )
            return contact, EmailAddress(address.local.lower(), address.host)
        if kind is ChannelKind.PHONE:
            number = parse_phone(text, default_region)
            return ExtractedContact(kind, text, number.e164, 0, len(text)), number
        if kind is ChannelKind.SOCIAL:
            handle = parse_handle(text, platform)
            contact = ExtractedContact(
                kind, text, handle.value, 0, len(text), platform=handle.platform or None
            )
            return contact, None
        contact = ExtractedContact(
            kind, text, normalize_app_id(text, platform), 0, len(text), platform=platform
        )
        return contact, None
    except ContactInputError as exc:
        return _problem(kind, mask_url_password(text), 0, exc, defanged), None


def _guess_kind(text: str, platform: str | None, refanged: str) -> ChannelKind:
    if not text:
        return ChannelKind.DOMAIN
    if platform or text.startswith("@"):
        return ChannelKind.SOCIAL
    head = text.split(":", 1)[0].split("/", 1)[0].strip().lower()
    if head in PLATFORM_ALIASES and _HANDLE_INPUT.match(text) and head not in ("x.com", "twitter.com"):
        return ChannelKind.SOCIAL
    if "://" in refanged or refanged.lower().startswith("www."):
        return ChannelKind.URL
    if "@" in refanged:
        return ChannelKind.EMAIL
    if _PHONE_INPUT.match(text):
        digits = len(_DIGITS.findall(text))
        if digits >= 5 or (digits >= 3 and _VANITY_INPUT.match(text) and is_vanity(text)):
            return ChannelKind.PHONE
    if "/" in refanged:
        return ChannelKind.URL
    return ChannelKind.DOMAIN
