"""Staff management for admins: list, create, change roles, and the four-eyes admin requests (audited).

A new admin or a promotion to admin is a request (202) that a second, established admin approves
(accounts.admin_grants); every other staff change takes effect at once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, Field, Strict
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.accounts import admin_grants
from trustdesk.accounts import service as accounts
from trustdesk.accounts.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, WeakPassword
from trustdesk.accounts.permissions import Permission, Role, is_staff
from trustdesk.store.models import AdminGrant, User
from trustdesk.web.contract import errors, link, with_links
from trustdesk.web.deps import Auth, client_ip, db, four_eyes_cancel, four_eyes_decision, require
from trustdesk.web.errors import ApiError, not_found
from trustdesk.web.fields import NOT_SPACE, ApiModel, EmailAddress, RowId

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


StaffRole = Literal["agent", "supervisor", "admin", "security"]
STAFF_ROLES = ["agent", "supervisor", "admin", "security"]


class StaffCreate(ApiModel):
    email: EmailAddress
    display_name: str = Field(min_length=1, max_length=200, pattern=NOT_SPACE)
    role: StaffRole
    password: str = Field(
        min_length=MIN_PASSWORD_LENGTH,
        max_length=MAX_PASSWORD_LENGTH,
        description="Also refused: built from the e-mail address, or too few different characters",
    )


class RoleChange(ApiModel):
    # Any role reads, so "customer" gets its own answer (422 not_staff); the document offers staff roles.
    role: Annotated[Role, Strict(False)] = Field(json_schema_extra={"enum": STAFF_ROLES})


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


def _grant_links(grant_id: str) -> dict[str, Any]:
    return {
        verb: link(f"{verb}_admin_request", f"{verb.title()} the admin request", grant_id=grant_id)
        for verb in ("approve", "reject", "cancel")
    }


@router.get(
    "",
    response_model=list[StaffOut],
    summary="List staff accounts",
    responses=with_links(
        200, role=link("set_role", "Change a listed account's role", user_id="$response.body#/0/id")
    ),
)
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
    responses={
        202: {
            "model": StaffOut,
            "description": "admin requested: inactive until approved",
            "links": _grant_links("$response.body#/pending_admin_request"),
        }
    }
    | errors(
        409,
        e409="an account with this e-mail address exists",
        e422="invalid input, or weak_password: built from the e-mail address or too few different characters",
    )
    | with_links(201, role=link("set_role", "Change the new account's role", user_id="$response.body#/id")),
)
def create_staff(
    body: StaffCreate,
    request: Request,
    response: Response,
    auth: Auth = Depends(require(Permission.MANAGE_STAFF)),
    session: Session = Depends(db),
) -> StaffOut:
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
                role=Role(body.role),
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
    responses={
        202: {
            "model": StaffOut,
            "description": "admin requested: the role changes once approved",
            "links": _grant_links("$response.body#/pending_admin_request"),
        }
    }
    | errors(
        404,
        409,
        e409="your own role, an inactive account, or an admin request about it is waiting",
        e422="invalid input, or not_staff: a customer account has no staff role to change",
    ),
)
def set_role(
    user_id: RowId,
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


@router.get(
    "/admin-requests",
    response_model=list[AdminRequestOut],
    summary="Admin requests (four-eyes)",
    responses=with_links(200, **_grant_links("$response.body#/0/id")),
)
def list_admin_requests(
    status: Literal["pending", "approved", "rejected", "cancelled"] | None = None,
    auth: Auth = Depends(require(Permission.MANAGE_STAFF)),
    session: Session = Depends(db),
) -> list[AdminRequestOut]:
    query = select(AdminGrant).where(AdminGrant.tenant_id == auth.tenant.id)
    if status:
        query = query.where(AdminGrant.status == status)
    return [
        _request_out(session, g) for g in session.scalars(query.order_by(AdminGrant.id.desc()).limit(200))
    ]


GRANT_DECISION_ERRORS = errors(
    404,
    409,
    e409="already decided, or you may not decide it (yours, about you, related, or not yet established)",
)


def _decide(request: Request, session: Session, auth: Auth, grant_id: int, approve: bool) -> AdminGrant:
    decide, refused = admin_grants.decide_grant, admin_grants.GrantError
    return four_eyes_decision(request, session, auth, grant_id, approve, decide, refused)


@router.post(
    "/admin-requests/{grant_id}/approve",
    response_model=AdminRequestOut,
    summary="Approve an admin request (an established admin independent of the requester)",
    responses=GRANT_DECISION_ERRORS,
)
def approve_admin_request(
    grant_id: RowId,
    request: Request,
    auth: Auth = Depends(require(Permission.MANAGE_STAFF)),
    session: Session = Depends(db),
) -> AdminRequestOut:
    return _request_out(session, _decide(request, session, auth, grant_id, True))


@router.post(
    "/admin-requests/{grant_id}/reject",
    response_model=AdminRequestOut,
    summary="Reject an admin request",
    responses=GRANT_DECISION_ERRORS,
)
def reject_admin_request(
    grant_id: RowId,
    request: Request,
    auth: Auth = Depends(require(Permission.MANAGE_STAFF)),
    session: Session = Depends(db),
) -> AdminRequestOut:
    return _request_out(session, _decide(request, session, auth, grant_id, False))


@router.post(
    "/admin-requests/{grant_id}/cancel",
    response_model=AdminRequestOut,
    summary="Withdraw your own admin request",
    responses=errors(404, e404="no such pending admin request of yours"),
)
def cancel_admin_request(
    grant_id: RowId,
    request: Request,
    auth: Auth = Depends(require(Permission.MANAGE_STAFF)),
    session: Session = Depends(db),
) -> AdminRequestOut:
    grant = four_eyes_cancel(
        request, session, auth, grant_id, admin_grants.cancel_grant, admin_grants.GrantError
    )
    return _request_out(session, grant)
