"""Contact indicators (URLs, domains, e-mail addresses, phones, social handles) from report text.

The extraction itself is `trustdesk.verify.extract_contacts` (defanged forms, display names, phone
formats), shared with verification so both read text the same way. This module adds what campaign
evidence needs on top: the host of every link as a domain, profile links as handles (t.me/name), and
WhatsApp links as phone numbers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from trustdesk.reports.domains import host_of, is_ip_address
from trustdesk.verify import ChannelKind, extract_contacts, parse_contact, parse_phone
from trustdesk.verify.errors import ContactInputError

# Host -> platform for profile links; the first path segment is the handle.
_SOCIAL_HOSTS: dict[str, str] = {
    "t.me": "telegram", "telegram.me": "telegram", "instagram.com": "instagram", "facebook.com": "facebook",
    "fb.com": "facebook", "twitter.com": "x", "x.com": "x", "tiktok.com": "tiktok", "youtube.com": "youtube",
    "linkedin.com": "linkedin", "snapchat.com": "snapchat", "threads.net": "threads", "signal.me": "signal",
}  # fmt: skip
_NOT_HANDLES = frozenset(
    {"home", "share", "sharer", "sharer.php", "intent", "login", "p", "watch", "channel", "c", "user", "in",
     "company", "groups", "events", "pages", "hashtag", "explore", "joinchat", "s", "i", "add", "invite",
     "profile.php", "reel", "reels", "stories", "status", "tr", "plugins", "dialog", "help", "privacy",
     "policies", "legal", "about", "settings", "search", "embed", "shorts", "results", "feed", "jobs"}
)  # fmt: skip
_HANDLE_OK = re.compile(r"[a-z0-9_.\-]{2,64}")


@dataclass(frozen=True, slots=True)
class Contacts:
    """Contacts found in a text, canonical, ordered by first appearance, without duplicates."""

    urls: tuple[str, ...]
    domains: tuple[str, ...]
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    handles: tuple[tuple[str, str], ...]  # (platform or "", handle)


def url_value(raw: str) -> str | None:
    """Canonical form of one link (as verification normalises it), or None if it is not a web address."""
    contact = parse_contact(raw, ChannelKind.URL)
    return contact.value


def url_host(url: str) -> str:
    """Lower-case host of a canonical URL ("" for IP literals and unusable URLs)."""
    try:
        host = host_of(urlsplit(url).netloc)
    except ValueError:
        return ""
    return "" if is_ip_address(host) else host


def social_handle(url: str) -> tuple[str, str] | None:
    """(platform, handle) when `url` is a profile link such as https://t.me/name, else None."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    host = host_of(parts.netloc).removeprefix("www.").removeprefix("m.")
    platform = _SOCIAL_HOSTS.get(host)
    if platform is None:
        return None
    segments = [s for s in parts.path.split("/") if s]
    if platform == "linkedin" and len(segments) >= 2 and segments[0] in ("in", "company"):
        segments = segments[1:]
    if not segments:
        return None
    name = segments[0].lstrip("@").lower()
    if name in _NOT_HANDLES or not _HANDLE_OK.fullmatch(name):
        return None
    return platform, name


def whatsapp_number(url: str, raw: str = "") -> str | None:
    """The E.164 number of a WhatsApp chat link (wa.me/447..., api.whatsapp.com/send?phone=...)."""
    try:
        parts = urlsplit(raw or url)
    except ValueError:
        return None
    host = host_of(parts.netloc)
    if host == "wa.me":
        digits = parts.path.strip("/")
    elif host.endswith("whatsapp.com"):
        digits = (parse_qs(parts.query).get("phone") or [""])[0]
    else:
        return None
    digits = re.sub(r"\D", "", digits)
    if not 7 <= len(digits) <= 15:
        return None
    try:
        return parse_phone("+" + digits).e164
    except ContactInputError:
        return None


def find_contacts(text: str, default_region: str | None = "US") -> Contacts:
    """Every contact in `text` (defanged forms included), through `trustdesk.verify.extract_contacts`."""
    urls: list[str] = []
    domains: list[str] = []
    emails: list[str] = []
    phones: list[str] = []
    handles: list[tuple[str, str]] = []

    def add(seq: list, value: object) -> None:  # type: ignore[type-arg]
        if value not in seq:
            seq.append(value)

    for contact in extract_contacts(text, default_region or "ZZ"):
        value = contact.value
        if value is None:
            continue
        if contact.kind is ChannelKind.URL:
            add(urls, value)
            host = url_host(value)
            if host:
                add(domains, host)
            handle = social_handle(value)
            if handle:
                add(handles, handle)
            number = whatsapp_number(value, contact.raw)
            if number:
                add(phones, number)
        elif contact.kind is ChannelKind.DOMAIN:
            suffix = contact.raw.rstrip(".").rsplit(".", 1)[-1]
            # "account.Click here" is a sentence missing its space, not the .click domain.
            if suffix[:1].isupper() and not suffix.isupper():
                continue
            add(domains, value)
        elif contact.kind is ChannelKind.EMAIL:
            add(emails, value)
            add(domains, host_of(value))
        elif contact.kind is ChannelKind.PHONE:
            add(phones, value)
        elif contact.kind is ChannelKind.SOCIAL:
            platform, _, name = value.rpartition(":")
            add(handles, (contact.platform or platform or "", name.lstrip("@")))
    return Contacts(tuple(urls), tuple(domains), tuple(emails), tuple(phones), tuple(handles))
