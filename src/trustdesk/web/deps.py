"""Request dependencies: the database session, who is signed in, permissions, CSRF and rate limits."""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from fastapi import Depends, Request
from itsdangerous import BadSignature
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.base import ExecutableOption

from trustdesk.accounts import service as accounts
from trustdesk.accounts.permissions import Permission, has_permission
from trustdesk.audit.log import record
from trustdesk.ratelimit import Limit
from trustdesk.store.models import Tenant, User, UserSession
from trustdesk.tenancy.service import find_tenant
from trustdesk.web.errors import ApiError, not_found
from trustdesk.web.state import AppState

Row = TypeVar("Row")

SESSION_COOKIE = "td_session"
PRE_SESSION_COOKIE = "td_pre"
CSRF_HEADER = "x-csrf-token"
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def app_state(request: Request) -> AppState:
    return request.app.state.trustdesk


def db(request: Request) -> Iterator[Session]:
    """A session per request. Handlers that write call commit() themselves before answering,
    so a client is only told "done" after the data is durable; anything uncommitted is rolled back."""
    state = app_state(request)
    session = state.sessions() if request.method in UNSAFE_METHODS else state.read_sessions()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def write_db(request: Request) -> Iterator[Session]:
    """A write session even for GET, for the few reads that may create something (first-use keys,
    two-factor secrets): on SQLite a read transaction cannot safely turn into a write."""
    session = app_state(request).sessions()
    try:
        yield session
    finally:
        session.rollback()
        session.close()


def admin_cool_off(request: Request) -> timedelta:
    """How long an admin must have held the role before deciding four-eyes changes (settings)."""
    return timedelta(hours=app_state(request).settings.admin_cool_off_hours)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def rate_limit(request: Request, bucket: str, key: str, limit: Limit) -> None:
    decision = app_state(request).rate_limiter.hit(bucket, key, limit)
    if not decision.allowed:
        raise ApiError(
            429,
            "rate_limited",
            f"too many requests; try again in {decision.retry_after} seconds",
            headers={"Retry-After": str(decision.retry_after)},
        )


@dataclass
class Auth:
    user: User
    session_row: UserSession
    tenant: Tenant
    token: str

    @property
    def actor(self) -> str:
        return accounts.audit_actor(self.user)

    def can(self, permission: Permission) -> bool:
        return has_permission(self.user.role, permission)


def session_token(request: Request) -> str | None:
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        return app_state(request).cookie_signer.unsign(raw).decode()
    except BadSignature:
        return None


def auth_for_token(session: Session, token: str) -> Auth | None:
    """Who a session token signs in: the user, the session row and the tenant; None when any is gone."""
    resolved = accounts.resolve_session(session, token)
    if resolved is None:
        return None
    row, user = resolved
    tenant = session.get(Tenant, user.tenant_id)
    if tenant is None:
        return None
    return Auth(user=user, session_row=row, tenant=tenant, token=token)


def optional_auth(request: Request, session: Session = Depends(db)) -> Auth | None:
    token = session_token(request)
    if not token:
        return None
    return auth_for_token(session, token)


def check_csrf(request: Request, auth: Auth, submitted: str | None = None) -> None:
    """Cookie-authenticated state changes must echo the session's CSRF token."""
    if request.method not in UNSAFE_METHODS:
        return
    supplied = submitted if submitted is not None else request.headers.get(CSRF_HEADER, "")
    if not supplied or not hmac.compare_digest(supplied, auth.session_row.csrf_token):
        raise ApiError(
            403, "csrf_failed", "the request's CSRF token is missing or wrong; reload the page and retry"
        )


def pending_auth(request: Request, auth: Auth | None = Depends(optional_auth)) -> Auth:
    """A session that has passed the password step (second factor may still be pending)."""
    if auth is None:
        raise ApiError(401, "unauthenticated", "sign in first")
    check_csrf(request, auth)
    return auth


def current_auth(request: Request, auth: Auth | None = Depends(optional_auth)) -> Auth:
    """A fully signed-in user (password and, for staff, second factor)."""
    if auth is None:
        raise ApiError(401, "unauthenticated", "sign in first")
    if not auth.session_row.mfa_passed:
        raise ApiError(401, "second_factor_required", "complete two-factor sign-in first")
    check_csrf(request, auth)
    return auth


def require(permission: Permission) -> Callable[..., Auth]:
    """Dependency factory: the signed-in user must hold `permission` (checked in one place)."""

    def dependency(auth: Auth = Depends(current_auth)) -> Auth:
        if not auth.can(permission):
            raise ApiError(403, "forbidden", "your role does not allow this")
        return auth

    dependency.__name__ = f"require_{permission.value}"
    return dependency


def audit_commit(
    session: Session,
    request: Request,
    auth: Auth,
    action: str,
    target: str,
    details: dict[str, Any] | None = None,
) -> None:
    """Audit `action` on `target` by the signed-in caller from the client's address, and commit it with
    the change it records (one transaction: no change without its audit event)."""
    record(
        session,
        action,
        actor=auth.actor,
        tenant_id=auth.tenant.id,
        target=target,
        details=details,
        ip=client_ip(request),
    )
    session.commit()


def retailer_or_404(session: Session, slug: str) -> Tenant:
    """The retailer at this address (as typed: any case, spaces around), else 404 "retailer not found"."""
    tenant = find_tenant(session, slug.strip().lower())
    if tenant is None:
        raise not_found("retailer")
    return tenant


def tenant_object_or_404(
    session: Session,
    model: type[Row],
    tenant_id: int,
    what: str,
    *where: ColumnElement[bool],
    options: tuple[ExecutableOption, ...] = (),
) -> Row:
    """The tenant's `model` row matching `where`, else the 404 "`what` not found": another tenant's row
    is as unknown as one that does not exist."""
    query = select(model).where(model.tenant_id == tenant_id, *where)  # type: ignore[attr-defined]
    row = session.scalar(query.options(*options))
    if row is None:
        raise not_found(what)
    return row


def four_eyes_decision(
    request: Request,
    session: Session,
    auth: Auth,
    request_id: int,
    approve: bool,
    decide: Callable[..., Row],
    refused: type[Exception],
) -> Row:
    """A second admin approves or rejects a four-eyes request with the domain's `decide` (channel
    changes, admin grants). A refusal (`refused`) keeps its audit record and answers 404 when there is no
    such request, else 409."""
    try:
        row = decide(
            session,
            auth.tenant,
            request_id,
            auth.user,
            approve=approve,
            cool_off=admin_cool_off(request),
            ip=client_ip(request),
        )
    except refused as exc:
        session.commit()  # keep the audit record of a refused decision
        if "no such" in str(exc):
            raise ApiError(404, "not_found", str(exc)) from None
        raise ApiError(409, "change_refused", str(exc)) from None
    session.commit()
    return row


def four_eyes_cancel(
    request: Request,
    session: Session,
    auth: Auth,
    request_id: int,
    cancel: Callable[..., Row],
    refused: type[Exception],
) -> Row:
    """The requester withdraws a pending four-eyes request with the domain's `cancel`; 404 when there
    is no such pending request of theirs."""
    try:
        row = cancel(session, auth.tenant, request_id, auth.user, ip=client_ip(request))
    except refused as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    session.commit()
    return row
