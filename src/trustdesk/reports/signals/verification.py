"""Signals from verification: is an indicator a reported fraud, a look-alike of an official channel,
official, or unknown?

`check` is any callable taking an Indicator and returning a verdict: a string ("official", "lookalike",
"reported", "unknown"), an object with a `verdict` attribute (and optionally `imitates`), or None. The
lead wires it to the tenant's registry; without a registry pass None and this signal stays silent.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from trustdesk.reports.model import Indicator, Reason
from trustdesk.reports.signals._reason import reason

Check = Callable[[Indicator], Any]


def verdict_of(result: Any) -> tuple[str, str]:
    """Normalise a check result to (verdict, imitated channel or "")."""
    if result is None:
        return "unknown", ""
    verdict = getattr(result, "verdict", result)
    verdict = getattr(verdict, "value", verdict)
    imitates = getattr(result, "imitates", None) or getattr(result, "official", None) or ""
    imitates = getattr(imitates, "value", imitates)
    return str(verdict).lower(), str(imitates) if isinstance(imitates, str) else ""


def verification_signals(indicators: Sequence[Indicator], check: Check | None) -> list[Reason]:
    """One reason for indicators reported as fraud and one for look-alikes of official channels."""
    if check is None:
        return []
    reported: list[Indicator] = []
    lookalikes: list[tuple[Indicator, str]] = []
    for indicator in indicators:
        verdict, imitates = verdict_of(check(indicator))
        if verdict == "reported":
            reported.append(indicator)
        elif verdict == "lookalike":
            lookalikes.append((indicator, imitates))
    out: list[Reason] = []
    if reported:
        listed = ", ".join(i.value for i in reported[:3]) + (" …" if len(reported) > 3 else "")
        out.append(reason("indicator_reported", f"Already reported as fraud: {listed}."))
    if lookalikes:
        first, imitates = lookalikes[0]
        of = f" of the official {imitates}" if imitates else " of an official channel"
        more = f" (and {len(lookalikes) - 1} more)" if len(lookalikes) > 1 else ""
        out.append(reason("indicator_lookalike", f"{first.value} is a look-alike{of}{more}."))
    return out
