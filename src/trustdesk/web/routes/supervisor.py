"""The supervisor's view: the conversations the bot holds, live and read-only, and "take over".

`GET /api/v1/supervision/bot-conversations` lists them; the page `/console/supervise` shows the list
(refreshed every few seconds) and the transcript of the one opened, live through the agents'
WebSocket. `POST /api/v1/supervision/bot-conversations/{id}/take-over` assigns it to the supervisor,
stops the bot and tells the customer a person joined (audited). Admins and supervisors only.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.conversations import ConversationError
from trustdesk.conversations.supervision import MAX_LISTED, bot_held, take_over
from trustdesk.store.models import Conversation
from trustdesk.web.contract import errors
from trustdesk.web.deps import Auth, client_ip, db, require
from trustdesk.web.fields import page_size
from trustdesk.web.routes.conversation_common import ConversationOut, _raise, release, runtime
from trustdesk.web.routes.pages import Console, console_page, render

router = APIRouter(tags=["supervision"])

SUPERVISE = Permission.SUPERVISE_CONVERSATIONS


class BotConversationOut(ConversationOut):
    customer_messages: int


@router.get(
    "/api/v1/supervision/bot-conversations",
    response_model=list[BotConversationOut],
    summary="Conversations the bot is handling now (before any hand-over), latest first",
)
def bot_conversations(
    limit: page_size(MAX_LISTED) = 100,
    auth: Auth = Depends(require(SUPERVISE)),
    session: Session = Depends(db),
) -> list[dict[str, Any]]:
    return bot_held(session, auth.tenant.id, limit=limit)


@router.post(
    "/api/v1/supervision/bot-conversations/{conversation_id}/take-over",
    response_model=ConversationOut,
    summary="Take the conversation over from the bot: assigned to you, the bot stops, the customer is told",
    responses=errors(404, 409, e409="the bot no longer holds it (handed over, claimed or resolved)"),
)
def take_over_conversation(
    conversation_id: str,
    request: Request,
    auth: Auth = Depends(require(SUPERVISE)),
    session: Session = Depends(db),
) -> Any:
    release(session)
    rt = runtime(request)
    bot = rt.services.get("bot")
    conv_pk = None
    if bot is not None:
        with rt.desk.sessions() as read:
            conv_pk = read.scalar(
                select(Conversation.id).where(
                    Conversation.tenant_id == auth.tenant.id, Conversation.public_id == conversation_id
                )
            )
            read.rollback()
    try:
        return take_over(
            rt.desk,
            auth.tenant.id,
            conversation_id,
            by=auth.user,
            ip=client_ip(request),
            bot_lock=bot.holding(conv_pk) if bot is not None and conv_pk is not None else None,
        )
    except ConversationError as exc:
        return _raise(exc)


@router.get("/console/supervise", response_class=HTMLResponse, include_in_schema=False)
def console_supervise(page: Console = Depends(console_page(SUPERVISE))) -> HTMLResponse:
    context = page.context("supervise")
    context["can_see_satisfaction"] = page.auth.can(Permission.VIEW_SATISFACTION)
    return render(page.request, "console_supervise.html", context)
