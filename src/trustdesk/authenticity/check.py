""" "Was this really from us?": one answer for a pasted message, a forwarded .eml or a reference.

Verdicts (stable names): ``genuine`` (our reference, our exact content, and for mail that
claims our domain, our DKIM signature), ``altered`` (our reference, other content: names what
changed), ``not_from_us`` (a forged reference, or no reference plus evidence: look-alike or
reported contacts, a sender that fails authentication for our domain, our name next to contact
details that are not ours), ``cannot_tell`` (nothing conclusive either way).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from babel.dates import format_date

from trustdesk.authenticity.canonical import (
    CriticalKind,
    CriticalToken,
    normalize_url,
    prepare,
    tokenize,
    without_forward_headers,
)
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
from trustdesk.authenticity.references import find_references, normalize_reference, reference_is_well_formed
from trustdesk.authenticity.wording import N_, Phrase, Said, change_words, written
from trustdesk.i18n import DEFAULT_LANGUAGE, Words, words
from trustdesk.i18n.languages import cldr_locale
from trustdesk.mail import DkimResult, MailParseError, ParsedMail, Resolver, parse_message
from trustdesk.reports.evidence import (
    AR_HEADER,
    ARC_AR_HEADER,
    NO_TRUST,
    TrustPolicy,
    authenticated_domain,
    receiver_auth,
)
from trustdesk.verify import ChannelKind, Registry, Verdict, VerificationResult, verify_text
from trustdesk.verify.explain import possessive, show
from trustdesk.verify.wording import localize

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


def _contact_results(
    texts: Sequence[str], extra: Sequence[str], registry: Registry, tenant: str | None
) -> list[VerificationResult]:
    results: list[VerificationResult] = []
    seen: set[tuple[str, str]] = set()

    def keep(result: VerificationResult) -> None:
        marker = (result.contact.kind.value, result.contact.value or result.contact.raw)
        if marker not in seen:
            seen.add(marker)
            results.append(result)

    for item in extra:
        if item:
            keep(registry.check(item, tenant))
    for text in texts:
        for result in verify_text(text, registry, tenant).results:
            keep(result)
    return results


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
    for result in contacts:
        if result.verdict is Verdict.LOOKALIKE:
            evidence.add(
                "lookalike-contact",
                f"{result.contact.value or result.contact.raw}: {result.explanation}",
                negative=True,
                say=N_("{contact}: {explanation}"),
                contact=result.contact.value or result.contact.raw,
                explanation=result,
            )
        elif result.verdict is Verdict.REPORTED:
            evidence.add(
                "reported-contact",
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
    if record.key_id != key.key_id:
        evidence.add(
            "fingerprint-key-changed",
            "the desk's checking key has changed since this message was sent",
            say=N_("the desk's checking key has changed since this message was sent"),
        )
        return done(MessageVerdict.CANNOT_TELL)
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


_INCONCLUSIVE = frozenset({NOT_CHECKED, "temperror", "none", "neutral"})


def _with_receiver_results(
    parsed: ParsedMail, auth: dict[str, str], trust: TrustPolicy, evidence: Evidence
) -> dict[str, str]:
    """The trusted receiver's SPF/DKIM/DMARC where our own check was not made or could not tell.

    The receiver checked the message when it was delivered, before any forward could break SPF or a
    key rotation break DKIM; only a header of a trusted authserv-id counts (see reports.evidence)."""
    headers = [(name, value) for name, value in parsed.headers if name.lower() in (AR_HEADER, ARC_AR_HEADER)]
    receiver = receiver_auth(headers, trust) if headers else None
    if receiver is None or auth.get("dmarc") not in _INCONCLUSIVE or receiver.dmarc is None:
        return auth
    sender = parsed.from_addresses[0].address if parsed.from_addresses else ""
    aligned = authenticated_domain(receiver, sender)
    merged = {
        "spf": receiver.spf or auth.get("spf", NOT_CHECKED),
        "dkim": receiver.dkim or auth.get("dkim", NOT_CHECKED),
        "dmarc": "pass" if aligned else receiver.dmarc,
    }
    if aligned:
        evidence.add(
            "receiver-authenticated",
            f"the receiving mail server {receiver.authserv_id} confirmed that it really came from {aligned}"
            f" (DMARC {receiver.dmarc})",
            say=N_(
                "the receiving mail server {server} confirmed that it really came from {domain} (DMARC {result})"
            ),
            server=receiver.authserv_id,
            domain=aligned,
            result=receiver.dmarc,
        )
    else:
        evidence.add(
            "receiver-not-authenticated",
            f"the receiving mail server {receiver.authserv_id} recorded DMARC {receiver.dmarc} for the sender",
            say=N_("the receiving mail server {server} recorded DMARC {result} for the sender"),
            server=receiver.authserv_id,
            result=receiver.dmarc,
        )
    return merged


def _implied_tenant(
    contacts: Sequence[VerificationResult],
    renderings: Sequence[tuple[str, str]],
    parsed: ParsedMail | None,
    registry: Registry,
    tenants: Callable[[str], TenantIdentity | None] | None,
) -> TenantIdentity | None:
    """The retailer a message imitates or names, when the caller did not say which retailer to check for."""
    names = registry.tenants()
    slug = next((r.imitates.tenant for r in contacts if r.imitates is not None), None)
    slug = slug or next((r.official.tenant for r in contacts if r.official is not None), None)
    if slug is None:
        folded = " ".join(body for _, body in renderings).casefold()
        if parsed is not None:
            folded += " " + " ".join(a.display_name for a in parsed.from_addresses).casefold()
        slug = next((s for s, name in names.items() if name and name.casefold() in folded), None)
    if slug is None:
        return None
    identity = tenants(slug) if tenants is not None else None
    return identity or TenantIdentity(slug, names.get(slug, slug))


def _without_record(
    parsed: ParsedMail | None,
    renderings: Sequence[tuple[str, str]],
    contacts: Sequence[VerificationResult],
    owner: TenantIdentity | None,
    registry: Registry,
    resolver: Resolver | None,
    auth: dict[str, str],
    evidence: Evidence,
    refs: Sequence[str],
) -> MessageVerdict:
    receiver_checked = any(
        r["code"] in ("receiver-authenticated", "receiver-not-authenticated") for r in evidence.reasons
    )
    if (
        parsed is not None
        and owner is not None
        and owner.domains
        and (resolver is not None or receiver_checked)
    ):
        if claims_domain(parsed.from_domain, owner.domains) and auth.get("dmarc") in (
            "fail",
            "none",
            "permerror",
        ):
            ours = our_dkim(parsed, owner)
            if (
                ours is not DkimResult.PASS
                and auth.get("spf") != "temperror"
                and auth.get("dkim") != "temperror"
            ):
                evidence.add(
                    "spoofed-sender",
                    f"it claims to come from {parsed.from_domain} but fails the authentication {possessive(owner.name)} mail always passes"
                    f" (DMARC {auth.get('dmarc')})",
                    negative=True,
                    say=N_(
                        "it claims to come from {domain} but fails the authentication that mail from {name} always "
                        "passes (DMARC {result})"
                    ),
                    domain=parsed.from_domain,
                    name=owner.name,
                    result=auth.get("dmarc"),
                )
    elif (
        parsed is not None
        and owner is not None
        and owner.domains
        and claims_domain(parsed.from_domain, owner.domains)
    ):
        if owner.dkim_keys and our_dkim(parsed, owner) is not DkimResult.PASS:
            evidence.add(
                "our-signature-missing",
                f"it claims to come from {parsed.from_domain} but does not carry {possessive(owner.name)} DKIM signature",
                negative=True,
                say=N_("it claims to come from {domain} but does not carry the DKIM signature of {name}"),
                domain=parsed.from_domain,
                name=owner.name,
            )
    authentic_sender = (
        parsed is not None
        and owner is not None
        and claims_domain(parsed.from_domain, owner.domains)
        and (
            auth.get("dmarc") == "pass"
            or (bool(owner.dkim_keys) and our_dkim(parsed, owner) is DkimResult.PASS)
        )
    )
    if authentic_sender and parsed is not None and owner is not None:
        # Really sent from the retailer's domain (marketing, the shop system), just not by the support desk.
        evidence.add(
            "sent-from-our-domain",
            f"it was really sent from {parsed.from_domain}, {possessive(owner.name)} own domain, but not by its support desk",
            say=N_("it was really sent from {domain}, an own domain of {name}, but not by its support desk"),
            domain=parsed.from_domain,
            name=owner.name,
        )
    names = {} if authentic_sender else ({owner.slug: owner.name} if owner else registry.tenants())
    joined = " ".join(body for _, body in renderings)
    if parsed is not None:
        joined += " " + " ".join(parsed.header_all("From")) + " " + parsed.subject
    folded = joined.casefold()
    for name in names.values():
        if not name or name.casefold() not in folded:
            continue
        strangers = [
            r
            for r in contacts
            if r.verdict is Verdict.UNKNOWN
            and r.contact.value is not None
            and r.contact.kind in (ChannelKind.URL, ChannelKind.DOMAIN, ChannelKind.EMAIL, ChannelKind.PHONE)
        ]
        if strangers:
            shown = ", ".join((r.contact.value or "")[:80] for r in strangers[:3])
            evidence.add(
                "brand-with-unofficial-contacts",
                f"it uses the name {name} but points you to contact details that are not {possessive(name)}: {shown}",
                negative=True,
                say=N_(
                    "it uses the name {name} but points you to contact details that do not belong to it: {contacts}"
                ),
                name=name,
                contacts=shown,
            )
        break
    if not refs and renderings:
        evidence.add(
            "no-reference",
            "it carries no reference, and every message our support desk sends has one",
            say=N_("it carries no reference, and every message our support desk sends has one"),
        )
    return MessageVerdict.NOT_FROM_US if evidence.negative else MessageVerdict.CANNOT_TELL


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
