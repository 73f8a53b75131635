"""The customers' chat API: start a chat, list one's own, read, choose the language, write.

A conversation is opened by its access token (Authorization: Bearer) or by the signed-in
customer's own session (cookie, CSRF rules apply).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk import conversations as conv_service
from trustdesk.accounts.permissions import Role
from trustdesk.conversations import (
    Author,
    AuthorKind,
    ConversationError,
    CustomerRef,
)
from trustdesk.store.models import Conversation, Tenant, User
from trustdesk.tenancy.language_settings import tenant_languages
from trustdesk.web.contract import chat_security, errors, link, with_links
from trustdesk.web.deps import (
    Auth,
    app_state,
    check_csrf,
    client_ip,
    db,
    optional_auth,
    rate_limit,
    retailer_or_404,
)
from trustdesk.web.errors import ApiError, not_found
from trustdesk.web.fields import (
    ApiModel,
    ClientMsgId,
    MessageText,
    SeqNumber,
    TenantSlug,
    page_size,
)
from trustdesk.web.routes.conversation_common import (
    CustomerMessageOut,
    LanguageIn,
    _raise,
    limit_send,
    release,
    runtime,
)

public_router = APIRouter(prefix="/api/v1/public", tags=["chat (customers)"])


class CustomerConversationOut(BaseModel):
    id: str
    reference: str
    status: str
    subject: str
    last_seq: int
    language: str | None = None
    agent: dict[str, Any] | None
    created_at: str | None


class StartChatIn(ApiModel):
    name: str = Field(default="", max_length=200)
    email: str | None = Field(
        default=None, max_length=320, description="As the visitor typed it (unverified)"
    )
    subject: str = Field(default="", max_length=300)
    message: MessageText | None = Field(default=None, description="The first message")
    client_msg_id: ClientMsgId | None = None
    visitor_id: str | None = Field(default=None, max_length=64)
    language: str | None = Field(
        default=None,
        max_length=35,
        description='The page\'s language ("de", "pt-BR"): the chat\'s until the customer\'s words say otherwise',
    )


class StartChatOut(BaseModel):
    conversation: CustomerConversationOut
    access_token: str = Field(description="Send as 'Authorization: Bearer ...' (HTTP) or in the hello frame")
    messages: list[CustomerMessageOut]


class CustomerSendIn(ApiModel):
    body: MessageText
    client_msg_id: ClientMsgId | None = None


class CustomerSendOut(BaseModel):
    message: CustomerMessageOut
    duplicate: bool
    notice: CustomerMessageOut | None


class CustomerHistory(BaseModel):
    conversation: CustomerConversationOut
    messages: list[CustomerMessageOut]


class CustomerLanguageOut(BaseModel):
    id: str
    language: str


def _chat_links(conversation_id: str) -> dict[str, dict[str, Any]]:
    return {
        "history": link(
            "customer_history", "Read it", tenant="$request.path.tenant", conversation_id=conversation_id
        ),
        "send": link(
            "customer_send", "Write in it", tenant="$request.path.tenant", conversation_id=conversation_id
        ),
    }


def _tenant(session: Session, slug: str) -> Tenant:
    return retailer_or_404(session, slug)


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def customer_may_open(session: Session, conv: Conversation, auth: Auth | None) -> bool:
    """A signed-in customer may open the conversations started from their own account."""
    if auth is None or auth.user.role != Role.CUSTOMER or auth.tenant.id != conv.tenant_id:
        return False
    if not auth.session_row.mfa_passed or conv.customer_id is None:
        return False
    customer = conv_service.find_customer_for_user(session, conv.tenant_id, auth.user)
    return customer is not None and customer.id == conv.customer_id


def customer_token_idle_limit(request: Request) -> timedelta:
    return timedelta(hours=app_state(request).settings.customer_token_idle_hours)


def customer_conversation(
    request: Request, session: Session, tenant: Tenant, conversation_id: str, auth: Auth | None
) -> Conversation:
    """The conversation the caller may open: by its access token, else by the customer's own session."""
    token = bearer_token(request)
    if token is not None:
        try:
            return conv_service.conversation_for_token(
                session, tenant.id, conversation_id, token, idle_limit=customer_token_idle_limit(request)
            )
        except ConversationError as exc:
            raise ApiError(404, "not_found", str(exc)) from None
    if auth is None:
        raise ApiError(401, "unauthenticated", "send the conversation's access token, or sign in")
    conv = session.scalar(
        select(Conversation).where(
            Conversation.tenant_id == tenant.id, Conversation.public_id == conversation_id
        )
    )
    if conv is None or not customer_may_open(session, conv, auth):
        raise not_found("conversation")
    check_csrf(request, auth)  # type: ignore[arg-type]  # cookie-authenticated: CSRF rules apply
    return conv


