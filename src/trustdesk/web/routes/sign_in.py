"""Sign-in pages: password, then the second factor (TOTP, or enrolling one), and signing out."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from trustdesk.accounts import service as accounts
from trustdesk.accounts.permissions import is_staff
from trustdesk.i18n import words
from trustdesk.ratelimit import Limit
from trustdesk.store.models import User
from trustdesk.tenancy.service import find_tenant
from trustdesk.web.cookies import clear_session_cookie, set_session_cookie
from trustdesk.web.deps import (
    PRE_SESSION_COOKIE,
    Auth,
    app_state,
    check_csrf,
    client_ip,
    db,
    optional_auth,
    rate_limit,
    write_db,
)
from trustdesk.web.errors import ApiError
from trustdesk.web.locale import page_language
from trustdesk.web.redirects import MAX_NEXT_CHARS, safe_next
from trustdesk.web.routes.auth import end_session, perform_login
from trustdesk.web.routes.pages import (
    Redirect,
    render,
)

router = APIRouter(include_in_schema=False)


def _home_for(user: User) -> str:
    return "/console" if is_staff(user.role) else "/account"


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    tenant: str | None = Query(default=None, max_length=63),
    next: str | None = Query(default=None, max_length=MAX_NEXT_CHARS),
    session: Session = Depends(db),
) -> HTMLResponse:
    pre = secrets.token_urlsafe(24)
    # The form carries only a destination that is safe to go to (it is checked again on submit).
    context = {"pre_csrf": pre, "tenant": tenant, "next": safe_next(next, "") or None}
    response = render(request, "login.html", context | _sign_in_language(request, session, tenant))
    _set_pre_session_cookie(request, response, pre)
    return response


def _set_pre_session_cookie(request: Request, response: Response, pre: str) -> None:
    """The signed pre-session cookie the sign-in form's CSRF token is checked against (an hour)."""
    response.set_cookie(
        PRE_SESSION_COOKIE,
        app_state(request).cookie_signer.sign(pre.encode()).decode(),
        httponly=True,
        samesite="strict",
        secure=app_state(request).settings.behind_tls,
        max_age=3600,
    )


def _sign_in_language(request: Request, session: Session, slug: str | None) -> dict[str, Any]:
    """The sign-in page speaks the named retailer's languages (every language without one)."""
    shop = find_tenant(session, slug.strip().lower()) if slug else None
    return {"shop": shop, "page_lang": page_language(request, shop)}


def _check_pre_csrf(request: Request, submitted: str) -> None:
    raw = request.cookies.get(PRE_SESSION_COOKIE, "")
    try:
        expected = app_state(request).cookie_signer.unsign(raw).decode() if raw else ""
    except Exception:  # noqa: BLE001 - any bad signature is simply a failed check
        expected = ""
    if not expected or not hmac.compare_digest(expected, submitted):
        raise ApiError(403, "csrf_failed", "the sign-in form expired; reload the page and try again")


@router.post("/login", response_class=HTMLResponse)
def login_submit(
    request: Request,
    tenant: str = Form(max_length=63),
    email: str = Form(max_length=320),
    password: str = Form(max_length=1024),
    csrf_token: str = Form(max_length=200),
    next: str | None = Query(default=None, max_length=MAX_NEXT_CHARS),
    session: Session = Depends(db),
) -> Response:
    _check_pre_csrf(request, csrf_token)
    # Judged before the sign-in is committed: nothing about it can fail afterwards.
    destination = safe_next(next, "")
    redirect = RedirectResponse("/", status_code=303)
    try:
        issued = perform_login(request, redirect, session, tenant, email, password)
    except ApiError as exc:
        if exc.status == 429:
            raise
        pre = secrets.token_urlsafe(24)
        language = _sign_in_language(request, session, tenant)
        error = exc.message
        if exc.code == "login_failed":  # the one refusal a customer meets; the same for every cause
            error = words(language["page_lang"].code).gettext("wrong e-mail or password")
        response = render(
            request,
            "login.html",
            {
                "pre_csrf": pre,
                "tenant": tenant,
                "email": email,
                "error": error,
                "next": destination or None,
            }
            | language,
            status_code=exc.status,
        )
        _set_pre_session_cookie(request, response, pre)
        return response
    step = issued.step
    if step == accounts.LoginStep.TOTP_REQUIRED:
        redirect.headers["location"] = "/login/totp"
    elif step == accounts.LoginStep.ENROLMENT_REQUIRED:
        redirect.headers["location"] = "/login/enrol"
    else:
        redirect.headers["location"] = destination or _home_for(issued.user)
    redirect.delete_cookie(PRE_SESSION_COOKIE)
    return redirect


