"""The guard over HTTP: a scan endpoint for integrators and each retailer's guard policy."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.guard import MAX_TEXT_CHARS, GuardInputError, PolicyError, scan
from trustdesk.guard.language import identify
from trustdesk.ratelimit import Limit
from trustdesk.tenancy.guard_policy import get_policy, set_policy
from trustdesk.tenancy.service import find_tenant
from trustdesk.web.deps import Auth, app_state, client_ip, db, rate_limit, require
from trustdesk.web.errors import ApiError, not_found

router = APIRouter(prefix="/api/v1/guard", tags=["guard"])


class ScanRequest(BaseModel):
    text: str = Field(max_length=MAX_TEXT_CHARS)
    direction: Literal["inbound", "outbound"] = Field(
        default="inbound", description="inbound: from a customer; outbound: from an agent or bot"
    )
    tenant: str | None = Field(
        default=None, max_length=63, description="Apply this retailer's policy (slug)."
    )
    lang: str | None = Field(
        default=None,
        max_length=35,
        description="Language hint (BCP 47, e.g. de, pt-BR): the conversation's or page's language. "
        "The notice and block reasons are written in it; without it, in the text's language.",
    )
    context: list[str] = Field(
        default_factory=list,
        max_length=50,
        description="The same author's earlier texts in the conversation, oldest first: a secret or an ask "
        "split over messages is judged whole (only the last few count).",
    )


class FindingOut(BaseModel):
    type: str
    start: int
    end: int
    action: str
    display: str


class ScanResponse(BaseModel):
    findings: list[FindingOut]
    redacted: str
    blocked: bool
    block_reasons: list[str]
    customer_notice: str | None
    lang: str = Field(description="The text's language (identified; the hint for a text too short to tell).")


@router.post("/scan", response_model=ScanResponse, summary="Find and redact secrets; detect asks for secrets")
def scan_text(body: ScanRequest, request: Request, session: Session = Depends(db)) -> ScanResponse:
    """Nothing sent here is stored or logged. Offsets are indices into `text` (Unicode code points)."""
    rate_limit(request, "guard-scan", client_ip(request), Limit(600, 60))
    policy = None
    brand = None
    if body.tenant:
        tenant = find_tenant(session, body.tenant)
        if tenant is None:
            raise not_found("retailer")
        policy, brand = get_policy(session, tenant.id), tenant.name
    try:
        result = scan(body.text, body.direction, policy, brand=brand, context=body.context, lang=body.lang)
    except GuardInputError as exc:
        raise ApiError(422, "invalid_text", str(exc)) from None
    return ScanResponse(
        findings=[
            FindingOut(type=f.type, start=f.start, end=f.end, action=f.action, display=f.display)
            for f in result.findings
        ],
        redacted=result.redacted,
        blocked=result.blocked,
        block_reasons=list(result.block_reasons),
        customer_notice=result.customer_notice,
        lang=identify(body.text, body.lang).code,
    )


@router.get("/policy", summary="This retailer's guard policy")
def read_policy(
    auth: Auth = Depends(require(Permission.MANAGE_POLICY)), session: Session = Depends(db)
) -> dict[str, Any]:
    return get_policy(session, auth.tenant.id).to_dict()


@router.put("/policy", summary="Replace this retailer's guard policy (validated; audited)")
def write_policy(
    body: dict[str, Any],
    request: Request,
    auth: Auth = Depends(require(Permission.MANAGE_POLICY)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    try:
        policy = set_policy(session, auth.tenant, body, auth.user, ip=client_ip(request))
    except PolicyError as exc:
        raise ApiError(422, "invalid_policy", str(exc)) from None
    session.commit()
    runtime = app_state(request).runtime
    if runtime is not None:  # this instance scans with the new policy at once (others within a second)
        runtime.desk.forget_policy(auth.tenant.id)
    return policy.to_dict()
