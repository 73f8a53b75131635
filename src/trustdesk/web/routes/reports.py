"""Suspicious-activity reports for staff: triage console and API, campaigns, alert thresholds and exports.

The public intake and the reporter's follow-up are in report_intake.py. The logic lives in
trustdesk.reports.service; this module is thin."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.reports import service
from trustdesk.reports.service import ReportError
from trustdesk.store.models import AlertThreshold, Campaign, Report, ReportIndicator, User
from trustdesk.web.contract import errors, link, with_links
from trustdesk.web.deps import Auth, app_state, client_ip, db, require
from trustdesk.web.errors import ApiError, not_found
from trustdesk.web.fields import (
    MAX_ROW_ID,
    SPACES,
    ApiModel,
    RowId,
    count,
    page_size,
)
from trustdesk.web.routes.pages import Console, console_form, console_page, render

router = APIRouter(tags=["reports"])
CAMPAIGN_STATUSES = tuple(service.CAMPAIGN_STATUSES)


class StatusIn(ApiModel):
    status: Literal[CAMPAIGN_STATUSES] | None = None
    assignee_id: RowId | None = Field(default=None, description="A staff member of this retailer")
    unassign: bool = False
    note: str = Field(default="", max_length=4000)


class ConfirmIn(ApiModel):
    note: str = Field(default="", max_length=2000)


class ThresholdIn(ApiModel):
    scope: Literal["campaign", "indicator"]
    min_reports: count(1, 100_000)
    window_hours: count(1, 24 * 90)
    email_to: str = Field(
        default="",
        max_length=320,
        pattern=rf"^[{SPACES}]*(?:[^{SPACES}]*@[^{SPACES}]*)?[{SPACES}]*$",
        description="One e-mail address, or empty",
    )
    enabled: bool = True


def _row_id(text: str) -> int | None:
    """A form's id field: an id, or None for anything else (never an integer the store cannot hold)."""
    return int(text) if text.isdigit() and len(text) <= 10 and 1 <= int(text) <= MAX_ROW_ID else None


# ----------------------------------------------------------------------------- public intake


# ----------------------------------------------------------------------------- staff API


def _indicators(session: Session, report_id: int) -> list[ReportIndicator]:
    return list(
        session.scalars(
            select(ReportIndicator).where(ReportIndicator.report_id == report_id).order_by(ReportIndicator.id)
        )
    )


@router.get(
    "/api/v1/reports",
    summary="Reports, newest first",
    responses=with_links(
        200, report=link("get_report", "Open the first", report_reference="$response.body#/0/reference")
    ),
)
def list_reports(
    campaign_id: RowId | None = None,
    limit: page_size(500) = 100,
    auth: Auth = Depends(require(Permission.TRIAGE_REPORTS)),
    session: Session = Depends(db),
) -> list[dict[str, Any]]:
    query = select(Report).where(Report.tenant_id == auth.tenant.id)
    if campaign_id is not None:
        query = query.where(Report.campaign_id == campaign_id)
    rows = session.scalars(query.order_by(Report.last_received_at.desc(), Report.id.desc()).limit(limit))
    return [service.report_json(r) for r in rows]