def _customer_messages(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [view for m in messages if (view := conv_service.customer_message(m)) is not None]


@public_router.post(
    "/{tenant}/chat/conversations",
    response_model=StartChatOut,
    status_code=201,
    summary="Start a chat (anonymous, or as the signed-in customer); returns the access token once",
    responses=errors(
        403,
        404,
        413,
        429,
        e403="csrf_failed: a signed-in customer's cookie session must send its CSRF token",
        e404="no retailer with this slug",
        e413="message_too_long: longer than 5,000 characters once normalised",
    )
    | with_links(201, **_chat_links("$response.body#/conversation/id")),
)
def start_chat(
    tenant: TenantSlug,
    body: StartChatIn,
    request: Request,
    session: Session = Depends(db),
    auth: Auth | None = Depends(optional_auth),
) -> Any:
    retailer = _tenant(session, tenant)
    rate_limit(request, "chat-start-ip", client_ip(request), runtime(request).limits.start_per_ip)
    ref = CustomerRef(name=body.name, email=body.email, visitor_id=body.visitor_id)
    if auth is not None and auth.user.role == Role.CUSTOMER and auth.tenant.id == retailer.id:
        check_csrf(request, auth)
        customer = conv_service.find_customer_for_user(session, retailer.id, auth.user)
        ref = CustomerRef(
            customer_id=customer.id if customer else None,
            name=(customer.name if customer and customer.name else auth.user.display_name),
            email=auth.user.email,
            visitor_id=body.visitor_id,
        )
    retailer_id = retailer.id
    release(session)
    try:
        started = conv_service.start_conversation(
            runtime(request).desk,
            retailer_id,
            ref,
            subject=body.subject,
            first_message=body.message,
            client_msg_id=body.client_msg_id,
            ip=client_ip(request),
            language=body.language,
        )
    except ConversationError as exc:
        return _raise(exc)
    messages = []
    if started.posted is not None:
        messages = [started.posted.message] + ([started.posted.notice] if started.posted.notice else [])
    with app_state(request).read_sessions() as read:
        conv = read.get(Conversation, started.conversation_pk)
        view = conv_service.customer_conversation_dict(conv) if conv is not None else {}
        if conv is not None and conv.bot_active:
            # The bot spoke first (its disclosure): everything so far, in order, not just the first message.
            messages = conv_service.messages_after(read, conv, 0, limit=20, include_internal=False)
    return {
        "conversation": view,
        "access_token": started.access_token,
        "messages": _customer_messages(messages),
    }


@public_router.get(
    "/{tenant}/chat/conversations",
    response_model=list[CustomerConversationOut],
    summary="The signed-in customer's own conversations (newest first)",
    responses=errors(401, 404, e404="no retailer with this slug")
    | with_links(200, **_chat_links("$response.body#/0/id")),
)
def my_conversations(
    tenant: TenantSlug,
    limit: page_size(200) = 50,
    session: Session = Depends(db),
    auth: Auth | None = Depends(optional_auth),
) -> list[dict[str, Any]]:
    retailer = _tenant(session, tenant)
    if auth is None or auth.user.role != Role.CUSTOMER or auth.tenant.id != retailer.id:
        raise ApiError(401, "unauthenticated", "sign in to your account to see your conversations")
    customer = conv_service.find_customer_for_user(session, retailer.id, auth.user)
    if customer is None:
        return []
    rows = session.scalars(
        select(Conversation)
        .where(Conversation.tenant_id == retailer.id, Conversation.customer_id == customer.id)
        .order_by(Conversation.last_message_at.desc())
        .limit(limit)
    ).all()
    return [conv_service.customer_conversation_dict(c) for c in rows]


@public_router.get(
    "/{tenant}/chat/conversations/{conversation_id}",
    response_model=CustomerHistory,
    summary="The conversation and its messages after a sequence number (history and catch-up)",
    responses=errors(
        401,
        404,
        e401="neither a conversation token nor a signed-in customer's session",
        e404="no such retailer, or no conversation this token or account may open",
    ),
    openapi_extra=chat_security("GET"),
)
def customer_history(
    tenant: TenantSlug,
    conversation_id: str,
    request: Request,
    after_seq: SeqNumber = 0,
    limit: page_size(1000) = 200,
    session: Session = Depends(db),
    auth: Auth | None = Depends(optional_auth),
) -> dict[str, Any]:
    retailer = _tenant(session, tenant)
    conv = customer_conversation(request, session, retailer, conversation_id, auth)
    assignee = session.get(User, conv.assignee_user_id) if conv.assignee_user_id else None
    return {
        "conversation": conv_service.customer_conversation_dict(conv, assignee),
        "messages": _customer_messages(
            conv_service.messages_after(session, conv, after_seq, limit=limit, include_internal=False)
        ),
    }


@public_router.post(
    "/{tenant}/chat/conversations/{conversation_id}/language",
    response_model=CustomerLanguageOut,
    summary="Choose the conversation's language (the bot answers in it from now on); audited",
    responses=errors(
        401,
        403,
        404,
        e401="neither a conversation token nor a signed-in customer's session",
        e403="csrf_failed: a cookie session must send its CSRF token",
        e404="no such retailer, or no conversation this token or account may open",
        e422="language_not_offered: a language this retailer does not offer",
    ),
    openapi_extra=chat_security("POST"),
)
def customer_set_language(
    tenant: TenantSlug,
    conversation_id: str,
    body: LanguageIn,
    request: Request,
    session: Session = Depends(db),
    auth: Auth | None = Depends(optional_auth),
) -> Any:
    retailer = _tenant(session, tenant)
    customer_conversation(request, session, retailer, conversation_id, auth)
    release(session)
    try:
        summary = conv_service.set_language(
            runtime(request).desk,
            retailer.id,
            conversation_id,
            body.language,
            by=None,
            offered=tuple(tenant_languages(retailer).offered),
            ip=client_ip(request),
        )
    except ConversationError as exc:
        return _raise(exc)
    return {"id": summary["id"], "language": summary["language"]}


@public_router.post(
    "/{tenant}/chat/conversations/{conversation_id}/messages",
    response_model=CustomerSendOut,
    summary="Send a message (secrets are removed before anything is stored)",
    responses=errors(
        401,
        403,
        404,
        413,
        429,
        e401="neither a conversation token nor a signed-in customer's session",
        e403="csrf_failed: a cookie session must send its CSRF token",
        e404="no such retailer, or no conversation this token or account may open",
        e413="message_too_long: longer than 5,000 characters once normalised",
    ),
    openapi_extra=chat_security("POST"),
)
def customer_send(
    tenant: TenantSlug,
    conversation_id: str,
    body: CustomerSendIn,
    request: Request,
    session: Session = Depends(db),
    auth: Auth | None = Depends(optional_auth),
) -> Any:
    retailer = _tenant(session, tenant)
    conv = customer_conversation(request, session, retailer, conversation_id, auth)
    name = conv.customer_name
    release(session)
    limit_send(request, f"{retailer.id}:{conversation_id}")
    try:
        posted = conv_service.post_message(
            runtime(request).desk,
            retailer.id,
            conversation_id,
            Author(AuthorKind.CUSTOMER, name=name),
            body.body,
            client_msg_id=body.client_msg_id,
            ip=client_ip(request),
        )
    except ConversationError as exc:
        return _raise(exc)
    return {
        "message": conv_service.customer_message(posted.message),
        "duplicate": posted.duplicate,
        "notice": conv_service.customer_message(posted.notice) if posted.notice else None,
    }
