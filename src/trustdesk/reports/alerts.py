"""Alerts: a tenant's thresholds (N sightings within T hours, per campaign or per indicator), and the alerts
raised when a new sighting reaches one, each sent as signed webhooks and a security-team e-mail job."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.jobs import enqueue
from trustdesk.reports.errors import ReportError
from trustdesk.store.models import (
    AlertThreshold,
    Report,
    ReportAlert,
    ReportIndicator,
    ReportSighting,
    Tenant,
    User,
    WebhookEndpoint,
    utcnow,
)

ALERT_EVENT = "campaign.alert"
ALERT_EMAIL_JOB = "reports.alert_email"


def set_threshold(
    session: Session,
    tenant: Tenant,
    user: User,
    *,
    scope: str,
    min_reports: int,
    window_hours: int,
    email_to: str = "",
    enabled: bool = True,
    ip: str | None = None,
) -> AlertThreshold:
    """Create or change the tenant's alert threshold for `scope` (campaign | indicator). Audited."""
    if scope not in ("campaign", "indicator"):
        raise ReportError("scope must be campaign or indicator")
    if not 1 <= min_reports <= 100_000 or not 1 <= window_hours <= 24 * 90:
        raise ReportError("min_reports must be 1..100000 and window_hours 1..2160")
    email_to = email_to.strip()[:320]
    if email_to and ("@" not in email_to or any(c.isspace() for c in email_to)):
        raise ReportError("email_to must be one e-mail address")
    row = session.scalar(
        select(AlertThreshold).where(AlertThreshold.tenant_id == tenant.id, AlertThreshold.scope == scope)
    )
    if row is None:
        row = AlertThreshold(tenant_id=tenant.id, scope=scope)
        session.add(row)
    row.min_reports = min_reports
    row.window_hours = window_hours
    row.email_to = email_to
    row.enabled = enabled
    row.updated_at = utcnow()
    record(
        session,
        "report.threshold_set",
        actor=f"{user.role}:{user.email}",
        tenant_id=tenant.id,
        target=f"threshold:{scope}",
        details={"min_reports": min_reports, "window_hours": window_hours, "enabled": enabled},
        ip=ip,
    )
    session.flush()
    return row


def _recent_alert(session: Session, tenant_id: int, scope: str, subject: str, since: datetime) -> bool:
    return (
        session.scalar(
            select(ReportAlert.id)
            .where(
                ReportAlert.tenant_id == tenant_id,
                ReportAlert.scope == scope,
                ReportAlert.subject_key == subject,
                ReportAlert.created_at >= since,
            )
            .limit(1)
        )
        is not None
    )


def evaluate_alerts(
    session: Session, tenant: Tenant, report: Report, *, now: datetime | None = None
) -> list[ReportAlert]:
    """Raise an alert for the report's campaign and for each of its indicators that reached the tenant's
    threshold (N sightings within T hours); at most one alert per subject per window."""
    now = now or utcnow()
    thresholds = session.scalars(
        select(AlertThreshold).where(AlertThreshold.tenant_id == tenant.id, AlertThreshold.enabled.is_(True))
    ).all()
    raised: list[ReportAlert] = []
    for threshold in thresholds:
        since = now - timedelta(hours=threshold.window_hours)
        subjects: list[tuple[str, int]] = []
        if threshold.scope == "campaign" and report.campaign_id is not None:
            count = session.scalar(
                select(func.count(ReportSighting.id))
                .join(Report, Report.id == ReportSighting.report_id)
                .where(Report.campaign_id == report.campaign_id, ReportSighting.received_at >= since)
            )
            subjects.append((f"campaign:{report.campaign_id}", int(count or 0)))
        elif threshold.scope == "indicator":
            keys = session.scalars(
                select(ReportIndicator.key).where(
                    ReportIndicator.report_id == report.id, ReportIndicator.glue_key.is_not(None)
                )
            ).all()
            for key in keys:
                count = session.scalar(
                    select(func.count(ReportSighting.id))
                    .join(ReportIndicator, ReportIndicator.report_id == ReportSighting.report_id)
                    .where(
                        ReportIndicator.tenant_id == tenant.id,
                        ReportIndicator.key == key,
                        ReportSighting.received_at >= since,
                    )
                )
                subjects.append((key, int(count or 0)))
        for subject, count in subjects:
            if count < threshold.min_reports or _recent_alert(
                session, tenant.id, threshold.scope, subject, since
            ):
                continue
            raised.append(_raise_alert(session, tenant, threshold, subject, count, report))
    return raised


def _raise_alert(
    session: Session, tenant: Tenant, threshold: AlertThreshold, subject: str, count: int, report: Report
) -> ReportAlert:
    alert = ReportAlert(
        tenant_id=tenant.id,
        scope=threshold.scope,
        subject_key=subject[:500],
        campaign_id=report.campaign_id,
        count=count,
        min_reports=threshold.min_reports,
        window_hours=threshold.window_hours,
        created_at=utcnow(),
    )
    session.add(alert)
    session.flush()
    data = {
        "alert_id": alert.id,
        "tenant": tenant.slug,
        "scope": alert.scope,
        "subject": alert.subject_key,
        "campaign_id": alert.campaign_id,
        "count": count,
        "threshold": {"min_reports": threshold.min_reports, "window_hours": threshold.window_hours},
        "report": report.reference,
    }
    alert.webhook_jobs = _enqueue_webhooks(session, tenant.id, data)
    job = enqueue(
        session,
        ALERT_EMAIL_JOB,
        {"alert_id": alert.id, "to": threshold.email_to, "data": data},
        tenant_id=tenant.id,
        max_attempts=6,
    )
    session.flush()
    alert.email_job_id = job.id
    record(
        session,
        "report.alert_raised",
        actor="system:alerts",
        tenant_id=tenant.id,
        target=f"alert:{alert.id}",
        details={
            "scope": alert.scope,
            "subject": alert.subject_key,
            "count": count,
            "webhooks": len(alert.webhook_jobs),
        },
    )
    session.flush()
    return alert


def _enqueue_webhooks(session: Session, tenant_id: int, data: dict[str, Any]) -> list[int]:
    """One signed delivery (the webhooks module's job) per active endpoint taking `campaign.alert`.

    Endpoints subscribe by event name; until `campaign.alert` is among the selectable events, every
    active endpoint of the tenant receives alerts, so none is lost."""
    from trustdesk.webhooks import EVENTS, JOB_KIND
    from trustdesk.webhooks.service import MAX_ATTEMPTS

    endpoints = session.scalars(
        select(WebhookEndpoint).where(
            WebhookEndpoint.tenant_id == tenant_id, WebhookEndpoint.is_active.is_(True)
        )
    ).all()
    event_id = "evt_" + secrets.token_hex(12)
    created = utcnow().isoformat()
    ids: list[int] = []
    for endpoint in endpoints:
        if ALERT_EVENT in EVENTS and ALERT_EVENT not in (endpoint.events or []):
            continue
        job = enqueue(
            session,
            JOB_KIND,
            {
                "endpoint_id": endpoint.id,
                "id": event_id,
                "type": ALERT_EVENT,
                "created": created,
                "data": data,
            },
            tenant_id=tenant_id,
            max_attempts=MAX_ATTEMPTS,
        )
        session.flush()
        ids.append(job.id)
    return ids
