"""The receiving mail server's SPF/DKIM/DMARC, used where our own check of a message could not tell."""

from __future__ import annotations

from trustdesk.authenticity.model import NOT_CHECKED, Evidence
from trustdesk.authenticity.wording import N_
from trustdesk.mail import ParsedMail
from trustdesk.reports.evidence import (
    AR_HEADER,
    ARC_AR_HEADER,
    TrustPolicy,
    authenticated_domain,
    receiver_auth,
)

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
