"""A message that carries none of our references: which retailer it is about, and whether the evidence
(sender authentication, our name next to contact details that are not ours) says it is not from us.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from trustdesk.authenticity.mailcheck import claims_domain, our_dkim
from trustdesk.authenticity.model import Evidence, MessageVerdict, TenantIdentity
from trustdesk.authenticity.wording import N_
from trustdesk.mail import DkimResult, ParsedMail, Resolver
from trustdesk.verify import ChannelKind, Registry, Verdict, VerificationResult
from trustdesk.verify.explain import possessive


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
