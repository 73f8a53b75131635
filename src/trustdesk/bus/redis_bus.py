"""Fan-out across server processes through Redis pub/sub.

Every process publishes its events on one Redis channel and delivers what it hears to its
own subscribers. Local subscribers get local events straight away (no round trip). When
Redis is unreachable, publishing is skipped (the store keeps everything); once the
connection is back every process tells its subscribers to catch up from the store.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import secrets
from collections.abc import Iterable
from typing import Any

from trustdesk.bus.local import Event, LocalBus

log = logging.getLogger("trustdesk.bus")

CHANNEL = "trustdesk:events"


class RedisBus(LocalBus):
    def __init__(self, url: str, channel: str = CHANNEL) -> None:
        super().__init__()
        self._url = url
        self._channel = channel
        self.instance = secrets.token_hex(6)
        self._outbox: asyncio.Queue[str] | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self.connected = False
        self.publish_failures = 0
        self._missed = False  # a publish failed: peers must resync once we are back

    @property
    def backend(self) -> str:
        return "redis"

    async def start(self) -> None:
        await super().start()
        self._outbox = asyncio.Queue(maxsize=100_000)
        self._tasks = [
            asyncio.create_task(self._listen(), name="bus-listen"),
            asyncio.create_task(self._send(), name="bus-send"),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._tasks = []
        await super().stop()

    def publish(self, topics: Iterable[str], event: Event) -> None:
        topics = tuple(topics)
        self.published += 1
        self._publish_local(topics, event)
        frame = json.dumps({"o": self.instance, "t": topics, "e": event}, separators=(",", ":"), default=str)
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        try:
            loop.call_soon_threadsafe(self._enqueue, frame)
        except RuntimeError:
            pass

    def _enqueue(self, frame: str) -> None:
        if self._outbox is None:
            return
        try:
            self._outbox.put_nowait(frame)
        except asyncio.QueueFull:
            self._missed = True

    def _client(self) -> Any:
        import redis.asyncio as aioredis

        return aioredis.Redis.from_url(self._url, socket_connect_timeout=2, health_check_interval=5)

    async def _send(self) -> None:
        assert self._outbox is not None
        client = self._client()
        try:
            while True:
                frame = await self._outbox.get()
                batch = [frame]
                while not self._outbox.empty() and len(batch) < 500:
                    batch.append(self._outbox.get_nowait())
                try:
                    pipe = client.pipeline(transaction=False)
                    if self._missed:
                        pipe.publish(self._channel, json.dumps({"o": self.instance, "resync": True}))
                    for item in batch:
                        pipe.publish(self._channel, item)
                    await pipe.execute()
                    self._missed = False
                except Exception as exc:  # noqa: BLE001 - Redis down: the store has it all
                    self.publish_failures += len(batch)
                    if not self._missed:
                        log.warning(
                            "redis publish failed; live fan-out degraded", extra={"error": type(exc).__name__}
                        )
                    self._missed = True
                    await asyncio.sleep(0.2)
        finally:
            await client.aclose()

    async def _listen(self) -> None:
        delay = 0.2
        first = True
        while True:
            client = self._client()
            try:
                pubsub = client.pubsub(ignore_subscribe_messages=True)
                await pubsub.subscribe(self._channel)
                self.connected = True
                delay = 0.2
                if not first:
                    log.info("redis fan-out restored; subscribers catch up from the store")
                    self.resync_all()
                first = False
                while True:
                    message = await pubsub.get_message(timeout=5.0)
                    if message is None:
                        await pubsub.ping()
                        continue
                    self._receive(message.get("data"))
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - reconnect with backoff, whatever went wrong
                if self.connected:
                    log.warning("redis fan-out lost; reconnecting", extra={"error": type(exc).__name__})
                self.connected = False
                first = False
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
            finally:
                with contextlib.suppress(Exception):
                    await client.aclose()

    def _receive(self, data: Any) -> None:
        try:
            frame = json.loads(data)
        except (TypeError, ValueError):
            return
        if not isinstance(frame, dict) or frame.get("o") == self.instance:
            return
        if frame.get("resync"):
            self.resync_all()
            return
        topics = frame.get("t")
        event = frame.get("e")
        if isinstance(topics, list) and isinstance(event, dict):
            self._deliver(tuple(str(t) for t in topics), event)
