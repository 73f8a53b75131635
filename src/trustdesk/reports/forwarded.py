"""Forwarded reports: the original sender of a message forwarded inline, found in its quoted header
block, becomes the evidence instead of the person who forwarded it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from email.utils import getaddresses

from trustdesk.reports.mail_headers import parse_sender
from trustdesk.reports.mail_values import MailView

# A forward is announced by the subject prefix or an explicit banner. "Original Message" alone is how
# Outlook quotes replies, which are not forwards of someone else's message.
_FORWARD_SUBJECT_RE = re.compile(
    r"^\s*(?:(?:re|aw|sv)\s*:\s*)*(?:fwd?|fw|enc|rv|wg|tr|doorst|i)\s*:", re.IGNORECASE
)
_FORWARD_BANNER_RE = re.compile(
    r"forwarded message|begin forwarded message|mensagem encaminhada|weitergeleitete nachricht|"
    r"message transf[ée]r[ée]|mensaje reenviado|doorgestuurd bericht|messaggio inoltrato",
    re.IGNORECASE,
)
_FORWARD_FROM_RE = re.compile(
    r"^[ \t>*]{0,6}(?:From|De|Von|Van|Da|Från|Fra|Od|Expéditeur)[ \t*]{0,3}:[ \t*]{0,3}([^\n]{1,300})\n"
    r"((?:[^\n]{0,300}\n){0,6})",
    re.MULTILINE,
)
_FORWARD_FIELD_RE = re.compile(
    r"^[ \t>*]{0,6}(Sent|Date|Enviado|Enviada|Gesendet|Datum|Envoy[ée]|Verzonden|Inviato|Data|Fecha|"
    r"Subject|Assunto|Betreff|Objet|Asunto|Onderwerp|Oggetto|To|Para|An|À|Aan|A)[ \t*]{0,3}:[ \t*]{0,3}([^\n]{0,300})",
    re.MULTILINE | re.IGNORECASE,
)


def forwarded_sender(text: str) -> tuple[str, str, bool, tuple[str, ...]] | None:
    """Find the header block of a message forwarded inline (or pasted with its headers) and return the
    original sender as (display, address, malformed, recipients); None when there is no such block."""
    for match in _FORWARD_FROM_RE.finditer(text[:20000]):
        fields = {m.group(1).lower(): m.group(2) for m in _FORWARD_FIELD_RE.finditer(match.group(2))}
        has_subject = any(
            k in fields for k in ("subject", "assunto", "betreff", "objet", "asunto", "onderwerp", "oggetto")
        )
        has_date = any(
            k in fields
            for k in (
                "sent",
                "date",
                "enviado",
                "enviada",
                "gesendet",
                "datum",
                "envoyé",
                "envoye",
                "verzonden",
                "inviato",
                "data",
                "fecha",
            )
        )
        if not (has_subject or has_date):
            continue
        display, address, malformed = parse_sender(match.group(1).strip().strip("*").strip())
        to_value = next((fields[k] for k in ("to", "para", "an", "à", "aan", "a") if k in fields), "")
        recipients = tuple(a.lower() for _, a in getaddresses([to_value]) if "@" in a)
        return display, address, malformed, recipients
    return None


def _apply_inline_forward(view: MailView, body: str) -> MailView:
    """For a mail the reporter forwarded inline, make the original sender the evidence: the outer From,
    envelope and authentication results describe the forward, not the suspicious message."""
    announced = _FORWARD_SUBJECT_RE.search(view.subject) or _FORWARD_BANNER_RE.search(body[:5000])
    inner = forwarded_sender(body) if announced else None
    if inner is None or not (inner[0] or inner[1]):
        return view
    display, address, malformed, inner_to = inner
    return replace(
        view,
        from_display=display,
        from_address=address,
        from_malformed=malformed,
        to_addresses=inner_to or view.to_addresses,
        forwarded=True,
        reply_to=(),
        return_path="",
        auth=None,
        auth_headers=(),
    )
