"""How the public pages name an official channel in the customer's language: its kind, the common
purposes retailers give it and its country. A purpose a retailer wrote in its own words is shown as
written (it is the retailer's text, like an article title)."""

from __future__ import annotations

from babel import Locale

from trustdesk.i18n import Words, words
from trustdesk.i18n.languages import cldr_locale

# How the platforms write their own names (stored lower case).
PLATFORM_NAMES = {
    "x": "X",
    "ios": "iOS",
    "android": "Android",
    "instagram": "Instagram",
    "facebook": "Facebook",
    "tiktok": "TikTok",
    "youtube": "YouTube",
    "linkedin": "LinkedIn",
    "whatsapp": "WhatsApp",
}


def _kinds(w: Words) -> dict[str, str]:
    return {
        "domain": w.pgettext("channel kind", "Website"),
        "sending_domain": w.pgettext("channel kind", "Mail domain"),
        "email": w.pgettext("channel kind", "E-mail"),
        "phone": w.pgettext("channel kind", "Phone"),
        "url": w.pgettext("channel kind", "Web page"),
        "social": w.pgettext("channel kind", "Social media"),
        "app": w.pgettext("channel kind", "App"),
    }


def _purposes(w: Words) -> dict[str, str]:
    return {
        "website": w.pgettext("channel purpose", "website"),
        "help centre": w.pgettext("channel purpose", "help centre"),
        "notifications": w.pgettext("channel purpose", "notifications"),
        "support": w.pgettext("channel purpose", "support"),
        "orders": w.pgettext("channel purpose", "orders"),
        "returns": w.pgettext("channel purpose", "returns"),
        "report suspicious messages": w.pgettext("channel purpose", "report suspicious messages"),
        "chat": w.pgettext("channel purpose", "chat"),
    }


def channel_kind_label(kind: str, code: str) -> str:
    """The kind of channel ("Telefon" for a phone in German); an unknown kind as it is."""
    return _kinds(words(code)).get(kind, kind)


def channel_note(platform: str | None, purpose: str | None, country: str | None, code: str) -> str:
    """Platform, purpose and country of a channel in one short note ("Instagram", "Support, Vereinigtes
    Königreich"); known purposes and every country in the customer's language."""
    parts: list[str] = []
    if platform:
        parts.append(PLATFORM_NAMES.get(platform.lower(), platform))
    if purpose:
        parts.append(_purposes(words(code)).get(purpose.strip().lower(), purpose))
    if country:
        name = Locale.parse(cldr_locale(code)).territories.get(country.upper())
        parts.append(name or country)
    return ", ".join(parts)


def _contact_channels(w: Words) -> dict[str, str]:
    return {
        "phone": w.pgettext("agent contact by", "Phone call"),
        "sms": w.pgettext("agent contact by", "Text message"),
        "email": w.pgettext("agent contact by", "E-mail"),
    }


def contact_channel_label(channel: str, code: str) -> str:
    """How an agent announced they will reach the customer ("Anruf" for a phone call in German)."""
    return _contact_channels(words(code)).get(channel, channel)
