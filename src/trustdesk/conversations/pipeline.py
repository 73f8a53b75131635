"""The one intake pipeline every message goes through, whatever its channel.

Why one module: it is the one pipeline; posting and starting a conversation share its lock, screen, store and announce steps, whose order must read in one place.

    normalise -> guard (redact customer secrets, block agent/bot asks) -> store message and
    outbox jobs in ONE transaction (next seq taken under the conversation's row lock)
    -> after commit publish to the bus -> route (bot, queue or the assigned agent)

Nothing un-guarded is written anywhere: not the database, a log line, the bus or a job.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from datetime import timedelta
from types import SimpleNamespace
from typing import Any, cast

from sqlalchemy import Connection, Table, bindparam, insert, select, tuple_, update
from sqlalchemy.orm import Session, sessionmaker

from trustdesk.audit.log import record
from trustdesk.authenticity.service import record_outbound
from trustdesk.bus import agent_topic, conversation_topic, queue_topic
from trustdesk.bus.local import LocalBus
from trustdesk.conversations.domain import (
    Author,
    AuthorKind,
    Channel,
    ConversationError,
    ConversationNotFound,
    MessageBlocked,
    Status,
    Visibility,
    check_client_msg_id,
    clean_line,
    new_access_token,
    new_public_id,
    new_reference,
    normalise_body,
    status_after_message,
)
from trustdesk.conversations.views import conversation_dict, customer_conversation_dict, message_dict
from trustdesk.guard import Policy, ScanResult, scan, wants_context
from trustdesk.i18n.languages import supported
from trustdesk.jobs import enqueue
from trustdesk.store.models import Conversation, Customer, Message, Tenant, User, WebhookEndpoint, utcnow
from trustdesk.tenancy.guard_policy import get_policy
from trustdesk.webhooks import enqueue_event

log = logging.getLogger("trustdesk.conversations")

BOT_JOB = "bot.turn"
_MESSAGES = cast(Table, Message.__table__)
_CONVERSATIONS = cast(Table, Conversation.__table__)

# The hot path's statements are built once: SQLAlchemy memoises a statement's cache key, so reusing
# the objects skips clause coercion and key generation on every message. They are Core statements
# (no unit-of-work bookkeeping); a batch of sends costs four statements, not three per send.
_CONVERSATION_KEY = tuple_(_CONVERSATIONS.c.tenant_id, _CONVERSATIONS.c.public_id)
_LOCK_CONVERSATIONS = (
    select(_CONVERSATIONS)
    .where(_CONVERSATION_KEY.in_(bindparam("keys", expanding=True)))
    .order_by(_CONVERSATIONS.c.id)  # one lock order for every writer: no deadlocks on PostgreSQL
    .with_for_update()
)
_CLIENT_MSG_IDS_TAKEN = select(_MESSAGES.c.conversation_id, _MESSAGES.c.client_msg_id).where(
    tuple_(_MESSAGES.c.conversation_id, _MESSAGES.c.client_msg_id).in_(bindparam("keys", expanding=True))
)
_INSERT_MESSAGES = insert(_MESSAGES)
_CONVERSATION_COLUMNS_A_MESSAGE_CHANGES = (
    "last_seq",
    "updated_at",
    "status",
    "resolved_at",
    "first_response_at",
    "last_message_at",
    "bot_active",
)
_CONVERSATION_AFTER_MESSAGE = (
    update(_CONVERSATIONS)
    .where(_CONVERSATIONS.c.id == bindparam("conv_id"))
    .values({column: bindparam(f"new_{column}") for column in _CONVERSATION_COLUMNS_A_MESSAGE_CHANGES})
)


# A channel adapter's hook, run inside the message's transaction after it is stored:
# (session, conversation (its columns as attributes), seq) -> extra fields for the message as published
# and returned.
StoreHook = Callable[[Session, Any, int], dict[str, Any] | None]


# The author's own recent messages are judged with a new one (a card typed in chunks, "what's your" …
# "password?"): the last few public ones within a few minutes, as stored.
CONTEXT_MESSAGES = 3
CONTEXT_WINDOW = timedelta(minutes=10)
_AUTHOR_RECENT = (
    select(_MESSAGES.c.body)
    .select_from(_MESSAGES.join(_CONVERSATIONS, _CONVERSATIONS.c.id == _MESSAGES.c.conversation_id))
    .where(
        _CONVERSATIONS.c.tenant_id == bindparam("tenant_id"),
        _CONVERSATIONS.c.public_id == bindparam("public_id"),
        _MESSAGES.c.author_kind == bindparam("kind"),
        _MESSAGES.c.visibility == Visibility.PUBLIC.value,
        _MESSAGES.c.created_at >= bindparam("since"),
    )
    .order_by(_MESSAGES.c.seq.desc())
    .limit(CONTEXT_MESSAGES)
)
PEOPLE_TTL_SECONDS = 30.0
WEBHOOKS_TTL_SECONDS = 2.0
# A policy change reaches this process at once (the API forgets it) and other instances within this.
POLICY_TTL_SECONDS = 1.0


@dataclass(frozen=True)
class Person:
    """What messages and summaries show of a staff member."""

    id: int
    display_name: str
    agent_number: str | None


@dataclass(frozen=True)
class ReplyJob:
    """How a channel sends the desk's public answers in its conversations: a durable job of this kind,
    enqueued in the answer's own transaction (the pipeline knows the kind only by this name)."""

    kind: str
    max_attempts: int = 8


