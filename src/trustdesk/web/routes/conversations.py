"""Conversations over HTTP for agents: the queue (and search), one conversation, its messages, a reply.

Every message goes through trustdesk.conversations.post_message (the one pipeline). Claiming,
assigning and resolving live in conversation_actions.py, the customers' chat in customer_chat.py,
saved answers in canned_replies.py, webhooks and jobs in integrations.py.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk import conversations as conv_service
from trustdesk.conversations import (
    Author,
    AuthorKind,
    ConversationError,
)
from trustdesk.mailchannel.views import add_mail_info
from trustdesk.ratelimit import Limit
from trustdesk.sla.queue import annotate as annotate_sla
from trustdesk.store.models import User
from trustdesk.web.contract import errors, link, with_links
from trustdesk.web.deps import Auth, client_ip, db, require
from trustdesk.web.fields import (
    ApiModel,
    ClientMsgId,
    MessageText,
    SeqNumber,
    Timestamp,
    page_size,
)
from trustdesk.web.routes import search
from trustdesk.web.routes.conversation_common import (
    HANDLE,
    ConversationOut,
    GuardFinding,
    MessageOut,
    _raise,
    conversation_or_404,
    limit_send,
    release,
    runtime,
)

router = APIRouter(prefix="/api/v1", tags=["conversations"])


class OrderBrief(BaseModel):
    number: str
    status: str
    placed_at: str | None
    currency: str
    total_cents: int
    carrier: str | None
    tracking_number: str | None
    refund_status: str | None


class CustomerProfile(BaseModel):
    id: int
    email: str
    name: str
    phone: str | None
    orders: list[OrderBrief]


class Redaction(BaseModel):
    seq: int
    author_kind: str
    findings: list[GuardFinding]


class BlockedSend(BaseModel):
    at: str | None
    actor: str
    reasons: list[str]
    types: list[str]


class GuardNotices(BaseModel):
    redactions: list[Redaction]
    blocked: list[BlockedSend]


class ConversationDetail(BaseModel):
    conversation: ConversationOut
    customer_profile: CustomerProfile | None = Field(description="Only for signed-in (verified) customers")
    possible_customer_matches: int = Field(
        description="Customers with the e-mail an anonymous visitor typed (unverified: do not trust)"
    )
    messages: list[MessageOut]
    guard_notices: GuardNotices


class MessagesPage(BaseModel):
    messages: list[MessageOut]
    last_seq: int


class SendIn(ApiModel):
    body: MessageText
    client_msg_id: ClientMsgId | None = Field(default=None, description="Makes retries idempotent")
    internal: bool = Field(default=False, description="An internal note: never shown to the customer")


class SendOut(BaseModel):
    message: MessageOut
    duplicate: bool
    conversation: ConversationOut


def _conversation_links(conversation_id: str) -> dict[str, dict[str, Any]]:
    return {
        "detail": link("conversation_detail", "Open it", conversation_id=conversation_id),
        "messages": link("conversation_messages", "Its messages", conversation_id=conversation_id),
        "reply": link("agent_send", "Reply", conversation_id=conversation_id),
        "claim": link("claim", "Take it", conversation_id=conversation_id),
        "resolve": link("resolve", "Resolve it", conversation_id=conversation_id),
        "reopen": link("reopen", "Reopen it", conversation_id=conversation_id),
    }


class ConversationHit(ConversationOut):
    match: search.SearchMatch | None = Field(default=None, description="With q: where the words were found")


@router.get(
    "/conversations",
    response_model=list[ConversationHit],
    summary="The queue, filtered; with q or a filter, a search (routes/search.py)",
    responses={**with_links(200, **_conversation_links("$response.body#/0/id")), **errors(422)},
)
def queue(
    view: Literal["new", "mine", "open", "waiting", "resolved", "unassigned", "all"] | None = Query(
        default=None, description='Default "new"; "all" when searching'
    ),
    before: Timestamp | None = Query(
        default=None, description="last_message_at of the last row seen (with q: its match.created_at)"
    ),
    limit: page_size(200) = 50,
    sort: Literal["activity", "due"] = Query(default="activity", description="due: SLA due time first"),
    find: search.SearchParams = Depends(search.search_params),
    auth: Auth = Depends(require(HANDLE)),
    session: Session = Depends(db),
) -> list[dict[str, Any]]:
    if find.active:
        rows = search.run(session, auth, find, view=view or "all", limit=limit, before=before)
    else:
        rows = conv_service.list_queue(
            session,
            auth.tenant.id,
            view=view or "new",
            user_id=auth.user.id,
            limit=limit,
            before=before,
            sort=sort,
        )
    return annotate_sla(session, auth.tenant.id, rows)


@router.get(
    "/conversations/{conversation_id}",
    response_model=ConversationDetail,
    summary="One conversation with the customer's profile and orders, messages and guard notices",
    responses=errors(404),
)
def conversation_detail(
    conversation_id: str,
    auth: Auth = Depends(require(HANDLE)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    conv = conversation_or_404(session, auth.tenant.id, conversation_id)
    from trustdesk.store.models import Customer

    assignee = session.get(User, conv.assignee_user_id) if conv.assignee_user_id else None
    matches = 0
    if conv.customer_id is None and conv.customer_email:
        matches = len(
            session.scalars(
                select(Customer.id).where(
                    Customer.tenant_id == auth.tenant.id, Customer.email == conv.customer_email.lower()
                )
            ).all()
        )
    return {
        "conversation": annotate_sla(
            session, auth.tenant.id, [conv_service.conversation_dict(conv, assignee)]
        )[0],
        "customer_profile": conv_service.customer_profile(session, conv),
        "possible_customer_matches": matches,
        "messages": add_mail_info(session, conv, conv_service.messages_after(session, conv, 0, limit=1000)),
        "guard_notices": conv_service.guard_notices(session, conv),
    }


@router.get(
    "/conversations/{conversation_id}/messages",
    response_model=MessagesPage,
    summary="Messages after a sequence number (catch-up), notes included",
    responses=errors(404),
)
def conversation_messages(
    conversation_id: str,
    after_seq: SeqNumber = 0,
    limit: page_size(1000) = 200,
    auth: Auth = Depends(require(HANDLE)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    conv = conversation_or_404(session, auth.tenant.id, conversation_id)
    return {
        "messages": add_mail_info(
            session, conv, conv_service.messages_after(session, conv, after_seq, limit=limit)
        ),
        "last_seq": conv.last_seq,
    }


@router.post(
    "/conversations/{conversation_id}/messages",
    response_model=SendOut,
    summary="Reply to the customer (or add an internal note); guarded: asks for secrets are refused (422)",
    responses=errors(
        404,
        413,
        429,
        e413="message_too_long: longer than 5,000 characters once normalised",
        e422="invalid input, or message_blocked: it asks the customer for a secret (reasons, types)",
    ),
)
def agent_send(
    conversation_id: str,
    body: SendIn,
    request: Request,
    auth: Auth = Depends(require(HANDLE)),
    session: Session = Depends(db),
) -> Any:
    release(session)
    limit_send(request, f"{auth.tenant.id}:{conversation_id}")
    try:
        posted = conv_service.post_message(
            runtime(request).desk,
            auth.tenant.id,
            conversation_id,
            Author(AuthorKind.AGENT, user_id=auth.user.id, name=auth.user.display_name),
            body.body,
            client_msg_id=body.client_msg_id,
            internal=body.internal,
            actor=auth.actor,
            ip=client_ip(request),
        )
    except ConversationError as exc:
        return _raise(exc)
    return {"message": posted.message, "duplicate": posted.duplicate, "conversation": posted.conversation}


__all__ = ["Limit", "router"]
