"""Suspicious-activity report intake: the public report page and API, and the reporter's status page.

Anyone may report, signed in or not; the logic lives in trustdesk.reports.service. Triage, campaigns,
alert thresholds and exports (staff) are in reports.py.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from pydantic import ConfigDict, Field, ValidationError, model_validator
from sqlalchemy.orm import Session
from starlette.datastructures import UploadFile

from trustdesk.mailchannel.report_inbox import report_addresses
from trustdesk.ratelimit import Limit
from trustdesk.reports import service
from trustdesk.reports.service import ReportError, ReportInput
from trustdesk.store.models import Report, Tenant
from trustdesk.web.contract import COMPONENT_PREFIX, errors, link, with_links
from trustdesk.web.deps import app_state, client_ip, db, rate_limit, retailer_or_404
from trustdesk.web.errors import ApiError, not_found
from trustdesk.web.fields import (
    ApiModel,
    TenantSlug,
    Timestamp,
)
from trustdesk.web.routes.pages import render

router = APIRouter(tags=["reports"])
COMPONENT_REF = COMPONENT_PREFIX + "{model}"


MAX_UPLOAD_BYTES = service.INTAKE_LIMITS.max_bytes


MAX_REQUEST_BYTES = MAX_UPLOAD_BYTES + 256 * 1024


INTAKE_MINUTE = Limit(10, 60)


INTAKE_HOUR = Limit(60, 3600)


STATUS_LIMIT = Limit(60, 60)


CHANNEL_LABELS = {
    "email": "E-mail",
    "sms": "Text message (SMS)",
    "call": "Phone call",
    "social": "Social media",
    "popup": "Pop-up on a web page",
    "search_ad": "Web search ad",
    "other": "Somewhere else",
}


ReportChannel = Literal["email", "sms", "call", "social", "popup", "search_ad", "other"]


# What the report is about: at least one of these with something in it (or, as multipart, an .eml file).
EVIDENCE = ("text", "url", "phone", "handle")


def _some_evidence(fields: tuple[str, ...]) -> dict[str, Any]:
    # minLength, not a pattern: generating 400,000-character text for a pattern is what makes clients slow.
    return {"anyOf": [{"required": [f], "properties": {f: {"minLength": 1}}} for f in fields]}


class ReportIn(ApiModel):
    model_config = ConfigDict(strict=True, json_schema_extra=_some_evidence(EVIDENCE))

    text: str = Field(default="", max_length=400_000, description="The suspicious message, as received")
    url: str = Field(default="", max_length=2000)
    phone: str = Field(default="", max_length=64)
    handle: str = Field(default="", max_length=200)
    channel: ReportChannel = Field(default="other", description="Where it reached you")
    seen_at: Timestamp | None = None
    contact: str = Field(default="", max_length=320, description="How we may reach you (optional)")

    @model_validator(mode="after")
    def _something(self) -> ReportIn:
        if not any(getattr(self, f) for f in EVIDENCE):
            raise ValueError("give the suspicious text, a link, a phone number or a handle")
        return self


def _tenant(session: Session, slug: str) -> Tenant:
    return retailer_or_404(session, slug)


def _intake_limits(request: Request) -> None:
    ip = client_ip(request)
    rate_limit(request, "report-intake", ip, INTAKE_MINUTE)
    rate_limit(request, "report-intake-hour", ip, INTAKE_HOUR)
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
        raise ApiError(413, "too_large", f"the upload is larger than {MAX_UPLOAD_BYTES:,} bytes")


async def _read_capped(request: Request) -> None:
    """Read the whole body with a hard cap (chunked uploads send no Content-Length), then let the
    form or JSON parser work from memory: nothing larger than the cap is ever buffered or spooled."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_REQUEST_BYTES:
            raise ApiError(413, "too_large", f"the upload is larger than {MAX_UPLOAD_BYTES:,} bytes")
        chunks.append(chunk)
    request._body = b"".join(chunks)  # Starlette's parsers read a cached body first


