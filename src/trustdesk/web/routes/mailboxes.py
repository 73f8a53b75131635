"""Connected mailboxes over HTTP: the admin API and the console page (admins only, audited).

The secret is accepted once, sealed, and never sent back. Testing a mailbox connects to the
retailer's servers from the desk; the answer says what failed in words an admin can act on.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.mailboxes.registry import (
    MailboxNotFound,
    add_mailbox,
    find_mailbox,
    list_mailboxes,
    mailbox_dict,
    remove_mailbox,
    test_mailbox,
)
from trustdesk.mailboxes.spec import MailboxInputError, build_spec
from trustdesk.ratelimit import Limit
from trustdesk.web.contract import errors
from trustdesk.web.deps import Auth, app_state, check_csrf, client_ip, db, rate_limit, require
from trustdesk.web.errors import ApiError, not_found
from trustdesk.web.fields import ApiModel, EmailAddress, count
from trustdesk.web.routes.pages import console_context, page_permission, render, staff_page

router = APIRouter(tags=["mailboxes"])
MANAGE = Permission.MANAGE_MAILBOXES
TEST_LIMIT = Limit(30, 60)  # each test opens connections to the retailer's servers

MailboxRef = Annotated[str, StringConstraints(min_length=5, max_length=32, pattern=r"^mbx_[A-Za-z0-9_-]+$")]
Line = Annotated[str, StringConstraints(min_length=1, max_length=320, pattern=r"^[^\r\n\x00]+$")]
Secret = Annotated[str, StringConstraints(min_length=1, max_length=4096, pattern=r"^[^\r\n\x00]+$")]
Host = Annotated[str, StringConstraints(min_length=1, max_length=253, pattern=r"^[A-Za-z0-9.-]+$")]
Folder = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r'^[^\x00-\x1f\x7f*%"\\]+$')]
Port = count(1, 65535)


class MailboxIn(ApiModel):
    address: EmailAddress = Field(description="One of the retailer's official e-mail addresses")
    username: Line
    secret: Secret | None = Field(
        default=None,
        description="Password, or an OAuth2 access token with auth_kind oauth2; stored sealed, never returned. "
        "Not needed with an OAuth2 refresh token (the desk fetches access tokens itself)",
    )
    auth_kind: Literal["password", "oauth2"] = "password"
    imap_host: Host
    imap_port: Port | None = Field(default=None, description="Default 993 (tls) or 143 (starttls)")
    imap_security: Literal["tls", "starttls"] = "tls"
    folder: Folder = "INBOX"
    after_intake: Literal["seen", "move"] = "seen"
    move_to: Folder | None = None
    smtp_host: Host | None = Field(default=None, description="SMTP submission for replies (optional)")
    smtp_port: Port | None = Field(default=None, description="Default 587 (starttls) or 465 (tls)")
    smtp_security: Literal["tls", "starttls"] = "starttls"
    smtp_username: Line | None = None
    smtp_secret: Secret | None = Field(default=None, description="When SMTP signs in with another secret")
    oauth_token_url: Annotated[str, StringConstraints(min_length=8, max_length=500)] | None = Field(
        default=None,
        description="auth_kind oauth2: the provider's token endpoint (https); the desk renews the access token",
    )
    oauth_client_id: Annotated[str, StringConstraints(min_length=1, max_length=500)] | None = None
    oauth_client_secret: Secret | None = Field(default=None, description="Stored sealed, never returned")
    oauth_refresh_token: Secret | None = Field(default=None, description="Stored sealed, never returned")
    oauth_scope: Annotated[str, StringConstraints(min_length=1, max_length=1000)] | None = None


class EndpointOut(BaseModel):
    host: str
    port: int
    security: str


class SmtpOut(EndpointOut):
    username: str


class MailboxState(BaseModel):
    uid_validity: int | None
    last_uid: int
    fetched_total: int
    last_fetch_at: str | None
    last_error: str | None


class OAuthOut(BaseModel):
    refresh: bool
    token_expires_at: str | None
    token_refreshed_at: str | None


class MailboxOut(BaseModel):
    id: str
    address: str
    enabled: bool
    auth_kind: str
    username: str
    imap: EndpointOut
    folder: str
    after_intake: str
    move_to: str | None
    smtp: SmtpOut | None
    state: MailboxState
    created_at: str
    oauth2: OAuthOut | None = Field(
        default=None, description="Set when the desk renews the mailbox's OAuth2 access token"
    )


class CheckOut(BaseModel):
    ok: bool
    error: str | None
    stage: str | None = Field(description="connect, tls, auth, folder or send")
    messages: int | None = None
    unseen: int | None = None
    idle: bool | None = None


class TestOut(BaseModel):
    id: str
    address: str
    ok: bool
    imap: CheckOut
    smtp: CheckOut | None


def _invalid(exc: MailboxInputError) -> ApiError:
    return ApiError(422, "invalid_mailbox", f"{exc.field}: {exc.message}")


def _spec(body: MailboxIn) -> Any:
    return build_spec(**body.model_dump())


def _run_test(request: Request, session: Session, auth: Auth, mailbox_id: str) -> dict[str, Any]:
    """Sign in to the tenant's mailbox (IMAP and SMTP) and record the outcome; the API and the
    console page both answer from this (rate-limited, audited by test_mailbox)."""
    try:
        row = find_mailbox(session, auth.tenant.id, mailbox_id)
    except MailboxNotFound:
        raise not_found("mailbox") from None
    rate_limit(request, "mailbox-test", str(auth.tenant.id), TEST_LIMIT)
    state = app_state(request)
    result = test_mailbox(
        session,
        row,
        state.box,
        ca_file=state.settings.mailbox_ca_file,
        actor=auth.actor,
        ip=client_ip(request),
    )
    session.commit()
    return result


@router.get(
    "/api/v1/mailboxes", response_model=list[MailboxOut], summary="This retailer's connected mailboxes"
)
def mailbox_list(
    auth: Auth = Depends(require(MANAGE)), session: Session = Depends(db)
) -> list[dict[str, Any]]:
    return [mailbox_dict(row) for row in list_mailboxes(session, auth.tenant.id)]


@router.post(
    "/api/v1/mailboxes",
    response_model=MailboxOut,
    status_code=201,
    summary="Connect a mailbox (IMAP intake, optional SMTP submission); audited",
    responses=errors(
        e422="invalid input, an address that is not one of the retailer's official e-mail addresses, "
        "or one already connected (invalid_mailbox)"
    ),
)
def mailbox_add(
    body: MailboxIn, request: Request, auth: Auth = Depends(require(MANAGE)), session: Session = Depends(db)
) -> dict[str, Any]:
    try:
        row = add_mailbox(
            session,
            auth.tenant,
            _spec(body),
            app_state(request).box,
            actor=auth.actor,
            user_id=auth.user.id,
            ip=client_ip(request),
        )
    except MailboxInputError as exc:
        raise _invalid(exc) from None
    out = mailbox_dict(row)
    session.commit()
    return out


@router.get(
    "/api/v1/mailboxes/{mailbox_id}",
    response_model=MailboxOut,
    summary="One mailbox with its fetch state",
    responses=errors(404),
)
def mailbox_get(
    mailbox_id: MailboxRef, auth: Auth = Depends(require(MANAGE)), session: Session = Depends(db)
) -> dict[str, Any]:
    try:
        return mailbox_dict(find_mailbox(session, auth.tenant.id, mailbox_id))
    except MailboxNotFound:
        raise not_found("mailbox") from None


@router.post(
    "/api/v1/mailboxes/{mailbox_id}/test",
    response_model=TestOut,
    summary="Connect and sign in to the mailbox's IMAP (and SMTP) servers now; audited",
    responses=errors(404, 429),
)
def mailbox_test(
    mailbox_id: MailboxRef,
    request: Request,
    auth: Auth = Depends(require(MANAGE)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    result = _run_test(request, session, auth, mailbox_id)
    return result


@router.delete(
    "/api/v1/mailboxes/{mailbox_id}",
    status_code=204,
    summary="Disconnect a mailbox and delete its secret; audited",
    responses=errors(404),
)
def mailbox_remove(
    mailbox_id: MailboxRef,
    request: Request,
    auth: Auth = Depends(require(MANAGE)),
    session: Session = Depends(db),
) -> Response:
    try:
        remove_mailbox(session, auth.tenant.id, mailbox_id, actor=auth.actor, ip=client_ip(request))
    except MailboxNotFound:
        raise not_found("mailbox") from None
    session.commit()
    return Response(status_code=204)


# --- console page ---------------------------------------------------------------------------------


def _page(
    request: Request,
    auth: Auth,
    session: Session,
    *,
    error: str | None = None,
    tested: dict[str, Any] | None = None,
    status: int = 200,
) -> HTMLResponse:
    context = console_context(request, auth, "mailboxes") | {
        "mailboxes": [mailbox_dict(row) for row in list_mailboxes(session, auth.tenant.id)],
        "error": error,
        "tested": tested,
    }
    return render(request, "console_mailboxes.html", context, status_code=status)


@router.get("/console/mailboxes", response_class=HTMLResponse, include_in_schema=False)
def console_mailboxes(
    request: Request, auth: Auth = Depends(staff_page), session: Session = Depends(db)
) -> HTMLResponse:
    page_permission(auth, MANAGE)
    return _page(request, auth, session)


@router.post("/console/mailboxes", include_in_schema=False)
def console_add_mailbox(
    request: Request,
    csrf_token: str = Form(max_length=200),
    address: str = Form(max_length=320),
    username: str = Form(max_length=320),
    secret: str = Form(default="", max_length=4096),
    auth_kind: str = Form(default="password", max_length=10),
    imap_host: str = Form(max_length=253),
    imap_port: str = Form(default="", max_length=5),
    imap_security: str = Form(default="tls", max_length=10),
    folder: str = Form(default="INBOX", max_length=200),
    move_to: str = Form(default="", max_length=200),
    smtp_host: str = Form(default="", max_length=253),
    smtp_port: str = Form(default="", max_length=5),
    smtp_security: str = Form(default="starttls", max_length=10),
    oauth_token_url: str = Form(default="", max_length=500),
    oauth_client_id: str = Form(default="", max_length=500),
    oauth_client_secret: str = Form(default="", max_length=4096),
    oauth_refresh_token: str = Form(default="", max_length=4096),
    auth: Auth = Depends(staff_page),
    session: Session = Depends(db),
) -> Response:
    check_csrf(request, auth, csrf_token)
    page_permission(auth, MANAGE)
    try:
        spec = build_spec(
            address=address,
            username=username,
            secret=secret,
            auth_kind=auth_kind,
            imap_host=imap_host,
            imap_port=_port(imap_port, "imap_port"),
            imap_security=imap_security,
            folder=folder,
            after_intake="move" if move_to.strip() else "seen",
            move_to=move_to or None,
            smtp_host=smtp_host or None,
            smtp_port=_port(smtp_port, "smtp_port"),
            smtp_security=smtp_security,
            oauth_token_url=oauth_token_url or None,
            oauth_client_id=oauth_client_id or None,
            oauth_client_secret=oauth_client_secret or None,
            oauth_refresh_token=oauth_refresh_token or None,
        )
        add_mailbox(
            session,
            auth.tenant,
            spec,
            app_state(request).box,
            actor=auth.actor,
            user_id=auth.user.id,
            ip=client_ip(request),
        )
    except MailboxInputError as exc:
        session.rollback()
        return _page(request, auth, session, error=f"{exc.field}: {exc.message}", status=422)
    session.commit()
    return RedirectResponse("/console/mailboxes", status_code=303)


def _port(value: str, name: str) -> int | None:
    text = value.strip()
    if not text:
        return None
    if not text.isdigit():
        raise MailboxInputError(name, f"{name} must be a number between 1 and 65535")
    return int(text)


@router.post("/console/mailboxes/{mailbox_id}/test", include_in_schema=False)
def console_test_mailbox(
    mailbox_id: MailboxRef,
    request: Request,
    csrf_token: str = Form(max_length=200),
    auth: Auth = Depends(staff_page),
    session: Session = Depends(db),
) -> Response:
    check_csrf(request, auth, csrf_token)
    page_permission(auth, MANAGE)
    result = _run_test(request, session, auth, mailbox_id)
    return _page(request, auth, session, tested=result)


@router.post("/console/mailboxes/{mailbox_id}/remove", include_in_schema=False)
def console_remove_mailbox(
    mailbox_id: MailboxRef,
    request: Request,
    csrf_token: str = Form(max_length=200),
    auth: Auth = Depends(staff_page),
    session: Session = Depends(db),
) -> Response:
    check_csrf(request, auth, csrf_token)
    page_permission(auth, MANAGE)
    try:
        remove_mailbox(session, auth.tenant.id, mailbox_id, actor=auth.actor, ip=client_ip(request))
    except MailboxNotFound:
        raise not_found("mailbox") from None
    session.commit()
    return RedirectResponse("/console/mailboxes", status_code=303)
