"""Sign-in API: password, second factor, two-factor enrolment, sign-out."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustdesk.accounts import service as accounts
from trustdesk.ratelimit import Limit
from trustdesk.tenancy.service import find_tenant
from trustdesk.web.contract import errors, link, with_links
from trustdesk.web.cookies import clear_session_cookie, set_session_cookie
from trustdesk.web.deps import (
    Auth,
    app_state,
    audit_commit,
    check_csrf,
    client_ip,
    db,
    optional_auth,
    pending_auth,
    rate_limit,
    session_token,
    write_db,
)
from trustdesk.web.errors import ApiError
from trustdesk.web.fields import ApiModel, EmailAddress, TenantSlug

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class LoginRequest(ApiModel):
    tenant: TenantSlug = Field(description="The retailer's slug, e.g. acme")
    email: EmailAddress
    password: str = Field(min_length=1, max_length=1024)


class LoginResponse(BaseModel):
    step: Literal["done", "totp_required", "enrolment_required"] = Field(
        description="done: signed in; staff continue with POST /totp or the enrolment"
    )
    csrf_token: str = Field(description="Send as X-CSRF-Token on every unsafe request of this session")


class CodeRequest(ApiModel):
    code: str = Field(min_length=6, max_length=32, description="A TOTP code or a recovery code")


class EnrolmentResponse(BaseModel):
    otpauth_uri: str
    secret: str
    qr_svg: str


class EnrolmentDone(BaseModel):
    step: Literal["done"]
    csrf_token: str
    recovery_codes: list[str]


def end_session(request: Request, session: Session, auth: Auth) -> None:
    """Revoke the session and audit the sign-out (the caller has checked CSRF)."""
    accounts.revoke_session(session, auth.token)
    audit_commit(session, request, auth, "auth.logout", f"user:{auth.user.id}")


def perform_login(
    request: Request, response: Response, session: Session, tenant_slug: str, email: str, password: str
) -> accounts.IssuedSession:
    """Shared by the JSON API and the HTML form: rate limits, lockout, rotation, cookie."""
    state = app_state(request)
    ip = client_ip(request)
    per_minute = state.settings.login_rate_per_minute
    rate_limit(request, "login-ip", ip, Limit(per_minute, 60))
    rate_limit(request, "login-account", f"{tenant_slug}:{email.strip().lower()}", Limit(per_minute, 60))
    tenant = find_tenant(session, tenant_slug.strip().lower())
    if tenant is None:
        raise ApiError(401, "login_failed", "wrong e-mail or password")
    try:
        issued = accounts.sign_in(
            session,
            tenant,
            email=email,
            password=password,
            ip=ip,
            policy=state.lockout,
            session_hours=state.settings.session_hours,
            previous_token=session_token(request),
        )
    except accounts.LoginFailed as exc:
        session.commit()  # failure counters and audit must persist (a locked account fails alike)
        raise ApiError(401, "login_failed", str(exc)) from None
    session.commit()
    set_session_cookie(response, state, issued.token)
    return issued


@router.post(
    "/login",
    response_model=LoginResponse,
    summary="Sign in with e-mail and password",
    responses=errors(401, 429, e401="login_failed: wrong retailer, e-mail or password, or a locked account")
    | with_links(
        200,
        me=link("me", "Who signed in (customers; staff after the second factor)"),
        enrolment=link("begin_enrolment", "Staff without a second factor enrol one"),
    ),
)
def login(
    body: LoginRequest, request: Request, response: Response, session: Session = Depends(db)
) -> LoginResponse:
    issued = perform_login(request, response, session, body.tenant, body.email, body.password)
    return LoginResponse(step=issued.step.value, csrf_token=issued.session.csrf_token)


@router.post(
    "/totp",
    response_model=LoginResponse,
    summary="Complete sign-in with a TOTP or recovery code",
    responses=errors(
        409,
        429,
        e401="code_invalid, account_locked, or no signed-in session",
        e409="this session already passed the second factor, or the account has none",
    ),
)
def second_factor(
    body: CodeRequest,
    request: Request,
    response: Response,
    auth: Auth = Depends(pending_auth),
    session: Session = Depends(db),
) -> LoginResponse:
    state = app_state(request)
    rate_limit(request, "totp", f"user:{auth.user.id}", Limit(10, 60))
    user = session.merge(auth.user)
    pending = session.merge(auth.session_row)
    try:
        issued = accounts.verify_second_factor(
            session,
            pending,
            user,
            code=body.code,
            box=state.box,
            policy=state.lockout,
            session_hours=state.settings.session_hours,
            ip=client_ip(request),
        )
    except accounts.AccountLocked as exc:
        # The caller has already given the right password: naming the lock tells them nothing new.
        session.commit()
        raise ApiError(401, "account_locked", str(exc)) from None
    except accounts.LoginFailed as exc:
        session.commit()
        raise ApiError(401, "code_invalid", str(exc)) from None
    except accounts.AccountError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    session.commit()
    set_session_cookie(response, state, issued.token)
    return LoginResponse(step=issued.step.value, csrf_token=issued.session.csrf_token)


@router.get(
    "/totp/enrolment",
    response_model=EnrolmentResponse,
    summary="Start two-factor enrolment",
    responses=errors(409, e409="two-factor sign-in is already set up for this account"),
)
def begin_enrolment(
    request: Request, auth: Auth = Depends(pending_auth), session: Session = Depends(write_db)
) -> EnrolmentResponse:
    user = session.merge(auth.user)
    try:
        enrolment = accounts.begin_totp_enrolment(user, auth.tenant, app_state(request).box)
    except accounts.AccountError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    session.commit()
    return EnrolmentResponse(otpauth_uri=enrolment.uri, secret=enrolment.secret, qr_svg=enrolment.qr_svg)


@router.post(
    "/totp/enrolment",
    response_model=EnrolmentDone,
    summary="Confirm two-factor enrolment with a code",
    responses=errors(409, 429, e409="no enrolment was started, or it is already confirmed"),
)
def confirm_enrolment(
    body: CodeRequest,
    request: Request,
    response: Response,
    auth: Auth = Depends(pending_auth),
    session: Session = Depends(db),
) -> EnrolmentDone:
    state = app_state(request)
    rate_limit(request, "totp", f"user:{auth.user.id}", Limit(10, 60))
    user = session.merge(auth.user)
    pending = session.merge(auth.session_row)
    try:
        issued, codes = accounts.confirm_totp_enrolment(
            session,
            pending,
            user,
            code=body.code,
            box=state.box,
            session_hours=state.settings.session_hours,
            ip=client_ip(request),
        )
    except accounts.LoginFailed as exc:
        raise ApiError(401, "code_invalid", str(exc)) from None
    except accounts.AccountError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    session.commit()
    set_session_cookie(response, state, issued.token)
    return EnrolmentDone(step=issued.step.value, csrf_token=issued.session.csrf_token, recovery_codes=codes)


@router.post(
    "/logout",
    status_code=204,
    summary="Sign out (revokes the session)",
    responses=errors(403, e403="csrf_failed: a signed-in session must send its CSRF token"),
)
def logout(
    request: Request, session: Session = Depends(db), auth: Auth | None = Depends(optional_auth)
) -> Response:
    response = Response(status_code=204)
    if auth is not None:
        check_csrf(request, auth)
        end_session(request, session, auth)
    clear_session_cookie(response, app_state(request))
    return response
