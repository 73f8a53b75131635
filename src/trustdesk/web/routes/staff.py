"""Staff management for admins: list, create, change roles (audited)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field, Strict
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.accounts import service as accounts
from trustdesk.accounts.passwords import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, WeakPassword
from trustdesk.accounts.permissions import Permission, Role, is_staff
from trustdesk.store.models import User
from trustdesk.web.contract import errors, link, with_links
from trustdesk.web.deps import Auth, client_ip, db, require
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


StaffRole = Literal["agent", "admin", "security"]


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
    role: Annotated[Role, Strict(False)]


def _out(user: User) -> StaffOut:
    return StaffOut(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        agent_number=user.agent_number,
        two_factor=user.totp_enabled,
        is_active=user.is_active,
    )


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
    return [_out(u) for u in users if is_staff(u.role)]


@router.post(
    "",
    response_model=StaffOut,
    status_code=201,
    summary="Create a staff account",
    responses=errors(409, e409="an account with this e-mail address exists")
    | with_links(201, role=link("set_role", "Change the new account's role", user_id="$response.body#/id")),
)
def create_staff(
    body: StaffCreate,
    request: Request,
    auth: Auth = Depends(require(Permission.MANAGE_STAFF)),
    session: Session = Depends(db),
) -> StaffOut:
    try:
        user = accounts.create_user(
            session,
            auth.tenant,
            email=body.email,
            display_name=body.display_name,
            role=Role(body.role),
            password=body.password,
            actor=auth.actor,
            ip=client_ip(request),
        )
    except WeakPassword as exc:
        raise ApiError(422, "weak_password", str(exc)) from None
    except accounts.AccountError as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    session.commit()
    return _out(user)


@router.put(
    "/{user_id}/role",
    response_model=StaffOut,
    summary="Change a staff member's role",
    responses=errors(404, 409, e409="you cannot change your own role"),
)
def set_role(
    user_id: RowId,
    body: RoleChange,
    request: Request,
    auth: Auth = Depends(require(Permission.MANAGE_STAFF)),
    session: Session = Depends(db),
) -> StaffOut:
    user = session.scalar(select(User).where(User.tenant_id == auth.tenant.id, User.id == user_id))
    if user is None:
        raise not_found("user")
    if user.id == auth.user.id:
        raise ApiError(409, "conflict", "you cannot change your own role")
    accounts.change_role(session, user, body.role, actor=auth.actor, ip=client_ip(request))
    session.commit()
    return _out(user)
