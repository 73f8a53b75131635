"""Duplicate collapse: a report already stored (same fingerprint) counts one more sighting, not a new report."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from trustdesk.reports.alerts import evaluate_alerts
from trustdesk.reports.grouping import refresh_campaign
from trustdesk.store.models import Campaign, Report, ReportAlert, ReportSighting, Tenant


def add_sighting(
    session: Session, tenant: Tenant, report: Report, *, channel: str, source_hash: str | None, now: datetime
) -> None:
    """Record that ``report`` was received (again) through ``channel`` at ``now``; flushed."""
    session.add(
        ReportSighting(
            tenant_id=tenant.id,
            report_id=report.id,
            channel=channel,
            source_hash=source_hash,
            received_at=now,
        )
    )
    session.flush()


def collapse_duplicate(
    session: Session,
    tenant: Tenant,
    report: Report,
    channel: str,
    source_hash: str | None,
    now: datetime,
) -> list[ReportAlert]:
    """Count one more sighting of a stored report, refresh its campaign and check the alert thresholds;
    returns the alerts raised."""
    session.execute(
        update(Report)
        .where(Report.id == report.id)
        .values(duplicate_count=Report.duplicate_count + 1, last_received_at=now)
    )
    add_sighting(session, tenant, report, channel=channel, source_hash=source_hash, now=now)
    session.refresh(report)
    if report.campaign_id is not None:
        campaign = session.get(Campaign, report.campaign_id)
        if campaign is not None:
            refresh_campaign(session, campaign)
    return evaluate_alerts(session, tenant, report, now=now)
