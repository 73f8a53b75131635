"""The signed-in user's own account."""

from __future__ import annotations

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from trustdesk.accounts.permissions import ROLE_PERMISSIONS, Role
from trustdesk.web.deps import Auth, current_auth

router = APIRouter(prefix="/api/v1", tags=["account"])


class TenantOut(BaseModel):
    slug: str
    name: str
    primary_domain: str


class MeOut(BaseModel):
    id: int
    email: str
    display_name: str
    role: str
    agent_number: str | None
    two_factor: bool
    permissions: list[str]
    tenant: TenantOut
    csrf_token: str


@router.get("/me", response_model=MeOut, summary="Who am I")
def me(auth: Auth = Depends(current_auth)) -> MeOut:
    user = auth.user
    return MeOut(
        id=user.id,
        email=user.email,
        display_name=user.display_name,
        role=user.role,
        agent_number=user.agent_number,
        two_factor=user.totp_enabled,
        permissions=sorted(p.value for p in ROLE_PERMISSIONS[Role(user.role)]),
        tenant=TenantOut(
            slug=auth.tenant.slug, name=auth.tenant.name, primary_domain=auth.tenant.primary_domain
        ),
        csrf_token=auth.session_row.csrf_token,
    )
