"""The report as a person reads it: the guard's shared normaliser applied to every text a signal reads.

Invisible and format characters are dropped and look-alike letters folded (`trustdesk.guard.normalize`),
so "Mi\u200bcro\u200bsoft" and "Micrоsoft" with a Cyrillic "о" read as "Microsoft" for the wording model,
the brand, link and indicator signals alike. The disguise itself is judged on the raw text by the
evasion signals (`trustdesk.reports.signals.evasion`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from trustdesk.guard.normalize import normalize
from trustdesk.reports.mail_values import Link, MailView

_INVISIBLE_RE = re.compile(
    r"[\u00ad\u034f\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufeff\uffa0\U000e0000-\U000e007f]"
)


def clean(text: str) -> str:
    """`text` normalised for matching (see `trustdesk.guard.normalize`)."""
    return normalize(text).text if text else text


def strip_invisible(text: str) -> str:
    """`text` without invisible and format characters, nothing else changed: for links and addresses,
    where folding look-alike letters would make "pаypal.com" (Cyrillic "а") read as the real domain."""
    if text.isascii():
        return text
    stripped = _INVISIBLE_RE.sub("", text)
    if stripped.isascii():
        return stripped
    return "".join(c for c in stripped if unicodedata.category(c) != "Cf")


def normalised_view(view: MailView) -> MailView:
    """A copy of `view` whose text, subject, display name and link texts are normalised (idempotent)."""
    text = clean(view.text)
    subject = clean(view.subject)
    display = clean(view.from_display)
    links = tuple(Link(strip_invisible(link.href), clean(link.text)) for link in view.links)
    if text is view.text and subject is view.subject and display is view.from_display and links == view.links:
        return view
    return replace(view, text=text, subject=subject, from_display=display, links=links)
