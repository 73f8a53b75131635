"""The channels registered with the desk: which job sends an answer in each kind of conversation,
and the bot that answers new chats. Only here do the pipeline and the channels meet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session, sessionmaker

from trustdesk.bus import LocalBus
from trustdesk.conversations.domain import Channel
from trustdesk.conversations.pipeline import Desk, ReplyJob
from trustdesk.mailchannel import MAIL_SEND_JOB

if TYPE_CHECKING:
    from trustdesk.botdesk import BotService
    from trustdesk.ratelimit import RateLimiter
    from trustdesk.runtime.server import Runtime


def add_mail(desk: Desk, settings: Any = None) -> None:
    """The e-mail channel: a public answer in an e-mail conversation is sent as a "mail.send" job,
    retried up to TRUSTDESK_SMTP_RELAY_MAX_ATTEMPTS times."""
    attempts = int(getattr(settings, "smtp_relay_max_attempts", 8) or 8)
    desk.reply_jobs[Channel.EMAIL.value] = ReplyJob(MAIL_SEND_JOB, max_attempts=attempts)


def build_desk(sessions: sessionmaker[Session], *, bus: LocalBus | None = None, settings: Any = None) -> Desk:
    """The pipeline's desk with every channel's answer job registered: what any process that writes
    messages needs (the server, `trustdesk jobs work`, `trustdesk mailboxes work`)."""
    desk = Desk(sessions, bus=bus, settings=settings)
    add_mail(desk, settings)
    return desk


def install_bot(runtime: Runtime, *, rate_limiter: RateLimiter | None = None) -> BotService:
    """Register the bot with a server's runtime (its workers answer; its desk opens chats with the bot)
    and start loading the models of the retailers that have it on."""
    from trustdesk.botdesk import register

    service = register(runtime.desk, runtime.handlers, runtime.services, rate_limiter=rate_limiter)
    service.warm_up()
    return service
