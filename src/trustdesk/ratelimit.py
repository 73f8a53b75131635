"""Rate limits: in-process for one instance, Redis-backed so several instances share one budget."""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from typing import Protocol

log = logging.getLogger("trustdesk.ratelimit")
OUTAGE_LOG_EVERY_SECONDS = 30.0
RETRY_SHARED_AFTER_SECONDS = 2.0


@dataclass(frozen=True)
class Limit:
    """At most `count` events per `seconds`, per key."""

    count: int
    seconds: int


def parse_limit(raw: str) -> Limit:
    """A limit written "count/seconds" (validated by Settings)."""
    count, _, seconds = raw.partition("/")
    return Limit(int(count), int(seconds or 60))


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int  # seconds until the window resets (0 when allowed)


class RateLimiter(Protocol):
    def hit(self, bucket: str, key: str, limit: Limit) -> Decision: ...


def _window(now: float, seconds: int) -> tuple[int, int]:
    start = int(now // seconds) * seconds
    return start, start + seconds - int(now)


def _sliding_count(previous: int, current: int, now: float, start: int, seconds: int) -> float:
    # Sliding-window estimate: the previous window's count weighted by how much of it still
    # overlaps the last `seconds`. A burst straddling a window edge cannot get twice the budget.
    overlap = 1.0 - (now - start) / seconds
    return previous * max(overlap, 0.0) + current


class MemoryRateLimiter:
    """Sliding-window counters (two fixed windows, weighted) in a dict; old windows are swept."""

    def __init__(self, clock=time.time) -> None:  # type: ignore[no-untyped-def]
        self._clock = clock
        self._counts: dict[tuple[str, str, int], int] = {}
        self._lock = threading.Lock()

    def hit(self, bucket: str, key: str, limit: Limit) -> Decision:
        now = self._clock()
        start, remaining = _window(now, limit.seconds)
        with self._lock:
            if len(self._counts) > 100_000:
                self._counts = {k: v for k, v in self._counts.items() if k[2] + 2 * limit.seconds > now}
            previous = self._counts.get((bucket, key, start - limit.seconds), 0)
            current = self._counts.get((bucket, key, start), 0)
            if _sliding_count(previous, current + 1, now, start, limit.seconds) > limit.count:
                return Decision(False, max(remaining, 1))
            self._counts[(bucket, key, start)] = current + 1
        return Decision(True, 0)

    def reset(self) -> None:
        with self._lock:
            self._counts.clear()


class RedisRateLimiter:
    """The same sliding windows kept in Redis (INCR + EXPIRE), shared by every instance.

    While Redis is unreachable each instance counts on its own (a local limiter), so limits on
    sign-in, verification and chat keep holding per instance instead of failing open or with 500s.
    """

    def __init__(self, client, clock=time.time) -> None:  # type: ignore[no-untyped-def]
        self._redis = client
        self._clock = clock
        self._local = MemoryRateLimiter(clock)
        self._last_outage_log = 0.0
        self._retry_shared_at = 0.0

    def hit(self, bucket: str, key: str, limit: Limit) -> Decision:
        import redis

        now = time.monotonic()
        if now < self._retry_shared_at:  # known down: do not pay a connection attempt per request
            return self._local.hit(bucket, key, limit)
        try:
            return self._shared_hit(bucket, key, limit)
        except (redis.RedisError, OSError) as exc:
            self._retry_shared_at = now + RETRY_SHARED_AFTER_SECONDS
            if now - self._last_outage_log > OUTAGE_LOG_EVERY_SECONDS:
                self._last_outage_log = now
                log.warning(
                    "Redis unavailable: rate limits count per instance until it is back",
                    extra={"error": type(exc).__name__},
                )
            return self._local.hit(bucket, key, limit)

    def _shared_hit(self, bucket: str, key: str, limit: Limit) -> Decision:
        now = self._clock()
        start, remaining = _window(now, limit.seconds)
        # Keys carry a hash of the caller key only; raw identifiers (e-mail addresses) stay out of Redis.
        digest = hashlib.sha256(key.encode()).hexdigest()[:32]
        redis_key = f"trustdesk:rl:{bucket}:{digest}:{start}"
        previous_key = f"trustdesk:rl:{bucket}:{digest}:{start - limit.seconds}"
        pipe = self._redis.pipeline()
        pipe.incr(redis_key)
        pipe.expire(redis_key, 2 * limit.seconds + 1)
        pipe.get(previous_key)
        count, _, previous = pipe.execute()
        if _sliding_count(int(previous or 0), int(count), now, start, limit.seconds) > limit.count:
            return Decision(False, max(remaining, 1))
        return Decision(True, 0)


def make_rate_limiter(redis_url: str | None) -> RateLimiter:
    if not redis_url:
        return MemoryRateLimiter()
    import redis

    # Short timeouts: a request must not hang on an unreachable Redis before falling back.
    return RedisRateLimiter(redis.Redis.from_url(redis_url, socket_connect_timeout=0.5, socket_timeout=0.5))
