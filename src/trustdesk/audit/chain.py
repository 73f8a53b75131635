"""Pure hash-chain logic, independent of storage."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

GENESIS_HASH = "0" * 64


class ChainedEntry(Protocol):
    id: int
    tenant_id: int | None
    occurred_at: datetime
    actor: str
    action: str
    target: str
    details: dict[str, Any]
    ip: str | None
    prev_hash: str
    entry_hash: str


def entry_hash(
    *,
    prev_hash: str,
    tenant_id: int | None,
    occurred_at: datetime,
    actor: str,
    action: str,
    target: str,
    details: dict[str, Any],
    ip: str | None,
) -> str:
    """SHA-256 over a canonical JSON form of the entry and the previous entry's hash."""
    canonical = json.dumps(
        {
            "prev": prev_hash,
            "tenant": tenant_id,
            "at": occurred_at.isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "target": target,
            "details": details,
            "ip": ip,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=True,
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """One place where the stored chain does not hold."""

    entry_id: int
    problem: str


def find_breaks(entries: Iterable[ChainedEntry]) -> list[ChainBreak]:
    """Walk entries in id order; report edited entries (hash mismatch) and gaps (deleted entries)."""
    breaks: list[ChainBreak] = []
    expected_prev = GENESIS_HASH
    for entry in entries:
        if entry.prev_hash != expected_prev:
            breaks.append(
                ChainBreak(entry.id, "previous-hash link broken: an entry before it was deleted or altered")
            )
        recomputed = entry_hash(
            prev_hash=entry.prev_hash,
            tenant_id=entry.tenant_id,
            occurred_at=entry.occurred_at,
            actor=entry.actor,
            action=entry.action,
            target=entry.target,
            details=entry.details,
            ip=entry.ip,
        )
        if recomputed != entry.entry_hash:
            breaks.append(ChainBreak(entry.id, "content does not match its hash: the entry was edited"))
        expected_prev = entry.entry_hash
    return breaks
