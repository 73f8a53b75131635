"""Social-media handles and app-store identifiers."""

from __future__ import annotations

import re
from dataclasses import dataclass

from trustdesk.verify.errors import InvalidAppIdError, InvalidHandleError
from trustdesk.verify.frozen import fast_init

# Canonical platform names and the aliases people use for them.
PLATFORM_ALIASES: dict[str, str] = {
    "x": "x",
    "twitter": "x",
    "x.com": "x",
    "twitter.com": "x",
    "instagram": "instagram",
    "ig": "instagram",
    "facebook": "facebook",
    "fb": "facebook",
    "tiktok": "tiktok",
    "youtube": "youtube",
    "yt": "youtube",
    "linkedin": "linkedin",
    "threads": "threads",
    "bluesky": "bluesky",
    "bsky": "bluesky",
    "telegram": "telegram",
    "tg": "telegram",
    "whatsapp": "whatsapp",
    "pinterest": "pinterest",
    "snapchat": "snapchat",
    "reddit": "reddit",
    "mastodon": "mastodon",
    "discord": "discord",
}

# Hosts whose first path segment is an account handle (URL -> handle).
SOCIAL_HOSTS: dict[str, str] = {
    "x.com": "x",
    "twitter.com": "x",
    "instagram.com": "instagram",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "tiktok.com": "tiktok",
    "youtube.com": "youtube",
    "threads.net": "threads",
    "threads.com": "threads",
    "t.me": "telegram",
    "telegram.me": "telegram",
    "pinterest.com": "pinterest",
    "snapchat.com": "snapchat",
    "linkedin.com": "linkedin",
}

_HANDLE = re.compile(r"[\w][\w.\-]{0,63}")
_ANDROID_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+")
_IOS_ID = re.compile(r"(?:id)?(\d{6,12})")


@fast_init
@dataclass(frozen=True, slots=True)
class SocialHandle:
    """A handle on a platform ("" when the platform is not known)."""

    platform: str
    handle: str

    @property
    def value(self) -> str:
        """``platform:handle`` or ``@handle`` when the platform is unknown."""
        return f"{self.platform}:{self.handle}" if self.platform else f"@{self.handle}"

    @property
    def compact(self) -> str:
        """The handle without separators, for look-alike comparison."""
        return self.handle.replace("_", "").replace(".", "").replace("-", "")


def normalize_platform(platform: str | None) -> str:
    """Canonical platform name ("twitter" -> "x"); unknown names are kept lower-cased."""
    if not platform:
        return ""
    name = platform.strip().lower()
    return PLATFORM_ALIASES.get(name, name)


def parse_handle(raw: str, platform: str | None = None) -> SocialHandle:
    """Parse ``@acme``, ``acme``, ``instagram:@acme`` or ``x/@acme`` into a `SocialHandle`.

    Handles are case-insensitive on every major platform, so they are lower-cased.
    Raises `InvalidHandleError`.
    """
    text = raw.strip()
    for separator in (":", "/"):
        head, found, tail = text.partition(separator)
        if found and head.strip().lower() in PLATFORM_ALIASES:
            platform, text = platform or head, tail.strip()
            break
    text = text.removeprefix("@").lower()
    if not _HANDLE.fullmatch(text):
        raise InvalidHandleError(f"'{raw.strip()[:80]}' is not a social-media handle")
    return SocialHandle(platform=normalize_platform(platform), handle=text)


def normalize_app_id(raw: str, platform: str | None = None) -> str:
    """Normalise an app identifier: Android package name or Apple App Store id ("id123456789")."""
    text = raw.strip()
    ios = _IOS_ID.fullmatch(text.lower())
    if ios:
        return f"id{ios.group(1)}"
    if _ANDROID_ID.fullmatch(text.lower()) and len(text) <= 150:
        return text.lower()
    raise InvalidAppIdError(f"'{text[:80]}' is not an app identifier (package name or App Store id)")
