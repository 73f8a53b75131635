"""What the conversation routes share: the shapes of a conversation and its messages, and the helpers
that hand a request to the one pipeline (trustdesk.conversations.post_message and friends).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.conversations import (
    ConversationError,
    MessageBlocked,
)
from trustdesk.conversations.pipeline import Desk
from trustdesk.conversations.views import find_conversation
from trustdesk.i18n.languages import LANGUAGES
from trustdesk.runtime import Runtime
from trustdesk.store.models import Conversation
from trustdesk.web.deps import Auth, app_state, client_ip, db, rate_limit, require
from trustdesk.web.errors import ApiError, not_found
from trustdesk.web.fields import (
    ApiModel,
)
from trustdesk.web.routes.mail_attachments import MailOut

log = logging.getLogger("trustdesk.conversations")


HANDLE = Permission.HANDLE_CONVERSATIONS


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


# The supported languages' codes, exactly as the API writes them.
LanguageCode = Literal[tuple(LANGUAGES)]  # type: ignore[valid-type]


class LanguageIn(ApiModel):
    language: LanguageCode = Field(description='A supported language code ("de", "pt-BR")')


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


def conversation_or_404(session: Session, tenant_id: int, public_id: str) -> Conversation:
    """The tenant's conversation with this public id, else the API's 404 (another tenant's is unknown)."""
    try:
        return find_conversation(session, tenant_id, public_id)
    except ConversationError:
        raise not_found("conversation") from None


def release(session: Session) -> None:
    """End the request's own transaction before the pipeline opens its write transaction.

    On SQLite a write request's session holds the write lock once it has read anything (the
    signed-in user); keeping it would make the pipeline wait for ourselves. Objects already
    loaded (auth.user, auth.tenant) stay readable: they are detached, not expired.
    """
    session.expunge_all()
    session.rollback()


@dataclass(frozen=True)
class PipelineCall:
    """A signed-in request on its way to the pipeline; its own transaction has already ended (`release`).

    Handlers say only what they ask of the desk: `call.answer(lambda: operation(call.desk, ...))`.
    """

    auth: Auth
    request: Request

    @property
    def desk(self) -> Desk:
        return runtime(self.request).desk

    @property
    def ip(self) -> str | None:
        return client_ip(self.request)

    def answer(self, action: Callable[[], Any]) -> Any:
        """The action's result, or the API form of the pipeline's refusal (`conversation_error`)."""
        try:
            return action()
        except ConversationError as exc:
            return _raise(exc)


def pipeline_call(permission: Permission) -> Callable[..., PipelineCall]:
    """A dependency: the caller must hold `permission`; then the request's transaction ends."""

    def dependency(
        request: Request, auth: Auth = Depends(require(permission)), session: Session = Depends(db)
    ) -> PipelineCall:
        release(session)
        return PipelineCall(auth, request)

    return dependency


def limit_send(request: Request, conversation_key: str) -> None:
    limits = runtime(request).limits
    rate_limit(request, "chat-send-ip", client_ip(request), limits.send_per_ip)
    rate_limit(request, "chat-send-conv", conversation_key, limits.send_per_conversation)
