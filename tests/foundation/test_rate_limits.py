"""Rate limits: fixed windows in process, and one shared budget across instances through Redis."""

from __future__ import annotations

import uuid

import pytest

from trustdesk.ratelimit import Limit, MemoryRateLimiter, RedisRateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


def test_memory_limiter_blocks_then_resets() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(clock)
    limit = Limit(3, 60)
    assert [limiter.hit("login", "ip", limit).allowed for _ in range(4)] == [True, True, True, False]
    assert limiter.hit("login", "other-ip", limit).allowed
    blocked = limiter.hit("login", "ip", limit)
    assert not blocked.allowed and 1 <= blocked.retry_after <= 60
    clock.now += 120  # once the old window has slid away the full budget is back
    assert [limiter.hit("login", "ip", limit).allowed for _ in range(4)] == [True, True, True, False]


def test_a_burst_across_a_window_edge_gets_no_double_budget() -> None:
    clock = Clock()
    clock.now = 1_000_000 // 60 * 60 + 59.5  # half a second before a window edge
    limiter = MemoryRateLimiter(clock)
    limit = Limit(10, 60)
    allowed = 0
    for _ in range(30):
        allowed += limiter.hit("chat", "conv", limit).allowed
        clock.now += 0.05
    assert allowed == 10


@pytest.mark.redis
def test_redis_limiter_is_shared_between_instances(redis_url: str) -> None:
    import redis

    bucket = f"test-{uuid.uuid4().hex}"
    first = RedisRateLimiter(redis.Redis.from_url(redis_url))
    second = RedisRateLimiter(redis.Redis.from_url(redis_url))
    limit = Limit(4, 60)
    results = [(first if i % 2 else second).hit(bucket, "203.0.113.9", limit).allowed for i in range(6)]
    assert results == [True, True, True, True, False, False]
    client = redis.Redis.from_url(redis_url)
    keys = [k.decode() for k in client.scan_iter(f"trustdesk:rl:{bucket}:*")]
    assert keys and all("203.0.113.9" not in k for k in keys)  # identifiers are hashed, never stored raw
    assert 0 < client.ttl(keys[0]) <= 121


def test_hsts_only_behind_tls(migrated_engine, database_url, settings_factory) -> None:  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    from trustdesk.web.app import create_app

    plain = TestClient(create_app(settings_factory(database_url), engine=migrated_engine)).get("/healthz")
    assert "strict-transport-security" not in plain.headers
    tls = TestClient(create_app(settings_factory(database_url, behind_tls=True), engine=migrated_engine)).get(
        "/healthz"
    )
    assert tls.headers["strict-transport-security"].startswith("max-age=31536000")


def test_redis_outage_keeps_limits_per_instance_instead_of_failing(caplog: pytest.LogCaptureFixture) -> None:
    import socket

    import redis

    with socket.socket() as probe:  # a port nobody listens on: Redis is "down"
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = RedisRateLimiter(redis.Redis(host="127.0.0.1", port=port, socket_connect_timeout=0.2))
    limit = Limit(3, 60)
    with caplog.at_level("WARNING", logger="trustdesk.ratelimit"):
        results = [down.hit("login", "203.0.113.9", limit).allowed for _ in range(5)]
    assert results == [True, True, True, False, False]  # still limited, no exception
    assert down.hit("login", "198.51.100.1", limit).allowed  # other callers keep their own budget
    warnings = [r for r in caplog.records if "Redis unavailable" in r.getMessage()]
    assert len(warnings) == 1  # logged once per outage interval, not per request
    assert "203.0.113.9" not in caplog.text
