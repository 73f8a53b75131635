"""E-mail attachments for staff: download only (never rendered inline), within the staff member's tenant."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.conversations.domain import clean_line
from trustdesk.store.attachments import AttachmentStore
from trustdesk.store.models import Conversation, MailAttachment
from trustdesk.web.contract import errors
from trustdesk.web.deps import Auth, app_state, db, require
from trustdesk.web.errors import not_found

router = APIRouter(prefix="/api/v1", tags=["conversations"])


class MailAuthOut(BaseModel):
    spf: str | None
    dkim: str | None
    dmarc: str | None
    from_domain: str | None = None
    reasons: list[str] = []


class MailAttachmentOut(BaseModel):
    id: str
    filename: str
    content_type: str
    detected_type: str | None
    size: int
    sha256: str
    stored: bool
    refused: str | None
    url: str | None = Field(description="Staff download (Content-Disposition: attachment); None when refused")


class MailOut(BaseModel):
    """How a message travelled as e-mail: addresses, authentication, attachments."""

    direction: str
    status: str
    from_: str = Field(alias="from")
    to: str
    message_id: str
    verdict: str = Field(
        description="pass (DMARC), partial (SPF or DKIM only), none, fail, temperror, spoofed "
        "(claims the retailer's own domain without passing), impersonation (the display name holds "
        "another address or the retailer's name or domain), unchecked, or sent-by-us"
    )
    spoofing: bool
    impersonation: str | None = Field(
        default=None, description="Why the From display name impersonates someone, when it does"
    )
    auth: MailAuthOut | None
    attachments: list[MailAttachmentOut]

    model_config = {"populate_by_name": True, "serialize_by_alias": True}


def content_disposition(filename: str) -> str:
    """attachment; an ASCII fallback name and the exact name (RFC 6266 / 5987)."""
    name = clean_line(filename, 255) or "attachment"
    fallback = (
        "".join(c if c.isascii() and (c.isalnum() or c in "._- ") else "_" for c in name).strip()
        or "attachment"
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get(
    "/conversations/{conversation_id}/attachments/{attachment_id}",
    summary="Download an e-mail attachment (always as a file, never shown inline)",
    response_class=Response,
    responses={
        200: {"content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
    }
    | errors(404, e404="no such conversation, or no stored attachment with this id in it"),
)
def download_attachment(
    conversation_id: str,
    attachment_id: str,
    request: Request,
    auth: Auth = Depends(require(Permission.HANDLE_CONVERSATIONS)),
    session: Session = Depends(db),
) -> Response:
    row = session.scalar(
        select(MailAttachment)
        .join(Conversation, Conversation.id == MailAttachment.conversation_id)
        .where(
            MailAttachment.tenant_id == auth.tenant.id,
            Conversation.tenant_id == auth.tenant.id,
            Conversation.public_id == conversation_id,
            MailAttachment.public_id == attachment_id,
            MailAttachment.stored.is_(True),
        )
    )
    if row is None:
        raise not_found("attachment")
    data = AttachmentStore(app_state(request).settings.attachments_dir).read(auth.tenant.id, row.sha256)
    if data is None:
        raise not_found("attachment")
    return Response(
        content=data,
        media_type="application/octet-stream",
        headers={
            "Content-Disposition": content_disposition(row.filename),
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'; sandbox",
            "Cache-Control": "private, no-store",
        },
    )
