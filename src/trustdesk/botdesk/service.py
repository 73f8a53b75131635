"""The bot at work in a running desk: opening chats, the "bot.turn" job, handoffs to people.

    customer message -> pipeline (guard, store, outbox "bot.turn") -> worker -> BotService.run_turn
      -> engine.respond(state, stored text, context over the store) -> replies back through the
      pipeline as the bot (guarded again, referenced) -> state saved on the conversation
      -> on handoff: an internal note for agents, bot_active off, the conversation into the queue.

A conversation's turns run one at a time (a per-conversation lock in the process, and a
PostgreSQL advisory lock across processes). Replies carry client message ids derived from the
customer message they answer, so a retried job never posts a reply twice.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

from sqlalchemy import select, text, update
from sqlalchemy.orm import Session, sessionmaker

from trustdesk.bot.context import BotContext, Customer
from trustdesk.bot.language import offered_or_default
from trustdesk.bot.replies import say
from trustdesk.bot.state import ConversationState, Handoff
from trustdesk.botdesk.handoff import SEQ_KEY, STATE_KEY, handoff_note, record_handoff
from trustdesk.botdesk.knowledge import TenantKnowledge
from trustdesk.botdesk.models import TenantModels
from trustdesk.botdesk.profile import bot_settings, offered_profile
from trustdesk.botdesk.retailer import RESET_JOB, tenant_retailer
from trustdesk.bus import conversation_topic, queue_topic
from trustdesk.channels.index import RegistryCache
from trustdesk.conversations.domain import Author, AuthorKind, ConversationError, MessageBlocked
from trustdesk.conversations.pipeline import BOT_JOB, Desk, post_message
from trustdesk.conversations.views import conversation_dict
from trustdesk.jobs import JobContext
from trustdesk.ratelimit import MemoryRateLimiter, RateLimiter
from trustdesk.store.models import Conversation, Message, Tenant, utcnow

log = logging.getLogger("trustdesk.bot")

_ADVISORY_CLASS = 0x7B07  # pg_advisory_lock(class, conversation id): one bot turn at a time
# A reply the guard refused is replaced by this (it asks for nothing) and the conversation goes to a person.
BLOCKED_FALLBACK = "I can't answer that one myself. I'm passing you to a member of the team."
FAILOVER_ATTEMPTS = 2
FAILOVER_TEXT = "Sorry, I'm having trouble answering right now. I'm passing you to a member of the team."


class BotService:
    """Answers customers for every retailer that has its bot enabled."""

    def __init__(self, desk: Desk, *, rate_limiter: RateLimiter | None = None) -> None:
        self.desk = desk
        # Reads never take SQLite's write lock (loading a model can take seconds).
        bind = desk.sessions.kw.get("bind")
        self.readers = (
            sessionmaker(bind=bind.execution_options(sqlite_begin="deferred"), expire_on_commit=False)
            if bind is not None
            else desk.sessions
        )
        self.limiter = rate_limiter or MemoryRateLimiter()
        self.models = TenantModels(embeddings=bool(getattr(desk.settings, "bot_embeddings", False)))
        self.knowledge = TenantKnowledge(lambda: self.base_url)
        self.registry = RegistryCache()
        self._locks: weakref.WeakValueDictionary[int, threading.Lock] = weakref.WeakValueDictionary()
        self._locks_guard = threading.Lock()

    @property
    def base_url(self) -> str | None:
        return getattr(self.desk.settings, "public_base_url", None)

    # -- opening a chat ------------------------------------------------------------------------

    def opening(
        self, session: Session, tenant_id: int, language: str | None = None
    ) -> tuple[str, str, dict[str, Any]] | None:
        """The bot's name, its disclosure and the initial state, if this retailer's bot is on; in
        the page's `language` when the retailer offers it, else in its default."""
        tenant = session.get(Tenant, tenant_id)
        if tenant is None or not bot_settings(tenant).enabled:
            return None
        profile = offered_profile(tenant, self.base_url)
        lang = offered_or_default(language, profile.languages, profile.default_language)
        disclosure = say("disclosure", lang, tenant=profile.name, bot_name=profile.bot_name)
        state = ConversationState(
            disclosed=True, language=lang, language_source="hint" if lang == language else "default"
        ).heard("bot", disclosure, utcnow())
        return profile.bot_name, disclosure, {STATE_KEY: state.to_json(), SEQ_KEY: 0}

    # -- one job -------------------------------------------------------------------------------

    def handle_job(self, context: JobContext) -> None:
        """Job handler for "bot.turn": answer the customer's messages up to the job's seq.

        A turn that keeps failing (FAILOVER_ATTEMPTS tries) hands the conversation to a person rather
        than leave the customer waiting through the job's backoff.
        """
        payload = context.payload
        conversation_id, seq = int(payload["conversation_id"]), int(payload["seq"])
        try:
            self.run_turn(conversation_id, seq, client=payload.get("client"))
        except Exception:
            if context.job.attempts < FAILOVER_ATTEMPTS:
                raise
            log.exception("bot turn failed again; handing the conversation to a person")
            self.fail_over(conversation_id, seq)

    def fail_over(self, conversation_id: int, seq: int) -> None:
        """Tell the customer a person will answer, and put the conversation in the agents' queue."""
        with self._serialised(conversation_id):
            with self.readers() as session:
                conv = session.get(Conversation, conversation_id)
                if conv is None or not conv.bot_active:
                    return
                tenant = session.get(Tenant, conv.tenant_id)
                if tenant is None:
                    return
                stored = dict(conv.bot_state or {})
                state = ConversationState.from_json(stored.get(STATE_KEY) or {"disclosed": True})
                bot = Author(AuthorKind.BOT, name=bot_settings(tenant).name)
                tenant_id, public_id = tenant.id, conv.public_id
            self._post(tenant_id, public_id, bot, FAILOVER_TEXT, f"bot-{seq}-failover")
            handoff = _blocked_handoff(
                state, "The bot could not answer (an internal error); the customer needs a person."
            )
            self._hand_off(tenant_id, public_id, conversation_id, bot, seq, handoff, state)

    def run_turn(self, conversation_id: int, upto_seq: int, *, client: str | None = None) -> int:
        """Answer every unanswered customer message up to `upto_seq`; returns how many were answered."""
        with self._serialised(conversation_id):
            return self._run(conversation_id, upto_seq, client)

    def _run(self, conversation_id: int, upto_seq: int, client: str | None) -> int:
        from trustdesk.bot.engine import BotEngine  # NumPy and the model load with the first bot turn

        self.models.base()  # loaded once per process, before any transaction is open
        with self.readers() as session:
            conv = session.get(Conversation, conversation_id)
            if conv is None or not conv.bot_active or conv.assignee_user_id is not None:
                return 0
            tenant = session.get(Tenant, conv.tenant_id)
            if tenant is None:
                return 0
            stored = dict(conv.bot_state or {})
            done = int(stored.get(SEQ_KEY, 0))
            pending = session.execute(
                select(Message.seq, Message.body)
                .where(
                    Message.conversation_id == conv.id,
                    Message.author_kind == AuthorKind.CUSTOMER.value,
                    Message.visibility == "public",
                    Message.seq > done,
                    Message.seq <= upto_seq,
                )
                .order_by(Message.seq)
            ).all()
            if not pending:
                return 0
            engine = BotEngine(self.models.classifier(session, tenant.id))
            profile = offered_profile(tenant, self.base_url)
            customer = None
            if conv.customer_id is not None and conv.customer_email:
                customer = Customer(str(conv.customer_id), conv.customer_email, conv.customer_name or None)
            retailer = tenant_retailer(
                tenant,
                sessions=self.desk.sessions,
                readers=self.readers,
                help_url=profile.help_center_url or "",
                limiter=self.limiter,
                registry=self.registry.get,
                knowledge=lambda s, tid=tenant.id: self.knowledge.get(s, tid),
                conversation_id=conv.id,
                client=client,
                wake=self.desk.wake_workers,
            )
            state = ConversationState.from_json(stored.get(STATE_KEY) or {"disclosed": False})
            hint = conv.language
            tenant_id, public_id = tenant.id, conv.public_id
            session.rollback()
        bot = Author(AuthorKind.BOT, name=profile.bot_name)
        answered = 0
        for seq, body in pending:
            ctx = BotContext(
                tenant=profile, retailer=retailer, now=utcnow(), customer=customer, language_hint=hint
            )
            turn = engine.respond(state, body, ctx)
            handoff = turn.handoff
            for index, reply in enumerate(turn.replies):
                if not self._post(tenant_id, public_id, bot, reply, f"bot-{seq}-{index}"):
                    self._post(tenant_id, public_id, bot, BLOCKED_FALLBACK, f"bot-{seq}-{index}")
                    if handoff is None:
                        handoff = _blocked_handoff(turn.state)
            state = turn.state
            answered += 1
            if handoff is not None:
                self._hand_off(tenant_id, public_id, conversation_id, bot, seq, handoff, state)
                return answered
            self._save(conversation_id, state, seq)
        return answered

    def _post(self, tenant_id: int, public_id: str, bot: Author, body: str, client_msg_id: str) -> bool:
        try:
            post_message(self.desk, tenant_id, public_id, bot, body, client_msg_id=client_msg_id, actor="bot")
        except MessageBlocked:
            log.warning("a bot reply was blocked by the guard", extra={"tenant_id": tenant_id})
            return False
        return True

    def _save(self, conversation_id: int, state: ConversationState, seq: int, **changes: Any) -> None:
        with self.desk.writing(), self.desk.sessions() as session:
            session.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id)
                .values(
                    bot_state={STATE_KEY: state.to_json(), SEQ_KEY: seq}, language=state.language, **changes
                )
            )
            session.commit()

    def _hand_off(
        self,
        tenant_id: int,
        public_id: str,
        conversation_id: int,
        bot: Author,
        seq: int,
        handoff: Handoff,
        state: ConversationState,
    ) -> None:
        """Leave the agents a note with what the bot gathered, then put the conversation in the queue."""
        try:
            post_message(
                self.desk,
                tenant_id,
                public_id,
                bot,
                handoff_note(handoff),
                client_msg_id=f"bot-{seq}-note",
                internal=True,
                actor="bot",
            )
        except ConversationError:
            log.warning("the handoff note could not be stored", extra={"tenant_id": tenant_id})
        with self.desk.writing(), self.desk.sessions() as session:
            conv = session.scalar(
                select(Conversation).where(Conversation.id == conversation_id).with_for_update()
            )
            if conv is None:
                return
            record_handoff(session, conv, handoff, state, seq)
            session.flush()
            summary = conversation_dict(conv)
            session.commit()
        self.desk.publish(
            [queue_topic(tenant_id), conversation_topic(conversation_id)],
            {"type": "conversation", "conversation": summary},
        )

    # -- one turn at a time per conversation ---------------------------------------------------

    def holding(self, conversation_id: int) -> AbstractContextManager[None]:
        """Wait for the conversation's bot turn in progress, if any, and keep the next one out while
        held (a supervisor taking the conversation over: no bot reply after the hand-over)."""
        return self._serialised(conversation_id)

    @contextmanager
    def _serialised(self, conversation_id: int) -> Iterator[None]:
        with self._locks_guard:
            lock = self._locks.get(conversation_id)
            if lock is None:
                lock = threading.Lock()
                self._locks[conversation_id] = lock
        with lock:
            bind = self.desk.sessions.kw.get("bind")
            if bind is None or bind.dialect.name != "postgresql":
                yield
                return
            with bind.connect() as conn:
                conn.execute(
                    text("SELECT pg_advisory_lock(:c, :k)"), {"c": _ADVISORY_CLASS, "k": conversation_id}
                )
                conn.commit()
                try:
                    yield
                finally:
                    conn.execute(
                        text("SELECT pg_advisory_unlock(:c, :k)"),
                        {"c": _ADVISORY_CLASS, "k": conversation_id},
                    )
                    conn.commit()

    def warm_up(self) -> None:
        """Load the models of the retailers whose bot is on, so their first customer waits for no training.
        Runs in a background thread; a failure only means the first turn loads the model instead."""

        def load() -> None:
            try:
                with self.readers() as session:
                    enabled = [t.id for t in session.scalars(select(Tenant)) if bot_settings(t).enabled]
                if not enabled:
                    return
                self.models.base()  # the slow part, outside any transaction
                for tenant_id in enabled:
                    with self.readers() as session:
                        self.models.classifier(session, tenant_id)
            except Exception:  # noqa: BLE001 - e.g. the database went away (tests, shutdown)
                log.info("bot warm-up skipped", exc_info=True)

        threading.Thread(target=load, name="bot-warm-up", daemon=True).start()

    def close(self) -> None:
        """Stop background training."""
        self.models.close()


def _blocked_handoff(
    state: ConversationState,
    summary: str = "A bot reply was stopped by the guard; the customer needs a person.",
) -> Handoff:
    from trustdesk.bot.state import HandoffReason

    return Handoff(
        reason=HandoffReason.UNANSWERED,
        priority="normal",
        intent=state.last_intent,
        summary=summary,
        slots={k: v for k, v in state.slots.items() if not k.startswith("_")},
        transcript=state.transcript,
        wait_estimate=None,
    )


def register(
    desk: Desk, handlers: dict[str, Any], services: dict[str, Any], *, rate_limiter: RateLimiter | None = None
) -> BotService:
    """Add the bot's job handlers to a worker registry and let new chats on `desk` start with the bot."""
    from trustdesk.botdesk.mail import send_reset_mail

    service = BotService(desk, rate_limiter=rate_limiter)
    handlers[BOT_JOB] = service.handle_job
    handlers[RESET_JOB] = send_reset_mail
    services["bot"] = service
    desk.bot_opening = service.opening
    desk.bot_turns = True
    return service
