"""What an agent does to a conversation besides writing in it: claim, assign, set its language,
resolve, reopen."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import Field

from trustdesk import conversations as conv_service
from trustdesk.tenancy.language_settings import tenant_languages
from trustdesk.web.contract import errors
from trustdesk.web.fields import (
    ApiModel,
    RowId,
)
from trustdesk.web.routes.conversation_common import (
    HANDLE,
    ConversationOut,
    LanguageIn,
    PipelineCall,
    pipeline_call,
)

router = APIRouter(prefix="/api/v1", tags=["conversations"])


class AssignIn(ApiModel):
    user_id: RowId | None = Field(description="The agent to give it to; null puts it back in the queue")


def _assign(call: PipelineCall, conversation_id: str, user_id: int | None, *, claim: bool) -> Any:
    auth = call.auth
    return call.answer(
        lambda: conv_service.assign(
            call.desk, auth.tenant.id, conversation_id, user_id, by=auth.user, claim=claim, ip=call.ip
        )
    )


@router.post(
    "/conversations/{conversation_id}/claim",
    response_model=ConversationOut,
    summary="Take it",
    responses=errors(404, 409, e409="another agent has claimed it"),
)
def claim(conversation_id: str, call: PipelineCall = Depends(pipeline_call(HANDLE))) -> Any:
    return _assign(call, conversation_id, call.auth.user.id, claim=True)


@router.post(
    "/conversations/{conversation_id}/assign",
    response_model=ConversationOut,
    summary="Assign or transfer to another agent (null: back to the queue)",
    responses=errors(
        404, 409, e404="no such conversation or person", e409="cannot_assign: that person may not handle it"
    ),
)
def assign(conversation_id: str, body: AssignIn, call: PipelineCall = Depends(pipeline_call(HANDLE))) -> Any:
    return _assign(call, conversation_id, body.user_id, claim=False)


@router.post(
    "/conversations/{conversation_id}/language",
    response_model=ConversationOut,
    summary="Set the conversation's language (the bot answers in it from now on); audited",
    responses=errors(404, e422="language_not_offered: a language this retailer does not offer"),
)
def agent_set_language(
    conversation_id: str, body: LanguageIn, call: PipelineCall = Depends(pipeline_call(HANDLE))
) -> Any:
    auth = call.auth
    return call.answer(
        lambda: conv_service.set_language(
            call.desk,
            auth.tenant.id,
            conversation_id,
            body.language,
            by=auth.user,
            offered=tuple(tenant_languages(auth.tenant).offered),
            ip=call.ip,
        )
    )


def _status(call: PipelineCall, conversation_id: str, resolved: bool) -> Any:
    return call.answer(
        lambda: conv_service.set_status(
            call.desk, call.auth.tenant.id, conversation_id, resolved=resolved, by=call.auth.user
        )
    )


@router.post(
    "/conversations/{conversation_id}/resolve",
    response_model=ConversationOut,
    summary="Resolve",
    responses=errors(404, 409, e409="it is already resolved"),
)
def resolve(conversation_id: str, call: PipelineCall = Depends(pipeline_call(HANDLE))) -> Any:
    return _status(call, conversation_id, True)


@router.post(
    "/conversations/{conversation_id}/reopen",
    response_model=ConversationOut,
    summary="Reopen",
    responses=errors(404, 409, e409="only a resolved conversation can be reopened"),
)
def reopen(conversation_id: str, call: PipelineCall = Depends(pipeline_call(HANDLE))) -> Any:
    return _status(call, conversation_id, False)
