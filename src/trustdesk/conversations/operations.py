"""What agents do to a conversation besides writing: claim, assign/transfer, resolve, reopen, language."""

from __future__ import annotations

import hmac
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission, has_permission
from trustdesk.audit.log import record
from trustdesk.bus import agent_topic, conversation_topic, queue_topic
from trustdesk.conversations.domain import (
    CannotAssign,
    ConversationNotFound,
    InvalidTransition,
    LanguageNotOffered,
    Status,
)
from trustdesk.conversations.pipeline import Desk, _webhook_conversation, token_hash
from trustdesk.conversations.views import conversation_dict
from trustdesk.i18n.languages import LANGUAGES, supported
from trustdesk.store.models import Conversation, User, utcnow
from trustdesk.webhooks import enqueue_event


def locked_conversation(session: Session, tenant_id: int, public_id: str) -> Conversation:
    """The tenant's conversation, its row locked for this transaction; ConversationNotFound if none."""
    conv = session.scalar(
        select(Conversation)
        .where(Conversation.tenant_id == tenant_id, Conversation.public_id == public_id)
        .with_for_update()
    )
    if conv is None:
        raise ConversationNotFound()
    return conv


def _announce(
    desk: Desk, conv_pk: int, tenant_id: int, summary: dict[str, Any], agents: set[int | None]
) -> None:
    topics = [conversation_topic(conv_pk), queue_topic(tenant_id)]
    topics += [agent_topic(a) for a in agents if a is not None]
    desk.publish(topics, {"type": "conversation", "conversation": summary})


def assign(
    desk: Desk,
    tenant_id: int,
    public_id: str,
    assignee_user_id: int | None,
    *,
    by: User,
    claim: bool = False,
    ip: str | None = None,
) -> dict[str, Any]:
    """Give the conversation to an agent of the same retailer (or back to the queue with None). Audited.

    With claim=True the caller takes it for themself and it must not belong to someone else.
    """
    jobs = 0
    with desk.writing(), desk.sessions() as session:
        conv = locked_conversation(session, tenant_id, public_id)
        assignee: User | None = None
        if assignee_user_id is not None:
            assignee = session.get(User, assignee_user_id)
            if assignee is None or assignee.tenant_id != tenant_id:
                raise ConversationNotFound("no such person here")
            if not assignee.is_active or not has_permission(assignee.role, Permission.HANDLE_CONVERSATIONS):
                raise CannotAssign("that person cannot handle conversations here")
        if claim and conv.assignee_user_id not in (None, by.id):
            raise InvalidTransition("another agent has already claimed this conversation")
        previous = conv.assignee_user_id
        if previous == assignee_user_id:
            summary = conversation_dict(conv, assignee)
            session.rollback()
            return summary
        conv.assignee_user_id = assignee_user_id
        if assignee_user_id is not None:
            conv.bot_active = False  # a person has it now: the bot stops answering
        if assignee_user_id is None:
            if conv.status != Status.RESOLVED:
                conv.status = Status.NEW.value if conv.first_response_at is None else Status.OPEN.value
        elif conv.status == Status.NEW:
            conv.status = Status.OPEN.value
        conv.updated_at = utcnow()
        session.flush()
        summary = conversation_dict(conv, assignee)
        action = "conversation.claimed" if claim else "conversation.assigned"
        record(
            session,
            action,
            actor=f"{by.role}:{by.email}",
            tenant_id=tenant_id,
            target=f"conversation:{public_id}",
            details={"from_user": previous, "to_user": assignee_user_id},
            ip=ip,
        )
        jobs += enqueue_event(
            session,
            tenant_id,
            "conversation.assigned",
            {"conversation": _webhook_conversation(summary), "previous_assignee_id": previous},
        )
        session.commit()
        conv_pk = conv.id
    _announce(desk, conv_pk, tenant_id, summary, {previous, assignee_user_id})
    if jobs and desk.wake_workers:
        desk.wake_workers()
    return summary


