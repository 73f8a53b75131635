""" "Was this really from us?": one answer for a pasted message, a forwarded .eml or a reference.

Verdicts (stable names): ``genuine`` (our reference, our exact content, and for mail that
claims our domain, our DKIM signature), ``altered`` (our reference, other content: names what
changed), ``not_from_us`` (a forged reference, or no reference plus evidence: look-alike or
reported contacts, a sender that fails authentication for our domain, our name next to contact
details that are not ours), ``cannot_tell`` (nothing conclusive either way).
"""

from __future__ import annotations

from collections.abc import Callable

from trustdesk.authenticity.answer import _CHANNEL_NOUNS, _finish
from trustdesk.authenticity.canonical import (
    CriticalKind,
    CriticalToken,
    normalize_url,
    prepare,
    tokenize,
    without_forward_headers,
)
from trustdesk.authenticity.contact_checks import _contact_results
from trustdesk.authenticity.fingerprint import FingerprintKey, critical_digests
from trustdesk.authenticity.mailcheck import authenticate_mail, claims_domain, looks_like_mail, our_dkim
from trustdesk.authenticity.matching import match_content
from trustdesk.authenticity.model import (
    NOT_CHECKED,
    REFERENCE_HEADER,
    Envelope,
    Evidence,
    Lookup,
    MessageCheck,
    MessageVerdict,
    StoredMessage,
    TenantIdentity,
)
from trustdesk.authenticity.receiver import _with_receiver_results
from trustdesk.authenticity.references import find_references, normalize_reference, reference_is_well_formed
from trustdesk.authenticity.unreferenced import _implied_tenant, _without_record
from trustdesk.authenticity.wording import N_, Phrase, Said, change_words
from trustdesk.mail import DkimResult, MailParseError, ParsedMail, Resolver, parse_message
from trustdesk.reports.evidence import NO_TRUST, TrustPolicy
from trustdesk.verify import ChannelKind, Registry, Verdict, verify_text
from trustdesk.verify.explain import possessive

__all__ = [
    "REFERENCE_HEADER",
    "Envelope",
    "Lookup",
    "MessageCheck",
    "MessageVerdict",
    "StoredMessage",
    "TenantIdentity",
    "check_message",
    "looks_like_mail",
]


_REACHABLE = (ChannelKind.URL, ChannelKind.DOMAIN, ChannelKind.EMAIL, ChannelKind.PHONE)


