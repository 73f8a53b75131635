"""Triage: analysts move campaigns along their statuses, assign them, add notes and confirm indicators
as fraud; reporters read their report's status with its token.

    set_campaign_status(session, tenant, campaign_id, user, status="investigating")
    confirm_report_indicator(session, tenant, user, indicator_id)   # verification answers `reported`
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.guard import scan
from trustdesk.reports.errors import ReportError
from trustdesk.reports.intake import token_hash
from trustdesk.store.models import Campaign, Report, ReportIndicator, ReportSighting, Tenant, User, utcnow

CAMPAIGN_STATUSES = ("new", "investigating", "takedown_requested", "closed")
# Allowed moves; an analyst may also reopen a closed campaign.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "new": ("investigating", "closed"),
    "investigating": ("takedown_requested", "closed", "new"),
    "takedown_requested": ("investigating", "closed"),
    "closed": ("investigating",),
}
# What a reporter sees for each campaign status (reports without a campaign stay "received").
REPORTER_STATUS = {
    "received": "received",
    "new": "received",
    "investigating": "under investigation",
    "takedown_requested": "takedown requested",
    "closed": "closed",
}
# confirm_indicator (trustdesk.channels.reported) knows these kinds; IBANs and wallets are export-only.
CONFIRMABLE = {"url": "url", "domain": "domain", "email": "email", "phone": "phone", "handle": "social"}


def get_campaign(session: Session, tenant_id: int, campaign_id: int) -> Campaign:
    """The tenant's campaign (ReportError when absent or another tenant's)."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or campaign.tenant_id != tenant_id:
        raise ReportError("no such campaign")
    return campaign


def get_report(session: Session, tenant_id: int, reference: str) -> Report:
    """The tenant's report by reference (ReportError when absent or another tenant's)."""
    report = session.scalar(
        select(Report).where(Report.tenant_id == tenant_id, Report.reference == reference)
    )
    if report is None:
        raise ReportError("no such report")
    return report


def set_campaign_status(
    session: Session,
    tenant: Tenant,
    campaign_id: int,
    user: User,
    *,
    status: str | None = None,
    assignee_id: int | None = None,
    unassign: bool = False,
    note: str = "",
    ip: str | None = None,
) -> Campaign:
    """Move a campaign along new -> investigating -> takedown_requested -> closed, (re)assign it and/or
    add a note. Audited; the campaign's reports show the new status to their reporters."""
    campaign = get_campaign(session, tenant.id, campaign_id)
    if campaign.status == "merged":
        raise ReportError(f"this campaign was merged into campaign {campaign.merged_into_id}")
    changes: dict[str, Any] = {}
    if status is not None and status != campaign.status:
        if status not in CAMPAIGN_STATUSES:
            raise ReportError(f"unknown status {status!r}; choose from {', '.join(CAMPAIGN_STATUSES)}")
        if status not in TRANSITIONS[campaign.status]:
            raise ReportError(f"a {campaign.status} campaign cannot move to {status}")
        changes["status"] = [campaign.status, status]
        campaign.status = status
        session.execute(update(Report).where(Report.campaign_id == campaign.id).values(status=status))
    if unassign and campaign.assignee_id is not None:
        changes["assignee"] = [campaign.assignee_id, None]
        campaign.assignee_id = None
    elif assignee_id is not None and assignee_id != campaign.assignee_id:
        assignee = session.get(User, assignee_id)
        if assignee is None or assignee.tenant_id != tenant.id:
            raise ReportError("no such staff member")
        changes["assignee"] = [campaign.assignee_id, assignee_id]
        campaign.assignee_id = assignee_id
    note = note.strip()[:4000]
    if note:
        note = scan(note, "inbound", brand=tenant.name).redacted
        stamp = utcnow().strftime("%Y-%m-%d %H:%M")
        campaign.notes = (campaign.notes + "\n" if campaign.notes else "") + f"[{stamp} {user.email}] {note}"
        changes["note_added"] = True
    if not changes:
        return campaign
    campaign.updated_at = utcnow()
    record(
        session,
        "campaign.updated",
        actor=f"{user.role}:{user.email}",
        tenant_id=tenant.id,
        target=f"campaign:{campaign.id}",
        details=changes,
        ip=ip,
    )
    session.flush()
    return campaign


def confirm_report_indicator(
    session: Session, tenant: Tenant, user: User, indicator_id: int, *, note: str = "", ip: str | None = None
) -> Any:
    """Confirm one stored indicator as fraud: from the commit on, verification answers `reported` for it.
    Returns the ReportedIndicatorRow. Raises ReportError for kinds verification cannot know (IBAN, wallet)."""
    from trustdesk.channels.changes import ChangeError
    from trustdesk.channels.reported import confirm_indicator

    row = session.get(ReportIndicator, indicator_id)
    if row is None or row.tenant_id != tenant.id:
        raise ReportError("no such indicator")
    kind = CONFIRMABLE.get(row.kind)
    if kind is None:
        raise ReportError(f"a {row.kind} cannot be confirmed for verification; export it instead")
    value = row.value
    if row.kind == "handle":
        # Confirmed without its platform: a scammer's handle then reads `reported` on any platform,
        # which is what a customer who types "@name" needs (see trustdesk.channels.reported).
        value = "@" + row.value.lstrip("@")
    report = session.get(Report, row.report_id)
    try:
        confirmed = confirm_indicator(
            session,
            tenant,
            user,
            kind,
            value,
            note=note,
            report_ref=report.reference if report else None,
            ip=ip,
        )
    except ChangeError as exc:
        raise ReportError(str(exc)) from None
    session.execute(
        update(ReportIndicator)
        .where(ReportIndicator.tenant_id == tenant.id, ReportIndicator.key == row.key)
        .values(verification="reported")
    )
    session.flush()
    return confirmed


def report_for_reporter(session: Session, tenant: Tenant, reference: str, token: str) -> Report | None:
    """The report when `token` is its status token (constant-time compare), else None."""
    report = session.scalar(
        select(Report).where(Report.tenant_id == tenant.id, Report.reference == reference)
    )
    if report is None or not token:
        return None
    if not secrets.compare_digest(report.status_token_hash, token_hash(token)):
        return None
    return report


def campaign_timeline(session: Session, campaign_id: int) -> list[tuple[str, int]]:
    """Sightings per day (YYYY-MM-DD, count) for a campaign, oldest first."""
    rows = session.scalars(
        select(ReportSighting.received_at)
        .join(Report, Report.id == ReportSighting.report_id)
        .where(Report.campaign_id == campaign_id)
    ).all()
    counts: dict[str, int] = {}
    for when in rows:
        day = when.strftime("%Y-%m-%d")
        counts[day] = counts.get(day, 0) + 1
    return sorted(counts.items())


def campaign_indicators(session: Session, campaign_id: int) -> list[dict[str, Any]]:
    """Distinct indicators of a campaign with how many reports hold each (id = one stored row)."""
    rows = session.scalars(
        select(ReportIndicator)
        .join(Report, Report.id == ReportIndicator.report_id)
        .where(Report.campaign_id == campaign_id)
        .order_by(ReportIndicator.id)
    ).all()
    seen: dict[str, dict[str, Any]] = {}
    for row in rows:
        item = seen.get(row.key)
        if item is None:
            seen[row.key] = {
                "id": row.id,
                "kind": row.kind,
                "value": row.value,
                "network": row.network,
                "verification": row.verification,
                "reports": 1,
                "confirmable": row.kind in CONFIRMABLE,
            }
        else:
            item["reports"] += 1
            if row.verification == "reported":
                item["verification"] = "reported"
    return list(seen.values())
