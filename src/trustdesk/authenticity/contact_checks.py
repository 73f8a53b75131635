"""Every contact in a message checked against the registry, each contact once."""

from __future__ import annotations

from collections.abc import Sequence

from trustdesk.verify import Registry, VerificationResult, verify_text


def _contact_results(
    texts: Sequence[str], extra: Sequence[str], registry: Registry, tenant: str | None
) -> list[VerificationResult]:
    results: list[VerificationResult] = []
    seen: set[tuple[str, str]] = set()

    def keep(result: VerificationResult) -> None:
        marker = (result.contact.kind.value, result.contact.value or result.contact.raw)
        if marker not in seen:
            seen.add(marker)
            results.append(result)

    for item in extra:
        if item:
            keep(registry.check(item, tenant))
    for text in texts:
        for result in verify_text(text, registry, tenant).results:
            keep(result)
    return results