def _register_email_handler(request: Request) -> None:
    runtime = app_state(request).runtime
    handlers = getattr(runtime, "handlers", None)
    if isinstance(handlers, dict):
        handlers.setdefault(service.ALERT_EMAIL_JOB, service.send_alert_email)
    services = getattr(runtime, "services", None)
    if isinstance(services, dict):
        services.setdefault("settings", app_state(request).settings)


async def _read_upload(upload: Any) -> bytes | None:
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    data = await upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApiError(413, "too_large", f"the file is larger than {MAX_UPLOAD_BYTES:,} bytes")
    return data or None


def _parse_seen(value: str) -> datetime | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise ApiError(
            422, "invalid_date", "when you saw it: use a date and time like 2026-11-24T18:30"
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


async def _input_from_form(request: Request) -> ReportInput:
    await _read_capped(request)
    form = await request.form(max_files=1, max_fields=20, max_part_size=MAX_REQUEST_BYTES)
    eml = await _read_upload(form.get("eml"))

    def field(name: str, limit: int) -> str:
        value = form.get(name)
        text = value if isinstance(value, str) else ""
        if len(text) > limit:
            raise ApiError(422, "too_long", f"{name} is longer than {limit:,} characters")
        return text

    return ReportInput(
        text=field("text", 400_000),
        eml=eml,
        url=field("url", 2000),
        phone=field("phone", 64),
        handle=field("handle", 200),
        channel=field("channel", 20) or "other",
        seen_at=_parse_seen(field("seen_at", 40)),
        reporter_contact=field("contact", 320),
    )


def _submit(request: Request, session: Session, tenant: Tenant, data: ReportInput) -> service.IntakeResult:
    registry = app_state(request).registry.get(session)
    try:
        result = service.submit_report(session, tenant, data, registry=registry, source_ip=client_ip(request))
    except ReportError as exc:
        raise ApiError(422, "invalid_report", str(exc)) from None
    session.commit()
    if result.alerts:
        runtime = app_state(request).runtime
        if runtime is not None and hasattr(runtime, "wake_workers"):
            runtime.wake_workers()
    return result


def _status_url(tenant: Tenant, report: Report, token: str | None) -> str | None:
    return f"/t/{tenant.slug}/reports/{report.reference}?token={token}" if token else None


def _public_result(tenant: Tenant, result: service.IntakeResult) -> dict[str, Any]:
    report = result.report
    return {
        "reference": report.reference,
        "created": result.created,
        "duplicate_count": report.duplicate_count,
        "status_url": _status_url(tenant, report, result.token),
        "token": result.token,
        "removed": result.removed,
        "notice": result.notice,
        "verdict": report.verdict,
        "score": round(report.score, 4),
        "reasons": [r["text"] for r in report.reasons or []],
    }


_MULTIPART_REPORT = {
    "type": "object",
    "properties": {
        **{k: v for k, v in ReportIn.model_json_schema()["properties"].items() if k != "seen_at"},
        "seen_at": {"type": "string", "maxLength": 40, "description": "ISO date and time (UTC if no offset)"},
        "eml": {"type": "string", "format": "binary", "description": "the .eml file (2 MB max)"},
    },
    **_some_evidence((*EVIDENCE, "eml")),
}


@router.post(
    "/api/v1/public/{tenant}/reports",
    status_code=201,
    summary="Report a suspicious message, call or site (JSON, or multipart with an .eml file)",
    responses=errors(
        404,
        413,
        429,
        e404="no retailer with this slug",
        e422="invalid input, or nothing in it could be analysed (invalid_report)",
    )
    | with_links(
        201,
        status=link(
            "public_report_status",
            "Follow the report",
            tenant="$request.path.tenant",
            reference="$response.body#/reference",
            token="$response.body#/token",
        ),
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": ReportIn.model_json_schema(ref_template=COMPONENT_REF)},
                "multipart/form-data": {"schema": _MULTIPART_REPORT},
            },
        }
    },
)
async def public_report_api(
    tenant: TenantSlug, request: Request, session: Session = Depends(db)
) -> dict[str, Any]:
    """No sign-in. Rate limited per client address; identical reports collapse into one with a count.
    The reporter's own secrets are removed before storage and `removed` lists what was taken out."""
    _intake_limits(request)
    _register_email_handler(request)
    row = await run_in_threadpool(_tenant, session, tenant)
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        data = await _input_from_form(request)
    else:
        await _read_capped(request)
        try:
            body = ReportIn.model_validate_json(await request.body())
        except ValidationError as exc:
            raise RequestValidationError(exc.errors(include_url=False, include_input=False)) from None
        data = ReportInput(
            text=body.text,
            url=body.url,
            phone=body.phone,
            handle=body.handle,
            channel=body.channel,
            seen_at=body.seen_at,
            reporter_contact=body.contact,
        )
    result = await run_in_threadpool(_submit, request, session, row, data)
    return _public_result(row, result)


