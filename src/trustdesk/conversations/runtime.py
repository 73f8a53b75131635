"""The live parts of a server process: the bus, the job workers and the desk the pipeline runs on."""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from trustdesk.bus import LocalBus, make_bus
from trustdesk.conversations.pipeline import Desk
from trustdesk.conversations.writer import ChatWriter
from trustdesk.jobs import Handler, Worker
from trustdesk.ratelimit import Limit
from trustdesk.secretbox import SecretBox
from trustdesk.webhooks import JOB_KIND as WEBHOOK_JOB
from trustdesk.webhooks import deliver


def parse_limit(raw: str) -> Limit:
    """A limit written "count/seconds" (validated by Settings)."""
    count, _, seconds = raw.partition("/")
    return Limit(int(count), int(seconds or 60))


def _limit(name: str, default: str) -> Limit:
    """A limit from the environment variable `name`, else `default` (for use without Settings)."""
    return parse_limit(os.environ.get(name, default))


@dataclass
class ChatLimits:
    """Flood limits for chat. Overridable per deployment (e.g. load tests) through the environment."""

    start_per_ip: Limit = field(default_factory=lambda: _limit("TRUSTDESK_CHAT_START_PER_IP", "20/60"))
    send_per_ip: Limit = field(default_factory=lambda: _limit("TRUSTDESK_CHAT_SEND_PER_IP", "240/60"))
    send_per_conversation: Limit = field(
        default_factory=lambda: _limit("TRUSTDESK_CHAT_SEND_PER_CONVERSATION", "20/10")
    )
    max_frame_bytes: int = 64 * 1024
    max_bad_frames: int = 20

    @classmethod
    def from_settings(cls, settings: Any) -> ChatLimits:
        """The limits a deployment configured (TRUSTDESK_CHAT_*), validated by Settings."""
        return cls(
            start_per_ip=parse_limit(settings.chat_start_per_ip),
            send_per_ip=parse_limit(settings.chat_send_per_ip),
            send_per_conversation=parse_limit(settings.chat_send_per_conversation),
        )


def default_handlers() -> dict[str, Handler]:
    """The job kinds every server (and `trustdesk jobs work`) runs; other parts add theirs."""
    from trustdesk.accounts.admin_notices import ADMIN_NOTICE_JOB, send_admin_notice
    from trustdesk.mailchannel import MAIL_SEND_JOB
    from trustdesk.mailchannel.report_inbox import ANSWER_JOB, send_report_answer
    from trustdesk.mailchannel.sender import send_reply
    from trustdesk.privacy.retention_runs import RETENTION_JOB, run_retention_job
    from trustdesk.reports.service import send_alert_email
    from trustdesk.satisfaction.invite import send_invite
    from trustdesk.satisfaction.service import INVITE_JOB

    return {
        WEBHOOK_JOB: deliver,
        "reports.alert_email": send_alert_email,
        MAIL_SEND_JOB: send_reply,
        ANSWER_JOB: send_report_answer,
        ADMIN_NOTICE_JOB: send_admin_notice,
        RETENTION_JOB: run_retention_job,
        INVITE_JOB: send_invite,
    }


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
) -> Runtime:
    """Wire bus, desk and workers (`workers`: in-process job workers; default TRUSTDESK_JOB_WORKERS or 1)."""
    count = int(os.environ.get("TRUSTDESK_JOB_WORKERS", "1")) if workers is None else workers
    bus = make_bus(redis_url)
    services: dict[str, Any] = {"box": box}
    registry = handlers if handlers is not None else default_handlers()
    # One shared registry: another part registers its job kind with runtime.handlers[kind] = fn.
    pool = [Worker(sessions, registry, services) for _ in range(max(0, count))]
    desk = Desk(sessions, bus=bus)
    runtime = Runtime(desk, bus, pool, limits or ChatLimits(), services, registry, ChatWriter(desk))
    runtime.desk.wake_workers = runtime.wake_workers
    return runtime
