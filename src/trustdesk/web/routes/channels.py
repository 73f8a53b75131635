"""Staff API and console page for the official-channel registry (confirmed-fraud indicators: fraud_indicators.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.channels import changes
from trustdesk.store.models import ChannelChange, OfficialChannelRow, User
from trustdesk.web.contract import errors, link, with_links
from trustdesk.web.deps import Auth, client_ip, db, four_eyes_cancel, four_eyes_decision, require
from trustdesk.web.errors import ApiError
from trustdesk.web.fields import NOT_SPACE, ApiModel, RowId
from trustdesk.web.routes.pages import Console, console_form, console_page, render

router = APIRouter(tags=["channels"])


class ChannelOut(BaseModel):
    id: int
    kind: str
    value: str
    platform: str
    purpose: str
    country: str
    label: str
    created_at: datetime


ChannelKindName = Literal["domain", "sending_domain", "email", "phone", "url", "social", "app"]


class _ChannelDetails(ApiModel):
    kind: ChannelKindName
    value: str = Field(
        min_length=1,
        max_length=500,
        pattern=NOT_SPACE,
        description="As typed; it must be a valid contact of its kind",
    )
    purpose: str = Field(default="", max_length=80)
    country: str = Field(default="", max_length=2, description="ISO 3166 code, e.g. GB")
    platform: str = Field(
        default="", max_length=40, description="social and app: the platform, e.g. instagram"
    )
    label: str = Field(default="", max_length=120)
    note: str = Field(default="", max_length=1000)


class AddChannel(_ChannelDetails):
    action: Literal["add"]


class EditChannel(_ChannelDetails):
    action: Literal["edit"]
    channel_id: RowId


class RemoveChannel(ApiModel):
    action: Literal["remove"]
    channel_id: RowId
    note: str = Field(default="", max_length=1000)


ChangeIn = Annotated[AddChannel | EditChannel | RemoveChannel, Field(discriminator="action")]


class ChangeOut(BaseModel):
    id: int
    action: str
    channel_id: int | None
    payload: dict[str, Any]
    status: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    note: str


def _channel_out(row: OfficialChannelRow) -> ChannelOut:
    return ChannelOut(
        id=row.id,
        kind=row.kind,
        value=row.value,
        platform=row.platform,
        purpose=row.purpose,
        country=row.country,
        label=row.label,
        created_at=row.created_at,
    )


def _change_out(session: Session, row: ChannelChange) -> ChangeOut:
    names = {
        u.id: u.email
        for u in session.scalars(
            select(User).where(User.id.in_([row.requested_by_id, row.decided_by_id or 0]))
        )
    }
    return ChangeOut(
        id=row.id,
        action=row.action,
        channel_id=row.channel_id,
        payload=row.payload,
        status=row.status,
        requested_by=names.get(row.requested_by_id, "?"),
        requested_at=row.requested_at,
        decided_by=names.get(row.decided_by_id) if row.decided_by_id else None,
        decided_at=row.decided_at,
        note=row.note,
    )


def _input(body: AddChannel | EditChannel | RemoveChannel) -> changes.ChannelInput | None:
    if isinstance(body, RemoveChannel):
        return None
    return changes.ChannelInput(
        kind=body.kind,
        value=body.value,
        purpose=body.purpose,
        country=body.country,
        platform=body.platform,
        label=body.label,
    )


def _decisions(change_id: str) -> dict[str, Any]:
    return {
        verb: link(f"{verb}_change", f"{verb.title()} the change", change_id=change_id)
        for verb in ("approve", "reject", "cancel")
    }


def tenant_channels(session: Session, tenant_id: int) -> list[OfficialChannelRow]:
    return list(
        session.scalars(
            select(OfficialChannelRow)
            .where(OfficialChannelRow.tenant_id == tenant_id)
            .order_by(OfficialChannelRow.kind, OfficialChannelRow.value)
        )
    )


@router.get(
    "/api/v1/channels",
    response_model=list[ChannelOut],
    summary="This retailer's official channels",
    responses=with_links(
        200,
        remove=link(
            "request_change",
            "Ask to remove the first listed channel",
            body={"action": "remove", "channel_id": "$response.body#/0/id"},
        ),
    ),
)
def list_channels(
    auth: Auth = Depends(require(Permission.VIEW_CHANNELS)), session: Session = Depends(db)
) -> list[ChannelOut]:
    return [_channel_out(r) for r in tenant_channels(session, auth.tenant.id)]


@router.get(
    "/api/v1/channels/changes",
    response_model=list[ChangeOut],
    summary="Channel change requests",
    responses=with_links(200, **_decisions("$response.body#/0/id")),
)
def list_changes(
    status: Literal["pending", "approved", "rejected", "cancelled"] | None = None,
    auth: Auth = Depends(require(Permission.MANAGE_CHANNELS)),
    session: Session = Depends(db),
) -> list[ChangeOut]:
    query = select(ChannelChange).where(ChannelChange.tenant_id == auth.tenant.id)
    if status:
        query = query.where(ChannelChange.status == status)
    return [
        _change_out(session, r) for r in session.scalars(query.order_by(ChannelChange.id.desc()).limit(500))
    ]


@router.post(
    "/api/v1/channels/changes",
    response_model=ChangeOut,
    status_code=201,
    summary="Request a change (needs a second admin)",
    responses=errors(
        404,
        409,
        e404="no such channel (remove, edit)",
        e409="the channel is already official, or too many changes are pending",
        e422="invalid input, or the value is not a valid contact of its kind (invalid_change)",
    )
    | with_links(201, **_decisions("$response.body#/id")),
)
def request_change(
    body: ChangeIn,
    request: Request,
    auth: Auth = Depends(require(Permission.MANAGE_CHANNELS)),
    session: Session = Depends(db),
) -> ChangeOut:
    try:
        change = changes.request_change(
            session,
            auth.tenant,
            auth.user,
            body.action,
            data=_input(body),
            channel_id=getattr(body, "channel_id", None),
            note=body.note,
            ip=client_ip(request),
        )
    except changes.ChangeError as exc:
        raise _request_error(exc) from None
    session.commit()
    return _change_out(session, change)


def _request_error(exc: changes.ChangeError) -> ApiError:
    message = str(exc)
    if message == "no such channel":
        return ApiError(404, "not_found", message)
    if "already official" in message or "too many pending" in message:
        return ApiError(409, "conflict", message)
    return ApiError(422, "invalid_change", message)


def _decide(request: Request, session: Session, auth: Auth, change_id: int, approve: bool) -> ChannelChange:
    decide, refused = changes.decide_change, changes.ChangeError
    return four_eyes_decision(request, session, auth, change_id, approve, decide, refused)


DECISION_ERRORS = errors(404, 409, e409="already decided, your own request, or no longer applicable")


@router.post(
    "/api/v1/channels/changes/{change_id}/approve",
    response_model=ChangeOut,
    summary="Approve and apply a change (not your own)",
    responses=DECISION_ERRORS,
)
def approve_change(
    change_id: RowId,
    request: Request,
    auth: Auth = Depends(require(Permission.APPROVE_CHANNELS)),
    session: Session = Depends(db),
) -> ChangeOut:
    return _change_out(session, _decide(request, session, auth, change_id, True))


@router.post(
    "/api/v1/channels/changes/{change_id}/reject",
    response_model=ChangeOut,
    summary="Reject a change",
    responses=DECISION_ERRORS,
)
def reject_change(
    change_id: RowId,
    request: Request,
    auth: Auth = Depends(require(Permission.APPROVE_CHANNELS)),
    session: Session = Depends(db),
) -> ChangeOut:
    return _change_out(session, _decide(request, session, auth, change_id, False))


@router.post(
    "/api/v1/channels/changes/{change_id}/cancel",
    response_model=ChangeOut,
    summary="Withdraw your own pending change",
    responses=errors(404, e404="no such pending change of yours"),
)
def cancel_change(
    change_id: RowId,
    request: Request,
    auth: Auth = Depends(require(Permission.MANAGE_CHANNELS)),
    session: Session = Depends(db),
) -> ChangeOut:
    change = four_eyes_cancel(request, session, auth, change_id, changes.cancel_change, changes.ChangeError)
    return _change_out(session, change)


# ----------------------------------------------------------------------------- console page

from trustdesk.channels.words import channel_kind_label, channel_note  # noqa: E402
from trustdesk.web.routes.pages import CHANNEL_PROVIDERS  # noqa: E402

CHANNEL_PROVIDERS.append(lambda session, tenant, lang: help_page_channels(session, tenant, lang))


def help_page_channels(session: Session, tenant, lang: str = "en") -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The public help page lists the retailer's official channels, named in the page's language."""
    from trustdesk.verify import format_phone

    out = []
    for row in tenant_channels(session, tenant.id):
        value = (
            format_phone(row.value)
            if row.kind == "phone"
            else (f"@{row.value}" if row.kind == "social" else row.value)
        )
        note = channel_note(row.platform, row.purpose, row.country, lang)
        out.append({"label": channel_kind_label(row.kind, lang), "value": value, "note": note})
    return out


