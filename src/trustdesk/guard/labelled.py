"""The labelled multilingual examples (languages/<pack>/labelled/*.jsonl) and how they are scored.

See languages/LABELLED.md for the format. Used by the tests (the dev part) and by
`bench/guard.py --languages` (both parts, per language).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from trustdesk.guard.findings import ScanResult
from trustdesk.guard.packs import PACKS_DIR, pack_names
from trustdesk.guard.scanner import scan

KINDS = ("ask", "harmless_outbound", "disclosure", "harmless_inbound")
PARTS = ("dev", "holdout")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled line."""

    id: str
    lang: str
    kind: str
    text: str
    context: tuple[str, ...] = ()
    type: str | None = None
    secrets: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


def load(part: str, packs: Iterable[str] | None = None) -> list[Example]:
    """Every example of one part ("dev" or "holdout") in the given packs (default: all)."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}")
    examples: list[Example] = []
    for pack in packs or pack_names():
        path = PACKS_DIR / pack / "labelled" / f"{part}.jsonl"
        if not path.is_file():
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            row: dict[str, Any] = json.loads(line)
            if row.get("kind") not in KINDS:
                raise ValueError(f"{path}:{number}: unknown kind {row.get('kind')!r}")
            examples.append(
                Example(
                    id=row["id"],
                    lang=row["lang"],
                    kind=row["kind"],
                    text=row["text"],
                    context=tuple(row.get("context") or ()),
                    type=row.get("type"),
                    secrets=tuple(row.get("secrets") or ()),
                    tags=tuple(row.get("tags") or ()),
                )
            )
    return examples


Scanner = Callable[..., ScanResult]


def stored_texts(example: Example, scanner: Scanner = scan) -> list[str]:
    """What the desk would store for an inbound example: each message guarded in order, with the
    stored earlier ones as its context."""
    stored: list[str] = []
    for text in (*example.context, example.text):
        stored.append(scanner(text, "inbound", context=list(stored)).redacted)
    return stored


def passed(example: Example, scanner: Scanner = scan) -> bool:
    """True when the guard does what the example's label says."""
    if example.kind in ("ask", "harmless_outbound"):
        blocked = scanner(example.text, "outbound", context=list(example.context)).blocked
        return blocked == (example.kind == "ask")
    stored = stored_texts(example, scanner)
    if example.kind == "disclosure":
        return not any(secret in text for secret in example.secrets for text in stored)
    originals = (*example.context, example.text)
    return all(kept == sent for kept, sent in zip(stored, originals, strict=True))


@dataclass
class Score:
    """Per language: how many examples of each kind there were and how many the guard got right."""

    total: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    right: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    wrong: list[Example] = field(default_factory=list)

    def rate(self, kind: str) -> float | None:
        """Share right for asks/disclosures (recall), share wrong for the harmless kinds."""
        if not self.total[kind]:
            return None
        right = self.right[kind] / self.total[kind]
        return right if kind in ("ask", "disclosure") else 1.0 - right


def score(examples: Iterable[Example], scanner: Scanner = scan) -> dict[str, Score]:
    """Scores per language code."""
    scores: dict[str, Score] = {}
    for example in examples:
        entry = scores.setdefault(example.lang, Score())
        entry.total[example.kind] += 1
        if passed(example, scanner):
            entry.right[example.kind] += 1
        else:
            entry.wrong.append(example)
    return scores
