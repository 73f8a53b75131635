"""A verdict in the customer's language: its explanation and reasons, written from codes and parameters.

The registry answers in English (`VerificationResult.explanation`, `Reason.detail`: the stable API and
CLI text). Each reason also carries the gettext message its detail was filled from and the values
(`Reason.message`, `Reason.params`), so `localize` writes the same verdict in any supported language:

    localize(result, "de")   # {"lang": "de", "explanation": "...", "reasons": ["...", ...]}

English gives the registry's own words. The sentences in other languages name the retailer in slots
that need no article or elision ("de l'enseigne {name}" is the French catalog's business) and speak of
"this contact" whatever its kind, so no language has to agree a demonstrative with a noun's gender.
"""

from __future__ import annotations

from typing import Any

from trustdesk.i18n import DEFAULT_LANGUAGE, Words, supported, words
from trustdesk.verify.confusables import script_of
from trustdesk.verify.model import N_, ChannelKind, OfficialChannel, Reason, Verdict, VerificationResult
from trustdesk.verify.phones import format_phone

# Reasons that carry no message of their own (a parser's problem, a report's own note) are worded
# from their code alone.
_BY_CODE = {
    "reported": N_("confirmed as fraudulent by a report"),
    "unrecognised": N_("this is not a contact we can check"),
    "invalid-contact": N_("this is not a contact we can check"),
    "invalid-domain": N_("this is not a valid web address or domain name"),
    "invalid-punycode": N_("this web address is written in a broken international form"),
    "no-public-suffix": N_("this web address has no real domain ending such as .com"),
    "invalid-email": N_("this is not a valid e-mail address"),
    "invalid-phone": N_("this is not a valid phone number"),
    "phone-not-valid": N_("this number does not exist in the numbering plan of its country"),
    "phone-with-letters": N_("this number has letters in it that are not on a phone keypad"),
    "invalid-url": N_("this is not a valid web address"),
    "unsupported-scheme": N_("only web addresses starting with http or https can be checked"),
    "invalid-handle": N_("this is not a valid social-media handle"),
    "invalid-app-id": N_("this is not a valid app identifier"),
}

# The "official" reason names the channel's kind; in other languages the kind is a word of its own.
_OFFICIAL_KIND = {
    ChannelKind.DOMAIN: N_("an official website of {name}"),
    ChannelKind.SENDING_DOMAIN: N_("an official e-mail domain of {name}"),
    ChannelKind.URL: N_("an official web page of {name}"),
    ChannelKind.EMAIL: N_("an official e-mail address of {name}"),
    ChannelKind.PHONE: N_("an official phone number of {name}"),
    ChannelKind.SOCIAL: N_("an official social-media account of {name}"),
    ChannelKind.APP: N_("an official app of {name}"),
}

# As explain.explain_unknown: these say the contact could not be read at all.
_PROBLEM_PREFIXES = ("invalid", "phone-", "unsupported", "unrecognised")
_CAUTIONS = ("url-has-credentials", "nonstandard-port")


def reason_text(reason: Reason, lang: str | None) -> str:
    """One reason in ``lang``: its message filled with its values, else its code's sentence."""
    w = words(lang)
    if w.code == DEFAULT_LANGUAGE:
        return reason.detail
    params = dict(reason.params)
    if reason.code == "official" and "kind" in params:
        message = _OFFICIAL_KIND.get(ChannelKind(params["kind"]), N_("an official channel of {name}"))
        return w.gettext(message, name=params.get("name", ""))
    if reason.code == "homoglyph" and "a_char" in params and "b_char" in params:
        return w.gettext(
            "'{char}' ({kind}) in place of '{official}' ({official_kind})",
            char=params["a_char"],
            kind=character_kind(params["a_char"], w),
            official=params["b_char"],
            official_kind=character_kind(params["b_char"], w),
        )
    if reason.message:
        return w.gettext(reason.message, **params)
    by_code = _BY_CODE.get(reason.code)
    if by_code is None and reason.code.startswith(_PROBLEM_PREFIXES):
        by_code = _BY_CODE["unrecognised"]
    return w.gettext(by_code) if by_code else reason.detail