class ChannelNotWired(RuntimeError):
    """An answer needs a channel's job that no one registered: a desk not built by trustdesk.runtime."""


@dataclass
class Desk:
    """What the pipeline needs from the running deployment: sessions, the bus, a way to wake workers,
    and the jobs the channels registered (built and wired by trustdesk.runtime)."""

    sessions: sessionmaker[Session]
    bus: LocalBus | None = None
    wake_workers: Callable[[], None] | None = None
    bot_turns: bool = False  # set once a "bot.turn" job handler is registered
    # With the bot installed: (session, tenant_id) -> (bot's name, disclosure text, initial bot state)
    # when the retailer's bot answers new chats, else None.
    # (session, tenant id, the page's language or None) -> the bot's name, disclosure and state.
    bot_opening: Callable[[Session, int, str | None], tuple[str, str, dict[str, Any]] | None] | None = None
    # The app's settings: outbound references are fingerprinted with the key the check page uses.
    settings: Any = None
    # Conversation channel ("email") -> the job that sends the desk's answers there, registered by the
    # channel at the composition root (trustdesk.runtime.channels).
    reply_jobs: dict[str, ReplyJob] = field(default_factory=dict)
    _brands: dict[int, str] = field(default_factory=dict)
    _people: dict[int, tuple[float, Person]] = field(default_factory=dict)
    _webhooks: dict[int, tuple[float, bool]] = field(default_factory=dict)
    _policies: dict[int, tuple[float, Policy]] = field(default_factory=dict)
    _write_lock: threading.Lock = field(default_factory=threading.Lock)

    def reply_job(self, channel: str) -> ReplyJob:
        """The job that sends an answer in a conversation of this channel; ChannelNotWired if none is
        registered (the answer is refused before anything is written rather than stored and never sent)."""
        job = self.reply_jobs.get(channel)
        if job is None:
            raise ChannelNotWired(
                f"no job sends answers in {channel} conversations (build the desk with trustdesk.runtime)"
            )
        return job

    def writing(self) -> AbstractContextManager[Any]:
        """Serialise this process's pipeline writes on SQLite (one writer anyway): threads queue on a
        lock instead of SQLite's busy-wait sleeps, which would otherwise add long latency tails."""
        bind = self.sessions.kw.get("bind")
        if bind is not None and bind.dialect.name == "sqlite":
            return self._write_lock
        return nullcontext()

    def person(self, session: Session, user_id: int | None) -> Person | None:
        """Name and agent number of a staff member (cached briefly: read on every message)."""
        if user_id is None:
            return None
        cached = self._people.get(user_id)
        now = time.monotonic()
        if cached is not None and now - cached[0] < PEOPLE_TTL_SECONDS:
            return cached[1]
        user = session.get(User, user_id)
        if user is None:
            return None
        person = Person(user.id, user.display_name, user.agent_number)
        self._people[user_id] = (now, person)
        return person

    def has_webhooks(self, session: Session, tenant_id: int) -> bool:
        """Whether the tenant has an active webhook endpoint (cached for a moment; see forget_webhooks)."""
        cached = self._webhooks.get(tenant_id)
        now = time.monotonic()
        if cached is not None and now - cached[0] < WEBHOOKS_TTL_SECONDS:
            return cached[1]
        found = (
            session.scalar(
                select(WebhookEndpoint.id)
                .where(WebhookEndpoint.tenant_id == tenant_id, WebhookEndpoint.is_active.is_(True))
                .limit(1)
            )
            is not None
        )
        self._webhooks[tenant_id] = (now, found)
        return found

    def forget_webhooks(self, tenant_id: int) -> None:
        """Drop the cached answer after endpoints change in this process (others see it within the TTL)."""
        self._webhooks.pop(tenant_id, None)

    def screening(self, tenant_id: int) -> tuple[str, Policy]:
        """The retailer's name and guard policy for scanning a message, from a short-lived cache:
        most messages are scanned without touching the database."""
        now = time.monotonic()
        cached = self._policies.get(tenant_id)
        if cached is not None and now - cached[0] < POLICY_TTL_SECONDS and tenant_id in self._brands:
            return self._brands[tenant_id], cached[1]
        with self.sessions() as read:
            brand = self.brand(read, tenant_id)
            policy = get_policy(read, tenant_id)  # the retailer's own redaction choices and custom detectors
            read.rollback()
        self._policies[tenant_id] = (now, policy)
        return brand, policy

    def forget_policy(self, tenant_id: int) -> None:
        """Drop the cached policy after it changed in this process."""
        self._policies.pop(tenant_id, None)

    def brand(self, session: Session, tenant_id: int) -> str:
        if tenant_id not in self._brands:
            tenant = session.get(Tenant, tenant_id)
            if tenant is None:
                raise ConversationNotFound("unknown retailer")
            self._brands[tenant_id] = tenant.name
        return self._brands[tenant_id]

    def publish(self, topics: list[str], event: dict[str, Any]) -> None:
        if self.bus is not None:
            self.bus.publish(topics, event)


