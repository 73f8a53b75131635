"""In-process fan-out of live events to subscribers (sockets) of one server process.

The bus is a courtesy, not a record: the store is the truth. A subscriber that falls behind
or misses events (queue overflow, Redis outage) receives a RESYNC marker and catches up from
the store by sequence number.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Iterable
from typing import Any

log = logging.getLogger("trustdesk.bus")

RESYNC: dict[str, Any] = {"type": "_resync"}
"""Marker pushed to subscribers that may have missed events: re-read the store."""

Event = dict[str, Any]


class Subscription:
    """One consumer's inbox (a socket): a bounded queue fed from the topics it follows."""

    def __init__(self, bus: LocalBus, maxsize: int = 2000) -> None:
        self._bus = bus
        # Bound to the loop of the socket that reads it; publishers on other threads hop onto it.
        self._loop = asyncio.get_running_loop()
        self._thread = threading.get_ident()
        self._queue: asyncio.Queue[Event] = asyncio.Queue(maxsize=maxsize)
        self.topics: set[str] = set()
        self._overflowed = False

    def follow(self, topic: str) -> None:
        """Receive events published on `topic` from now on."""
        if topic not in self.topics:
            self.topics.add(topic)
            self._bus._add(topic, self)

    def unfollow(self, topic: str) -> None:
        """Stop receiving `topic`."""
        if topic in self.topics:
            self.topics.discard(topic)
            self._bus._remove(topic, self)

    def close(self) -> None:
        """Stop receiving everything."""
        for topic in list(self.topics):
            self.unfollow(topic)

    def push(self, event: Event) -> None:
        """Queue `event` for the reader; safe from any thread."""
        if threading.get_ident() == self._thread:
            self._push_now(event)
            return
        try:
            self._loop.call_soon_threadsafe(self._push_now, event)
        except RuntimeError:  # the reader's loop has closed: nobody to deliver to
            pass

    def _push_now(self, event: Event) -> None:
        if self._overflowed:
            return
        try:
            self._queue.put_nowait(event)
        except asyncio.QueueFull:
            # Too slow a reader: drop what is queued and ask it to catch up from the store.
            self._overflowed = True
            while not self._queue.empty():
                self._queue.get_nowait()
            self._queue.put_nowait(RESYNC)

    async def get(self) -> Event:
        """The next event (or the RESYNC marker)."""
        event = await self._queue.get()
        if event is RESYNC:
            self._overflowed = False
        return event


def _push_all(subs: list[Subscription], event: Event) -> None:
    for sub in subs:
        sub._push_now(event)


class LocalBus:
    """Fan-out inside one process. `publish` is thread-safe and never blocks or raises."""

    def __init__(self) -> None:
        self._topics: dict[str, set[Subscription]] = {}
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self.published = 0

    @property
    def backend(self) -> str:
        return "memory"

    async def start(self) -> None:
        """Bind to the running event loop (call from the server's startup)."""
        self._loop = asyncio.get_running_loop()

    async def stop(self) -> None:
        """Release resources; subscribers simply receive nothing more."""
        self._loop = None

    def subscribe(self, maxsize: int = 2000) -> Subscription:
        """A new inbox for the calling event loop (a socket handler)."""
        return Subscription(self, maxsize)

    def _add(self, topic: str, sub: Subscription) -> None:
        with self._lock:
            self._topics.setdefault(topic, set()).add(sub)

    def _remove(self, topic: str, sub: Subscription) -> None:
        with self._lock:
            subs = self._topics.get(topic)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._topics[topic]

    def publish(self, topics: Iterable[str], event: Event) -> None:
        """Send `event` to everyone following any of `topics` (from any thread)."""
        topics = tuple(topics)
        self.published += 1
        self._publish_local(topics, event)

    def _publish_local(self, topics: tuple[str, ...], event: Event) -> None:
        self._deliver(topics, event)

    def _deliver(self, topics: tuple[str, ...], event: Event) -> None:
        with self._lock:
            targets = {id(sub): sub for topic in topics for sub in self._topics.get(topic, ())}
        if len(targets) < 2:
            for sub in targets.values():
                sub.push(event)
            return
        # From a worker thread, one wake-up per event loop instead of one per socket.
        here = threading.get_ident()
        by_loop: dict[asyncio.AbstractEventLoop, list[Subscription]] = {}
        for sub in targets.values():
            if sub._thread == here:
                sub._push_now(event)
            else:
                by_loop.setdefault(sub._loop, []).append(sub)
        for loop, subs in by_loop.items():
            try:
                loop.call_soon_threadsafe(_push_all, subs, event)
            except RuntimeError:  # that loop has closed: nobody there to deliver to
                pass

    def resync_all(self) -> None:
        """Tell every local subscriber to catch up from the store (after a fan-out outage)."""
        with self._lock:
            subs = {id(s): s for group in self._topics.values() for s in group}
        for sub in subs.values():
            sub.push(RESYNC)

    def subscriber_count(self) -> int:
        with self._lock:
            return len({id(s) for group in self._topics.values() for s in group})
