"""Staff management for admins: list, create, change roles, and the four-eyes admin requests (audited).

A new admin or a promotion to admin is a request (202) that a second, established admin approves
(accounts.admin_grants); every other staff change takes effect at once.
"""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.accounts import admin_grants
from trustdesk.accounts import service as accounts
from trustdesk.accounts.passwords import WeakPassword
from trustdesk.accounts.permissions import Permission, Role, is_staff
from trustdesk.store.models import AdminGrant, User
from trustdesk.web.deps import Auth, admin_cool_off, client_ip, db, require
from trustdesk.web.errors import ApiError, not_found

router = APIRouter(prefix="/api/v1/staff", tags=["staff"])


class StaffOut(BaseModel):
    id: int
    email: str
    display_name: str
    role: str
    agent_number: str | None
    two_factor: bool
    is_active: bool
    pending_admin_request: int | None = Field(
        default=None, description="The admin request waiting for a second admin's approval, if any"
    )


class StaffCreate(BaseModel):
    email: str = Field(min_length=3, max_length=320)
    display_name: str = Field(min_length=1, max_length=200)
    role: Role
    password: str = Field(min_length=1, max_length=1024)


class RoleChange(BaseModel):
    role: Role


class AdminRequestOut(BaseModel):
    id: int
    action: str = Field(description="create (a new admin account) or promote (an existing staff member)")
    user_id: int
    email: str
    from_role: str
    status: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None


def _out(user: User, grant: AdminGrant | None = None) -> StaffOut:
    return StaffOut(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        agent_number=user.agent_number,
        two_factor=user.totp_enabled,
        is_active=user.is_active,
        pending_admin_request=grant.id if grant is not None else None,
    )


def _request_out(session: Session, grant: AdminGrant) -> AdminRequestOut:
    ids = [grant.user_id, grant.requested_by_id, grant.decided_by_id or 0]
    emails = {u.id: u.email for u in session.scalars(select(User).where(User.id.in_(ids)))}
    return AdminRequestOut(
        id=grant.id,
        action=grant.action,
        user_id=grant.user_id,
        email=emails.get(grant.user_id, "?"),
        from_role=grant.from_role,
        status=grant.status,
        requested_by=emails.get(grant.requested_by_id, "?"),
        requested_at=grant.requested_at,
        decided_by=emails.get(grant.decided_by_id) if grant.decided_by_id else None,
        decided_at=grant.decided_at,
    )


@router.get("", response_model=list[StaffOut], summary="List staff accounts")
def list_staff(
    auth: Auth = Depends(require(Permission.MANAGE_STAFF)), session: Session = Depends(db)
) -> list[StaffOut]:
    users = session.scalars(select(User).where(User.tenant_id == auth.tenant.id).order_by(User.id)).all()
    pending = {
        g.user_id: g
        for g in session.scalars(
            select(AdminGrant).where(AdminGrant.tenant_id == auth.tenant.id, AdminGrant.status == "pending")
        )
    }
    return [_out(u, pending.get(u.id)) for u in users if is_staff(u.role)]


@router.post(
    "",
    response_model=StaffOut,
    status_code=201,
    summary="Create a staff account (an admin: a request a second admin must approve, 202)",
    responses={202: {"model": StaffOut, "description": "admin requested: inactive until approved"}},
)
def create_staff(
    body: StaffCreate,
    request: Request,
    response: Response,
    auth: Auth = Depends(require(Permission.MANAGE_STAFF)),
    session: Session = Depends(db),
) -> StaffOut:
    if body.role == Role.CUSTOMER:
        raise ApiError(422, "invalid_request", "staff accounts must have a staff role")
    grant = None
    try:
        if body.role == Role.ADMIN:
            user, grant = admin_grants.create_admin(
                session,
                auth.tenant,
                auth.user,
                email=body.email,
                display_name=body.display_name,
                password=body.password,
                ip=client_ip(request),
            )
        else:
            user = accounts.create_user(
                session,
                auth.tenant,
                email=body.email,
                display_name=body.display_name,
                role=body.role,
                password=body.password,
                actor=auth.actor,
                ip=client_ip(request),
                created_by=auth.user,
            )
    except WeakPassword as exc:
        raise ApiError(422, "weak_password", str(exc)) from None
    except accounts.AccountError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    session.commit()
    if grant is not None:
        response.status_code = 202
    return _out(user, grant)


