"""Signals from mail authentication results (SPF, DKIM, DMARC)."""

from __future__ import annotations

from trustdesk.reports.mail_values import AuthResults
from trustdesk.reports.model import Reason
from trustdesk.reports.signals._reason import reason

_FAILS = frozenset({"fail", "permerror", "hardfail"})


def spf_failure(auth: AuthResults | None) -> Reason | None:
    """SPF fail or softfail: the sending server is not allowed to send for the envelope domain."""
    if auth is None or auth.spf is None:
        return None
    if auth.spf in _FAILS:
        return reason(
            "spf_fail",
            "The sending server is not authorised to send mail for the sender's domain (SPF fail).",
        )
    if auth.spf == "softfail":
        return reason(
            "spf_softfail", "The sender's domain does not vouch for the sending server (SPF softfail)."
        )
    return None


def dkim_failure(auth: AuthResults | None) -> Reason | None:
    """DKIM fail: the message carries a signature that does not verify (altered or forged)."""
    if auth is None or auth.dkim not in _FAILS:
        return None
    return reason("dkim_fail", "The message's DKIM signature does not verify: it was altered or forged.")


def dmarc_failure(auth: AuthResults | None) -> Reason | None:
    """DMARC fail: the visible From domain is not authenticated by its owner's policy."""
    if auth is None or auth.dmarc not in _FAILS:
        return None
    return reason(
        "dmarc_fail",
        "The sender address in From is not authenticated by its domain (DMARC fail): likely forged.",
    )


_NO_RESULT = frozenset({"none", "neutral", "temperror", "permerror", "policy"})


def no_authentication(auth: AuthResults | None) -> Reason | None:
    """Neither SPF nor DKIM vouches for the message (both absent or inconclusive).

    Since 2024 the large mailbox providers require SPF or DKIM from every sender; real shops have both.
    Silent when authentication was not recorded at all (auth is None).
    """
    if auth is None or auth.spf is None and auth.dkim is None:
        return None
    spf_none = auth.spf is None or auth.spf in _NO_RESULT
    dkim_none = auth.dkim is None or auth.dkim in _NO_RESULT
    if not (spf_none and dkim_none) or auth.dmarc == "pass":
        return None
    return reason(
        "no_authentication", "Nothing authenticates the sender: neither SPF nor DKIM vouches for it."
    )
