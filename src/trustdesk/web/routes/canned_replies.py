"""Canned replies over HTTP: the saved answers agents insert, guarded like a reply when saved."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk import conversations as conv_service
from trustdesk.conversations import (
    ConversationError,
)
from trustdesk.store.models import CannedReply
from trustdesk.web.contract import errors, link, with_links
from trustdesk.web.deps import Auth, audit_commit, db, require
from trustdesk.web.errors import not_found
from trustdesk.web.fields import (
    VISIBLE_PATTERN,
    ApiModel,
    MessageText,
    RowId,
)
from trustdesk.web.routes.conversation_common import (
    HANDLE,
    _raise,
)

router = APIRouter(prefix="/api/v1", tags=["conversations"])


class CannedIn(ApiModel):
    shortcut: str = Field(min_length=1, max_length=40, pattern=VISIBLE_PATTERN)
    title: str = Field(default="", max_length=200)
    body: MessageText = Field(description="Guarded like a reply: asking the customer for a secret is refused")


class CannedOut(BaseModel):
    id: int
    shortcut: str
    title: str
    body: str
    created_at: str


@router.get(
    "/canned-replies",
    response_model=list[CannedOut],
    summary="Saved answers",
    responses=with_links(
        200, delete=link("canned_delete", "Delete the first one", canned_reply_id="$response.body#/0/id")
    ),
)
def canned_list(
    auth: Auth = Depends(require(HANDLE)), session: Session = Depends(db)
) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(CannedReply).where(CannedReply.tenant_id == auth.tenant.id).order_by(CannedReply.shortcut)
    ).all()
    return [conv_service.canned_dict(r) for r in rows]


@router.post(
    "/canned-replies",
    response_model=CannedOut,
    status_code=201,
    summary="Save an answer (guarded like a reply: asking for secrets is refused)",
    responses=errors(
        409,
        e409="a canned reply with this shortcut exists",
        e422="invalid input, or message_blocked: it asks the customer for a secret",
    )
    | with_links(201, delete=link("canned_delete", "Delete it", canned_reply_id="$response.body#/id")),
)
def canned_create(
    body: CannedIn, request: Request, auth: Auth = Depends(require(HANDLE)), session: Session = Depends(db)
) -> Any:
    user = session.merge(auth.user)
    try:
        reply = conv_service.create_canned_reply(
            session,
            auth.tenant.id,
            shortcut=body.shortcut,
            title=body.title,
            body=body.body,
            brand=auth.tenant.name,
            by=user,
        )
    except ConversationError as exc:
        return _raise(exc)
    audit_commit(session, request, auth, "canned_reply.created", f"canned_reply:{reply.id}")
    return conv_service.canned_dict(reply)


@router.delete(
    "/canned-replies/{canned_reply_id}",
    status_code=204,
    summary="Delete a saved answer",
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
    session.delete(reply)
    audit_commit(session, request, auth, "canned_reply.deleted", f"canned_reply:{canned_reply_id}")
    return Response(status_code=204)
