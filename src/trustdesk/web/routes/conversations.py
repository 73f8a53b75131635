"""Conversations over HTTP: the agents' API, the customers' chat API, webhooks, jobs.

Every message goes through trustdesk.conversations.post_message (the one pipeline).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk import conversations as conv_service
from trustdesk import jobs as job_queue
from trustdesk import webhooks
from trustdesk.accounts.permissions import Permission, Role
from trustdesk.audit.log import record
from trustdesk.conversations import (
    Author,
    AuthorKind,
    ConversationError,
    CustomerRef,
    MessageBlocked,
)
from trustdesk.i18n.languages import LANGUAGES
from trustdesk.mailchannel.views import add_mail_info
from trustdesk.ratelimit import Limit
from trustdesk.runtime import Runtime
from trustdesk.sla.queue import annotate as annotate_sla
from trustdesk.store.models import Conversation, Job, Tenant, User, WebhookEndpoint
from trustdesk.tenancy.language_settings import tenant_languages
from trustdesk.tenancy.service import find_tenant
from trustdesk.web.contract import chat_security, errors, link, with_links
from trustdesk.web.deps import Auth, app_state, check_csrf, client_ip, db, optional_auth, rate_limit, require
from trustdesk.web.errors import ApiError, not_found
from trustdesk.web.fields import (
    SPACES,
    ApiModel,
    ClientMsgId,
    MessageText,
    RowId,
    SeqNumber,
    TenantSlug,
    Timestamp,
    page_size,
)
from trustdesk.web.routes import search
from trustdesk.web.routes.mail_attachments import MailOut

log = logging.getLogger("trustdesk.conversations")

router = APIRouter(prefix="/api/v1", tags=["conversations"])
public_router = APIRouter(prefix="/api/v1/public", tags=["chat (customers)"])

HANDLE = Permission.HANDLE_CONVERSATIONS
WEBHOOK_EVENTS = tuple(webhooks.EVENTS)
# Webhooks and the job queue are integration settings: the same right as managing official channels.
INTEGRATIONS = Permission.MANAGE_CHANNELS


# --- shapes --------------------------------------------------------------------------------------


class GuardFinding(BaseModel):
    type: str
    action: str
    display: str


class MessageOut(BaseModel):
    conversation_id: str
    seq: int
    client_msg_id: str | None
    author_kind: str
    author_user_id: int | None
    author_name: str
    agent_number: str | None
    body: str = Field(description="Already guarded: secrets a customer sent appear as [removed: ...]")
    guard: list[GuardFinding]
    visibility: str
    created_at: str
    reference: str | None = Field(
        default=None, description="Public reference of a retailer message (agent, bot)"
    )
    mail: MailOut | None = Field(default=None, description="E-mail conversations: how this message travelled")


class CustomerMessageOut(BaseModel):
    conversation_id: str
    seq: int
    author_kind: str
    author_name: str
    agent_number: str | None = None
    body: str
    created_at: str
    client_msg_id: str | None = None
    reference: str | None = Field(default=None, description="Check it on /t/{tenant}/check")


class CustomerInfo(BaseModel):
    name: str
    email: str | None
    customer_id: int | None
    verified: bool


class AssigneeOut(BaseModel):
    id: int
    name: str
    agent_number: str | None


class Timers(BaseModel):
    first_response_seconds: int | None
    resolution_seconds: int | None
    waiting_for_first_response_seconds: int | None


class SlaOut(BaseModel):
    target: str | None = Field(
        description="The running SLA target due first: first_response, next_response, resolution"
    )
    due_at: str | None
    level: Literal["ok", "near", "breached", "none"] = Field(description="near: most of the target used")
    business_seconds_left: int | None = Field(description="Negative once breached")
    breached_before: bool = Field(description="An earlier target of this conversation was missed")
    escalated_at: str | None


class ConversationOut(BaseModel):
    id: str
    reference: str
    channel: str
    status: str
    subject: str
    customer: CustomerInfo
    assignee: AssigneeOut | None
    last_seq: int
    bot_active: bool
    language: str | None = None
    priority: Literal["low", "normal", "high", "urgent"] = "normal"
    tags: list[str] = Field(default_factory=list)
    sla: SlaOut | None = Field(default=None, description="Null when the retailer has no SLA policy")
    created_at: str
    updated_at: str
    last_message_at: str
    first_response_at: str | None
    resolved_at: str | None
    timers: Timers


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


class AssignIn(ApiModel):
    user_id: RowId | None = Field(description="The agent to give it to; null puts it back in the queue")


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


class WebhookIn(ApiModel):
    url: str = Field(
        min_length=8,
        max_length=2000,
        # Plain http:// passes this check only to be refused by the service, except to loopback where
        # TRUSTDESK_WEBHOOK_ALLOW_PRIVATE_NETWORKS is on (development): the document promises https.
        pattern=rf"^https?://[^{SPACES}/?#@]+(?:[/?#][^{SPACES}]*)?$",
        json_schema_extra={"pattern": rf"^https://[^{SPACES}/?#@]+(?:[/?#][^{SPACES}]*)?$"},
        description="https:// to a public host, without credentials (http://localhost only where private "
        "networks are allowed, for development)",
    )
    events: list[Literal[WEBHOOK_EVENTS]] = Field(min_length=1, max_length=10)
    description: str = Field(default="", max_length=200)


class WebhookOut(BaseModel):
    id: int
    url: str
    events: list[str]
    description: str
    is_active: bool
    created_at: datetime


class WebhookCreated(WebhookOut):
    secret: str = Field(description="Shown once: verify the Trustdesk-Signature header with it")


class JobOut(BaseModel):
    id: int
    kind: str
    status: str
    attempts: int
    max_attempts: int
    next_attempt_at: datetime
    last_error: str | None
    created_at: datetime
    finished_at: datetime | None


# --- helpers -------------------------------------------------------------------------------------


def runtime(request: Request) -> Runtime:
    return app_state(request).runtime  # type: ignore[no-any-return]


def conversation_error(exc: ConversationError) -> ApiError | JSONResponse:
    """The API form of a pipeline error; a blocked message lists the reasons for the agent."""
    if isinstance(exc, MessageBlocked):
        return JSONResponse(
            {
                "error": {
                    "code": exc.code,
                    "message": exc.message,
                    "reasons": exc.reasons,
                    "types": exc.types,
                }
            },
            status_code=exc.status,
        )
    return ApiError(exc.status, exc.code, exc.message)


def _raise(exc: ConversationError) -> JSONResponse:
    result = conversation_error(exc)
    if isinstance(result, ApiError):
        raise result from None
    return result


def release(session: Session) -> None:
    """End the request's own transaction before the pipeline opens its write transaction.

    On SQLite a write request's session holds the write lock once it has read anything (the
    signed-in user); keeping it would make the pipeline wait for ourselves. Objects already
    loaded (auth.user, auth.tenant) stay readable: they are detached, not expired.
    """
    session.expunge_all()
    session.rollback()


def limit_send(request: Request, conversation_key: str) -> None:
    limits = runtime(request).limits
    rate_limit(request, "chat-send-ip", client_ip(request), limits.send_per_ip)
    rate_limit(request, "chat-send-conv", conversation_key, limits.send_per_conversation)


# --- agents --------------------------------------------------------------------------------------


def _conversation_links(conversation_id: str) -> dict[str, dict[str, Any]]:
    return {
        "detail": link("conversation_detail", "Open it", conversation_id=conversation_id),
        "messages": link("conversation_messages", "Its messages", conversation_id=conversation_id),
        "reply": link("agent_send", "Reply", conversation_id=conversation_id),
        "claim": link("claim", "Take it", conversation_id=conversation_id),
        "resolve": link("resolve", "Resolve it", conversation_id=conversation_id),
        "reopen": link("reopen", "Reopen it", conversation_id=conversation_id),
    }


def _chat_links(conversation_id: str) -> dict[str, dict[str, Any]]:
    return {
        "history": link(
            "customer_history", "Read it", tenant="$request.path.tenant", conversation_id=conversation_id
        ),
        "send": link(
            "customer_send", "Write in it", tenant="$request.path.tenant", conversation_id=conversation_id
        ),
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
    try:
        conv = conv_service.find_conversation(session, auth.tenant.id, conversation_id)
    except ConversationError:
        raise not_found("conversation") from None
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
    try:
        conv = conv_service.find_conversation(session, auth.tenant.id, conversation_id)
    except ConversationError:
        raise not_found("conversation") from None
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


def _assign(request: Request, auth: Auth, conversation_id: str, user_id: int | None, *, claim: bool) -> Any:
    try:
        return conv_service.assign(
            runtime(request).desk,
            auth.tenant.id,
            conversation_id,
            user_id,
            by=auth.user,
            claim=claim,
            ip=client_ip(request),
        )
    except ConversationError as exc:
        return _raise(exc)


@router.post(
    "/conversations/{conversation_id}/claim",
    response_model=ConversationOut,
    summary="Take it",
    responses=errors(404, 409, e409="another agent has claimed it"),
)
def claim(
    conversation_id: str,
    request: Request,
    auth: Auth = Depends(require(HANDLE)),
    session: Session = Depends(db),
) -> Any:
    release(session)
    return _assign(request, auth, conversation_id, auth.user.id, claim=True)


@router.post(
    "/conversations/{conversation_id}/assign",
    response_model=ConversationOut,
    summary="Assign or transfer to another agent (null: back to the queue)",
    responses=errors(
        404, 409, e404="no such conversation or person", e409="cannot_assign: that person may not handle it"
    ),
)
def assign(
    conversation_id: str,
    body: AssignIn,
    request: Request,
    auth: Auth = Depends(require(HANDLE)),
    session: Session = Depends(db),
) -> Any:
    release(session)
    return _assign(request, auth, conversation_id, body.user_id, claim=False)


# The supported languages' codes, exactly as the API writes them.
LanguageCode = Literal[tuple(LANGUAGES)]  # type: ignore[valid-type]


class LanguageIn(ApiModel):
    language: LanguageCode = Field(description='A supported language code ("de", "pt-BR")')


class CustomerLanguageOut(BaseModel):
    id: str
    language: str


@router.post(
    "/conversations/{conversation_id}/language",
    response_model=ConversationOut,
    summary="Set the conversation's language (the bot answers in it from now on); audited",
    responses=errors(404, e409="language_not_offered: a language this retailer does not offer"),
)
def agent_set_language(
    conversation_id: str,
    body: LanguageIn,
    request: Request,
    auth: Auth = Depends(require(HANDLE)),
    session: Session = Depends(db),
) -> Any:
    release(session)
    try:
        return conv_service.set_language(
            runtime(request).desk,
            auth.tenant.id,
            conversation_id,
            body.language,
            by=auth.user,
            offered=tuple(tenant_languages(auth.tenant).offered),
            ip=client_ip(request),
        )
    except ConversationError as exc:
        return _raise(exc)


def _status(request: Request, auth: Auth, conversation_id: str, resolved: bool) -> Any:
    try:
        return conv_service.set_status(
            runtime(request).desk, auth.tenant.id, conversation_id, resolved=resolved, by=auth.user
        )
    except ConversationError as exc:
        return _raise(exc)


@router.post(
    "/conversations/{conversation_id}/resolve",
    response_model=ConversationOut,
    summary="Resolve",
    responses=errors(404, 409, e409="it is already resolved"),
)
def resolve(
    conversation_id: str,
    request: Request,
    auth: Auth = Depends(require(HANDLE)),
    session: Session = Depends(db),
) -> Any:
    release(session)
    return _status(request, auth, conversation_id, True)


@router.post(
    "/conversations/{conversation_id}/reopen",
    response_model=ConversationOut,
    summary="Reopen",
    responses=errors(404, 409, e409="only a resolved conversation can be reopened"),
)
def reopen(
    conversation_id: str,
    request: Request,
    auth: Auth = Depends(require(HANDLE)),
    session: Session = Depends(db),
) -> Any:
    release(session)
    return _status(request, auth, conversation_id, False)


# --- webhooks and jobs (admins) ------------------------------------------------------------------


def _webhook_out(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id,
        "url": endpoint.url,
        "events": list(endpoint.events),
        "description": endpoint.description,
        "is_active": endpoint.is_active,
        "created_at": endpoint.created_at,
    }


@router.get(
    "/webhooks",
    response_model=list[WebhookOut],
    summary="Webhook endpoints",
    tags=["webhooks"],
    responses=with_links(
        200, delete=link("webhook_delete", "Remove the first", webhook_id="$response.body#/0/id")
    ),
)
def webhook_list(
    auth: Auth = Depends(require(INTEGRATIONS)), session: Session = Depends(db)
) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(WebhookEndpoint)
        .where(WebhookEndpoint.tenant_id == auth.tenant.id)
        .order_by(WebhookEndpoint.id)
    ).all()
    return [_webhook_out(e) for e in rows]


@router.post(
    "/webhooks",
    response_model=WebhookCreated,
    status_code=201,
    summary="Register an endpoint (events: message.created, conversation.assigned, conversation.resolved)",
    tags=["webhooks"],
    responses=errors(e422="invalid input, or the host is not a public internet host (invalid_webhook)")
    | with_links(201, delete=link("webhook_delete", "Remove it", webhook_id="$response.body#/id")),
)
def webhook_create(
    body: WebhookIn,
    request: Request,
    auth: Auth = Depends(require(INTEGRATIONS)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    try:
        endpoint, secret = webhooks.create_endpoint(
            session,
            auth.tenant.id,
            url=body.url,
            events=body.events,
            box=app_state(request).box,
            actor=auth.actor,
            description=body.description,
            ip=client_ip(request),
            allow_private=app_state(request).settings.webhook_allow_private_networks,
        )
    except webhooks.WebhookError as exc:
        raise ApiError(422, "invalid_webhook", str(exc)) from None
    session.commit()
    runtime(request).desk.forget_webhooks(auth.tenant.id)
    return {**_webhook_out(endpoint), "secret": secret}


@router.delete(
    "/webhooks/{webhook_id}",
    status_code=204,
    summary="Remove an endpoint",
    tags=["webhooks"],
    responses=errors(404),
)
def webhook_delete(
    webhook_id: RowId,
    request: Request,
    auth: Auth = Depends(require(INTEGRATIONS)),
    session: Session = Depends(db),
) -> Response:
    endpoint = session.scalar(
        select(WebhookEndpoint).where(
            WebhookEndpoint.id == webhook_id, WebhookEndpoint.tenant_id == auth.tenant.id
        )
    )
    if endpoint is None:
        raise not_found("webhook")
    webhooks.delete_endpoint(session, endpoint, actor=auth.actor, ip=client_ip(request))
    session.commit()
    runtime(request).desk.forget_webhooks(auth.tenant.id)
    return Response(status_code=204)


def _job_out(job: Job) -> dict[str, Any]:
    return {
        "id": job.id,
        "kind": job.kind,
        "status": job.status,
        "attempts": job.attempts,
        "max_attempts": job.max_attempts,
        "next_attempt_at": job.next_attempt_at,
        "last_error": job.last_error,
        "created_at": job.created_at,
        "finished_at": job.finished_at,
    }


@router.get(
    "/jobs",
    response_model=list[JobOut],
    summary="Background jobs (dead letters: status=dead)",
    tags=["jobs"],
    responses=with_links(200, retry=link("job_retry", "Retry the first", job_id="$response.body#/0/id")),
)
def job_list(
    status: Literal["pending", "running", "done", "dead"] = "dead",
    limit: page_size(1000) = 100,
    auth: Auth = Depends(require(INTEGRATIONS)),
    session: Session = Depends(db),
) -> list[dict[str, Any]]:
    return [
        _job_out(j)
        for j in job_queue.list_jobs(session, status=status, tenant_id=auth.tenant.id, limit=limit)
    ]


@router.post(
    "/jobs/{job_id}/retry",
    response_model=JobOut,
    summary="Retry a dead-lettered job",
    tags=["jobs"],
    responses=errors(404, 409, e409="the job is not dead-lettered"),
)
def job_retry(
    job_id: RowId,
    request: Request,
    auth: Auth = Depends(require(INTEGRATIONS)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    try:
        job = job_queue.retry(session, job_id, tenant_id=auth.tenant.id)
    except job_queue.JobError as exc:
        if "not found" in str(exc):
            raise not_found("job") from None
        raise ApiError(409, "conflict", str(exc)) from None
    record(
        session,
        "job.retried",
        actor=auth.actor,
        tenant_id=auth.tenant.id,
        target=f"job:{job_id}",
        ip=client_ip(request),
    )
    session.commit()
    runtime(request).wake_workers()
    return _job_out(job)


# --- customers -----------------------------------------------------------------------------------


def _tenant(session: Session, slug: str) -> Tenant:
    tenant = find_tenant(session, slug.strip().lower())
    if tenant is None:
        raise not_found("retailer")
    return tenant


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
        e409="language_not_offered: a language this retailer does not offer",
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


__all__ = ["Limit", "public_router", "router"]