KIND_LABELS = {
    "domain": "Website",
    "sending_domain": "Mail domain",
    "email": "E-mail",
    "phone": "Phone",
    "url": "Web page",
    "social": "Social",
    "app": "App",
}


@router.get("/console/channels", response_class=HTMLResponse, include_in_schema=False)
def console_channels(
    error: str | None = None, page: Console = Depends(console_page(Permission.VIEW_CHANNELS))
) -> HTMLResponse:
    return _channels_page(page, error)


def _channels_page(page: Console, error: str | None = None) -> HTMLResponse:
    session, auth = page.session, page.auth
    pending = session.scalars(
        select(ChannelChange)
        .where(ChannelChange.tenant_id == auth.tenant.id, ChannelChange.status == "pending")
        .order_by(ChannelChange.id)
    ).all()
    recent = session.scalars(
        select(ChannelChange)
        .where(ChannelChange.tenant_id == auth.tenant.id, ChannelChange.status != "pending")
        .order_by(ChannelChange.id.desc())
        .limit(20)
    ).all()
    context = page.context("channels") | {
        "channels": tenant_channels(session, auth.tenant.id),
        "pending": [_change_out(session, c) for c in pending],
        "recent": [_change_out(session, c) for c in recent],
        "kinds": KIND_LABELS,
        "error": error,
        "can_manage": auth.can(Permission.MANAGE_CHANNELS),
        "can_approve": auth.can(Permission.APPROVE_CHANNELS),
        "me": auth.user.email,
    }
    return render(page.request, "console_channels.html", context)


