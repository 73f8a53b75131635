"""Supervisors and the bot: a read-only list of the conversations the bot holds, and taking one over.

Taking over is one transaction (the conversation assigned to the supervisor, the bot off, audited)
followed by a system line to the customer in the conversation's language. The caller passes the
bot's turn lock (`BotService.holding`) when the bot runs in this process, so a turn in progress
finishes first and none starts after: the bot never answers once a person has taken over (a turn
that runs elsewhere later finds the conversation assigned and stays silent).
"""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.bus import agent_topic, conversation_topic, queue_topic
from trustdesk.conversations.domain import Author, AuthorKind, InvalidTransition, Status
from trustdesk.conversations.operations import locked_conversation
from trustdesk.conversations.pipeline import Desk, post_message
from trustdesk.conversations.views import conversation_dict
from trustdesk.i18n import words
from trustdesk.store.models import Conversation, Message, Tenant, User, utcnow
from trustdesk.tenancy.language_settings import tenant_languages

MAX_LISTED = 200


def N_(message: str) -> str:  # noqa: N802 - gettext's "translate later" marker, known to pybabel
    return message


JOINED = N_("{agent} from {brand} has joined the chat. You are now talking to a person.")


def bot_held(session: Session, tenant_id: int, *, limit: int = MAX_LISTED) -> list[dict[str, Any]]:
    """The conversations the bot is handling now (not handed over, not resolved), latest first, with
    the number of customer messages and the last message's author, for the supervisor's list."""
    rows = session.scalars(
        select(Conversation)
        .where(
            Conversation.tenant_id == tenant_id,
            Conversation.bot_active.is_(True),
            Conversation.assignee_user_id.is_(None),
            Conversation.status != Status.RESOLVED.value,
        )
        .order_by(Conversation.last_message_at.desc(), Conversation.id.desc())
        .limit(limit)
    ).all()
    counts: dict[int, int] = {}
    if rows:
        counts = {
            conv_id: n
            for conv_id, n in session.execute(
                select(Message.conversation_id, func.count(Message.id))
                .where(
                    Message.conversation_id.in_([r.id for r in rows]),
                    Message.author_kind == AuthorKind.CUSTOMER.value,
                )
                .group_by(Message.conversation_id)
            )
        }
    return [{**conversation_dict(conv), "customer_messages": counts.get(conv.id, 0)} for conv in rows]


def take_over(
    desk: Desk,
    tenant_id: int,
    public_id: str,
    *,
    by: User,
    ip: str | None = None,
    bot_lock: AbstractContextManager[Any] | None = None,
) -> dict[str, Any]:
    """Assign a bot-held conversation to the supervisor `by`, stop the bot and tell the customer.

    Raises ConversationNotFound, and InvalidTransition when the bot no longer holds it (handed over,
    claimed by someone, or resolved): the caller sees who has it now in the queue.
    """
    with bot_lock or nullcontext():
        with desk.writing(), desk.sessions() as session:
            conv = locked_conversation(session, tenant_id, public_id)
            if not conv.bot_active or conv.assignee_user_id is not None or conv.status == Status.RESOLVED:
                raise InvalidTransition("the bot no longer holds this conversation; open it from the queue")
            tenant = session.get(Tenant, tenant_id)
            brand = tenant.name if tenant is not None else ""
            language = conv.language or (tenant_languages(tenant).default if tenant is not None else "en")
            conv.assignee_user_id = by.id
            conv.bot_active = False
            conv.status = Status.OPEN.value
            conv.updated_at = utcnow()
            session.flush()
            record(
                session,
                "conversation.taken_over",
                actor=f"{by.role}:{by.email}",
                tenant_id=tenant_id,
                target=f"conversation:{public_id}",
                details={"from": "bot", "to_user": by.id, "language": language},
                ip=ip,
            )
            summary = conversation_dict(conv, by)
            session.commit()
            conv_pk = conv.id
    notice = words(language).gettext(JOINED, agent=by.display_name, brand=brand)
    post_message(
        desk,
        tenant_id,
        public_id,
        Author(AuthorKind.SYSTEM, name=brand),
        notice,
        client_msg_id=f"takeover-{by.id}",
        actor=f"{by.role}:{by.email}",
        ip=ip,
    )
    desk.publish(
        [conversation_topic(conv_pk), queue_topic(tenant_id), agent_topic(by.id)],
        {"type": "conversation", "conversation": summary},
    )
    return summary
