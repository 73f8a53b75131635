"""Rate limits: in-process for one instance, Redis-backed so several instances share one budget."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Limit:
    """At most `count` events per `seconds`, per key."""

    count: int
    seconds: int


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # seconds until the window resets (0 when allowed)


class RateLimiter(Protocol):
    def hit(self, bucket: str, key: str, limit: Limit) -> Decision: ...


def _window(now: float, seconds: int) -> tuple[int, int]:
    start = int(now // seconds) * seconds
    return start, start + seconds - int(now)


class MemoryRateLimiter:
    """Fixed-window counters in a dict; expired windows are swept as they are touched."""

    def __init__(self, clock=time.time) -> None:  # type: ignore[no-untyped-def]
        self._clock = clock
        self._counts: dict[tuple[str, str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, bucket: str, key: str, limit: Limit) -> Decision:
        now = self._clock()
        start, remaining = _window(now, limit.seconds)
        with self._lock:
            if len(self._counts) > 100_000:
                self._counts = {k: v for k, v in self._counts.items() if k[2] + limit.seconds > now}
            slot = (bucket, key, start)
            count = self._counts.get(slot, 0) + 1
            self._counts[slot] = count
        if count > limit.count:
            return Decision(False, max(remaining, 1))
        return Decision(True, 0)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


class RedisRateLimiter:
    """The same fixed windows kept in Redis (INCR + EXPIRE), shared by every instance."""

    def __init__(self, client, clock=time.time) -> None:  # type: ignore[no-untyped-def]
        self._redis = client
        self._clock = clock

    def hit(self, bucket: str, key: str, limit: Limit) -> Decision:
        now = self._clock()
        start, remaining = _window(now, limit.seconds)
        # Keys carry a hash of the caller key only; raw identifiers (e-mail addresses) stay out of Redis.
        import hashlib

        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        redis_key = f"trustdesk:rl:{bucket}:{digest}:{start}"
        pipe = self._redis.pipeline()
        pipe.incr(redis_key)
        pipe.expire(redis_key, limit.seconds + 1)
        count, _ = pipe.execute()
        if int(count) > limit.count:
            return Decision(False, max(remaining, 1))
        return Decision(True, 0)


def make_rate_limiter(redis_url: str | None) -> RateLimiter:
    if not redis_url:
        return MemoryRateLimiter()
    import redis

    return RedisRateLimiter(redis.Redis.from_url(redis_url))
