"""Priorities, tags and SLA over HTTP: agents label conversations; admins set the SLA policy (targets,
business hours, holidays, escalation) through the API and the console page; attainment for reports.

The rules live in trustdesk.sla (pure) and conversations.labels; this module only carries them.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission, Role, has_permission
from trustdesk.conversations import ConversationError
from trustdesk.conversations.labels import MAX_TAGS_PER_CONVERSATION, set_labels, tenant_tags
from trustdesk.sla import service as sla_service
from trustdesk.sla.calendar import WEEKDAYS
from trustdesk.sla.policy import (
    ANY,
    CHANNELS,
    MAX_TARGET_MINUTES,
    PRIORITIES,
    TARGETS,
    PolicyError,
    default_policy,
)
from trustdesk.sla.queue import annotate
from trustdesk.store.models import User, utcnow
from trustdesk.web.contract import errors
from trustdesk.web.deps import Auth, app_state, check_csrf, client_ip, db, require
from trustdesk.web.errors import ApiError
from trustdesk.web.fields import ApiModel, RowId, Timestamp, count
from trustdesk.web.routes.conversation_common import ConversationOut, _raise, release, runtime
from trustdesk.web.routes.pages import Console, console_page, render

router = APIRouter(tags=["sla"])
HANDLE = Permission.HANDLE_CONVERSATIONS
MANAGE = Permission.MANAGE_SLA

PriorityName = Literal["low", "normal", "high", "urgent"]
TagText = Annotated[str, StringConstraints(min_length=1, max_length=60)]
ClockTime = Annotated[str, StringConstraints(pattern=r"^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$")]
Span = Annotated[list[ClockTime], Field(min_length=2, max_length=2, description='["09:00", "17:00"]')]
DayHours = Annotated[list[Span], Field(default_factory=list, max_length=6)]
IsoDate = Annotated[str, StringConstraints(pattern=r"^\d{4}-\d{2}-\d{2}$")]
Minutes = count(1, MAX_TARGET_MINUTES)


# --- labels (agents) -----------------------------------------------------------------------------


class LabelsIn(ApiModel):
    priority: PriorityName | None = Field(default=None, description="Left out: unchanged")
    tags: list[TagText] | None = Field(
        default=None,
        max_length=MAX_TAGS_PER_CONVERSATION,
        description="The conversation's tags (replacing the old ones), normalised: lower case, words joined "
        'by "-". Left out: unchanged',
    )


class TagOut(BaseModel):
    name: str
    conversations: int


@router.post(
    "/api/v1/conversations/{conversation_id}/labels",
    response_model=ConversationOut,
    summary="Set a conversation's priority and tags (audited); its SLA clocks follow",
    tags=["conversations"],
    responses=errors(
        404, e422="invalid input, or invalid_label: a tag with no letters or digits, or too long"
    ),
)
def set_conversation_labels(
    conversation_id: str,
    body: LabelsIn,
    request: Request,
    auth: Auth = Depends(require(HANDLE)),
    session: Session = Depends(db),
) -> Any:
    user = auth.user
    release(session)
    try:
        summary = set_labels(
            runtime(request).desk,
            auth.tenant.id,
            conversation_id,
            by=user,
            priority=body.priority,
            tags=body.tags,
            ip=client_ip(request),
        )
    except ConversationError as exc:
        return _raise(exc)
    with app_state(request).read_sessions() as read:
        return annotate(read, auth.tenant.id, [summary])[0]


@router.get(
    "/api/v1/tags", response_model=list[TagOut], summary="The retailer's tags and how often each is used"
)
def list_tags(auth: Auth = Depends(require(HANDLE)), session: Session = Depends(db)) -> list[dict[str, Any]]:
    return tenant_tags(session, auth.tenant.id)


# --- the policy (admins) -------------------------------------------------------------------------


class BusinessHours(ApiModel):
    mon: DayHours
    tue: DayHours
    wed: DayHours
    thu: DayHours
    fri: DayHours
    sat: DayHours
    sun: DayHours


class TargetRuleIn(ApiModel):
    priority: Literal["low", "normal", "high", "urgent", "*"] = Field(default="*", description="* for any")
    channel: Literal["chat", "email", "api", "*"] = Field(default="*", description="* for any")
    first_response_minutes: Minutes | None = Field(
        default=None, description="Business minutes; null: no target"
    )
    next_response_minutes: Minutes | None = None
    resolution_minutes: Minutes | None = Field(
        default=None, description="Paused while waiting on the customer"
    )


class EscalationIn(ApiModel):
    assign_to_user_id: RowId | None = Field(
        default=None, description="An agent who takes breached conversations"
    )
    notify: bool = Field(default=True, description="Tell the agents' queue, and webhooks, of each breach")


class PolicyIn(ApiModel):
    timezone: str = Field(
        default="UTC",
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z0-9_+\-/]+$",
        description="IANA time zone of the business hours, e.g. Europe/Berlin",
    )
    business_hours: BusinessHours
    holidays: list[IsoDate] = Field(default_factory=list, max_length=400, description="Closed all day")
    targets: list[TargetRuleIn] = Field(
        max_length=32,
        description="The most specific rule applies: priority and channel, then priority, then channel, then * *",
    )
    near_breach_percent: int = Field(
        default=80, ge=1, le=99, description="Share of the target that makes it 'near'"
    )
    escalation: EscalationIn = Field(default_factory=EscalationIn)


class PolicyOut(BaseModel):
    timezone: str
    business_hours: dict[str, list[list[str]]]
    holidays: list[str]
    targets: list[dict[str, Any]]
    near_breach_percent: int
    escalation: dict[str, Any]


class PolicyState(BaseModel):
    policy: PolicyOut | None = Field(description="None until an admin sets one: no SLA clocks run")
    updated_by: str | None
    updated_at: str | None


class TargetAttainment(BaseModel):
    met: int
    missed: int
    running: int
    rate: float | None = Field(description="met / (met + missed); null when nothing is decided")


class AttainmentOut(BaseModel):
    since: str
    until: str
    first_response: TargetAttainment
    next_response: TargetAttainment
    resolution: TargetAttainment


def _state(session: Session, tenant_id: int) -> dict[str, Any]:
    row = sla_service.policy_row(session, tenant_id)
    if row is None:
        return {"policy": None, "updated_by": None, "updated_at": None}
    return {"policy": row.policy, "updated_by": row.updated_by, "updated_at": row.updated_at.isoformat()}


@router.get("/api/v1/sla/policy", response_model=PolicyState, summary="The retailer's SLA policy")
def read_sla_policy(auth: Auth = Depends(require(HANDLE)), session: Session = Depends(db)) -> dict[str, Any]:
    return _state(session, auth.tenant.id)


@router.put(
    "/api/v1/sla/policy",
    response_model=PolicyState,
    summary="Set the SLA policy: targets, business hours, holidays, escalation (admins; audited)",
    responses=errors(
        e422="invalid input, or invalid_policy: an unknown time zone, overlapping hours, a rule given twice, "
        "an impossible date, or an escalation agent who is not an active agent here"
    ),
)
def write_sla_policy(
    body: PolicyIn, request: Request, auth: Auth = Depends(require(MANAGE)), session: Session = Depends(db)
) -> dict[str, Any]:
    try:
        sla_service.save_policy(
            session, auth.tenant.id, body.model_dump(), actor=auth.actor, ip=client_ip(request)
        )
    except PolicyError as exc:
        raise ApiError(422, "invalid_policy", str(exc)) from None
    session.commit()
    runtime(request).wake_workers()
    return _state(session, auth.tenant.id)


@router.get(
    "/api/v1/sla/attainment",
    response_model=AttainmentOut,
    summary="SLA attainment of conversations created in a period (default: the last 30 days)",
    responses=errors(e422="invalid input, or invalid_period: since after until"),
)
def read_attainment(
    since: Timestamp | None = Query(default=None),
    until: Timestamp | None = Query(default=None),
    auth: Auth = Depends(require(HANDLE)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    end = until or utcnow()
    try:
        start = since or end - timedelta(days=30)
    except OverflowError:
        raise ApiError(422, "invalid_period", "until is too early to count 30 days back from it") from None
    if start > end:
        raise ApiError(422, "invalid_period", "since must not be after until")
    counts = sla_service.attainment(session, auth.tenant.id, start, end)
    out: dict[str, Any] = {"since": start.isoformat(), "until": end.isoformat()}
    for name, c in counts.items():
        decided = c["met"] + c["missed"]
        out[name] = {**c, "rate": round(c["met"] / decided, 4) if decided else None}
    return out


# --- console page ----------------------------------------------------------------------------------


def _agents(session: Session, tenant_id: int) -> list[User]:
    return [
        u
        for u in session.scalars(
            select(User)
            .where(User.tenant_id == tenant_id, User.is_active.is_(True))
            .order_by(User.display_name)
        )
        if has_permission(Role(u.role), HANDLE)
    ]


def _form_view(policy: dict[str, Any]) -> dict[str, Any]:
    """The page's fields from a policy dict: hours as "09:00-17:00, 18:00-20:00" per day."""
    hours = policy.get("business_hours") or {}
    rules = list(policy.get("targets") or [])
    return {
        "timezone": policy.get("timezone", "UTC"),
        "hours": {d: ", ".join(f"{a}-{b}" for a, b in hours.get(d, [])) for d in WEEKDAYS},
        "holidays": "\n".join(policy.get("holidays") or []),
        "rules": rules + [{"priority": ANY, "channel": ANY}] * 2,
        "near_breach_percent": policy.get("near_breach_percent", 80),
        "assign_to_user_id": (policy.get("escalation") or {}).get("assign_to_user_id"),
        "notify": (policy.get("escalation") or {}).get("notify", True),
    }


