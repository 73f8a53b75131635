"""The answer to a message check: the explanation and next steps, in the customer's language."""

from __future__ import annotations

from collections.abc import Sequence

from babel.dates import format_date

from trustdesk.authenticity.model import Evidence, MessageCheck, MessageVerdict, StoredMessage, TenantIdentity
from trustdesk.authenticity.wording import written
from trustdesk.i18n import DEFAULT_LANGUAGE, Words, words
from trustdesk.i18n.languages import cldr_locale
from trustdesk.verify import ChannelKind, Registry, VerificationResult
from trustdesk.verify.explain import possessive, show
from trustdesk.verify.wording import localize


def _official_summary(registry: Registry, tenant: str | None) -> str:
    if tenant is None:
        return ""
    channels = registry.channels(tenant)
    home = ("", registry.default_region)
    picks = []
    for kind, purpose in (
        (ChannelKind.DOMAIN, "website"),
        (ChannelKind.EMAIL, "support"),
        (ChannelKind.PHONE, "support"),
    ):
        # The support (or website) channel of the home country first: what most customers need.
        ranked = sorted(
            (c for c in channels if c.kind is kind),
            key=lambda c: (c.purpose != purpose, c.country not in home),
        )
        picks += ranked[:1]
    return ", ".join(show(c) for c in picks)


_CHANNEL_NOUNS = {
    "email": "an e-mail",
    "chat": "a chat message",
    "sms": "a text message",
    "notification": "a notification",
}

_EXPLAIN = {
    MessageVerdict.GENUINE: "Yes, this is genuine: {name} sent exactly this message.",
    MessageVerdict.ALTERED: "Careful: this started as a message from {name}, but someone changed it. {changes}",
    MessageVerdict.NOT_FROM_US: "This did not come from {name}. {evidence}",
    MessageVerdict.CANNOT_TELL: "We cannot tell whether {name} sent this. {detail}",
}


def _finish(
    verdict: MessageVerdict,
    evidence: Evidence,
    auth: dict[str, str],
    contacts: Sequence[VerificationResult],
    reference: str | None,
    input_kind: str,
    changes: list[str],
    owner: TenantIdentity | None,
    registry: Registry,
    record: StoredMessage | None,
    lang: str | None = None,
) -> MessageCheck:
    name = owner.name if owner else "the retailer"
    if verdict is MessageVerdict.GENUINE:
        explanation = _EXPLAIN[verdict].format(name=name)
        if any(r["code"] == "forwarded" for r in evidence.reasons):
            explanation += (
                " Only the quoted part is ours; anything around it was added by whoever forwarded it."
            )
        added_contacts = [r["detail"] for r in evidence.reasons if r["code"] == "unofficial-contacts-added"]
        if added_contacts:
            explanation += " Careful: " + added_contacts[0][0].upper() + added_contacts[0][1:] + "."
    elif verdict is MessageVerdict.ALTERED:
        explanation = _EXPLAIN[verdict].format(name=name, changes=" ".join(changes))
    elif verdict is MessageVerdict.NOT_FROM_US:
        detail = evidence.negative[0]
        explanation = _EXPLAIN[verdict].format(name=name, evidence="Evidence: " + detail.rstrip(".") + ".")
        if len(evidence.negative) > 1:
            explanation += (
                f" ({len(evidence.negative) - 1} more sign{'s' if len(evidence.negative) > 2 else ''} below.)"
            )
    else:
        codes = {r["code"] for r in evidence.reasons}
        if "content-missing" in codes and record is not None:
            detail = (
                f"We did send {_CHANNEL_NOUNS.get(record.channel, 'a message')} with reference {record.reference} on "
                f"{record.created_at:%d %B %Y}. Paste the whole message to check that nothing in it was changed."
            )
        elif "our-signature-invalid" in codes or "sender-not-authenticated" in codes:
            detail = "The words match a message we sent, but the e-mail's signature is not ours, so we cannot confirm who delivered it."
        elif "sent-from-our-domain" in codes and owner is not None:
            detail = (
                f"It really was sent from {possessive(owner.name)} own e-mail domain, but not by its support desk, "
                "so we cannot vouch for its content."
            )
        elif "reference-mistyped" in codes:
            detail = "The reference looks mistyped; please copy it again exactly."
        elif "mail-unreadable" in codes:
            detail = "The file could not be read as an e-mail."
        else:
            detail = (
                "It has no reference from our support desk (every message we send carries one), and we found "
                "nothing that proves it is fake."
            )
        explanation = _EXPLAIN[verdict].format(name=name, detail=detail)
    steps: list[str] = []
    if verdict is not MessageVerdict.GENUINE:
        steps.append(
            "Do not click its links, call its numbers, reply, or share passwords, card details or codes."
        )
        if owner and owner.report_url:
            steps.append(f"Report it: {owner.report_url}")
        else:
            steps.append("Report it to the retailer's security team.")
    official = _official_summary(registry, owner.slug if owner else None)
    if official:
        steps.append(f"Contact {name} only through its official channels: {official}.")
    w = words(lang)
    localized = None
    if w.code != DEFAULT_LANGUAGE:
        explanation, steps = _in_language(w, verdict, evidence, owner, record, official)
        localized = {
            "lang": w.code,
            "reasons": [
                written(say, params, w) if say else reason["detail"]
                for reason, (say, params) in zip(evidence.reasons, evidence.words, strict=True)
            ],
            "changes": [written(say, params, w) for say, params in evidence.change_words],
            "contacts": [localize(contact, w.code) for contact in contacts],
        }
    return MessageCheck(
        verdict=verdict,
        explanation=explanation,
        next_steps=steps,
        reasons=evidence.reasons,
        auth=auth,
        contacts=[c.to_dict() for c in contacts],
        reference=reference,
        input_kind=input_kind,
        changes=changes,
        tenant=owner.slug if owner else None,
        localized=localized,
    )


