"""Plain-language explanations of verdicts, written for a worried customer."""

from __future__ import annotations

from trustdesk.verify.model import ChannelKind, OfficialChannel, Reason
from trustdesk.verify.phones import format_phone

_NOUN = {
    ChannelKind.DOMAIN: "web address",
    ChannelKind.SENDING_DOMAIN: "e-mail domain",
    ChannelKind.URL: "web address",
    ChannelKind.EMAIL: "e-mail address",
    ChannelKind.PHONE: "number",
    ChannelKind.SOCIAL: "account",
    ChannelKind.APP: "app",
}


def possessive(name: str) -> str:
    """ "Acme" -> "Acme's", "Acme Outfitters" -> "Acme Outfitters'"."""
    return f"{name}'" if name.endswith(("s", "S")) else f"{name}'s"


def noun(kind: ChannelKind) -> str:
    """What a customer calls a contact of this kind."""
    return _NOUN.get(kind, "contact")


def show(channel: OfficialChannel) -> str:
    """A channel value as a customer should read it."""
    if channel.kind is ChannelKind.PHONE:
        return format_phone(channel.value)
    if channel.kind is ChannelKind.SOCIAL:
        return f"@{channel.value} on {channel.platform.capitalize() if channel.platform != 'x' else 'X'}"
    return channel.value


_OFFICIAL_NOUN = {
    ChannelKind.DOMAIN: "website",
    ChannelKind.SENDING_DOMAIN: "e-mail domain",
    ChannelKind.URL: "web page",
    ChannelKind.EMAIL: "e-mail address",
    ChannelKind.PHONE: "number",
    ChannelKind.SOCIAL: "account",
    ChannelKind.APP: "app",
}


def describe_official(channel: OfficialChannel) -> str:
    """ "support number", "website", "support e-mail address" ..."""
    base = _OFFICIAL_NOUN[channel.kind]
    if channel.purpose and channel.kind in (ChannelKind.PHONE, ChannelKind.EMAIL, ChannelKind.URL):
        return f"{channel.purpose} {base}"
    return f"official {base}"


def explain_official(kind: ChannelKind, channel: OfficialChannel, reasons: list[Reason]) -> str:
    """Explanation for verdict `official`."""
    owner = possessive(channel.tenant_name)
    text = f"Yes: this {noun(kind)} is {owner} {describe_official(channel)} ({show(channel)})."
    if any(reason.code == "official-domain" for reason in reasons) and kind is ChannelKind.EMAIL:
        text = (
            f"This address is on {owner} official domain {channel.value}, so it belongs to "
            f"{channel.tenant_name}. It is not one of their listed support addresses."
        )
    cautions = [
        reason.detail for reason in reasons if reason.code in ("url-has-credentials", "nonstandard-port")
    ]
    if cautions:
        text += " Be careful: " + "; ".join(cautions) + "."
    return text


def explain_lookalike(
    kind: ChannelKind, imitates: OfficialChannel, reasons: list[Reason], best: OfficialChannel | None
) -> str:
    """Explanation for verdict `lookalike`: what it is not, what it copies, what to use instead."""
    name = imitates.tenant_name
    how = "; ".join(reason.detail for reason in reasons[:2])
    text = f"This {noun(kind)} is not {possessive(name)}. It imitates {show(imitates)}"
    text += f" ({how})." if how else "."
    if best is not None:
        text += f" {possessive(name)} {describe_official(best)} is {show(best)}."
    return text + " Do not share passwords, card details or one-time codes with it."


def explain_reported(kind: ChannelKind, imitates: OfficialChannel | None) -> str:
    """Explanation for verdict `reported`."""
    text = f"Do not use this {noun(kind)}: it has been reported and confirmed as used by fraudsters."
    if imitates is not None:
        text += f" It imitates {possessive(imitates.tenant_name)} {show(imitates)}."
    return text


def explain_unknown(kind: ChannelKind, tenant_name: str | None, reasons: list[Reason]) -> str:
    """Explanation for verdict `unknown`."""
    other = next((reason for reason in reasons if reason.code == "official-other-tenant"), None)
    if other is not None and tenant_name:
        return f"This {noun(kind)} is not {possessive(tenant_name)}: {other.detail}."
    problem = next(
        (
            reason
            for reason in reasons
            if reason.code.startswith(("invalid", "phone-", "unsupported", "unrecognised"))
        ),
        None,
    )
    if problem is not None:
        return f"We could not check this: {problem.detail}."
    whose = f"{possessive(tenant_name)} official channels" if tenant_name else "the official channels we know"
    return (
        f"This {noun(kind)} is not among {whose}. That does not make it safe: contact the retailer "
        "only through the details on its official website."
    )
