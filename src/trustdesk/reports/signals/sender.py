"""Signals from the authenticated sender: evidence for legitimacy (an authenticated, aligned sender
whose links stay on its own domain) and against it (a brand named that the authenticated sender does
not own). Evidence for legitimacy carries weight 0: it adds nothing to the noisy-OR, and the scorer
reads it as a vouch (see `trustdesk.reports.scoring.final_score`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from trustdesk.reports.domains import compile_brand_pattern, domain_matches_brand, is_freemail
from trustdesk.reports.evidence import (
    Alignment,
    ReceiverAuth,
    alignment,
    authenticated_domain,
)
from trustdesk.reports.mail_values import MailView
from trustdesk.reports.model import Reason
from trustdesk.reports.signals._reason import reason

AUTHENTICATED = "authenticated_sender"
ALIGNED = "aligned_content"
VOUCH_CODES = frozenset({AUTHENTICATED, ALIGNED})


@dataclass(frozen=True, slots=True)
class SenderEvidence:
    """The authenticated organisational domain of From ("" when none) and how the content aligns."""

    domain: str
    alignment: Alignment
    auth: ReceiverAuth | None


def sender_evidence(view: MailView, auth: ReceiverAuth | None) -> SenderEvidence:
    """Authentication and alignment of a read message, given what the trusted receiver recorded."""
    domain = authenticated_domain(auth, view.from_address) if view.is_mail and not view.forwarded else ""
    if not domain or is_freemail(domain):
        # Anyone can open a webmail account: its authentication says nothing about the sender's honesty.
        return SenderEvidence("", Alignment(), auth)
    urls = [link.href for link in view.links] + list(view.images) + list(view.forms)
    return SenderEvidence(domain, alignment(domain, urls, view.reply_to), auth)


def _how(evidence: SenderEvidence) -> str:
    auth = evidence.auth
    if auth is None:
        return ""
    if auth.dmarc == "pass":
        how = "DMARC pass"
    elif auth.dkim_pass_domains:
        how = "a valid DKIM signature of that domain"
    else:
        how = "SPF pass for that domain"
    receiver = auth.authserv_id or "the receiving mail server"
    forwarded = ", as recorded by the forwarding server" if auth.via_arc else ""
    return f" ({receiver} found {how}{forwarded})"


def authenticated_sender(evidence: SenderEvidence) -> Reason | None:
    """The receiving server confirmed that the sender address's domain really sent the message."""
    if not evidence.domain:
        return None
    return Reason(
        AUTHENTICATED,
        0.0,
        f"The receiving mail server confirmed that it really was sent by {evidence.domain}{_how(evidence)}.",
    )


def aligned_content(evidence: SenderEvidence) -> Reason | None:
    """Every link, image and reply address stays on the authenticated sender's own domain."""
    if not evidence.domain or not evidence.alignment.all_aligned:
        return None
    return Reason(
        ALIGNED,
        0.0,
        f"Every link, image and reply address leads to {evidence.domain}, the authenticated sender's own domain.",
    )


_POSSESSIVE_RE = r"(?:your|votre|vos|ihr(?:e|en)?|tu|su|sua|seu|uw|twoje|twój|il tuo|la tua)"


def brand_not_sender(
    view: MailView, evidence: SenderEvidence, brands: Mapping[str, tuple[str, ...]]
) -> Reason | None:
    """A brand named in the display name, the subject or as "your <brand> account" that the
    authenticated sender's domain does not belong to: a real domain borrowing someone else's name."""
    if not evidence.domain:
        return None
    pattern = compile_brand_pattern(tuple(brands))
    if pattern is None:
        return None
    places = [view.from_display, view.subject]
    head = view.text[:3000]
    for match in pattern.finditer(head):
        before = head[max(0, match.start() - 16) : match.start()]
        if re.search(_POSSESSIVE_RE + r"\s+$", before, re.IGNORECASE):
            places.append(match.group(0))
    for place in places:
        found = pattern.search(place) if place else None
        if found is None:
            continue
        name = next(
            (
                n
                for n in brands
                if re.sub(r"[\s\-]", "", n).lower() == re.sub(r"[\s\-]", "", found.group(0)).lower()
            ),
            found.group(0),
        )
        if domain_matches_brand(evidence.domain, brands.get(name, ())):
            continue
        return reason(
            "brand_not_sender",
            f"It presents itself as {name}, but the authenticated sender is {evidence.domain}, "
            f"which is not a {name} domain.",
        )
    return None