@dataclass(frozen=True)
class Posted:
    """The outcome of a send: the stored message (staff view), and whether it was a retry."""

    message: dict[str, Any]
    conversation: dict[str, Any]
    duplicate: bool
    notice: dict[str, Any] | None = None  # the system line telling the customer what was removed
    conversation_pk: int = 0


@dataclass(frozen=True)
class Started:
    conversation: dict[str, Any]
    access_token: str
    conversation_pk: int
    posted: Posted | None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def client_key(ip: str | None) -> str | None:
    """A short hash of the client's address: enough to rate-limit bot order look-ups per client,
    without putting the address itself in a job payload."""
    return hashlib.sha256(f"bot-client:{ip}".encode()).hexdigest()[:24] if ip else None


def guard_summary(result: ScanResult) -> list[dict[str, Any]]:
    """Types, actions and display forms of what the guard acted on: never raw values."""
    return [
        {"type": str(f.type), "action": f.action, "display": f.display}
        for f in result.findings
        if f.action in ("redact", "block", "warn")
    ]


@dataclass(frozen=True)
class SendRequest:
    """One message to post; `post_messages` stores several of them in one transaction."""

    tenant_id: int
    conversation_public_id: str
    author: Author
    body: object
    client_msg_id: str | None = None
    internal: bool = False
    actor: str | None = None
    ip: str | None = None


@dataclass
class _Screened:
    """A send that passed the guard: what will be stored (redacted), not what was typed."""

    request: SendRequest
    client_msg_id: str | None
    visibility: Visibility
    brand: str
    result: ScanResult


