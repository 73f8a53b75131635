"""The live parts of a server process: the bus, the job workers and the desk the pipeline runs on."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from trustdesk.bus import LocalBus, make_bus
from trustdesk.conversations.pipeline import Desk
from trustdesk.conversations.writer import ChatWriter
from trustdesk.jobs import Handler, Worker
from trustdesk.runtime.channels import build_desk
from trustdesk.runtime.handlers import default_handlers
from trustdesk.runtime.limits import ChatLimits
from trustdesk.secretbox import SecretBox


@dataclass
class Runtime:
    desk: Desk
    bus: LocalBus
    workers: list[Worker]
    limits: ChatLimits
    services: dict[str, Any]
    handlers: dict[str, Handler]
    chat_writer: ChatWriter
    starts: int = 0

    @property
    def started(self) -> bool:
        return self.starts > 0

    async def start(self) -> None:
        """Start the bus and the job workers (from the server's lifespan; nested starts are counted)."""
        self.starts += 1
        if self.starts > 1:
            return
        await self.bus.start()
        for worker in self.workers:
            worker.start()

    async def stop(self) -> None:
        """Stop workers (finishing the job in hand) and the bus, when the last starter stops."""
        self.starts -= 1
        if self.starts > 0:
            return
        for worker in self.workers:
            await asyncio.to_thread(worker.stop)
        await asyncio.to_thread(self.chat_writer.stop)  # sends already queued are stored first
        await self.bus.stop()

    def wake_workers(self) -> None:
        for worker in self.workers:
            worker.wake()


def build_runtime(
    sessions: sessionmaker[Session],
    box: SecretBox,
    *,
    redis_url: str | None,
    workers: int | None = None,
    handlers: dict[str, Handler] | None = None,
    limits: ChatLimits | None = None,
    settings: Any = None,
) -> Runtime:
    """Wire bus, desk (with its channels) and workers (`workers`: in-process job workers; default
    TRUSTDESK_JOB_WORKERS or 1). `settings` reach the desk and the job handlers (e.g. the relay)."""
    count = int(os.environ.get("TRUSTDESK_JOB_WORKERS", "1")) if workers is None else workers
    bus = make_bus(redis_url)
    services: dict[str, Any] = {"box": box}
    if settings is not None:
        services["settings"] = settings  # e.g. the mail job's relay settings
        services["webhook_allow_private"] = settings.webhook_allow_private_networks
    registry = handlers if handlers is not None else default_handlers()
    # One shared registry: another part registers its job kind with runtime.handlers[kind] = fn.
    pool = [Worker(sessions, registry, services) for _ in range(max(0, count))]
    desk = build_desk(sessions, bus=bus, settings=settings)
    services["desk"] = desk  # handlers that announce to the agents' queue (sla.sweep)
    runtime = Runtime(desk, bus, pool, limits or ChatLimits(), services, registry, ChatWriter(desk))
    runtime.desk.wake_workers = runtime.wake_workers
    return runtime