@dataclass(frozen=True)
class _SecondFactorPost:
    auth: Auth
    code: str


def _second_factor_post(
    request: Request,
    code: str = Form(max_length=32),
    csrf_token: str = Form(max_length=200),
    auth: Auth | None = Depends(optional_auth),
) -> _SecondFactorPost:
    """What every second-factor form post starts with: its code, once the session is pending, the CSRF
    token matches and the rate limit allows."""
    auth = _pending(auth)
    check_csrf(request, auth, csrf_token)
    rate_limit(request, "totp", f"user:{auth.user.id}", Limit(10, 60))
    return _SecondFactorPost(auth, code)


def _pending(auth: Auth | None) -> Auth:
    if auth is None:
        raise Redirect("/login")
    return auth


@router.get("/login/totp", response_class=HTMLResponse)
def totp_form(request: Request, auth: Auth | None = Depends(optional_auth)) -> Response:
    auth = _pending(auth)
    if auth.session_row.mfa_passed:
        return RedirectResponse(_home_for(auth.user), status_code=303)
    return render(request, "totp.html", {"csrf_token": auth.session_row.csrf_token})


@router.post("/login/totp", response_class=HTMLResponse)
def totp_submit(
    request: Request, form: _SecondFactorPost = Depends(_second_factor_post), session: Session = Depends(db)
) -> Response:
    auth, code = form.auth, form.code
    state = app_state(request)
    try:
        issued = accounts.verify_second_factor(
            session,
            auth.session_row,
            auth.user,
            code=code,
            box=state.box,
            policy=state.lockout,
            session_hours=state.settings.session_hours,
            ip=client_ip(request),
        )
    except accounts.AccountError as exc:
        session.commit()
        return render(
            request,
            "totp.html",
            {"csrf_token": auth.session_row.csrf_token, "error": str(exc)},
            status_code=401,
        )
    session.commit()
    response = RedirectResponse(_home_for(issued.user), status_code=303)
    set_session_cookie(response, state, issued.token)
    return response


@router.get("/login/enrol", response_class=HTMLResponse)
def enrol_form(
    request: Request, auth: Auth | None = Depends(optional_auth), session: Session = Depends(write_db)
) -> Response:
    auth = _pending(auth)
    if auth.user.totp_enabled:
        return RedirectResponse(
            "/login/totp" if not auth.session_row.mfa_passed else _home_for(auth.user), status_code=303
        )
    user = session.merge(auth.user)
    enrolment = accounts.begin_totp_enrolment(user, auth.tenant, app_state(request).box)
    session.commit()
    return render(
        request,
        "enrol.html",
        {"csrf_token": auth.session_row.csrf_token, "qr_svg": enrolment.qr_svg, "secret": enrolment.secret},
    )


@router.post("/login/enrol", response_class=HTMLResponse)
def enrol_submit(
    request: Request, form: _SecondFactorPost = Depends(_second_factor_post), session: Session = Depends(db)
) -> Response:
    auth, code = form.auth, form.code
    state = app_state(request)
    try:
        issued, codes = accounts.confirm_totp_enrolment(
            session,
            auth.session_row,
            auth.user,
            code=code,
            box=state.box,
            session_hours=state.settings.session_hours,
            ip=client_ip(request),
        )
    except accounts.AccountError as exc:
        enrolment = (
            accounts.begin_totp_enrolment(auth.user, auth.tenant, state.box)
            if not auth.user.totp_enabled
            else None
        )
        session.commit()
        context = {"csrf_token": auth.session_row.csrf_token, "error": str(exc)}
        if enrolment:
            context |= {"qr_svg": enrolment.qr_svg, "secret": enrolment.secret}
        return render(request, "enrol.html", context, status_code=401)
    session.commit()
    response = render(
        request,
        "enrol.html",
        {
            "csrf_token": issued.session.csrf_token,
            "recovery_codes": codes,
            "next_url": _home_for(issued.user),
        },
    )
    set_session_cookie(response, state, issued.token)
    return response


@router.post("/logout")
def logout_submit(
    request: Request,
    csrf_token: str = Form(max_length=200),
    auth: Auth | None = Depends(optional_auth),
    session: Session = Depends(db),
) -> Response:
    response = RedirectResponse("/login", status_code=303)
    if auth is not None:
        check_csrf(request, auth, csrf_token)
        end_session(request, session, auth)
    clear_session_cookie(response, app_state(request))
    return response
