"""The guard over HTTP: a scan endpoint for integrators and each retailer's guard policy."""

from __future__ import annotations

from typing import Any, Literal

import phonenumbers
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.guard import MAX_TEXT_CHARS, FindingType, GuardInputError, PolicyError, scan
from trustdesk.guard.language import identify
from trustdesk.guard.policy import (
    ASK_ACTIONS,
    CHECKSUMS,
    DEFAULT_ACTIONS,
    DEFAULT_ASK_ACTIONS,
    INBOUND_ACTIONS,
    MAX_CUSTOM_DETECTORS,
    MAX_PATTERN_CHARS,
)
from trustdesk.ratelimit import Limit
from trustdesk.tenancy.guard_policy import get_policy, set_policy
from trustdesk.tenancy.service import find_tenant
from trustdesk.web.contract import errors
from trustdesk.web.deps import Auth, app_state, client_ip, db, rate_limit, require
from trustdesk.web.errors import ApiError, not_found
from trustdesk.web.fields import NOT_SPACE, ApiModel, TenantSlug

router = APIRouter(prefix="/api/v1/guard", tags=["guard"])
CUSTOM_NAME_PATTERN = r"^[A-Z][A-Z0-9_]{1,39}$"  # guard.policy checks the same


class ScanRequest(ApiModel):
    text: str = Field(max_length=MAX_TEXT_CHARS)
    direction: Literal["inbound", "outbound"] = Field(
        default="inbound", description="inbound: from a customer; outbound: from an agent or bot"
    )
    tenant: TenantSlug | None = Field(default=None, description="Apply this retailer's policy (slug).")
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


def _policy_schema() -> dict[str, Any]:
    """The policy document as guard.policy.Policy.from_dict reads it (which checks it again)."""

    def mapping(types: Any, actions: tuple[str, ...]) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {name: {"type": "string", "enum": list(actions)} for name in sorted(types)},
            "additionalProperties": False,
        }

    detector = {
        "type": "object",
        "required": ["name", "pattern"],
        "additionalProperties": False,
        "properties": {
            "name": {
                "type": "string",
                "pattern": CUSTOM_NAME_PATTERN,
                "not": {"enum": sorted(FindingType.__members__)},
                "description": "Upper case, e.g. GIFT_CARD; unique, not a built-in type",
            },
            "pattern": {
                "type": "string",
                "minLength": 1,
                "maxLength": MAX_PATTERN_CHARS,
                "description": "RE2 syntax (no look-arounds or back-references); must not match empty text",
            },
            "label": {"type": "string", "maxLength": 60},
            "action": {"type": "string", "enum": list(INBOUND_ACTIONS)},
            "checksum": {"type": "string", "enum": list(CHECKSUMS)},
            "cues": {
                "type": "array",
                "maxItems": 10,
                "items": {"type": "string", "minLength": 1, "maxLength": 40, "pattern": NOT_SPACE},
            },
            "ignore_case": {"type": "boolean"},
            "show_last": {"type": "integer", "minimum": 0, "maximum": 4},
        },
    }
    return {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "actions": mapping(DEFAULT_ACTIONS, INBOUND_ACTIONS),
            "ask_actions": mapping(DEFAULT_ASK_ACTIONS, ASK_ACTIONS),
            "custom_detectors": {"type": "array", "maxItems": MAX_CUSTOM_DETECTORS, "items": detector},
            "phone_region": {"type": "string", "enum": sorted(phonenumbers.SUPPORTED_REGIONS)},
        },
    }


POLICY_SCHEMA = _policy_schema()
POLICY_RESPONSE = {"content": {"application/json": {"schema": POLICY_SCHEMA}}}


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


@router.post(
    "/scan",
    response_model=ScanResponse,
    summary="Find and redact secrets; detect asks for secrets",
    responses=errors(404, 429, e404="no retailer with this slug"),
)
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


@router.get("/policy", summary="This retailer's guard policy", responses={200: POLICY_RESPONSE})
def read_policy(
    auth: Auth = Depends(require(Permission.MANAGE_POLICY)), session: Session = Depends(db)
) -> dict[str, Any]:
    return get_policy(session, auth.tenant.id).to_dict()


@router.put(
    "/policy",
    summary="Replace this retailer's guard policy (validated; audited)",
    responses={200: POLICY_RESPONSE}
    | errors(
        e422="not a valid policy: wrong field, type or value; a pattern RE2 refuses, too complex, or matching "
        "empty text; duplicate detector names (invalid_policy)"
    ),
    openapi_extra={
        "requestBody": {"required": True, "content": {"application/json": {"schema": POLICY_SCHEMA}}}
    },
)
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
