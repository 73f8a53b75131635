"""The SPF/DKIM/DMARC lines of a checked e-mail, with the words that write them in the customer's language.

The English line (`AuthResults.reasons`: the stable API and CLI text, with the DNS details behind it)
stays the evidence's detail. Beside it each line gets a sentence written from the verdict's values
only (result, domain, server, policy), so no English reason text leaks into another language. The
protocol's result word ("SPF pass") is kept in every language: it is what mail headers and help
pages call it.
"""

from __future__ import annotations

from trustdesk.authenticity.model import Evidence
from trustdesk.authenticity.wording import N_
from trustdesk.mail import DkimResult
from trustdesk.mail.authenticate import AuthResults
from trustdesk.mail.dmarc import DmarcPolicy, DmarcResult
from trustdesk.mail.spf import SpfResult

_SPF = {
    SpfResult.PASS: N_("SPF pass: {domain} allows the server {server} to send its mail."),
    SpfResult.FAIL: N_("SPF fail: {domain} does not allow the server {server} to send its mail."),
    SpfResult.SOFTFAIL: N_("SPF softfail: {domain} says the server {server} is probably not one of its own."),
    SpfResult.NEUTRAL: N_("SPF neutral: {domain} says nothing about the server {server}."),
    SpfResult.NONE: N_("SPF none: {domain} publishes no list of the servers that may send its mail."),
    SpfResult.TEMPERROR: N_(
        "SPF temperror: the sender's DNS records could not be read just now; try again later."
    ),
    SpfResult.PERMERROR: N_("SPF permerror: the SPF record of {domain} is broken, so it proves nothing."),
}
_SPF_NO_DOMAIN = N_("SPF none: the message names no sender domain to check.")

_DKIM = {
    DkimResult.PASS: N_("DKIM pass: {domain} signed the message and the signature is intact."),
    DkimResult.FAIL: N_(
        "DKIM fail: the signature of {domain} does not match: the message was changed after it was signed, "
        "or the signature is forged."
    ),
    DkimResult.TEMPERROR: N_(
        "DKIM temperror: the signing key of {domain} could not be fetched just now; try again later."
    ),
}
_DKIM_UNCHECKABLE = N_("DKIM {result}: the signature of {domain} cannot be checked, so it proves nothing.")
_DKIM_NONE = N_("DKIM none: the message carries no signature.")

_DMARC = {
    DmarcResult.PASS: N_("DMARC pass: SPF or DKIM confirms the sender's domain {domain}."),
    DmarcResult.NONE: N_("DMARC none: {domain} publishes no DMARC policy, so its mail cannot be confirmed."),
    DmarcResult.TEMPERROR: N_("DMARC temperror: the check could not be completed (DNS); try again later."),
    DmarcResult.PERMERROR: N_(
        "DMARC permerror: the From line has no usable domain or names several, so the sender cannot be confirmed."
    ),
}
_DMARC_FAIL = {
    DmarcPolicy.REJECT: N_(
        "DMARC fail: nothing confirms the sender's domain {domain}, and its owner asks mail servers to reject "
        "such mail."
    ),
    DmarcPolicy.QUARANTINE: N_(
        "DMARC fail: nothing confirms the sender's domain {domain}, and its owner asks mail servers to treat "
        "such mail as spam."
    ),
    DmarcPolicy.NONE: N_(
        "DMARC fail: nothing confirms the sender's domain {domain}; its owner only asks to be told about such mail."
    ),
}


def add_auth_lines(results: AuthResults, evidence: Evidence, *, with_spf: bool) -> None:
    """One "auth" evidence line per SPF verdict (``with_spf``), DKIM signature and DMARC verdict."""
    lines = iter(results.reasons)
    spf_line = next(lines)
    if with_spf:
        spf = results.spf
        if spf.result is SpfResult.NONE and not spf.domain:
            evidence.add("auth", spf_line, say=_SPF_NO_DOMAIN)
        else:
            evidence.add("auth", spf_line, say=_SPF[spf.result], domain=spf.domain, server=results.client_ip)
    for signature in results.dkim:
        line = next(lines)
        say = _DKIM.get(signature.result, _DKIM_UNCHECKABLE)
        evidence.add("auth", line, say=say, domain=signature.domain or "?", result=signature.result.value)
    if not results.dkim:
        evidence.add("auth", next(lines), say=_DKIM_NONE)
    dmarc = results.dmarc
    if dmarc.result is DmarcResult.FAIL:
        say = _DMARC_FAIL[dmarc.policy or DmarcPolicy.NONE]
    else:
        say = _DMARC[dmarc.result]
    evidence.add("auth", next(lines), say=say, domain=dmarc.from_domain or results.from_domain)