_SPAN = re.compile(r"^\s*(\d{1,2}:\d{2})\s*[-\u2013]\s*(\d{1,2}:\d{2})\s*$")


def _policy_from_form(fields: dict[str, str]) -> dict[str, Any]:
    """The policy a submitted form describes; PolicyError names a field the form got wrong."""
    hours: dict[str, list[list[str]]] = {}
    for day in WEEKDAYS:
        spans = []
        for part in filter(None, (p.strip() for p in fields.get(f"hours-{day}", "").split(","))):
            match = _SPAN.match(part)
            if not match:
                raise PolicyError(
                    f"business hours on {day}: write intervals as 09:00-17:00, separated by commas"
                )
            spans.append([match.group(1).zfill(5), match.group(2).zfill(5)])
        hours[day] = spans
    rules = []
    for i in range(40):
        if f"rule-{i}-priority" not in fields:
            break
        values = {t: fields.get(f"rule-{i}-{t}", "").strip() for t in TARGETS}
        if not any(values.values()):
            continue
        rule: dict[str, Any] = {
            "priority": fields[f"rule-{i}-priority"],
            "channel": fields.get(f"rule-{i}-channel", ANY),
        }
        for target, text in values.items():
            if text and not text.isdigit():
                raise PolicyError(f"rule {i + 1}, {target.replace('_', ' ')}: whole minutes")
            rule[f"{target}_minutes"] = int(text) if text else None
        rules.append(rule)
    near = fields.get("near_breach_percent", "80").strip()
    assign = fields.get("assign_to_user_id", "").strip()
    return {
        "timezone": fields.get("timezone", "UTC").strip(),
        "business_hours": hours,
        "holidays": [line.strip() for line in fields.get("holidays", "").splitlines() if line.strip()],
        "targets": rules,
        "near_breach_percent": int(near) if near.isdigit() and len(near) < 4 else -1,
        "escalation": {
            "assign_to_user_id": int(assign) if assign.isdigit() and len(assign) < 10 else None,
            "notify": fields.get("notify") == "on",
        },
    }


