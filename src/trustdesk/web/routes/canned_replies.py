"""Canned replies over HTTP: saved answers per language, their translations, and the version an agent
inserts into a conversation (conversations.canned). Every change is audited."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk import conversations as conv_service
from trustdesk.accounts.permissions import Permission
from trustdesk.audit.log import record
from trustdesk.conversations import ConversationError
from trustdesk.store.models import CannedReply
from trustdesk.tenancy.language_settings import tenant_languages
from trustdesk.web.contract import errors, link, with_links
from trustdesk.web.deps import Auth, client_ip, db, require
from trustdesk.web.errors import not_found
from trustdesk.web.fields import VISIBLE_PATTERN, ApiModel, MessageText, RowId
from trustdesk.web.routes.conversation_common import LanguageCode, conversation_error

router = APIRouter(prefix="/api/v1", tags=["conversations (agents)"])
HANDLE = Permission.HANDLE_CONVERSATIONS


class CannedIn(ApiModel):
    shortcut: str = Field(
        default="",
        max_length=40,
        pattern=rf"^$|{VISIBLE_PATTERN}",
        description="Required unless translation_of is given (a translation keeps its answer's shortcut)",
    )
    title: str = Field(default="", max_length=200)
    body: MessageText = Field(description="Guarded like a reply: asking the customer for a secret is refused")
    language: LanguageCode | None = Field(
        default=None, description="One of the retailer's languages; default: the retailer's default language"
    )
    translation_of: RowId | None = Field(
        default=None, description="The id of any version of the answer this one translates (same group)"
    )


class CannedPatch(ApiModel):
    shortcut: str | None = Field(
        default=None,
        min_length=1,
        max_length=40,
        pattern=VISIBLE_PATTERN,
        description="Renames every language version of the answer",
    )
    title: str | None = Field(default=None, max_length=200)
    body: MessageText | None = Field(default=None, description="Guarded like a reply")
    language: LanguageCode | None = None


class CannedOut(BaseModel):
    id: int
    shortcut: str
    title: str
    body: str
    language: str
    group_key: str = Field(description="Shared by the translations of one answer")
    created_at: str
    updated_at: str | None


class CannedForConversation(CannedOut):
    wanted: str = Field(description="The conversation's language (the retailer's default while unknown)")
    fallback: bool = Field(description="True when this version is not in the wanted language")
    languages: list[str] = Field(description="Every language this answer has")


def _refused(exc: ConversationError) -> Any:
    answer = conversation_error(exc)
    if isinstance(answer, Exception):
        raise answer from None
    return answer  # a blocked text: its reasons for the agent


def _audit(
    request: Request, auth: Auth, session: Session, action: str, reply_id: int, **details: Any
) -> None:
    record(
        session,
        action,
        actor=auth.actor,
        tenant_id=auth.tenant.id,
        target=f"canned_reply:{reply_id}",
        details=details or None,
        ip=client_ip(request),
    )


@router.get(
    "/canned-replies",
    response_model=list[CannedOut],
    summary="Saved answers, every language version",
    responses=with_links(
        200, delete=link("canned_delete", "Delete the first one", canned_reply_id="$response.body#/0/id")
    ),
)
def canned_list(
    auth: Auth = Depends(require(HANDLE)), session: Session = Depends(db)
) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(CannedReply)
        .where(CannedReply.tenant_id == auth.tenant.id)
        .order_by(CannedReply.shortcut, CannedReply.language)
    ).all()
    return [conv_service.canned_dict(r) for r in rows]


@router.get(
    "/conversations/{conversation_id}/canned-replies",
    response_model=list[CannedForConversation],
    summary="Each saved answer once, in the conversation's language, else the default language (fallback)",
    responses=errors(404),
)
def canned_for_conversation(
    conversation_id: str, auth: Auth = Depends(require(HANDLE)), session: Session = Depends(db)
) -> list[dict[str, Any]]:
    try:
        conv = conv_service.find_conversation(session, auth.tenant.id, conversation_id)
    except ConversationError:
        raise not_found("conversation") from None
    return conv_service.for_conversation(session, auth.tenant.id, conv, tenant_languages(auth.tenant).default)


@router.post(
    "/canned-replies",
    response_model=CannedOut,
    status_code=201,
    summary="Save an answer or a translation of one (guarded like a reply: asking for secrets is refused)",
    responses=errors(
        404,
        409,
        e404="translation_of names no answer of this retailer",
        e409="a version in this language with this shortcut, or of this answer, exists",
        e422="invalid input; invalid_language: not offered; message_blocked: it asks the customer for a secret",
    )
    | with_links(201, delete=link("canned_delete", "Delete it", canned_reply_id="$response.body#/id")),
)
def canned_create(
    body: CannedIn, request: Request, auth: Auth = Depends(require(HANDLE)), session: Session = Depends(db)
) -> Any:
    user = session.merge(auth.user)
    languages = tenant_languages(auth.tenant)
    try:
        reply = conv_service.create_canned_reply(
            session,
            auth.tenant.id,
            shortcut=body.shortcut,
            title=body.title,
            body=body.body,
            brand=auth.tenant.name,
            by=user,
            language=body.language,
            offered=languages.offered,
            default=languages.default,
            translation_of=body.translation_of,
        )
    except ConversationError as exc:
        return _refused(exc)
    _audit(
        request,
        auth,
        session,
        "canned_reply.created",
        reply.id,
        language=reply.language,
        group=reply.group_key,
        translation_of=body.translation_of,
    )
    session.commit()
    return conv_service.canned_dict(reply)


@router.patch(
    "/canned-replies/{canned_reply_id}",
    response_model=CannedOut,
    summary="Edit one language version (a new shortcut renames every version of the answer)",
    responses=errors(
        404,
        409,
        e409="another version already has this language or shortcut",
        e422="invalid input; invalid_language: not offered; message_blocked: it asks the customer for a secret",
    ),
)
def canned_update(
    canned_reply_id: RowId,
    body: CannedPatch,
    request: Request,
    auth: Auth = Depends(require(HANDLE)),
    session: Session = Depends(db),
) -> Any:
    user = session.merge(auth.user)
    try:
        reply, changed = conv_service.update_canned_reply(
            session,
            auth.tenant.id,
            canned_reply_id,
            brand=auth.tenant.name,
            by=user,
            title=body.title,
            body=body.body,
            shortcut=body.shortcut,
            language=body.language,
            offered=tenant_languages(auth.tenant).offered,
        )
    except ConversationError as exc:
        return _refused(exc)
    if changed:
        _audit(
            request, auth, session, "canned_reply.updated", reply.id, fields=changed, language=reply.language
        )
    session.commit()
    return conv_service.canned_dict(reply)


@router.delete(
    "/canned-replies/{canned_reply_id}",
    status_code=204,
    summary="Delete one language version of a saved answer",
    responses=errors(404),
)
def canned_delete(
    canned_reply_id: RowId,
    request: Request,
    auth: Auth = Depends(require(HANDLE)),
    session: Session = Depends(db),
) -> Response:
    reply = session.scalar(
        select(CannedReply).where(CannedReply.id == canned_reply_id, CannedReply.tenant_id == auth.tenant.id)
    )
    if reply is None:
        raise not_found("canned reply")
    language = reply.language
    session.delete(reply)
    _audit(request, auth, session, "canned_reply.deleted", canned_reply_id, language=language)
    session.commit()
    return Response(status_code=204)