def character_kind(char: str, w: Words) -> str:
    """What a look-alike character is, by its script, in the reader's words ("Cyrillic letter"): the
    Unicode name ("CYRILLIC SMALL LETTER A") is English and means little to a customer."""
    script = script_of(char)
    if script == "LATIN":
        return w.pgettext("kind of character", "Latin letter")
    if script == "CYRILLIC":
        return w.pgettext("kind of character", "Cyrillic letter")
    if script == "GREEK":
        return w.pgettext("kind of character", "Greek letter")
    if script == "ARMENIAN":
        return w.pgettext("kind of character", "Armenian letter")
    if script == "CHEROKEE":
        return w.pgettext("kind of character", "Cherokee letter")
    if script == "GEORGIAN":
        return w.pgettext("kind of character", "Georgian letter")
    if script == "HEBREW":
        return w.pgettext("kind of character", "Hebrew letter")
    if script == "ARABIC":
        return w.pgettext("kind of character", "Arabic letter")
    if script == "FULLWIDTH":
        return w.pgettext("kind of character", "full-width character")
    if script == "MATHEMATICAL":
        return w.pgettext("kind of character", "mathematical character")
    if script == "DIGIT" or char.isdigit():
        return w.pgettext("kind of character", "digit")
    if not char.isalpha():
        return w.pgettext("kind of character", "symbol")
    return w.pgettext("kind of character", "letter of another script")


def show_channel(channel: OfficialChannel, w: Words) -> str:
    """A channel value as a customer reads it, in their language ("@acme on Instagram")."""
    if channel.kind is ChannelKind.PHONE:
        return format_phone(channel.value)
    if channel.kind is ChannelKind.SOCIAL:
        platform = "X" if channel.platform == "x" else channel.platform.capitalize()
        return w.gettext("@{handle} on {platform}", handle=channel.value, platform=platform)
    return channel.value


def _explain(result: VerificationResult, w: Words, reasons: list[str]) -> str:
    codes = result.codes
    if result.verdict is Verdict.OFFICIAL and result.official is not None:
        official = result.official
        if "official-domain" in codes and result.contact.kind is ChannelKind.EMAIL:
            text = w.gettext(
                "This address is on the official domain {domain}, so it belongs to {name}. It is not one "
                "of their listed support addresses.",
                domain=official.value,
                name=official.tenant_name,
            )
        else:
            text = w.gettext(
                "Yes, this is an official contact of {name}: {channel}.",
                name=official.tenant_name,
                channel=show_channel(official, w),
            )
        cautions = [text for code, text in zip(codes, reasons, strict=True) if code in _CAUTIONS]
        if cautions:
            text += " " + w.gettext("Be careful: {cautions}.", cautions="; ".join(cautions))
        return text
    if result.verdict is Verdict.LOOKALIKE and result.imitates is not None:
        imitates = result.imitates
        name = imitates.tenant_name
        how = "; ".join(reasons[:2])
        if how:
            text = w.gettext(
                "This is not a contact of {name}. It imitates {channel} ({how}).",
                name=name,
                channel=show_channel(imitates, w),
                how=how,
            )
        else:
            text = w.gettext(
                "This is not a contact of {name}. It imitates {channel}.",
                name=name,
                channel=show_channel(imitates, w),
            )
        instead = result.extra.get("instead")
        if isinstance(instead, OfficialChannel):
            text += " " + w.gettext(
                "The official contact of {name} is {channel}.", name=name, channel=show_channel(instead, w)
            )
        return text + " " + w.gettext("Do not share passwords, card details or one-time codes with it.")
    if result.verdict is Verdict.REPORTED:
        text = w.gettext("Do not use this contact: it has been reported and confirmed as used by fraudsters.")
        if result.imitates is not None:
            text += " " + w.gettext(
                "It imitates {channel}, a contact of {name}.",
                channel=show_channel(result.imitates, w),
                name=result.imitates.tenant_name,
            )
        return text
    return _explain_unknown(result, w, reasons)


def _explain_unknown(result: VerificationResult, w: Words, reasons: list[str]) -> str:
    tenant_name = result.extra.get("tenant_name")
    for reason, text in zip(result.reasons, reasons, strict=True):
        if reason.code == "official-other-tenant" and tenant_name:
            return w.gettext("This is not a contact of {name}: {reason}.", name=tenant_name, reason=text)
    for reason, text in zip(result.reasons, reasons, strict=True):
        if reason.code.startswith(_PROBLEM_PREFIXES):
            return w.gettext("We could not check this: {reason}.", reason=text)
    if tenant_name:
        text = w.gettext("This is not among the official channels of {name}.", name=tenant_name)
    else:
        text = w.gettext("This is not among the official channels we know.")
    return (
        text
        + " "
        + w.gettext(
            "That does not make it safe: contact the retailer only through the details on its official website."
        )
    )


def localize(result: VerificationResult, lang: str | None) -> dict[str, Any]:
    """The explanation and reason texts of ``result`` in ``lang`` (English: the registry's own)."""
    code = supported(lang) or DEFAULT_LANGUAGE
    if code == DEFAULT_LANGUAGE:
        return {
            "lang": code,
            "explanation": result.explanation,
            "reasons": [r.detail for r in result.reasons],
        }
    w = words(code)
    reasons = [reason_text(reason, code) for reason in result.reasons]
    return {"lang": code, "explanation": _explain(result, w, reasons), "reasons": reasons}
