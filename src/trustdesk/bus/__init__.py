"""Live fan-out of events to connected sockets: in-process by default, Redis for several instances.

bus = make_bus(settings.redis_url)
await bus.start()
sub = bus.subscribe(); sub.follow("conv:42")
bus.publish(["conv:42"], {"type": "message", ...})   # thread-safe
event = await sub.get()                               # or RESYNC: catch up from the store
"""

from __future__ import annotations

from trustdesk.bus.local import RESYNC, Event, LocalBus, Subscription
from trustdesk.bus.redis_bus import RedisBus


def make_bus(redis_url: str | None) -> LocalBus:
    """A Redis-backed bus when `redis_url` is set, else the in-process one."""
    return RedisBus(redis_url) if redis_url else LocalBus()


def conversation_topic(conversation_id: int) -> str:
    """Everything that happens in one conversation (messages, status)."""
    return f"conv:{conversation_id}"


def queue_topic(tenant_id: int) -> str:
    """A retailer's queue: new and unassigned conversations, assignment and status changes."""
    return f"queue:{tenant_id}"


def agent_topic(user_id: int) -> str:
    """Updates about the conversations assigned to one agent."""
    return f"agent:{user_id}"


__all__ = [
    "RESYNC",
    "Event",
    "LocalBus",
    "RedisBus",
    "Subscription",
    "agent_topic",
    "conversation_topic",
    "make_bus",
    "queue_topic",
]
