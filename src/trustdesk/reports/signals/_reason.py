"""Building a Reason from the weight table."""

from __future__ import annotations

from trustdesk.reports.model import Reason
from trustdesk.reports.weights import WEIGHTS


def reason(code: str, text: str) -> Reason:
    """A Reason for `code` carrying its weight from `trustdesk.reports.weights.WEIGHTS`."""
    return Reason(code, WEIGHTS[code], text)


def quote(fragment: str, limit: int = 60) -> str:
    """A short, single-line quotation of matched text for a reason's plain-language explanation."""
    flat = " ".join(fragment.split())
    return f"“{flat[:limit]}{'…' if len(flat) > limit else ''}”"
