"""Checking every contact found in a text: `verify_text` and the `TextVerification` it answers."""

from __future__ import annotations

from dataclasses import dataclass

from trustdesk.verify.model import VerificationResult
from trustdesk.verify.registry import Registry


@dataclass(frozen=True, slots=True)
class TextVerification:
    """Verdicts for every contact found in a text, in order of appearance."""

    results: list[VerificationResult]
    truncated: bool

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.results)

    def __len__(self) -> int:
        return len(self.results)

    def to_dict(self) -> dict[str, object]:
        """The stable JSON shape: {"results": [...], "truncated": bool}."""
        return {"results": [result.to_dict() for result in self.results], "truncated": self.truncated}


def verify_text(
    text: str, registry: Registry, tenant: str | None = None, *, default_region: str | None = None
) -> TextVerification:
    """Extract every contact from `text` and check each one against `registry`.

    When nothing is found but the text is a single token (say, an invalid domain), that
    token is checked on its own so the caller still gets an `unknown` with a reason.
    """
    from trustdesk.verify.extract import parse_contact, scan_contacts

    region = default_region or registry.default_region
    scan = scan_contacts(text, region)
    results = [registry.check(contact, tenant) for contact in scan.contacts]
    stripped = text.strip()
    if not results and stripped and len(stripped.split()) <= 6 and len(stripped) <= 200:
        results = [registry.check(parse_contact(stripped, default_region=region), tenant)]
    return TextVerification(results, scan.truncated)