def set_status(desk: Desk, tenant_id: int, public_id: str, *, resolved: bool, by: User) -> dict[str, Any]:
    """Resolve (resolved=True) or reopen a conversation; resolving notifies webhooks."""
    jobs = 0
    with desk.writing(), desk.sessions() as session:
        conv = locked_conversation(session, tenant_id, public_id)
        now = utcnow()
        if resolved:
            if conv.status == Status.RESOLVED:
                raise InvalidTransition("the conversation is already resolved")
            conv.status = Status.RESOLVED.value
            conv.resolved_at = now
        else:
            if conv.status != Status.RESOLVED:
                raise InvalidTransition("only a resolved conversation can be reopened")
            conv.status = Status.OPEN.value if conv.assignee_user_id else Status.NEW.value
            conv.resolved_at = None
        conv.updated_at = now
        session.flush()
        assignee = session.get(User, conv.assignee_user_id) if conv.assignee_user_id else None
        summary = conversation_dict(conv, assignee)
        if resolved:
            from trustdesk.satisfaction.service import offer  # imports conversations: loaded late

            jobs += offer(session, conv, now=now)  # the CSAT survey: asked in the chat, mailed for e-mail
            jobs += enqueue_event(
                session,
                tenant_id,
                "conversation.resolved",
                {"conversation": _webhook_conversation(summary), "resolved_by_user_id": by.id},
            )
        session.commit()
        conv_pk = conv.id
        assignee_id = conv.assignee_user_id
    _announce(desk, conv_pk, tenant_id, summary, {assignee_id})
    if jobs and desk.wake_workers:
        desk.wake_workers()
    return summary


# Where the bot keeps its ConversationState in `Conversation.bot_state` (botdesk.service.STATE_KEY).
BOT_STATE_KEY = "engine"


def set_language(
    desk: Desk,
    tenant_id: int,
    public_id: str,
    language: str,
    *,
    by: User | None,
    offered: Sequence[str] = tuple(LANGUAGES),
    ip: str | None = None,
) -> dict[str, Any]:
    """Set the conversation's language: by an agent (`by`) or by the customer (`by` None). The bot
    then answers in it and no longer follows the language it detects. Audited."""
    code = supported(language)
    if code is None or code not in offered:
        raise LanguageNotOffered(f"language {language!r} is not offered here; offered: {', '.join(offered)}")
    with desk.writing(), desk.sessions() as session:
        conv = locked_conversation(session, tenant_id, public_id)
        previous = conv.language
        conv.language = code
        if conv.bot_state:
            # The bot's stored state (bot.state.ConversationState) keeps the choice and who made it.
            stored = dict(conv.bot_state)
            state = dict(stored.get(BOT_STATE_KEY) or {})
            state.update(language=code, language_source="agent" if by is not None else "customer")
            stored[BOT_STATE_KEY] = state
            conv.bot_state = stored
        conv.updated_at = utcnow()
        session.flush()
        record(
            session,
            "conversation.language",
            actor=f"{by.role}:{by.email}" if by is not None else "customer",
            tenant_id=tenant_id,
            target=f"conversation:{public_id}",
            details={"from": previous, "to": code, "by": "agent" if by is not None else "customer"},
            ip=ip,
        )
        assignee = session.get(User, conv.assignee_user_id) if conv.assignee_user_id else None
        summary = conversation_dict(conv, assignee)
        session.commit()
        conv_pk = conv.id
        assignee_id = conv.assignee_user_id
    _announce(desk, conv_pk, tenant_id, summary, {assignee_id})
    return summary


def conversation_for_token(
    session: Session,
    tenant_id: int,
    public_id: str,
    token: str,
    *,
    idle_limit: timedelta | None = None,
    now: datetime | None = None,
) -> Conversation:
    """The conversation a customer's access token opens, or ConversationNotFound (never says which part failed).

    With `idle_limit`, a token stops working once the conversation has been quiet that long: a token
    left in a shared or stolen browser does not open the conversation for ever. Only the token's
    holder learns that it expired.
    """
    conv = session.scalar(
        select(Conversation).where(Conversation.tenant_id == tenant_id, Conversation.public_id == public_id)
    )
    expected = conv.access_token_hash if conv is not None and conv.access_token_hash else "0" * 64
    if not hmac.compare_digest(expected, token_hash(token or "")) or conv is None:
        raise ConversationNotFound()
    if idle_limit is not None and conv.last_message_at + idle_limit < (now or utcnow()):
        raise ConversationNotFound("this chat has expired after a long pause; please start a new one")
    return conv