@dataclass
class _Stored:
    posted: Posted
    rows: list[dict[str, Any]]
    published: list[tuple[list[str], dict[str, Any]]] = field(default_factory=list)
    jobs: int = 0


def post_message(
    desk: Desk,
    tenant_id: int,
    conversation_public_id: str,
    author: Author,
    body: object,
    *,
    client_msg_id: str | None = None,
    internal: bool = False,
    actor: str | None = None,
    ip: str | None = None,
    on_store: StoreHook | None = None,
) -> Posted:
    """Add one message to a conversation through the whole pipeline; the only way messages are written.

    Raises InvalidMessage/MessageTooLong for bad input, MessageBlocked when an agent or the bot
    asks for a secret (nothing stored; an audit entry records why), ConversationNotFound.
    Retrying with the same `client_msg_id` returns the stored message with duplicate=True.
    """
    request = SendRequest(tenant_id, conversation_public_id, author, body, client_msg_id, internal, actor, ip)
    screened = _screen(desk, request)
    with desk.writing(), desk.sessions() as session:
        connection = session.connection()
        conv = _lock(connection, [screened]).get((tenant_id, conversation_public_id))
        if conv is None:
            raise ConversationNotFound()
        if screened.client_msg_id is not None and _taken(connection, [(conv.id, screened.client_msg_id)]):
            return _already_stored(desk, session, screened)  # a retry: nothing was written
        stored = _compose(desk, session, screened, conv)
        _write(connection, stored.rows, [conv])
        if on_store is not None:
            extra = on_store(session, conv, stored.posted.message["seq"])
            if extra:
                stored.posted.message.update(extra)
        session.commit()
    _announce(desk, [stored])
    return stored.posted


def post_messages(desk: Desk, requests: list[SendRequest]) -> list[Posted | Exception]:
    """Post several messages with ONE commit (group commit): the outcome of each, in order.

    Each message is screened and stored exactly as `post_message` would, and all of them with four
    statements (lock the conversations, look for retries, insert the messages, update the conversations).
    One that fails (blocked, bad input, a retry already stored, an unknown conversation) fails before
    anything of it is written, so the others are unaffected. A database failure fails them all: nothing of
    the batch is kept, and clients retry with their client_msg_id (idempotent).
    """
    outcomes: list[Posted | Exception | None] = [None] * len(requests)
    screened: list[tuple[int, _Screened]] = []
    for index, request in enumerate(requests):
        try:
            screened.append((index, _screen(desk, request)))
        except Exception as exc:  # noqa: BLE001 - one send's failure (even a bug) is that send's outcome alone
            outcomes[index] = exc
    stored: list[_Stored] = []
    if screened:
        with desk.writing(), desk.sessions() as session:
            connection = session.connection()
            convs = _lock(connection, [item for _, item in screened])
            keys = {
                (conv.id, item.client_msg_id)
                for _, item in screened
                if item.client_msg_id is not None
                and (conv := convs.get((item.request.tenant_id, item.request.conversation_public_id)))
            }
            taken = _taken(connection, list(keys)) if keys else set()
            in_batch: dict[tuple[int, str], Posted] = {}
            retries: list[tuple[int, _Screened]] = []
            touched: dict[int, SimpleNamespace] = {}
            rows: list[dict[str, Any]] = []
            for index, item in screened:
                conv = convs.get((item.request.tenant_id, item.request.conversation_public_id))
                if conv is None:
                    outcomes[index] = ConversationNotFound()
                    continue
                key = (conv.id, item.client_msg_id) if item.client_msg_id is not None else None
                if key is not None and key in taken:
                    retries.append((index, item))  # answered after the writes, with current summaries
                    continue
                if key is not None and key in in_batch:
                    first = in_batch[key]  # sent twice in one batch: the second is a retry of the first
                    outcomes[index] = Posted(
                        first.message, first.conversation, True, None, first.conversation_pk
                    )
                    continue
                done = _compose(desk, session, item, conv)
                rows.extend(done.rows)
                touched[conv.id] = conv
                outcomes[index] = done.posted
                stored.append(done)
                if key is not None:
                    in_batch[key] = done.posted
            _write(connection, rows, list(touched.values()))
            for index, item in retries:
                try:
                    outcomes[index] = _already_stored(desk, session, item, end_transaction=False)
                except ConversationError as exc:
                    outcomes[index] = exc
            session.commit()
    _announce(desk, stored)
    return [outcome if outcome is not None else ConversationNotFound() for outcome in outcomes]


