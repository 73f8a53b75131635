"""Per-person keys in Redis: the shared rate-limit counters keyed by an address or a conversation.

The limiter keeps `trustdesk:rl:<bucket>:<sha256(key)[:32]>:<window>` (ratelimit.RedisRateLimiter),
so the keys of one person are known from their address and conversations without scanning for
the address itself (which Redis never holds). In-process counters (a desk without Redis) are not
reachable from here; they expire with their window (an hour at most).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

PREFIX = "trustdesk:rl"


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def cache_key_patterns(
    tenant_id: int, tenant_slug: str, email: str, conversations: Iterable[tuple[int, str]]
) -> list[str]:
    """Redis MATCH patterns for every counter naming this person: sign-in attempts on the address,
    report answers to it, and per-conversation limits (bot order look-ups, chat sends) of
    `conversations` given as (id, public_id)."""
    keys = [
        ("login-account", f"{tenant_slug}:{email}"),
        ("report-answer", f"{tenant_id}:{email}"),
    ]
    for conv_id, public_id in conversations:
        keys.append(("bot-order-conv", f"{tenant_id}:{conv_id}"))
        keys.append(("chat-send-conv", f"{tenant_id}:{public_id}"))
    return [f"{PREFIX}:{bucket}:{_digest(key)}:*" for bucket, key in keys]


def existing_keys(client: Any, patterns: list[str]) -> list[str]:
    """The keys that exist now for these patterns."""
    found: set[str] = set()
    for pattern in patterns:
        for key in client.scan_iter(match=pattern, count=500):
            found.add(key.decode() if isinstance(key, bytes) else str(key))
    return sorted(found)


def delete_keys(client: Any, keys: list[str]) -> int:
    """Delete the keys; returns how many Redis removed."""
    if not keys:
        return 0
    return int(client.delete(*keys))