def _in_language(
    w: Words,
    verdict: MessageVerdict,
    evidence: Evidence,
    owner: TenantIdentity | None,
    record: StoredMessage | None,
    official: str,
) -> tuple[str, list[str]]:
    """The explanation and next steps of `_finish` in another language. Where the English names
    single pieces of evidence, this one points to the list of them below the answer."""
    name = owner.name if owner else w.pgettext("in place of a retailer's name", "the retailer")
    codes = {r["code"] for r in evidence.reasons}
    if verdict is MessageVerdict.GENUINE:
        parts = [w.gettext("Yes, this is genuine: {name} sent exactly this message.", name=name)]
        if "forwarded" in codes:
            parts.append(
                w.gettext(
                    "Only the quoted part is ours; anything around it was added by whoever forwarded it."
                )
            )
        added = [r["detail"] for r in evidence.reasons if r["code"] == "unofficial-contacts-added"]
        if added:
            parts.append(
                w.gettext(
                    "Careful: the text around our message, which we did not write, has contact details that "
                    "are not ours: {contacts}.",
                    contacts=added[0].rpartition(": ")[2],
                )
            )
    elif verdict is MessageVerdict.ALTERED:
        parts = [
            w.gettext(
                "Careful: this started as a message from {name}, but someone changed it. What changed is listed below.",
                name=name,
            )
        ]
    elif verdict is MessageVerdict.NOT_FROM_US:
        parts = [w.gettext("This did not come from {name}. The signs are listed below.", name=name)]
    else:
        parts = [w.gettext("We cannot tell whether {name} sent this.", name=name)]
        if "content-missing" in codes and record is not None:
            sent_as = {
                "email": w.pgettext("we sent", "an e-mail"),
                "chat": w.pgettext("we sent", "a chat message"),
                "sms": w.pgettext("we sent", "a text message"),
                "notification": w.pgettext("we sent", "a notification"),
            }
            # Each filled in first: pybabel does not find a gettext call nested in another's arguments.
            what = sent_as.get(record.channel) or w.pgettext("we sent", "a message")
            when = format_date(record.created_at, format="long", locale=cldr_locale(w.code))
            parts.append(
                w.gettext(
                    "We did send {what} with reference {reference} on {date}. Paste the whole message to check "
                    "that nothing in it was changed.",
                    what=what,
                    reference=record.reference,
                    date=when,
                )
            )
        elif "our-signature-invalid" in codes or "sender-not-authenticated" in codes:
            parts.append(
                w.gettext(
                    "The words match a message we sent, but the e-mail's signature is not ours, so we cannot "
                    "confirm who delivered it."
                )
            )
        elif "sent-from-our-domain" in codes and owner is not None:
            parts.append(
                w.gettext(
                    "It really was sent from an e-mail domain of {name}, but not by its support desk, so we "
                    "cannot vouch for its content.",
                    name=owner.name,
                )
            )
        elif "reference-mistyped" in codes:
            parts.append(w.gettext("The reference looks mistyped; please copy it again exactly."))
        elif "mail-unreadable" in codes:
            parts.append(w.gettext("The file could not be read as an e-mail."))
        else:
            parts.append(
                w.gettext(
                    "It has no reference from our support desk (every message we send carries one), and we "
                    "found nothing that proves it is fake."
                )
            )
    steps: list[str] = []
    if verdict is not MessageVerdict.GENUINE:
        steps.append(
            w.gettext(
                "Do not click its links, call its numbers, reply, or share passwords, card details or codes."
            )
        )
        if owner and owner.report_url:
            steps.append(w.gettext("Report it: {url}", url=owner.report_url))
        else:
            steps.append(w.gettext("Report it to the retailer's security team."))
    if official:
        steps.append(
            w.gettext(
                "Contact {name} only through its official channels: {official}.", name=name, official=official
            )
        )
    return " ".join(parts), steps