@router.put(
    "/{user_id}/role",
    response_model=StaffOut,
    summary="Change a staff member's role (to admin: a request a second admin must approve, 202)",
    responses={202: {"model": StaffOut, "description": "admin requested: the role changes once approved"}},
)
def set_role(
    user_id: int,
    body: RoleChange,
    request: Request,
    response: Response,
    auth: Auth = Depends(require(Permission.MANAGE_STAFF)),
    session: Session = Depends(db),
) -> StaffOut:
    user = session.scalar(select(User).where(User.tenant_id == auth.tenant.id, User.id == user_id))
    if user is None:
        raise not_found("user")
    if not is_staff(body.role):
        raise ApiError(
            422, "not_staff", "a staff account can only be given a staff role (agent, admin or security)"
        )
    try:
        grant = admin_grants.set_role(session, auth.tenant, auth.user, user, body.role, ip=client_ip(request))
    except accounts.NotStaff as exc:
        raise ApiError(422, "not_staff", str(exc)) from None
    except admin_grants.GrantError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    session.commit()
    if grant is not None:
        response.status_code = 202
    return _out(user, grant)


@router.get("/admin-requests", response_model=list[AdminRequestOut], summary="Admin requests (four-eyes)")
def list_admin_requests(
    status: str | None = None,
    auth: Auth = Depends(require(Permission.MANAGE_STAFF)),
    session: Session = Depends(db),
) -> list[AdminRequestOut]:
    query = select(AdminGrant).where(AdminGrant.tenant_id == auth.tenant.id)
    if status:
        query = query.where(AdminGrant.status == status)
    return [
        _request_out(session, g) for g in session.scalars(query.order_by(AdminGrant.id.desc()).limit(200))
    ]


def _decide(request: Request, session: Session, auth: Auth, grant_id: int, approve: bool) -> AdminGrant:
    try:
        grant = admin_grants.decide_grant(
            session,
            auth.tenant,
            grant_id,
            auth.user,
            approve=approve,
            cool_off=admin_cool_off(request),
            ip=client_ip(request),
        )
    except admin_grants.GrantError as exc:
        session.commit()  # keep the audit record of a refused decision
        if "no such" in str(exc):
            raise ApiError(404, "not_found", str(exc)) from None
        raise ApiError(409, "change_refused", str(exc)) from None
    session.commit()
    return grant


@router.post(
    "/admin-requests/{grant_id}/approve",
    response_model=AdminRequestOut,
    summary="Approve an admin request (an established admin independent of the requester)",
)
def approve_admin_request(
    grant_id: int,
    request: Request,
    auth: Auth = Depends(require(Permission.MANAGE_STAFF)),
    session: Session = Depends(db),
) -> AdminRequestOut:
    return _request_out(session, _decide(request, session, auth, grant_id, True))


@router.post(
    "/admin-requests/{grant_id}/reject", response_model=AdminRequestOut, summary="Reject an admin request"
)
def reject_admin_request(
    grant_id: int,
    request: Request,
    auth: Auth = Depends(require(Permission.MANAGE_STAFF)),
    session: Session = Depends(db),
) -> AdminRequestOut:
    return _request_out(session, _decide(request, session, auth, grant_id, False))


@router.post(
    "/admin-requests/{grant_id}/cancel",
    response_model=AdminRequestOut,
    summary="Withdraw your own admin request",
)
def cancel_admin_request(
    grant_id: int,
    request: Request,
    auth: Auth = Depends(require(Permission.MANAGE_STAFF)),
    session: Session = Depends(db),
) -> AdminRequestOut:
    try:
        grant = admin_grants.cancel_grant(session, auth.tenant, grant_id, auth.user, ip=client_ip(request))
    except admin_grants.GrantError as exc:
        raise ApiError(404, "not_found", str(exc)) from None
    session.commit()
    return _request_out(session, grant)
