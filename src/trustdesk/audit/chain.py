"""Pure hash-chain logic, independent of storage.

Two entry formats share one chain (docs/architecture.md, "Audit"). Format 1 (entries written before
migration 0023) hashes the client IP itself, so its IP can never be removed. Format 2 hashes a
commitment to the IP instead: SHA-256 over a random per-entry salt and the IP. The IP and its salt
sit in their own columns outside the hash; retention and erasure clear both, after which the
commitment (which is in the hash) still proves the entry unchanged but no longer reveals the IP:
without the salt, even trying all 2^32 IPv4 addresses cannot match it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

GENESIS_HASH = "0" * 64
LEGACY_FORMAT = 1  # the hash covers the IP itself
COMMITTED_IP_FORMAT = 2  # the hash covers a salted commitment to the IP, which can be removed
CURRENT_FORMAT = COMMITTED_IP_FORMAT
_COMMITMENT_DOMAIN = b"trustdesk-audit-ip\x00"


class ChainedEntry(Protocol):
    id: int
    tenant_id: int | None
    occurred_at: datetime
    actor: str
    action: str
    target: str
    details: dict[str, Any]
    ip: str | None
    ip_salt: str | None
    ip_commitment: str | None
    format_version: int
    prev_hash: str
    entry_hash: str


def new_ip_salt() -> str:
    return secrets.token_hex(16)


def ip_commitment(ip: str, salt: str) -> str:
    """The value the chain holds in place of the IP: SHA-256 over a domain tag, the salt and the IP."""
    return hashlib.sha256(_COMMITMENT_DOMAIN + bytes.fromhex(salt) + ip.encode("utf-8")).hexdigest()


def entry_hash(
    *,
    prev_hash: str,
    tenant_id: int | None,
    occurred_at: datetime,
    actor: str,
    action: str,
    target: str,
    details: dict[str, Any],
    ip: str | None = None,
    ip_commitment: str | None = None,
    format_version: int = LEGACY_FORMAT,
) -> str:
    """SHA-256 over a canonical JSON form of the entry and the previous entry's hash.

    Format 1 covers `ip`; format 2 covers `ip_commitment` and its own version number instead.
    """
    fields: dict[str, Any] = {
        "prev": prev_hash,
        "tenant": tenant_id,
        "at": occurred_at.isoformat(timespec="microseconds"),
        "actor": actor,
        "action": action,
        "target": target,
        "details": details,
    }
    if format_version == LEGACY_FORMAT:
        fields["ip"] = ip
    elif format_version == COMMITTED_IP_FORMAT:
        fields["ip_commitment"] = ip_commitment
        fields["v"] = COMMITTED_IP_FORMAT
    else:
        raise ValueError(f"unknown audit entry format {format_version}")
    canonical = json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


@dataclass(frozen=True)
class ChainBreak:
    """One place where the stored chain does not hold."""

    entry_id: int
    problem: str


def _stored_hash_of(entry: ChainedEntry) -> str | None:
    """The hash the entry's content gives, or None when its format is unknown."""
    try:
        return entry_hash(
            prev_hash=entry.prev_hash,
            tenant_id=entry.tenant_id,
            occurred_at=entry.occurred_at,
            actor=entry.actor,
            action=entry.action,
            target=entry.target,
            details=entry.details,
            ip=entry.ip,
            ip_commitment=entry.ip_commitment,
            format_version=entry.format_version,
        )
    except ValueError:
        return None


def _ip_problem(entry: ChainedEntry) -> str | None:
    """Format 2: a clear IP must match the commitment the chain holds; a removed one is trusted to it."""
    if entry.format_version != COMMITTED_IP_FORMAT or entry.ip is None:
        return None
    if entry.ip_commitment is None or entry.ip_salt is None:
        return "ip has no commitment in the chain: it was added after the entry was written"
    try:
        matches = ip_commitment(entry.ip, entry.ip_salt) == entry.ip_commitment
    except ValueError:
        matches = False
    return None if matches else "ip does not match its commitment: the ip was edited"


def find_breaks(entries: Iterable[ChainedEntry]) -> list[ChainBreak]:
    """Walk entries in id order; report edited entries (hash mismatch) and gaps (deleted entries)."""
    breaks: list[ChainBreak] = []
    expected_prev = GENESIS_HASH
    for entry in entries:
        if entry.prev_hash != expected_prev:
            breaks.append(
                ChainBreak(entry.id, "previous-hash link broken: an entry before it was deleted or altered")
            )
        if _stored_hash_of(entry) != entry.entry_hash:
            breaks.append(ChainBreak(entry.id, "content does not match its hash: the entry was edited"))
        ip_problem = _ip_problem(entry)
        if ip_problem is not None:
            breaks.append(ChainBreak(entry.id, ip_problem))
        expected_prev = entry.entry_hash
    return breaks
