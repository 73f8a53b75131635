"""The live bus: thread-safe publishing, topic routing, overflow -> resync, and Redis fan-out between buses."""

from __future__ import annotations

import asyncio
import threading

from trustdesk.bus import RESYNC, LocalBus, RedisBus


def test_events_reach_followers_of_their_topics_only_from_any_thread() -> None:
    async def scenario() -> list[dict]:
        bus = LocalBus()
        await bus.start()
        sub = bus.subscribe()
        sub.follow("conv:1")
        other = bus.subscribe()
        other.follow("conv:2")
        worker = threading.Thread(target=bus.publish, args=(["conv:1", "queue:1"], {"n": 1}))
        worker.start()
        worker.join()
        bus.publish(["conv:2"], {"n": 2})
        got = [await asyncio.wait_for(sub.get(), 1)]
        assert await asyncio.wait_for(other.get(), 1) == {"n": 2}
        sub.close()
        bus.publish(["conv:1"], {"n": 3})
        assert bus.subscriber_count() == 1
        return got

    assert asyncio.run(scenario()) == [{"n": 1}]


def test_an_event_for_many_sockets_reaches_each_once_and_in_order_from_a_worker_thread() -> None:
    async def scenario() -> None:
        bus = LocalBus()
        await bus.start()
        customer, agent, watcher = bus.subscribe(), bus.subscribe(), bus.subscribe()
        customer.follow("conv:1")
        agent.follow("conv:1")
        agent.follow("agent:7")  # follows both topics of the event: still one copy
        watcher.follow("queue:1")

        def publish_burst() -> None:
            for n in range(50):
                bus.publish(["conv:1", "agent:7", "queue:1"], {"n": n})

        worker = threading.Thread(target=publish_burst)
        worker.start()
        worker.join()
        for sub in (customer, agent, watcher):
            got = [(await asyncio.wait_for(sub.get(), 1))["n"] for _ in range(50)]
            assert got == list(range(50))
            assert sub._queue.empty()  # no duplicates behind them

    asyncio.run(scenario())


def test_a_slow_reader_is_told_to_resync_instead_of_growing_without_bound() -> None:
    async def scenario() -> list[object]:
        bus = LocalBus()
        await bus.start()
        sub = bus.subscribe(maxsize=3)
        sub.follow("conv:1")
        for n in range(10):
            bus.publish(["conv:1"], {"n": n})
        first = await sub.get()
        bus.publish(["conv:1"], {"n": 99})
        return [first, await sub.get()]

    first, after = asyncio.run(scenario())
    assert first is RESYNC and after == {"n": 99}


def test_redis_bus_carries_events_between_processes_and_skips_its_own(private_redis) -> None:  # type: ignore[no-untyped-def]
    async def scenario() -> tuple[dict, bool]:
        a, b = RedisBus(private_redis.url), RedisBus(private_redis.url)
        await a.start()
        await b.start()
        try:
            for _ in range(50):
                if a.connected and b.connected:
                    break
                await asyncio.sleep(0.05)
            on_a, on_b = a.subscribe(), b.subscribe()
            on_a.follow("conv:7")
            on_b.follow("conv:7")
            a.publish(["conv:7"], {"type": "message", "seq": 1})
            remote = await asyncio.wait_for(on_b.get(), 3)
            local = await asyncio.wait_for(on_a.get(), 1)
            assert local == remote
            # A's own event comes back from Redis too, but must not be delivered twice.
            await asyncio.sleep(0.3)
            return remote, on_a._queue.empty()
        finally:
            await a.stop()
            await b.stop()

    remote, no_echo = asyncio.run(scenario())
    assert remote == {"type": "message", "seq": 1} and no_echo
