"""Errors of the customers' API (/api/v1/public/...) in the customer's language.

The envelope keeps its stable English `message` (clients and logs match on it) and gains
`"localized": {"lang", "message"}`: a sentence chosen by the error's code (and the area it happened
in), never a translation of the English text, which may name fields or values. The language is the
page's: chat.js sends it as Accept-Language over HTTP and as "lang" in the WebSocket hello.
"""

from __future__ import annotations

from trustdesk.i18n import DEFAULT_LANGUAGE, LANGUAGES, Words, supported, words
from trustdesk.tenancy.languages import negotiate

PUBLIC_PREFIX = "/api/v1/public/"


def _sentence(code: str, area: str, w: Words) -> str:
    if code == "not_found":
        if area == "chat":
            return w.gettext(
                "We could not find this chat. It may have expired after a long pause; please start a new one."
            )
        if area == "report":
            return w.gettext("We found no report with this reference. Please check it and try again.")
        return w.gettext(
            "We could not find what you were looking for. Check the address, or start again from the help page."
        )
    if code in ("message_too_long", "too_large", "frame_too_large"):
        return w.gettext("That message is too long. Please shorten it (at most 5,000 characters).")
    if code == "rate_limited":
        return w.gettext("Too many requests came from your connection. Please wait a minute and try again.")
    if code in ("unauthenticated", "csrf_failed", "forbidden", "forbidden_origin"):
        return w.gettext(
            "Your session has ended or this page is out of date. Please reload the page and try again."
        )
    if code == "language_not_offered":
        return w.gettext("This language is not offered here. Please choose one from the list.")
    if code in ("unavailable", "internal_error"):
        return w.gettext("Something went wrong on our side. It has been logged; please try again shortly.")
    return w.gettext("We could not do what you asked. Go back, check what you entered and try again.")


def area_of(path: str) -> str:
    """Which part of the customers' API a path belongs to: "chat", "report" or ""."""
    if "/chat/" in path:
        return "chat"
    if "/reports" in path:
        return "report"
    return ""


def language_of(accept_language: str | None) -> str | None:
    """The best supported language of an Accept-Language header, else None."""
    if not accept_language:
        return None
    negotiated = negotiate(accept_language, None, tuple(LANGUAGES), DEFAULT_LANGUAGE)
    return negotiated.code if negotiated.source == "browser" else None


def localized_error(code: str, path: str, lang: str | None) -> dict[str, str] | None:
    """The `localized` part of a customers' API error, or None outside it or without a language."""
    code_lang = supported(lang) if lang else None
    if code_lang is None or not path.startswith(PUBLIC_PREFIX):
        return None
    w = words(code_lang)
    return {"lang": w.code, "message": _sentence(code, area_of(path), w)}
