"""The console's key page for the desk's operating admins: the two key rings by public id (when each
key was made, which is current, which this instance runs with), the re-seal run's progress, rotating
either key and retiring older ones. Every change is a CSRF-checked form post, audited by the keyring
service; no key material is ever rendered. The page speaks the admin's language (every language the
desk speaks, with its switch), unlike the rest of the English console."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Depends, Form
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.config import Settings
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
from trustdesk.web.deps import app_state
from trustdesk.web.errors import ApiError
from trustdesk.web.locale import page_language
from trustdesk.web.routes.pages import Console, console_form, console_page, render

router = APIRouter(include_in_schema=False)
KINDS = {"encryption": ENCRYPTION, "secret": SECRET}


def _operator(page: Console) -> None:
    """Only the operating retailer's admins manage the desk's keys."""
    tenants = int(page.session.scalar(select(func.count()).select_from(Tenant)) or 0)
    if not operates_keys(
        tenant_slug=page.tenant.slug,
        is_admin=page.auth.can(Permission.MANAGE_KEYS),
        configured=app_state(page.request).settings.keys_admin_tenant,
        tenant_count=tenants,
    ):
        raise ApiError(
            403,
            "forbidden",
            "the desk's keys serve every retailer: only the admins of the operating retailer "
            "(TRUSTDESK_KEYS_ADMIN_TENANT) manage them",
        )


def _page(page: Console, status_code: int = 200, **context: Any) -> HTMLResponse:
    settings = app_state(page.request).settings
    progress = latest_progress(page.session)
    rings = {name: ring_status(page.session, settings, kind) for name, kind in KINDS.items()}
    base = page.context("keys")
    # The key page is translated: it negotiates over every language the desk speaks.
    base["page_lang"] = page_language(page.request, None)
    return render(
        page.request,
        "console_keys.html",
        base | {"rings": rings, "progress": progress, **context},
        status_code=status_code,
    )


def _kind(value: str) -> str:
    if value not in KINDS:
        raise ApiError(422, "invalid_kind", "kind must be 'encryption' or 'secret'")
    return KINDS[value]


@router.get("/console/keys", response_class=HTMLResponse)
def console_keys(page: Console = Depends(console_page(Permission.MANAGE_KEYS))) -> HTMLResponse:
    _operator(page)
    return _page(page)


def _key_change(
    page: Console, kind: str, outcome: str, secret: Callable[..., Any], encryption: Callable[..., Any]
) -> HTMLResponse:
    """The operator changes the secret-key or the encryption-key ring (`secret` or `encryption`, each
    called with the session, the settings, actor and ip); a refusal shows on the page (409)."""
    _operator(page)
    change = secret if _kind(kind) == SECRET else encryption
    try:
        done = change(page.session, app_state(page.request).settings, actor=page.auth.actor, ip=page.ip)
    except KeyRingError as exc:
        page.session.rollback()
        return _page(page, 409, failure=exc)
    return _page(page, **{outcome: done})


@router.post("/console/keys/rotate", response_class=HTMLResponse)
def console_rotate(
    kind: str = Form(max_length=20),
    end_sessions: bool = Form(default=False),
    page: Console = Depends(console_form(Permission.MANAGE_KEYS)),
) -> HTMLResponse:
    def secret(session: Session, settings: Settings, *, actor: str, ip: str) -> Any:
        return rotate_secret(session, settings, actor=actor, end_sessions=end_sessions, ip=ip)

    return _key_change(page, kind, "rotated", secret, rotate_encryption_in_background)


@router.post("/console/keys/retire", response_class=HTMLResponse)
def console_retire(
    kind: str = Form(max_length=20),
    key_id: str = Form(default="", max_length=64),
    page: Console = Depends(console_form(Permission.MANAGE_KEYS)),
) -> HTMLResponse:
    def secret(session: Session, settings: Settings, *, actor: str, ip: str) -> Any:
        if not key_id.strip():
            raise ApiError(422, "invalid_key_id", "key_id names the secret key to retire")
        return retire_secret(session, settings, [key_id.strip()], actor=actor, ip=ip)

    return _key_change(page, kind, "retired", secret, retire_encryption)