@router.get(
    "/api/v1/reports/export",
    summary="Export reports as STIX 2.1 or CSV",
    response_class=Response,
    responses={
        200: {
            "description": "A STIX 2.1 bundle (format=stix) or CSV with a header row (format=csv), as an attachment",
            "content": {
                "application/json": {"schema": {"type": "object", "description": "STIX 2.1 bundle"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
def export_api(
    request: Request,
    format: Literal["stix", "csv"] = "stix",
    auth: Auth = Depends(require(Permission.EXPORT_DATA)),
) -> Response:
    with app_state(request).sessions() as session:
        text = service.export_text(session, auth.tenant, format, actor=auth.actor, ip=client_ip(request))
        session.commit()
    if format == "csv":
        return PlainTextResponse(
            text,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{auth.tenant.slug}-reports.csv"'},
        )
    return Response(
        text,
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{auth.tenant.slug}-reports.stix.json"'},
    )


@router.get("/api/v1/reports/thresholds", summary="Alert thresholds")
def list_thresholds(
    auth: Auth = Depends(require(Permission.TRIAGE_REPORTS)), session: Session = Depends(db)
) -> list[dict[str, Any]]:
    rows = session.scalars(select(AlertThreshold).where(AlertThreshold.tenant_id == auth.tenant.id))
    return [
        {
            "scope": r.scope,
            "min_reports": r.min_reports,
            "window_hours": r.window_hours,
            "email_to": r.email_to,
            "enabled": r.enabled,
        }
        for r in rows
    ]


@router.put("/api/v1/reports/thresholds", summary="Set an alert threshold (N reports in T hours)")
def put_threshold(
    body: ThresholdIn,
    request: Request,
    auth: Auth = Depends(require(Permission.TRIAGE_REPORTS)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    try:
        row = service.set_threshold(
            session, auth.tenant, auth.user, ip=client_ip(request), **body.model_dump()
        )
    except ReportError as exc:
        raise ApiError(422, "invalid_threshold", str(exc)) from None
    session.commit()
    return {
        "scope": row.scope,
        "min_reports": row.min_reports,
        "window_hours": row.window_hours,
        "enabled": row.enabled,
    }


@router.get(
    "/api/v1/reports/{report_reference}",
    summary="One report with its indicators",
    responses=errors(404)
    | with_links(
        200,
        confirm=link(
            "confirm_api",
            "Confirm its first indicator",
            report_indicator_id="$response.body#/indicators/0/id",
        ),
    ),
)
def get_report(
    report_reference: str,
    auth: Auth = Depends(require(Permission.TRIAGE_REPORTS)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    try:
        report = service.get_report(session, auth.tenant.id, report_reference)
    except ReportError:
        raise not_found("report") from None
    return service.report_json(report, _indicators(session, report.id))


@router.post(
    "/api/v1/reports/indicators/{report_indicator_id}/confirm",
    summary="Confirm a reported indicator as fraud (verification answers `reported` at once)",
    responses=errors(
        404, 409, e409="not_confirmable: verification cannot know this kind (IBAN, wallet) or this value"
    ),
)
def confirm_api(
    report_indicator_id: RowId,
    body: ConfirmIn,
    request: Request,
    auth: Auth = Depends(require(Permission.TRIAGE_REPORTS)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    try:
        row = service.confirm_report_indicator(
            session, auth.tenant, auth.user, report_indicator_id, note=body.note, ip=client_ip(request)
        )
    except ReportError as exc:
        if "no such" in str(exc):
            raise not_found("indicator") from None
        raise ApiError(409, "not_confirmable", str(exc)) from None
    session.commit()
    return {"kind": row.kind, "value": row.value, "confirmed_at": row.confirmed_at.isoformat()}


@router.get(
    "/api/v1/campaigns",
    summary="Campaigns, most recently active first",
    responses=with_links(
        200,
        campaign=link("get_campaign", "Open the first", campaign_id="$response.body#/0/id"),
        update=link("update_campaign", "Change the first", campaign_id="$response.body#/0/id"),
    ),
)
def list_campaigns(
    status: Literal[CAMPAIGN_STATUSES] | None = None,
    auth: Auth = Depends(require(Permission.TRIAGE_REPORTS)),
    session: Session = Depends(db),
) -> list[dict[str, Any]]:
    query = select(Campaign).where(Campaign.tenant_id == auth.tenant.id, Campaign.status != "merged")
    if status:
        query = query.where(Campaign.status == status)
    return [
        service.campaign_json(c)
        for c in session.scalars(query.order_by(Campaign.last_seen.desc()).limit(500))
    ]


def _campaign_detail(session: Session, auth: Auth, campaign_id: int) -> dict[str, Any]:
    try:
        campaign = service.get_campaign(session, auth.tenant.id, campaign_id)
    except ReportError:
        raise not_found("campaign") from None
    out = service.campaign_json(campaign)
    out["indicators"] = service.campaign_indicators(session, campaign.id)
    out["timeline"] = [{"day": d, "count": n} for d, n in service.campaign_timeline(session, campaign.id)]
    out["reports"] = [
        service.report_json(r)
        for r in session.scalars(
            select(Report).where(Report.campaign_id == campaign.id).order_by(Report.id).limit(200)
        )
    ]
    return out


@router.get(
    "/api/v1/campaigns/{campaign_id}",
    summary="A campaign: indicators, counts over time, reports",
    responses=errors(404),
)
def get_campaign(
    campaign_id: RowId,
    auth: Auth = Depends(require(Permission.TRIAGE_REPORTS)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    return _campaign_detail(session, auth, campaign_id)


@router.post(
    "/api/v1/campaigns/{campaign_id}",
    summary="Change status, assignee or add a note (audited)",
    responses=errors(
        404,
        409,
        e404="no such campaign, or no such staff member to assign",
        e409="the campaign was merged into another, or cannot move to that status from its own",
    ),
)
def update_campaign(
    campaign_id: RowId,
    body: StatusIn,
    request: Request,
    auth: Auth = Depends(require(Permission.TRIAGE_REPORTS)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    try:
        campaign = service.set_campaign_status(
            session, auth.tenant, campaign_id, auth.user, ip=client_ip(request), **body.model_dump()
        )
    except ReportError as exc:
        message = str(exc)
        if message.startswith("no such"):
            raise ApiError(404, "not_found", message) from None
        if "merged" in message or "cannot move" in message:
            raise ApiError(409, "conflict", message) from None
        raise ApiError(422, "invalid_change", message) from None
    session.commit()
    return service.campaign_json(campaign)


# ----------------------------------------------------------------------------- console


@router.get("/console/reports", response_class=HTMLResponse, include_in_schema=False)
def console_reports(page: Console = Depends(console_page(Permission.TRIAGE_REPORTS))) -> HTMLResponse:
    return _reports_page(page)


def _reports_page(page: Console, error: str | None = None) -> HTMLResponse:
    # `error` is only ever set by this module (never from the query string: no text injection).
    session, tenant_id = page.session, page.tenant.id
    campaigns = session.scalars(
        select(Campaign)
        .where(Campaign.tenant_id == tenant_id, Campaign.status != "merged")
        .order_by(Campaign.last_seen.desc())
        .limit(200)
    ).all()
    reports = session.scalars(
        select(Report)
        .where(Report.tenant_id == tenant_id)
        .order_by(Report.last_received_at.desc())
        .limit(100)
    ).all()
    thresholds = {
        t.scope: t
        for t in session.scalars(select(AlertThreshold).where(AlertThreshold.tenant_id == tenant_id))
    }
    context = page.context("reports") | {
        "campaigns": campaigns,
        "reports": reports,
        "thresholds": thresholds,
        "can_export": page.auth.can(Permission.EXPORT_DATA),
        "error": error,
    }
    return render(page.request, "console_reports.html", context, status_code=422 if error else 200)


@router.post("/console/reports/thresholds", include_in_schema=False)
def console_threshold(
    min_reports: Annotated[count(1, 100_000), Form()],
    window_hours: Annotated[count(1, 24 * 90), Form()],
    scope: str = Form(max_length=12),
    email_to: str = Form(default="", max_length=320),
    enabled: str = Form(default=""),
    page: Console = Depends(console_form(Permission.TRIAGE_REPORTS)),
) -> Response:
    try:
        service.set_threshold(
            page.session,
            page.tenant,
            page.auth.user,
            scope=scope,
            min_reports=min_reports,
            window_hours=window_hours,
            email_to=email_to,
            enabled=bool(enabled),
            ip=page.ip,
        )
    except ReportError as exc:
        page.session.rollback()
        return _reports_page(page, error=str(exc))
    return page.done("/console/reports")


@router.get("/console/campaigns/{campaign_id}", response_class=HTMLResponse, include_in_schema=False)
def console_campaign(
    campaign_id: RowId, page: Console = Depends(console_page(Permission.TRIAGE_REPORTS))
) -> HTMLResponse:
    return _campaign_page(page, campaign_id)


def _campaign_page(page: Console, campaign_id: int, error: str | None = None) -> HTMLResponse:
    detail = _campaign_detail(page.session, page.auth, campaign_id)
    staff = page.session.scalars(
        select(User).where(User.tenant_id == page.tenant.id).order_by(User.email)
    ).all()
    peak = max([t["count"] for t in detail["timeline"]] or [1])
    context = page.context("reports") | {
        "campaign": detail,
        "staff": staff,
        "statuses": service.TRANSITIONS.get(detail["status"], ()),
        "peak": peak,
        "error": error,
    }
    return render(page.request, "console_campaign.html", context, status_code=422 if error else 200)


@router.post("/console/campaigns/{campaign_id}", include_in_schema=False)
def console_campaign_update(
    campaign_id: RowId,
    status: str = Form(default="", max_length=24),
    assignee_id: str = Form(default="", max_length=12),
    note: str = Form(default="", max_length=4000),
    page: Console = Depends(console_form(Permission.TRIAGE_REPORTS)),
) -> Response:
    try:
        service.set_campaign_status(
            page.session,
            page.tenant,
            campaign_id,
            page.auth.user,
            status=status or None,
            assignee_id=_row_id(assignee_id),
            unassign=assignee_id == "none",
            note=note,
            ip=page.ip,
        )
    except ReportError as exc:
        page.session.rollback()
        if "no such campaign" in str(exc):
            raise not_found("campaign") from None
        return _campaign_page(page, campaign_id, error=str(exc))
    return page.done(f"/console/campaigns/{campaign_id}")


@router.post("/console/reports/indicators/{report_indicator_id}/confirm", include_in_schema=False)
def console_confirm(
    report_indicator_id: RowId, page: Console = Depends(console_form(Permission.TRIAGE_REPORTS))
) -> Response:
    session = page.session
    row = session.get(ReportIndicator, report_indicator_id)
    if row is None or row.tenant_id != page.tenant.id:
        raise not_found("indicator")
    report = session.get(Report, row.report_id)
    target = (
        f"/console/campaigns/{report.campaign_id}" if report and report.campaign_id else "/console/reports"
    )
    try:
        service.confirm_report_indicator(
            session, page.tenant, page.auth.user, report_indicator_id, ip=page.ip
        )
    except ReportError as exc:
        session.rollback()
        if report and report.campaign_id:
            return _campaign_page(page, report.campaign_id, error=str(exc))
        raise ApiError(422, "not_confirmable", str(exc)) from None
    return page.done(target)
