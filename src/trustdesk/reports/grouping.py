"""Campaign grouping in the store: each new report joins the campaign of every report that shares a glue key
(the keys themselves come from trustdesk.reports.campaigns), merging those campaigns into the oldest."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.store.models import Campaign, Report, ReportIndicator, ReportSighting, utcnow

_GROUPING_LOCK = 0x7D5E_0000_0000  # advisory-lock namespace for campaign grouping


def refresh_campaign(session: Session, campaign: Campaign) -> None:
    """Recompute a campaign's counts, first/last seen and channels from its reports and sightings."""
    row = session.execute(
        select(
            func.count(Report.id),
            func.coalesce(func.sum(Report.duplicate_count), 0),
            func.min(Report.received_at),
            func.max(Report.last_received_at),
        ).where(Report.campaign_id == campaign.id)
    ).one()
    campaign.report_count = int(row[0])
    campaign.sighting_count = int(row[1])
    if row[2] is not None:
        campaign.first_seen = row[2]
        campaign.last_seen = row[3]
    channels = session.scalars(
        select(ReportSighting.channel)
        .join(Report, Report.id == ReportSighting.report_id)
        .where(Report.campaign_id == campaign.id)
        .distinct()
    ).all()
    campaign.channels = sorted(set(channels))
    campaign.updated_at = utcnow()


def group_report(
    session: Session, tenant_id: int, report: Report, keys: Iterable[str], *, now: datetime | None = None
) -> Campaign | None:
    """Incremental grouping: put `report` in the campaign of every report sharing a glue key, merging
    those campaigns into the oldest one. Campaigns stay the connected components of the shared-key graph.
    A report with no glue key joins no campaign."""
    keys = set(keys)
    if not keys:
        return None
    if session.get_bind().dialect.name == "postgresql":
        # Serialise grouping per tenant until commit: a report arriving concurrently then sees this
        # one's indicators (READ COMMITTED) and joins its campaign, so components stay connected.
        session.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": _GROUPING_LOCK + tenant_id})
    campaign_ids: set[int] = {
        cid
        for cid in session.scalars(
            select(Report.campaign_id)
            .join(ReportIndicator, ReportIndicator.report_id == Report.id)
            .where(
                ReportIndicator.tenant_id == tenant_id,
                ReportIndicator.glue_key.in_(sorted(keys)),
                Report.id != report.id,
                Report.campaign_id.is_not(None),
            )
            .distinct()
        ).all()
        if cid is not None
    }
    if not campaign_ids:
        campaign = Campaign(
            tenant_id=tenant_id,
            status="new",
            first_seen=report.received_at,
            last_seen=report.last_received_at,
            created_at=now or utcnow(),
            updated_at=now or utcnow(),
            channels=[report.channel],
        )
        session.add(campaign)
        session.flush()
    else:
        survivor_id = min(campaign_ids)
        campaign = session.get(Campaign, survivor_id)  # type: ignore[assignment]
        assert campaign is not None
        absorbed = sorted(campaign_ids - {survivor_id})
        if absorbed:
            session.execute(
                update(Report)
                .where(Report.tenant_id == tenant_id, Report.campaign_id.in_(absorbed))
                .values(campaign_id=survivor_id)
            )
            for old_id in absorbed:
                old = session.get(Campaign, old_id)
                if old is None:
                    continue
                old.status = "merged"
                old.merged_into_id = survivor_id
                old.report_count = 0
                old.sighting_count = 0
                record(
                    session,
                    "campaign.merged",
                    actor="system:grouping",
                    tenant_id=tenant_id,
                    target=f"campaign:{old_id}",
                    details={"into": survivor_id, "report": report.reference},
                )
    report.campaign_id = campaign.id
    if campaign.status != "new":
        report.status = campaign.status
    session.flush()
    refresh_campaign(session, campaign)
    session.flush()
    return campaign
