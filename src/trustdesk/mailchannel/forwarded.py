"""What a customer forwarded to a retailer's report address, and whom to answer.

Customers are told to forward suspicious mail rather than act on it. A forward arrives either with
the original attached (message/rfc822, or an .eml file) — the best evidence, headers and all — or
inline, the original's text quoted in the forwarding mail's body.
"""

from __future__ import annotations

from dataclasses import dataclass

from trustdesk.mail import AuthResults, DmarcResult, ParsedMail

# Purposes (free text in the official-channel registry) that make an address a report inbox.
REPORT_PURPOSE_WORDS = ("report", "phish", "abuse", "fraud", "suspicious", "scam")


def is_report_purpose(purpose: str) -> bool:
    """Whether an official e-mail address with this purpose takes forwarded suspicious mail."""
    text = purpose.lower()
    return any(word in text for word in REPORT_PURPOSE_WORDS)


@dataclass(frozen=True)
class Forwarded:
    """The message to examine and how it came: "attached" (the original) or "inline" (the forward)."""

    original: bytes
    how: str
    filename: str = ""


def forwarded_message(parsed: ParsedMail, raw: bytes) -> Forwarded:
    """The first attached message (message/rfc822 or an .eml file) that the parser kept, else the
    forwarding mail itself: its body quotes the original's text, links and contact details."""
    for attachment in parsed.attachments:
        if attachment.content is None or not attachment.content.strip():
            continue
        is_message = attachment.content_type in ("message/rfc822", "message/global")
        if is_message or attachment.filename.lower().endswith(".eml"):
            return Forwarded(attachment.content, "attached", attachment.filename)
    return Forwarded(raw, "inline")


def defang(contact: str) -> str:
    """A contact made unclickable for quoting back to a customer: hxxp://shop-secure[.]com/login,
    security@shop-secure[.]com (mail programs link anything that looks like an address)."""
    text = contact
    for scheme in ("https://", "http://"):
        if text.lower().startswith(scheme):
            text = "hxxp" + text[4:]
            break
    head, sep, tail = text.partition("/") if "://" not in text else text.partition("://")
    if "://" in text:
        host, slash, path = tail.partition("/")
        return f"{head}{sep}{host.replace('.', '[.]')}{slash}{path}"
    return text.replace(".", "[.]") if not sep else f"{head.replace('.', '[.]')}{sep}{tail}"


def defang_text(text: str, contacts: list[str]) -> str:
    """`text` with each of `contacts` (the suspicious ones) replaced by its defanged form."""
    for contact in sorted(set(contacts), key=len, reverse=True):
        if contact:
            text = text.replace(contact, defang(contact))
    return text


def may_answer(auth: AuthResults | None) -> bool:
    """Answer the forwarder only when their own domain vouches for the mail (DMARC pass): an answer
    to a forged sender would be backscatter, mail to someone who never wrote to us."""
    return auth is not None and auth.dmarc.result == DmarcResult.PASS


_BULK_PRECEDENCE = frozenset({"bulk", "junk", "list"})


def automatic_reason(parsed: ParsedMail) -> str | None:
    """Why a mail must not be answered automatically (RFC 3834 section 2), or None for a person's mail:
    it says it is automatic (Auto-Submitted other than "no"), bulk (Precedence bulk/junk/list) or
    comes from a mailing list (List-Id). Answering such mail is how mail loops start."""
    auto = (parsed.header("Auto-Submitted") or "").split(";", 1)[0].split("(", 1)[0].strip().lower()
    if auto and auto != "no":
        return "auto-submitted"
    precedence = (parsed.header("Precedence") or "").strip().lower()
    if precedence in _BULK_PRECEDENCE:
        return "precedence"
    if parsed.header("List-Id") is not None:
        return "mailing-list"
    return None