def check_message(
    data: bytes | str,
    *,
    tenant: TenantIdentity | None,
    registry: Registry,
    resolver: Resolver | None,
    lookup: Lookup,
    key: FingerprintKey,
    reference: str | None = None,
    envelope: Envelope | None = None,
    tenants: Callable[[str], TenantIdentity | None] | None = None,
    trust: TrustPolicy = NO_TRUST,
    lang: str | None = None,
) -> MessageCheck:
    """Check a raw .eml (bytes), pasted text, or a bare reference; never raises for bad input.

    The explanation and next steps are written in ``lang`` (English without one); the reasons, the
    list of changes and the contacts' verdicts stay English and, in another language, are also
    written in it under `MessageCheck.localized`.

    ``tenant`` limits the answer to one retailer (a reference of another retailer counts as
    unknown); ``resolver`` None skips DNS (auth is then "not_checked", but our own DKIM
    signature is still checked against the stored key); ``lookup`` finds sent-message records;
    ``tenants`` (slug -> identity) names the retailer a message imitates when no tenant was given;
    ``trust`` says whose Authentication-Results headers to believe: the same evidence the phishing
    judge reads (`trustdesk.reports.evidence`), used where DNS was not asked or could not tell.
    """
    evidence = Evidence()
    raw: bytes | None = None
    text = ""
    if isinstance(data, bytes):
        if looks_like_mail(data):
            raw = data
        else:
            text = data.decode("utf-8", errors="replace")
    else:
        stripped = data.strip()
        if stripped.startswith(("From ", "Received:", "Return-Path:", "Delivered-To:")) or looks_like_mail(
            stripped.encode("utf-8", errors="replace")
        ):
            raw = stripped.encode("utf-8", errors="replace")
        else:
            text = data
    if (
        raw is None
        and reference is None
        and normalize_reference(text) is not None
        and len(text.strip()) <= 20
    ):
        reference, text = text.strip(), ""
    input_kind = "eml" if raw is not None else ("text" if text.strip() else "reference")

    parsed: ParsedMail | None = None
    renderings: list[tuple[str, str]] = []
    header_contacts: list[str] = []
    hrefs: list[str] = []
    auth = {"spf": NOT_CHECKED, "dkim": NOT_CHECKED, "dmarc": NOT_CHECKED}
    found_refs: list[str] = []
    if raw is not None:
        try:
            parsed = parse_message(raw)
        except MailParseError as exc:
            evidence.add(
                "mail-unreadable",
                f"the message could not be read: {exc}",
                say=N_("the message could not be read as an e-mail"),
            )
            return _finish(
                MessageVerdict.CANNOT_TELL, evidence, auth, [], None, "eml", [], tenant, registry, None, lang
            )
        if parsed.defects:
            evidence.add(
                "mail-defects",
                "the message is malformed in places: " + "; ".join(parsed.defects[:3]),
                say=N_("the message is malformed in places"),
            )
        if parsed.text_plain.strip():
            renderings.append(("text", parsed.text_plain))
        if parsed.html_text.strip():
            renderings.append(("html", parsed.html_text))
        header_contacts = [a.address for a in (*parsed.from_addresses, *parsed.reply_to) if a.address]
        if parsed.sender is not None:
            header_contacts.append(parsed.sender.address)
        hrefs = [link.url for link in parsed.links if link.source == "html" and link.tag == "a"]
        for value in parsed.header_all(REFERENCE_HEADER):
            normal = normalize_reference(value)
            if normal:
                found_refs.append(normal)
        found_refs += find_references(parsed.subject)
        if resolver is not None:
            auth = authenticate_mail(parsed, resolver, envelope, evidence)
        auth = _with_receiver_results(parsed, auth, trust, evidence)
    elif text.strip():
        renderings.append(("text", text))
    for _, body in renderings:
        found_refs += find_references(prepare(body))
    if reference is not None:
        normal = normalize_reference(reference)
        if normal is None:
            evidence.add(
                "reference-malformed",
                f"{reference.strip()[:40]!r} is not shaped like one of our references",
                say=N_("{reference} is not shaped like one of our references"),
                reference=repr(reference.strip()[:40]),
            )
        else:
            found_refs.insert(0, normal)
    refs = list(dict.fromkeys(found_refs))

    slug = tenant.slug if tenant else None
    record: StoredMessage | None = None
    for ref in refs:
        if not reference_is_well_formed(ref):
            evidence.add(
                "reference-mistyped",
                f"{ref} is mistyped: one of its characters is wrong",
                say=N_("{reference} is mistyped: one of its characters is wrong"),
                reference=ref,
            )
            continue
        candidate = lookup(ref)
        if candidate is None or (slug is not None and candidate.tenant.slug != slug):
            who = tenant.name if tenant else "any retailer on Trustdesk"
            evidence.add(
                "unknown-reference",
                f"{ref} is not a reference of a message sent by {who}: it was made up",
                negative=True,
                say=N_("{reference} is not a reference of a message sent by {name}: it was made up")
                if tenant
                else N_(
                    "{reference} is not a reference of a message sent by any retailer on Trustdesk: it was made up"
                ),
                reference=ref,
                name=tenant.name if tenant else "",
            )
            continue
        record = candidate
        break
    owner = record.tenant if record else tenant

    def done(verdict: MessageVerdict, changes: list[str] | None = None) -> MessageCheck:
        reference = record.reference if record else (refs[0] if refs else None)
        return _finish(
            verdict,
            evidence,
            auth,
            contacts,
            reference,
            input_kind,
            changes or [],
            owner,
            registry,
            record,
            lang,
        )

    owner_slug = owner.slug if owner else None

    # Sender headers are also scanned as text: a malformed From still shows its look-alike domain.
    header_text = (
        "\n".join(v for name in ("From", "Reply-To", "Sender") for v in parsed.header_all(name))
        if parsed
        else ""
    )
    contacts = _contact_results(
        [header_text, *(body for _, body in renderings)], [*header_contacts, *hrefs], registry, owner_slug
    )
    flagged = {Verdict.LOOKALIKE: "lookalike-contact", Verdict.REPORTED: "reported-contact"}
    for result in contacts:
        if result.verdict in flagged:
            evidence.add(
                flagged[result.verdict],
                f"{result.contact.value or result.contact.raw}: {result.explanation}",
                negative=True,
                say=N_("{contact}: {explanation}"),
                contact=result.contact.value or result.contact.raw,
                explanation=result,
            )

    if owner is None:
        owner = _implied_tenant(contacts, renderings, parsed, registry, tenants)
        owner_slug = owner.slug if owner else None
    claims_us = False
    if parsed is not None and owner is not None and owner.domains:
        claims_us = claims_domain(parsed.from_domain, owner.domains)

    if record is None:
        verdict = _without_record(
            parsed, renderings, contacts, owner, registry, resolver, auth, evidence, refs
        )
        return done(verdict)

    evidence.add(
        "reference-found",
        f"{record.reference} is {_CHANNEL_NOUNS.get(record.channel, 'a message')} {record.tenant.name} sent on {record.created_at:%d %B %Y}",
        say=N_("{reference} is {what} that {name} sent on {date}"),
        reference=record.reference,
        what=Phrase("we sent", _CHANNEL_NOUNS.get(record.channel, "a message")),
        name=record.tenant.name,
        date=record.created_at,
    )
    signing_key = key.for_id(record.key_id)
    if signing_key is None:
        evidence.add(
            "fingerprint-key-changed",
            "the desk's checking key has changed since this message was sent",
            say=N_("the desk's checking key has changed since this message was sent"),
        )
        return done(MessageVerdict.CANNOT_TELL)
    # A message sent before a secret-key rotation is compared with the key that fingerprinted it.
    key = signing_key
    if not renderings:
        evidence.add(
            "content-missing",
            "only the reference was given, so the content cannot be compared",
            say=N_("only the reference was given, so the content cannot be compared"),
        )
        return done(MessageVerdict.CANNOT_TELL)
    if record.token_count == 0:
        # Nothing but symbols (say, an emoji) was sent: any text would "contain" it.
        evidence.add(
            "nothing-to-compare",
            "the message we sent had no words, numbers or links to compare",
            say=N_("the message we sent had no words, numbers or links to compare"),
        )
        return done(MessageVerdict.CANNOT_TELL)

    changes: list[str] = []
    altered = False
    outside_parts: list[str] = []
    for label, body in renderings:
        outcome = match_content(key, record, body)
        if outcome.matched:
            outside_parts.append(outcome.outside)
            continue
        altered = True
        where = " in the HTML version" if label == "html" and len(renderings) > 1 else ""
        if outcome.changes:
            for change in outcome.changes:
                sentence = change.sentence()
                say, params = change_words(change)
                if sentence not in changes:
                    changes.append(sentence)
                    evidence.change_words.append((say, params))
                evidence.add(
                    f"{change.kind.value}-{change.action}",
                    sentence.rstrip(".") + where,
                    say=N_("{change} (in the HTML version)") if where else N_("{change}"),
                    change=Said(say, params),
                )
        else:
            sentence = "The wording was changed (no link, number or contact detail was touched)."
            say = N_("The wording was changed (no link, number or contact detail was touched).")
            if sentence not in changes:
                changes.append(sentence)
                evidence.change_words.append((say, {}))
            evidence.add(
                "wording-changed",
                sentence.rstrip(".") + where,
                say=N_("{change} (in the HTML version)") if where else N_("{change}"),
                change=Said(say, {}),
            )
    if hrefs and not altered:
        allowed = {d for k, d in record.critical if k == CriticalKind.LINK.value}
        own_check = f"/t/{record.tenant.slug}/check"
        # Links the forwarder wrote around our message are visible in the outside text; mailto: are addresses.
        visible_outside = {
            t.value for t in tokenize(prepare(" ".join(outside_parts))) if t.kind.value == "url"
        }
        for href in hrefs:
            target = normalize_url(href)
            if not target.startswith(("http://", "https://")) or target in visible_outside:
                continue
            if target.split("?")[0].endswith(own_check):
                continue
            digest = critical_digests(key, record.tenant.slug, [CriticalToken(CriticalKind.LINK, target)])
            if digest[0][1] not in allowed:
                altered = True
                changes.append("A link behind the text was changed.")
                evidence.change_words.append((N_("A link behind the text was changed."), {}))
                evidence.add(
                    "link-target-changed",
                    f"a link in the message points somewhere we did not send: {href[:200]}",
                    say=N_("a link in the message points somewhere we did not send: {link}"),
                    link=href[:200],
                )
                break
    if altered:
        return done(MessageVerdict.ALTERED, changes)
    evidence.add(
        "content-matches",
        "the content matches the message we sent, word for word",
        say=N_("the content matches the message we sent, word for word"),
    )
    added = " ".join(outside_parts).strip()
    if added:
        strangers: list[str] = []
        for result in verify_text(without_forward_headers(added), registry, record.tenant.slug).results:
            if (
                result.verdict is Verdict.UNKNOWN
                and result.contact.value
                and result.contact.kind in _REACHABLE
            ):
                strangers.append(result.contact.value)
            if result.verdict in (Verdict.LOOKALIKE, Verdict.REPORTED):
                sentence = f"Text was added around our message with a suspicious contact: {result.contact.value or result.contact.raw}."
                changes.append(sentence)
                say = N_("Text was added around our message with a suspicious contact: {contact}.")
                shown = result.contact.value or result.contact.raw
                evidence.change_words.append((say, {"contact": shown}))
                evidence.add(
                    "suspicious-text-added",
                    sentence.rstrip("."),
                    negative=True,
                    say=N_("Text was added around our message with a suspicious contact: {contact}"),
                    contact=shown,
                )
        if changes:
            return done(MessageVerdict.ALTERED, changes)
        if tokenize(added):
            evidence.add(
                "forwarded",
                "our message is quoted or forwarded inside other text, which we did not write",
                say=N_("our message is quoted or forwarded inside other text, which we did not write"),
            )
        if strangers:
            evidence.add(
                "unofficial-contacts-added",
                "the text around our message, which we did not write, has contact details that are not ours: "
                + ", ".join(dict.fromkeys(strangers[:5])),
                say=N_(
                    "the text around our message, which we did not write, has contact details that are not ours: "
                    "{contacts}"
                ),
                contacts=", ".join(dict.fromkeys(strangers[:5])),
            )
    if parsed is not None and claims_us and not record.tenant.dkim_keys:
        # The retailer signs with its mail provider's key, not one the desk holds: rely on DMARC.
        if auth.get("dmarc") != "pass":
            evidence.add(
                "sender-not-authenticated",
                f"the e-mail claims to come from {parsed.from_domain} but DMARC is {auth.get('dmarc')}",
                say=N_("the e-mail claims to come from {domain} but DMARC is {result}"),
                domain=parsed.from_domain,
                result=auth.get("dmarc"),
            )
            return done(MessageVerdict.CANNOT_TELL)
        evidence.add(
            "sender-authenticated",
            f"DMARC passes for {parsed.from_domain}",
            say=N_("DMARC passes for {domain}"),
            domain=parsed.from_domain,
        )
    elif parsed is not None and claims_us:
        ours = our_dkim(parsed, record.tenant)
        if ours is not DkimResult.PASS:
            evidence.add(
                "our-signature-invalid",
                f"the e-mail claims to come from {parsed.from_domain} but does not carry our valid DKIM signature ({ours.value})",
                say=N_(
                    "the e-mail claims to come from {domain} but does not carry our valid DKIM signature ({result})"
                ),
                domain=parsed.from_domain,
                result=ours.value,
            )
            return done(MessageVerdict.CANNOT_TELL)
        evidence.add(
            "our-signature-valid",
            f"signed with {possessive(record.tenant.name)} DKIM key",
            say=N_("signed with the DKIM key of {name}"),
            name=record.tenant.name,
        )
    return done(MessageVerdict.GENUINE)