def _lock(connection: Connection, sends: list[_Screened]) -> dict[tuple[int, str], SimpleNamespace]:
    """Lock the conversations the sends go to (row locks on PostgreSQL; SQLite has one writer) and read
    them: (tenant id, public id) -> the conversation's columns, updated in memory as messages are added."""
    keys = list({(send.request.tenant_id, send.request.conversation_public_id) for send in sends})
    found = connection.execute(_LOCK_CONVERSATIONS, {"keys": keys})
    return {(row.tenant_id, row.public_id): SimpleNamespace(**row._mapping) for row in found}


def _taken(connection: Connection, keys: list[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which (conversation id, client_msg_id) pairs are stored already (exact: the rows are locked)."""
    return {
        (row.conversation_id, row.client_msg_id)
        for row in connection.execute(_CLIENT_MSG_IDS_TAKEN, {"keys": keys})
    }


def _write(connection: Connection, rows: list[dict[str, Any]], convs: list[SimpleNamespace]) -> None:
    """Insert the composed messages and bring their conversations up to date (one statement each)."""
    if not rows:
        return
    connection.execute(_INSERT_MESSAGES, rows)
    connection.execute(
        _CONVERSATION_AFTER_MESSAGE,
        [
            {
                "conv_id": conv.id,
                **{
                    f"new_{column}": getattr(conv, column)
                    for column in _CONVERSATION_COLUMNS_A_MESSAGE_CHANGES
                },
            }
            for conv in convs
        ],
    )


def _screen(desk: Desk, request: SendRequest) -> _Screened:
    """Normalise and guard a send (before any transaction): raises for bad input and blocked asks."""
    text = normalise_body(request.body)
    client_msg_id = check_client_msg_id(request.client_msg_id)
    author = request.author
    # Agents write notes; the bot writes one when it hands a conversation to them.
    staff_side = author.kind in (AuthorKind.AGENT, AuthorKind.BOT)
    visibility = Visibility.INTERNAL if request.internal and staff_side else Visibility.PUBLIC

    brand, policy = desk.screening(request.tenant_id)
    # Notes never reach the customer, so they are only redacted; public retailer text is checked for asks.
    direction = "inbound" if visibility == Visibility.INTERNAL else author.direction
    context = (
        _author_recent(desk, request)
        if visibility == Visibility.PUBLIC and wants_context(text, direction)
        else []
    )
    result = scan(text, direction, policy, brand=brand, context=context)  # type: ignore[arg-type]
    if result.blocked:
        _record_block(
            desk,
            request.tenant_id,
            request.conversation_public_id,
            author,
            result,
            actor=request.actor,
            ip=request.ip,
        )
        types = sorted({str(f.type) for f in result.findings if f.action == "block"})
        raise MessageBlocked(list(result.block_reasons), types)
    return _Screened(request, client_msg_id, visibility, brand, result)


def _author_recent(desk: Desk, request: SendRequest) -> list[str]:
    """The author's last public messages in the conversation (oldest first, as stored), for the guard."""
    author = request.author
    query = _AUTHOR_RECENT
    if author.user_id is not None:
        query = query.where(_MESSAGES.c.author_user_id == author.user_id)
    with desk.sessions() as read:
        bodies = (
            read.execute(
                query,
                {
                    "tenant_id": request.tenant_id,
                    "public_id": request.conversation_public_id,
                    "kind": author.kind.value,
                    "since": utcnow() - CONTEXT_WINDOW,
                },
            )
            .scalars()
            .all()
        )
        read.rollback()
    return list(reversed(bodies))


def _compose(desk: Desk, session: Session, screened: _Screened, conv: SimpleNamespace) -> _Stored:
    """One screened message for the locked conversation `conv`: its rows (written by the caller), the
    conversation's new state (applied to `conv`), its reference and jobs (in the caller's transaction),
    and the events to publish after commit."""
    request, result, visibility, brand = (
        screened.request,
        screened.result,
        screened.visibility,
        screened.brand,
    )
    tenant_id, author, client_msg_id = request.tenant_id, request.author, screened.client_msg_id
    now = utcnow()
    agent = desk.person(session, author.user_id)
    msg = SimpleNamespace(
        tenant_id=tenant_id,
        conversation_id=conv.id,
        seq=conv.last_seq + 1,
        client_msg_id=client_msg_id,
        author_kind=author.kind.value,
        author_user_id=author.user_id,
        author_name=(agent.display_name if agent else clean_line(author.name, 200)) or author.kind.value,
        body=result.redacted,
        guard=guard_summary(result),
        visibility=visibility.value,
        created_at=now,
        reference=None,
    )
    # A public answer in an e-mail conversation is also sent as mail (a durable job, below).
    mail_reply = (
        conv.channel == Channel.EMAIL
        and author.kind in (AuthorKind.AGENT, AuthorKind.BOT)
        and visibility == Visibility.PUBLIC
        and bool(conv.customer_email)
    )
    mail_job = desk.reply_job(Channel.EMAIL.value) if mail_reply else None
    if author.kind in (AuthorKind.AGENT, AuthorKind.BOT) and visibility == Visibility.PUBLIC:
        # Everything the retailer says gets a reference and a stored fingerprint (never the text),
        # so a customer can later ask "was this really from you?".
        sent = record_outbound(
            session,
            session.get(Tenant, tenant_id),  # type: ignore[arg-type]
            channel="email" if mail_reply else "chat",
            text=result.redacted,
            conversation_id=conv.id,
            recipient=conv.customer_email if mail_reply else None,
            settings=desk.settings,
        )
        msg.reference = sent.reference
    rows = [vars(msg)]
    notice_msg: SimpleNamespace | None = None
    if author.kind == AuthorKind.CUSTOMER and result.customer_notice:
        notice_msg = SimpleNamespace(
            tenant_id=tenant_id,
            conversation_id=conv.id,
            seq=msg.seq + 1,
            client_msg_id=None,
            author_kind=AuthorKind.SYSTEM.value,
            author_user_id=None,
            author_name=brand,
            body=result.customer_notice,
            guard=[],
            visibility=Visibility.PUBLIC.value,
            created_at=now,
            reference=None,
        )
        rows.append(vars(notice_msg))
    previous_status = conv.status
    changes: dict[str, Any] = {"last_seq": rows[-1]["seq"], "updated_at": now}
    if author.kind == AuthorKind.CUSTOMER and conv.status == Status.RESOLVED:
        changes["resolved_at"] = None
    changes["status"] = status_after_message(
        Status(conv.status), author.kind, visibility, conv.assignee_user_id is not None
    ).value
    if author.kind == AuthorKind.AGENT and visibility == Visibility.PUBLIC and conv.first_response_at is None:
        changes["first_response_at"] = now
    if visibility == Visibility.PUBLIC:
        changes["last_message_at"] = now
    if author.kind == AuthorKind.AGENT and visibility == Visibility.PUBLIC and conv.bot_active:
        changes["bot_active"] = False  # a person answered: the bot steps back
    for key, value in changes.items():
        setattr(conv, key, value)
    assignee = desk.person(session, conv.assignee_user_id)
    message = message_dict(msg, conv.public_id, agent.agent_number if agent else None)  # type: ignore[arg-type]
    notice = message_dict(notice_msg, conv.public_id) if notice_msg is not None else None  # type: ignore[arg-type]
    summary = conversation_dict(conv, assignee)
    stored = _Stored(Posted(message, summary, duplicate=False, notice=notice, conversation_pk=conv.id), rows)
    if visibility == Visibility.PUBLIC and desk.has_webhooks(session, tenant_id):
        stored.jobs += enqueue_event(
            session,
            tenant_id,
            "message.created",
            {"conversation": _webhook_conversation(summary), "message": _webhook_message(message)},
        )
    if desk.bot_turns and conv.bot_active and author.kind == AuthorKind.CUSTOMER:
        enqueue(
            session,
            BOT_JOB,
            {"conversation_id": conv.id, "seq": msg.seq, "client": client_key(request.ip)},
            tenant_id=tenant_id,
        )
        stored.jobs += 1
    if mail_job is not None:
        enqueue(
            session,
            mail_job.kind,
            {"conversation_id": conv.id, "seq": msg.seq},
            tenant_id=tenant_id,
            max_attempts=mail_job.max_attempts,
        )
        stored.jobs += 1
    topic = conversation_topic(conv.id)
    # Route: an assigned conversation's messages go to its agent wherever they are connected;
    # an unassigned one shows up in everyone's queue (as a summary, not the whole message).
    message_topics = [topic] if conv.assignee_user_id is None else [topic, agent_topic(conv.assignee_user_id)]
    stored.published.append((message_topics, {"type": "message", "message": message}))
    if notice is not None:
        stored.published.append((message_topics, {"type": "message", "message": notice}))
    if conv.assignee_user_id is None:
        # While the bot has the conversation it is not in the agents' queue.
        summary_topics = [topic] if conv.bot_active else [queue_topic(tenant_id), topic]
        stored.published.append((summary_topics, {"type": "conversation", "conversation": summary}))
    elif conv.status != previous_status:
        stored.published.append(
            ([topic, agent_topic(conv.assignee_user_id)], {"type": "conversation", "conversation": summary})
        )
    return stored


def _announce(desk: Desk, stored: list[_Stored]) -> None:
    """After commit: publish what was stored (the bus is a courtesy; the store is the truth)."""
    for item in stored:
        for topics, event in item.published:
            desk.publish(topics, event)
    if desk.wake_workers is not None and any(item.jobs for item in stored):
        desk.wake_workers()


def _already_stored(
    desk: Desk, session: Session, screened: _Screened, *, end_transaction: bool = True
) -> Posted:
    tenant_id = screened.request.tenant_id
    conversation_public_id = screened.request.conversation_public_id
    client_msg_id = screened.client_msg_id
    conv = session.scalar(
        select(Conversation).where(
            Conversation.tenant_id == tenant_id, Conversation.public_id == conversation_public_id
        )
    )
    existing = (
        session.scalar(
            select(Message).where(Message.conversation_id == conv.id, Message.client_msg_id == client_msg_id)
        )
        if conv is not None
        else None
    )
    if conv is None or existing is None:
        raise ConversationNotFound()
    agent = desk.person(session, existing.author_user_id)
    posted = Posted(
        message_dict(existing, conv.public_id, agent.agent_number if agent else None),
        conversation_dict(conv, desk.person(session, conv.assignee_user_id)),
        duplicate=True,
        conversation_pk=conv.id,
    )
    if end_transaction:
        session.rollback()
    return posted


def _webhook_conversation(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": summary["id"],
        "reference": summary["reference"],
        "channel": summary["channel"],
        "status": summary["status"],
        "assignee": summary["assignee"],
    }


def _webhook_message(message: dict[str, Any]) -> dict[str, Any]:
    return {k: message[k] for k in ("seq", "author_kind", "author_name", "body", "created_at")}


def _record_block(
    desk: Desk,
    tenant_id: int,
    conversation_public_id: str,
    author: Author,
    result: ScanResult,
    *,
    actor: str | None,
    ip: str | None,
) -> None:
    with desk.sessions() as session:
        exists = session.scalar(
            select(Conversation.id).where(
                Conversation.tenant_id == tenant_id, Conversation.public_id == conversation_public_id
            )
        )
        if exists is None:
            raise ConversationNotFound()
        record(
            session,
            "message.blocked",
            actor=actor or f"{author.kind.value}:{author.user_id or ''}",
            tenant_id=tenant_id,
            target=f"conversation:{conversation_public_id}",
            details={
                "reasons": list(result.block_reasons),
                "types": sorted({str(f.type) for f in result.findings if f.action == "block"}),
                "author_kind": author.kind.value,
            },
            ip=ip,
        )
        session.commit()
    log.info("outbound message blocked by the guard", extra={"tenant_id": tenant_id})


@dataclass(frozen=True)
class CustomerRef:
    """Who starts a chat: a signed-in customer (customer_id) or an anonymous visitor."""

    customer_id: int | None = None
    name: str = ""
    email: str | None = None
    visitor_id: str | None = None


def find_customer_for_user(session: Session, tenant_id: int, user: User) -> Customer | None:
    """The retailer's customer record of a signed-in customer account (by link, else by e-mail)."""
    customer = session.scalar(
        select(Customer).where(Customer.tenant_id == tenant_id, Customer.user_id == user.id)
    )
    if customer is None:
        customer = session.scalar(
            select(Customer).where(Customer.tenant_id == tenant_id, Customer.email == user.email)
        )
    return customer


def start_conversation(
    desk: Desk,
    tenant_id: int,
    customer: CustomerRef,
    *,
    channel: Channel = Channel.CHAT,
    subject: str = "",
    first_message: str | None = None,
    client_msg_id: str | None = None,
    ip: str | None = None,
    language: str | None = None,
) -> Started:
    """Open a conversation and return the customer's access token (shown once; only its hash is kept).

    The first message, when given, goes through `post_message` like any other. `language`: the
    page's or account's language, the conversation's until the customer's words say otherwise
    (an unsupported code counts as none).
    """
    language = supported(language)
    if first_message is not None:
        normalise_body(first_message)  # reject bad input before creating anything
    # The subject is stored and searchable like a message: the guard removes secrets from it first.
    subject = clean_line(subject, 300)
    if subject:
        brand, policy = desk.screening(tenant_id)
        subject = clean_line(scan(subject, "inbound", policy, brand=brand).redacted, 300)
    token = new_access_token()
    with desk.writing(), desk.sessions() as session:
        desk.brand(session, tenant_id)
        opening = None
        if desk.bot_turns and desk.bot_opening is not None and channel == Channel.CHAT:
            opening = desk.bot_opening(session, tenant_id, language)
        now = utcnow()
        email = clean_line(customer.email, 320) or None
        conv = Conversation(
            tenant_id=tenant_id,
            public_id=new_public_id(),
            reference=new_reference(),
            channel=channel.value,
            status=Status.NEW.value,
            customer_id=customer.customer_id,
            visitor_id=clean_line(customer.visitor_id, 64) or None,
            customer_name=clean_line(customer.name, 200),
            customer_email=email,
            subject=subject,
            last_seq=0,
            bot_active=opening is not None,
            bot_state=opening[2] if opening is not None else None,
            language=language,
            access_token_hash=token_hash(token),
            created_at=now,
            updated_at=now,
            last_message_at=now,
        )
        session.add(conv)
        session.flush()
        summary = conversation_dict(conv)
        session.commit()
        conv_pk = conv.id
    if opening is None:
        desk.publish([queue_topic(tenant_id)], {"type": "conversation", "conversation": summary})
    else:
        # The bot speaks first and says what it is (the disclosure), before any customer message.
        bot = Author(AuthorKind.BOT, name=opening[0])
        post_message(desk, tenant_id, summary["id"], bot, opening[1], client_msg_id="bot-0")
    posted = None
    if first_message is not None:
        posted = post_message(
            desk,
            tenant_id,
            summary["id"],
            Author(AuthorKind.CUSTOMER, name=summary["customer"]["name"]),
            first_message,
            client_msg_id=client_msg_id,
            ip=ip,
        )
        summary = posted.conversation
    return Started(summary, token, conv_pk, posted)


def customer_view(desk: Desk, session: Session, conv: Conversation) -> dict[str, Any]:
    """The customer's view of a conversation (agent name and number, no internal fields)."""
    return customer_conversation_dict(conv, desk.person(session, conv.assignee_user_id))
