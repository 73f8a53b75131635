"""Contact indicators in free text: URLs (defanged forms too), domains, e-mail addresses, phone numbers
and social handles.

Every pattern has bounded repetition and a left boundary, so the cost is linear in the text length even
on hostile input (a megabyte without spaces).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import phonenumbers

from trustdesk.reports.domains import has_public_suffix, host_of, is_ip_address

# --- refanging -------------------------------------------------------------------------------------

_REFANG_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\bh(?:xx|XX|\*\*|tt|\[tt\]|\[xx\])p(s?)\b", re.IGNORECASE), r"http\1"),
    (re.compile(r"\bfxp\b", re.IGNORECASE), "ftp"),
    (re.compile(r"\[:\]//|\[://\]|\(:\)//|:\[/\]\[/\]"), "://"),
    (re.compile(r"[ \t]{0,3}[\[\(\{][ \t]{0,3}(?:\.|dot)[ \t]{0,3}[\]\)\}][ \t]{0,3}", re.IGNORECASE), "."),
    (re.compile(r"[ \t]{0,3}[\[\(\{][ \t]{0,3}(?:@|at)[ \t]{0,3}[\]\)\}][ \t]{0,3}", re.IGNORECASE), "@"),
    (re.compile(r"\\\."), "."),
)


def refang(text: str) -> str:
    """Undo the usual defanging: hxxp -> http, example[.]com -> example.com, [at]/(dot) -> @/."""
    for pattern, replacement in _REFANG_RULES:
        text = pattern.sub(replacement, text)
    return text


# --- patterns --------------------------------------------------------------------------------------

_URL_RE = re.compile(r"(?<![\w@])(?:(?:https?|ftp)://|www\.)[^\s<>\"'`{}|\\^\[\]]{1,2048}", re.IGNORECASE)
_EMAIL_RE = re.compile(
    r"(?<![A-Za-z0-9._%+\-])([A-Za-z0-9._%+\-]{1,64})@((?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,8}"
    r"[A-Za-z]{2,24})(?![A-Za-z0-9\-])"
)
_DOMAIN_RE = re.compile(
    r"(?<![A-Za-z0-9\-.@/])((?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.){1,8}([A-Za-z]{2,24}|xn--[a-z0-9\-]{1,59}))"
    r"(?![A-Za-z0-9\-@]|\.[A-Za-z0-9])"
)
_HANDLE_RE = re.compile(
    r"(?<![A-Za-z0-9_@.\-/])@([A-Za-z0-9_](?:[A-Za-z0-9_.]{0,30}[A-Za-z0-9_])?)(?![A-Za-z0-9_@])"
)
_TRAILING = ".,;:!?'\")]}>*"
# Suffixes that are real TLDs but, bare in prose, are nearly always file names ("notes.md", "setup.py").
_FILE_LIKE_TLDS = frozenset(
    {
        "md",
        "py",
        "sh",
        "pl",
        "zip",
        "mov",
        "rs",
        "so",
        "ps",
        "cc",
        "cs",
        "tk",
        "in",
        "cf",
        "ml",
        "pm",
        "sc",
        "rb",
        "ts",
        "mk",
    }
)

# Host -> platform for profile links; the first path segment is the handle.
_SOCIAL_HOSTS: dict[str, str] = {
    "t.me": "telegram", "telegram.me": "telegram", "instagram.com": "instagram", "facebook.com": "facebook",
    "fb.com": "facebook", "twitter.com": "x", "x.com": "x", "tiktok.com": "tiktok", "youtube.com": "youtube",
    "linkedin.com": "linkedin", "snapchat.com": "snapchat", "threads.net": "threads", "discord.gg": "discord",
    "discord.com": "discord", "signal.me": "signal", "skype.com": "skype",
}  # fmt: skip
_PLATFORM_WORDS: dict[str, str] = {
    "telegram": "telegram", "instagram": "instagram", "insta": "instagram", "facebook": "facebook",
    "twitter": "x", "tiktok": "tiktok", "snapchat": "snapchat", "discord": "discord", "threads": "threads",
    "youtube": "youtube", "signal": "signal", "skype": "skype", "whatsapp": "whatsapp",
}  # fmt: skip
_PLATFORM_CONTEXT_RE = re.compile(r"\b(" + "|".join(_PLATFORM_WORDS) + r")\b", re.IGNORECASE)
_NOT_HANDLES = frozenset({"home", "share", "sharer", "intent", "login", "p", "watch", "channel", "c", "user", "in",
                          "company", "groups", "events", "pages", "hashtag", "explore", "joinchat", "s", "i",
                          "add", "invite", "profile.php", "reel", "reels", "stories", "status", "tr", "plugins",
                          "dialog", "help", "privacy", "policies", "legal", "about", "settings", "search"})  # fmt: skip


@dataclass(frozen=True, slots=True)
class Contacts:
    """Contacts found in a text, each list canonical, ordered by first appearance, without duplicates."""

    urls: tuple[str, ...]
    domains: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    handles: tuple[tuple[str, str], ...]  # (platform or "", handle)


def normalise_url(raw: str) -> str | None:
    """Canonical form of a URL (scheme and host lower-case, default path "/"), or None if unusable."""
    url = raw.rstrip(_TRAILING)
    # Keep a closing parenthesis that closes one opened inside the URL (Wikipedia-style paths).
    while raw.endswith(")") and url.count("(") > url.count(")") and len(url) < len(raw):
        url += ")"
    if url.lower().startswith("www."):
        url = "http://" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").rstrip(".")
        port = parts.port
    except ValueError:
        return None
    if not host or not (is_ip_address(host) or has_public_suffix(host)):
        return None
    netloc = host if host.count(":") == 0 else f"[{host}]"
    if port and not ((parts.scheme == "http" and port == 80) or (parts.scheme == "https" and port == 443)):
        netloc += f":{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def _add(seq: list[str], value: str) -> None:
    if value not in seq:
        seq.append(value)


def find_contacts(text: str, default_region: str | None = "US") -> Contacts:
    """Extract every contact indicator from `text` (refanged first).

    Phone numbers written without a country code are read as `default_region` (ISO 3166 code); pass None
    to accept only international (+...) numbers.
    """
    text = refang(text)
    urls: list[str] = []
    domains: list[str] = []
    emails: list[str] = []
    handles: list[tuple[str, str]] = []
    phones: list[str] = []
    url_spans: list[tuple[int, int]] = []
    for match in _URL_RE.finditer(text):
        url = normalise_url(match.group())
        if url is None:
            continue
        url_spans.append(match.span())
        _add(urls, url)
        host = host_of(urlsplit(url).netloc)
        if not is_ip_address(host):
            _add(domains, host)
        handle = _social_handle(url)
        if handle and handle not in handles:
            handles.append(handle)
        whatsapp = _whatsapp_number(url)
        if whatsapp:
            _add(phones, whatsapp)
    for match in _EMAIL_RE.finditer(text):
        domain = match.group(2).lower()
        if has_public_suffix(domain):
            _add(emails, f"{match.group(1).lower()}@{domain}")
            _add(domains, domain)
    for match in _DOMAIN_RE.finditer(text):
        if _inside(match.start(), url_spans):
            continue
        domain = match.group(1)
        tld = match.group(2)
        # "account.Click here" is a sentence without its space, not the .click domain.
        if tld[0].isupper() and not tld.isupper():
            continue
        domain = domain.lower()
        if tld.lower() in _FILE_LIKE_TLDS and not domain.startswith("www."):
            continue
        if has_public_suffix(domain):
            _add(domains, domain)
    for match in _HANDLE_RE.finditer(text):
        name = match.group(1).lower()
        if name.replace("_", "").replace(".", "").isdigit():
            continue
        window = text[max(0, match.start() - 60) : match.end() + 60]
        context = _PLATFORM_CONTEXT_RE.search(window)
        platform = _PLATFORM_WORDS[context.group(1).lower()] if context else ""
        if (platform, name) not in handles:
            handles.append((platform, name))
    for number in _phones(text, default_region):
        _add(phones, number)
    return Contacts(tuple(urls), tuple(domains), tuple(emails), tuple(phones), tuple(handles))


def _inside(position: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in spans)


def _social_handle(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    host = host_of(parts.netloc)
    host = host[4:] if host.startswith("www.") else host
    host = host[2:] if host.startswith("m.") else host
    platform = _SOCIAL_HOSTS.get(host)
    if platform is None:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if platform == "linkedin" and len(segments) >= 2 and segments[0] in ("in", "company"):
        segments = segments[1:]
    if not segments:
        return None
    name = segments[0].lstrip("@").lower()
    if name in _NOT_HANDLES or not re.fullmatch(r"[a-z0-9_.\-]{2,64}", name):
        return None
    return platform, name


def _whatsapp_number(url: str) -> str | None:
    parts = urlsplit(url)
    host = host_of(parts.netloc)
    if host not in ("wa.me", "api.whatsapp.com", "whatsapp.com", "www.whatsapp.com"):
        return None
    digits = parts.path.strip("/") if host == "wa.me" else ""
    if not digits:
        query = dict(p.split("=", 1) for p in parts.query.split("&") if "=" in p)
        digits = query.get("phone", "")
    digits = re.sub(r"\D", "", digits)
    return _e164("+" + digits, None) if digits else None


def _e164(raw: str, region: str | None) -> str | None:
    try:
        number = phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _phones(text: str, region: str | None) -> list[str]:
    out: list[str] = []
    matcher = phonenumbers.PhoneNumberMatcher(
        text, region or "ZZ", leniency=phonenumbers.Leniency.VALID, max_tries=2000
    )
    for match in matcher:
        formatted = phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
        if formatted not in out:
            out.append(formatted)
    return out
