"""Value objects shared by the reports engine: indicators, reasons and analyses."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class IndicatorKind(StrEnum):
    """What an indicator is; the values are stable and appear in JSON and CSV exports."""

    URL = "url"
    DOMAIN = "domain"
    EMAIL = "email"
    PHONE = "phone"
    HANDLE = "handle"
    IBAN = "iban"
    WALLET = "wallet"


@dataclass(frozen=True, slots=True, order=True)
class Indicator:
    """One normalised indicator found in a report.

    `value` is canonical (lower-case domains, E.164 phones, compact IBANs, checksummed wallets), so two
    reports that mention the same thing produce equal indicators. `network` says which platform or chain a
    handle or wallet belongs to (e.g. "telegram", "bitcoin"); it is empty when unknown or not applicable.
    """

    kind: IndicatorKind
    value: str
    network: str = ""

    @property
    def key(self) -> str:
        """A single string identifying the indicator, e.g. `wallet:bitcoin:bc1q...` or `domain:evil.test`."""
        if self.network:
            return f"{self.kind.value}:{self.network}:{self.value}"
        return f"{self.kind.value}:{self.value}"

    def to_dict(self) -> dict[str, str]:
        """Plain JSON-ready form."""
        out = {"kind": self.kind.value, "value": self.value}
        if self.network:
            out["network"] = self.network
        return out


@dataclass(frozen=True, slots=True)
class Reason:
    """One signal that fired: a stable machine code, its weight in the score and a plain-language text.

    `weight` is the probability in [0, 1] that this signal alone indicates fraud; the scorer combines
    weights with a noisy-OR (see `trustdesk.reports.scoring`).
    """

    code: str
    weight: float
    text: str

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form."""
        return {"code": self.code, "weight": round(self.weight, 4), "text": self.text}


class Verdict(StrEnum):
    """The outcome of an analysis."""

    PHISHING = "phishing"
    SUSPICIOUS = "suspicious"
    BENIGN = "benign"


@dataclass(frozen=True, slots=True)
class Analysis:
    """The result of `analyze`: a score in [0, 1], a verdict, the reasons behind it and every indicator."""

    score: float
    verdict: Verdict
    reasons: tuple[Reason, ...]
    indicators: tuple[Indicator, ...]
    notes: tuple[str, ...] = field(default=())
    # Same suspicious message reported twice (by one flooder or by many customers) -> same fingerprint,
    # so the store can collapse duplicates into one report with a count.
    fingerprint: str = ""
    # The wording model's log-odds (trustdesk.reports.wording); kept for benchmarks and ablations.
    wording: float = 0.0

    def to_dict(self, *, include_notes: bool = False) -> dict[str, Any]:
        """The JSON shape printed by `trustdesk reports analyze --json` (score, verdict, reasons,
        indicators); `include_notes` adds what was skipped or truncated while reading."""
        out: dict[str, Any] = {
            "score": round(self.score, 4),
            "verdict": self.verdict.value,
            "reasons": [r.to_dict() for r in self.reasons],
            "indicators": [i.to_dict() for i in self.indicators],
        }
        if include_notes:
            out["notes"] = list(self.notes)
        return out