def _page_error(page: Console, message: str) -> HTMLResponse:
    response = _channels_page(page, error=message)
    response.status_code = 422
    return response


@router.post("/console/channels/request", include_in_schema=False)
def console_request(
    action: str = Form(max_length=10),
    channel_id: RowId | None = Form(default=None),
    kind: str = Form(default="", max_length=20),
    value: str = Form(default="", max_length=500),
    purpose: str = Form(default="", max_length=80),
    country: str = Form(default="", max_length=2),
    platform: str = Form(default="", max_length=40),
    note: str = Form(default="", max_length=1000),
    page: Console = Depends(console_form(Permission.MANAGE_CHANNELS)),
) -> Response:
    data = (
        changes.ChannelInput(kind=kind, value=value, purpose=purpose, country=country, platform=platform)
        if value
        else None
    )
    try:
        changes.request_change(
            page.session,
            page.tenant,
            page.auth.user,
            action,
            data=data,
            channel_id=channel_id,
            note=note,
            ip=page.ip,
        )
    except changes.ChangeError as exc:
        page.session.rollback()
        return _page_error(page, str(exc))
    return page.done("/console/channels")


@router.post("/console/channels/changes/{change_id}/decide", include_in_schema=False)
def console_decide(
    change_id: RowId,
    decision: str = Form(max_length=10),
    page: Console = Depends(console_form(Permission.APPROVE_CHANNELS)),
) -> Response:
    try:
        page.four_eyes(decision, change_id, cancel=changes.cancel_change, decide=changes.decide_change)
    except changes.ChangeError as exc:
        page.session.commit()  # keep the audit record of a refused decision
        return _page_error(page, str(exc))
    return page.done("/console/channels")
