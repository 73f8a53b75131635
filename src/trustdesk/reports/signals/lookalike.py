"""A sender or link domain made to pass for a known brand's or registered retailer's
(`trustdesk.reports.lookalikes`): a red flag whatever the domain's own authentication says."""

from __future__ import annotations

from collections.abc import Iterable

from trustdesk.reports.evidence import organisational_domain
from trustdesk.reports.lookalikes import ImitationCheck, find_imitation
from trustdesk.reports.mail_values import MailView
from trustdesk.reports.model import Reason
from trustdesk.reports.signals._reason import reason

CODE = "lookalike_domain"
# Links read per message: enough for any real mail, bounded for a hostile one.
MAX_LINK_DOMAINS = 40


def _link_domains(view: MailView, urls: Iterable[str]) -> list[str]:
    out: list[str] = []
    for href in [link.href for link in view.links] + list(view.forms) + list(urls):
        lowered = href.strip().lower()
        if lowered.startswith("mailto:"):
            lowered = lowered[7:].split("?", 1)[0]
        elif lowered.startswith(("http://", "https://")):
            lowered = lowered.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
            lowered = lowered.rsplit("@", 1)[-1]
        else:
            continue
        domain = organisational_domain(lowered)
        if domain and domain not in out:
            out.append(domain)
        if len(out) >= MAX_LINK_DOMAINS:
            break
    return out


def lookalike_domain(
    view: MailView, checks: Iterable[ImitationCheck], urls: Iterable[str] = ()
) -> Reason | None:
    """The sender (From or Reply-To) or a link (an HTML link or form, or one of `urls`, the web
    addresses written in the text) uses a domain that imitates a brand or retailer."""
    senders = [organisational_domain(a) for a in (view.from_address, *view.reply_to) if "@" in a]
    senders = [d for d in senders if d]
    found = find_imitation(senders, checks)
    if found is not None:
        return reason(
            CODE,
            f"It is sent from “{found.domain}”, a look-alike of {found.brand} ({found.how}): a domain made "
            f"to pass for {found.brand}'s. Even when its own mail authentication passes, that only proves "
            "the mail came from the imitation.",
        )
    found = find_imitation(_link_domains(view, urls), checks)
    if found is not None:
        return reason(
            CODE,
            f"A link leads to “{found.domain}”, a look-alike of {found.brand} ({found.how}), not to "
            f"{found.brand}'s own site.",
        )
    return None