@router.get(
    "/api/v1/public/{tenant}/reports/{reference}",
    summary="A report's status for its reporter",
    responses=errors(404, 429, e404="no such retailer, or no report with this reference and token"),
)
def public_report_status(
    tenant: TenantSlug,
    reference: str,
    request: Request,
    token: str = Query(max_length=100, description="The token the report's submission answered with"),
    session: Session = Depends(db),
) -> dict[str, Any]:
    rate_limit(request, "report-status", client_ip(request), STATUS_LIMIT)
    row = _tenant(session, tenant)
    report = service.report_for_reporter(session, row, reference, token)
    if report is None:
        raise not_found("report")
    return {
        "reference": report.reference,
        "status": service.REPORTER_STATUS.get(report.status, report.status),
        "received_at": report.received_at.isoformat(),
        "verdict": report.verdict,
    }


@router.get("/t/{slug}/report", response_class=HTMLResponse, include_in_schema=False)
def report_page(slug: str, request: Request, session: Session = Depends(db)) -> HTMLResponse:
    rate_limit(request, "public-page", client_ip(request), Limit(300, 60))
    tenant = _tenant(session, slug)
    context = {
        "tenant": tenant,
        "channels": CHANNEL_LABELS,
        "error": None,
        "form": {},
        "report_addresses": report_addresses(session, tenant.id),
    }
    return render(request, "report.html", context)


@router.post("/t/{slug}/report", response_class=HTMLResponse, include_in_schema=False)
async def report_submit(slug: str, request: Request, session: Session = Depends(db)) -> HTMLResponse:
    tenant = await run_in_threadpool(_tenant, session, slug)
    try:
        _intake_limits(request)
        _register_email_handler(request)
        data = await _input_from_form(request)
        result = await run_in_threadpool(_submit, request, session, tenant, data)
    except ApiError as exc:
        status = exc.status
        form = {"text": "", "url": "", "phone": "", "handle": ""}
        return render(
            request,
            "report.html",
            {"tenant": tenant, "channels": CHANNEL_LABELS, "error": exc.message, "form": form},
            status_code=status,
        )
    return render(
        request,
        "report_status.html",
        {
            "tenant": tenant,
            "report": result.report,
            "just_sent": True,
            "result": result,
            "status_url": _status_url(tenant, result.report, result.token),
            "status_text": service.REPORTER_STATUS.get(result.report.status, result.report.status),
        },
        status_code=201 if result.created else 200,
    )


@router.get("/t/{slug}/reports/{reference}", response_class=HTMLResponse, include_in_schema=False)
def report_status_page(
    slug: str,
    reference: str,
    request: Request,
    token: str = Query(default="", max_length=100),
    session: Session = Depends(db),
) -> HTMLResponse:
    rate_limit(request, "report-status", client_ip(request), STATUS_LIMIT)
    tenant = _tenant(session, slug)
    report = service.report_for_reporter(session, tenant, reference, token)
    if report is None:
        raise not_found("report")
    return render(
        request,
        "report_status.html",
        {
            "tenant": tenant,
            "report": report,
            "just_sent": False,
            "result": None,
            "status_url": None,
            "status_text": service.REPORTER_STATUS.get(report.status, report.status),
        },
    )