def _page(page: Console, view: dict[str, Any], error: str | None = None) -> HTMLResponse:
    session, auth = page.session, page.auth
    state = _state(session, auth.tenant.id)
    context = page.context("sla") | {
        "form": view,
        "state": state,
        "agents": _agents(session, auth.tenant.id),
        "weekdays": WEEKDAYS,
        "priorities": PRIORITIES,
        "channels": CHANNELS,
        "error": error,
        "saved": page.request.query_params.get("saved") == "1",
        "attainment": read_attainment(None, None, auth, session) if state["policy"] else None,
    }
    return render(page.request, "console_sla.html", context, status_code=422 if error else 200)


@router.get("/console/sla", response_class=HTMLResponse, include_in_schema=False)
def console_sla(page: Console = Depends(console_page(MANAGE))) -> HTMLResponse:
    row = sla_service.policy_row(page.session, page.tenant.id)
    return _page(page, _form_view(row.policy if row else default_policy("UTC")))


@router.post("/console/sla", response_class=HTMLResponse, include_in_schema=False)
async def console_save_sla(page: Console = Depends(console_page(MANAGE))) -> Response:
    async with page.request.form(max_files=0, max_fields=300) as form:
        fields = {k: v for k, v in form.items() if isinstance(v, str) and len(v) <= 20_000}
    check_csrf(page.request, page.auth, fields.get("csrf_token", ""))
    try:
        raw = _policy_from_form(fields)
        sla_service.save_policy(page.session, page.tenant.id, raw, actor=page.auth.actor, ip=page.ip)
    except PolicyError as exc:
        page.session.rollback()
        kept = {**_form_view({}), **{k: v for k, v in _raw_view(fields).items()}}
        return _page(page, kept, error=str(exc))
    response = page.done("/console/sla?saved=1")
    runtime(page.request).wake_workers()
    return response


def _raw_view(fields: dict[str, str]) -> dict[str, Any]:
    """The form as submitted, to show it again with the error (nothing typed is lost)."""
    rules = []
    for i in range(40):
        if f"rule-{i}-priority" not in fields:
            break
        rule = {
            "priority": fields.get(f"rule-{i}-priority", ANY),
            "channel": fields.get(f"rule-{i}-channel", ANY),
        }
        for target in TARGETS:
            rule[f"{target}_minutes"] = fields.get(f"rule-{i}-{target}", "")
        rules.append(rule)
    assign = fields.get("assign_to_user_id", "")
    return {
        "timezone": fields.get("timezone", ""),
        "hours": {d: fields.get(f"hours-{d}", "") for d in WEEKDAYS},
        "holidays": fields.get("holidays", ""),
        "rules": rules,
        "near_breach_percent": fields.get("near_breach_percent", ""),
        "assign_to_user_id": int(assign) if assign.isdigit() and len(assign) < 10 else None,
        "notify": fields.get("notify") == "on",
    }
