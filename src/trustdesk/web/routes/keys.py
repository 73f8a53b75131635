"""The console's key page for the desk's operating admins: the two key rings by public id (when each
key was made, which is current, which this instance runs with), the re-seal run's progress, rotating
either key and retiring older ones. Every change is a CSRF-checked form post, audited by the keyring
service; no key material is ever rendered. The page speaks the admin's language (every language the
desk speaks, with its switch), unlike the rest of the English console."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.keyring import (
    ENCRYPTION,
    SECRET,
    KeyRingError,
    retire_encryption,
    retire_secret,
    ring_status,
    rotate_encryption_in_background,
    rotate_secret,
)
from trustdesk.keyring.operators import operates_keys
from trustdesk.store.models import Tenant
from trustdesk.store.resealing import latest_progress
from trustdesk.web.deps import Auth, app_state, check_csrf, client_ip, db
from trustdesk.web.errors import ApiError
from trustdesk.web.locale import page_language
from trustdesk.web.routes.pages import console_context, page_permission, render, staff_page

router = APIRouter(include_in_schema=False)
KINDS = {"encryption": ENCRYPTION, "secret": SECRET}


def _operator(request: Request, auth: Auth, session: Session, csrf_token: str | None = None) -> None:
    if csrf_token is not None:
        check_csrf(request, auth, csrf_token)
    page_permission(auth, Permission.MANAGE_KEYS)
    tenants = int(session.scalar(select(func.count()).select_from(Tenant)) or 0)
    if not operates_keys(
        tenant_slug=auth.tenant.slug,
        is_admin=auth.can(Permission.MANAGE_KEYS),
        configured=app_state(request).settings.keys_admin_tenant,
        tenant_count=tenants,
    ):
        raise ApiError(
            403,
            "forbidden",
            "the desk's keys serve every retailer: only the admins of the operating retailer "
            "(TRUSTDESK_KEYS_ADMIN_TENANT) manage them",
        )


def _page(
    request: Request, auth: Auth, session: Session, status_code: int = 200, **context: Any
) -> HTMLResponse:
    settings = app_state(request).settings
    progress = latest_progress(session)
    rings = {name: ring_status(session, settings, kind) for name, kind in KINDS.items()}
    base = console_context(request, auth, "keys")
    # The key page is translated: it negotiates over every language the desk speaks.
    base["page_lang"] = page_language(request, None)
    return render(
        request,
        "console_keys.html",
        base | {"rings": rings, "progress": progress, **context},
        status_code=status_code,
    )


def _kind(value: str) -> str:
    if value not in KINDS:
        raise ApiError(422, "invalid_kind", "kind must be 'encryption' or 'secret'")
    return KINDS[value]


@router.get("/console/keys", response_class=HTMLResponse)
def console_keys(
    request: Request, auth: Auth = Depends(staff_page), session: Session = Depends(db)
) -> HTMLResponse:
    _operator(request, auth, session)
    return _page(request, auth, session)


@router.post("/console/keys/rotate", response_class=HTMLResponse)
def console_rotate(
    request: Request,
    csrf_token: str = Form(max_length=200),
    kind: str = Form(max_length=20),
    end_sessions: bool = Form(default=False),
    auth: Auth = Depends(staff_page),
    session: Session = Depends(db),
) -> HTMLResponse:
    _operator(request, auth, session, csrf_token)
    settings = app_state(request).settings
    try:
        if _kind(kind) == SECRET:
            rotation = rotate_secret(
                session, settings, actor=auth.actor, end_sessions=end_sessions, ip=client_ip(request)
            )
        else:
            rotation = rotate_encryption_in_background(
                session, settings, actor=auth.actor, ip=client_ip(request)
            )
    except KeyRingError as exc:
        session.rollback()
        return _page(request, auth, session, 409, failure=exc)
    return _page(request, auth, session, rotated=rotation)


@router.post("/console/keys/retire", response_class=HTMLResponse)
def console_retire(
    request: Request,
    csrf_token: str = Form(max_length=200),
    kind: str = Form(max_length=20),
    key_id: str = Form(default="", max_length=64),
    auth: Auth = Depends(staff_page),
    session: Session = Depends(db),
) -> HTMLResponse:
    _operator(request, auth, session, csrf_token)
    settings = app_state(request).settings
    try:
        if _kind(kind) == SECRET:
            if not key_id.strip():
                raise ApiError(422, "invalid_key_id", "key_id names the secret key to retire")
            retirement = retire_secret(
                session, settings, [key_id.strip()], actor=auth.actor, ip=client_ip(request)
            )
        else:
            retirement = retire_encryption(session, settings, actor=auth.actor, ip=client_ip(request))
    except KeyRingError as exc:
        session.rollback()
        return _page(request, auth, session, 409, failure=exc)
    return _page(request, auth, session, retired=retirement)
