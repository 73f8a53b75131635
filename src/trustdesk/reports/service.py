"""Storage-side report handling: intake (guard-redacted), duplicates, campaign grouping, triage, alerts,
feedback into verification and exports.

Every function works inside the caller's transaction (the caller commits); nothing here imports web code.

    result = submit_report(session, tenant, ReportInput(text=...), registry=registry)
    set_campaign_status(session, tenant, campaign_id, user, status="investigating")
    confirm_report_indicator(session, tenant, user, indicator_id)   # verification answers `reported`
    export_text(session, tenant, "stix", actor="cli")               # audited data export
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy import text as sql_text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.guard import MAX_TEXT_CHARS, scan
from trustdesk.jobs import JobContext, PermanentJobError, enqueue
from trustdesk.mail.headers import HeaderRefused, Mailbox
from trustdesk.mail.staff_mail import desk_sender, staff_mail
from trustdesk.reports.analysis import analyze
from trustdesk.reports.campaigns import GlueRule, glue_key
from trustdesk.reports.domains import DEFAULT_BRANDS
from trustdesk.reports.evidence import TrustPolicy
from trustdesk.reports.export import ExportReport, csv_export, stix_bundle
from trustdesk.reports.indicators import extract_indicators
from trustdesk.reports.mailview import Limits, ReportInputError
from trustdesk.reports.model import Analysis, Indicator, IndicatorKind
from trustdesk.reports.registry_check import registry_check
from trustdesk.store.models import (
    AlertThreshold,
    Campaign,
    OfficialChannelRow,
    Report,
    ReportAlert,
    ReportIndicator,
    ReportSighting,
    Tenant,
    User,
    WebhookEndpoint,
    utcnow,
)

CHANNELS = ("email", "sms", "call", "social", "popup", "search_ad", "other")
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
ALERT_EVENT = "campaign.alert"
ALERT_EMAIL_JOB = "reports.alert_email"
MAX_SUMMARY_CHARS = 20_000
_GROUPING_LOCK = 0x7D5E_0000_0000  # advisory-lock namespace for campaign grouping
INTAKE_LIMITS = Limits(max_bytes=2 * 1024 * 1024)
# confirm_indicator (trustdesk.channels.reported) knows these kinds; IBANs and wallets are export-only.
CONFIRMABLE = {"url": "url", "domain": "domain", "email": "email", "phone": "phone", "handle": "social"}


class ReportError(ValueError):
    """A report or triage request cannot be carried out; the message says why in plain words."""


@dataclass(frozen=True)
class ReportInput:
    """What a reporter sends: pasted text and/or an .eml, optional URL, phone, handle, where and when."""

    text: str = ""
    eml: bytes | None = None
    url: str = ""
    phone: str = ""
    handle: str = ""
    channel: str = "other"
    seen_at: datetime | None = None
    reporter_contact: str = ""


@dataclass
class IntakeResult:
    """The stored report, whether it was new, the status token (only for new reports) and what the guard
    removed from the reporter's text (finding types, plus a plain-words notice)."""

    report: Report
    created: bool
    token: str | None
    removed: list[str] = field(default_factory=list)
    notice: str | None = None
    alerts: list[ReportAlert] = field(default_factory=list)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def token_hash(token: str) -> str:
    """The stored form of a reporter's status token."""
    return _sha("report-status:" + token)


def _new_reference() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "R-" + "".join(secrets.choice(alphabet) for _ in range(10))


def official_values(session: Session, tenant_id: int) -> list[str]:
    """The tenant's official channels as glue-rule values (bare domains and indicator keys)."""
    out: list[str] = []
    for row in session.scalars(select(OfficialChannelRow).where(OfficialChannelRow.tenant_id == tenant_id)):
        value = row.value.strip().lower()
        if row.kind == "domain":
            out.append(value)
        elif row.kind == "email":
            out.append(f"email:{value}")
            out.append(value.rsplit("@", 1)[-1])
        elif row.kind == "phone":
            out.append(f"phone:{value}")
        elif row.kind == "url":
            out.append(f"url:{value}")
            host = value.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
            if host:
                out.append(host)
        elif row.kind == "social":
            out.append(f"handle:{row.platform}:{value.lstrip('@')}" if row.platform else f"handle:{value}")
    return out


def _short_key(key: str) -> str:
    return key if len(key) <= 450 else key[:380] + "#" + _sha(key)[:64]


def _extra_text(data: ReportInput) -> str:
    parts = []
    if data.url.strip():
        parts.append(data.url.strip()[:2000])
    if data.phone.strip():
        parts.append(data.phone.strip()[:64])
    if data.handle.strip():
        handle = data.handle.strip()[:200]
        parts.append(handle if handle.startswith("@") or "/" in handle else "@" + handle)
    return "\n".join(parts)


def _redact(text: str, brand: str) -> tuple[str, list[str], str | None]:
    text = text[: min(MAX_SUMMARY_CHARS, MAX_TEXT_CHARS)]
    result = scan(text, "inbound", brand=brand)
    removed = sorted({str(f.type) for f in result.findings if f.action == "redact"})
    return result.redacted, removed, result.customer_notice


def desk_trust() -> TrustPolicy:
    """Whose Authentication-Results the desk believes: its own intake and the configured receivers."""
    from trustdesk.config import get_settings

    return TrustPolicy.of(get_settings().trusted_authserv_id_list())


def analyse_input(data: ReportInput, *, tenant: Tenant, registry: Any) -> tuple[Analysis, str, str]:
    """Run the engine over a report input; returns the analysis, the text to store (unredacted, to be
    passed through the guard) and the subject. Raises ReportError for unusable input."""
    extra = _extra_text(data)
    check = registry_check(registry, tenant.slug) if registry is not None else None
    brands = [tenant.name, *DEFAULT_BRANDS]
    source: bytes | str
    if data.eml:
        source = data.eml
    else:
        source = "\n".join(p for p in (data.text.strip(), extra) if p)
    if not (source.strip() if isinstance(source, str) else source.strip()):
        raise ReportError("give the suspicious text, an .eml file, a link, a phone number or a handle")
    try:
        analysis = analyze(source, check=check, brand_names=brands, limits=INTAKE_LIMITS, trust=desk_trust())
    except ReportInputError as exc:
        raise ReportError(str(exc)) from None
    stored = data.text.strip()
    subject = ""
    if data.eml:
        from trustdesk.reports.mailview import read_report

        view = read_report(data.eml, INTAKE_LIMITS)
        subject = view.subject[:500]
        stored = "\n".join(p for p in (view.subject, view.text) if p)
        if extra:
            more = extract_indicators(extra)
            merged = tuple(dict.fromkeys((*analysis.indicators, *more)))
            analysis = Analysis(
                analysis.score,
                analysis.verdict,
                analysis.reasons,
                merged,
                analysis.notes,
                analysis.fingerprint,
            )
    if extra:
        stored = "\n".join(p for p in (stored, extra) if p)
    return analysis, stored, subject


def _verification(check: Any, indicator: Indicator) -> str:
    if check is None:
        return "unknown"
    try:
        result = check(indicator)
    except Exception:  # noqa: BLE001 - a verification failure must never lose a report
        return "unknown"
    verdict = getattr(result, "verdict", None)
    return str(getattr(verdict, "value", verdict or "unknown"))


def submit_report(
    session: Session,
    tenant: Tenant,
    data: ReportInput,
    *,
    registry: Any = None,
    source_ip: str | None = None,
    now: datetime | None = None,
) -> IntakeResult:
    """Analyse, redact, store (or collapse into an existing duplicate), group and check alert thresholds.

    Only guard-redacted text is stored. Raises ReportError for unusable input.
    """
    now = now or utcnow()
    channel = data.channel if data.channel in CHANNELS else "other"
    analysis, raw_text, subject = analyse_input(data, tenant=tenant, registry=registry)
    summary, removed, notice = _redact(raw_text, tenant.name)
    subject_redacted, subject_removed, _ = _redact(subject, tenant.name) if subject else ("", [], None)
    removed = sorted(set(removed) | set(subject_removed))
    contact, contact_removed, _ = _redact(data.reporter_contact.strip()[:320], tenant.name)
    if contact_removed:
        contact = ""
    fingerprint = analysis.fingerprint or _sha(" ".join(summary.lower().split()))
    fingerprint = fingerprint[:64]
    source_hash = _sha("ip:" + source_ip)[:64] if source_ip else None

    existing = session.scalar(
        select(Report).where(Report.tenant_id == tenant.id, Report.fingerprint == fingerprint)
    )
    if existing is None:
        token = secrets.token_urlsafe(24)
        report = Report(
            tenant_id=tenant.id,
            reference=_new_reference(),
            status_token_hash=token_hash(token),
            channel=channel,
            seen_at=data.seen_at,
            reporter_contact=contact or None,
            source="eml" if data.eml else "text",
            subject=subject_redacted[:500],
            summary=summary,
            redactions=removed,
            score=float(analysis.score),
            verdict=analysis.verdict.value,
            reasons=[r.to_dict() for r in analysis.reasons],
            notes=list(analysis.notes),
            fingerprint=fingerprint,
            duplicate_count=1,
            status="received",
            received_at=now,
            last_received_at=now,
        )
        savepoint = session.begin_nested()
        session.add(report)
        try:
            session.flush()
        except IntegrityError:
            savepoint.rollback()
            existing = session.scalar(
                select(Report).where(Report.tenant_id == tenant.id, Report.fingerprint == fingerprint)
            )
            if existing is None:
                raise
        else:
            savepoint.commit()
    if existing is not None:
        return _collapse(session, tenant, existing, channel, source_hash, now, removed, notice)

    check = registry_check(registry, tenant.slug) if registry is not None else None
    rule = GlueRule.for_tenant(official_values(session, tenant.id))
    keys: set[str] = set()
    for indicator in analysis.indicators:
        key = glue_key(indicator, rule)
        if key is not None:
            keys.add(_short_key(key))
        session.add(
            ReportIndicator(
                tenant_id=tenant.id,
                report_id=report.id,
                kind=indicator.kind.value,
                value=indicator.value[:2000],
                network=indicator.network[:40],
                key=_short_key(indicator.key.lower()),
                glue_key=_short_key(key) if key is not None else None,
                verification=_verification(check, indicator)[:20],
            )
        )
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
    campaign = group_report(session, tenant.id, report, keys, now=now)
    record(
        session,
        "report.received",
        actor="public:reporter",
        tenant_id=tenant.id,
        target=f"report:{report.reference}",
        details={
            "verdict": report.verdict,
            "score": round(report.score, 4),
            "indicators": len(analysis.indicators),
            "campaign": campaign.id if campaign else None,
            "redacted": removed,
        },
        ip=source_ip,
    )
    alerts = evaluate_alerts(session, tenant, report, now=now)
    return IntakeResult(report, True, token, removed, notice if removed else None, alerts)


def _collapse(
    session: Session,
    tenant: Tenant,
    report: Report,
    channel: str,
    source_hash: str | None,
    now: datetime,
    removed: list[str],
    notice: str | None,
) -> IntakeResult:
    session.execute(
        update(Report)
        .where(Report.id == report.id)
        .values(duplicate_count=Report.duplicate_count + 1, last_received_at=now)
    )
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
    session.refresh(report)
    if report.campaign_id is not None:
        campaign = session.get(Campaign, report.campaign_id)
        if campaign is not None:
            refresh_campaign(session, campaign)
    alerts = evaluate_alerts(session, tenant, report, now=now)
    return IntakeResult(report, False, None, removed, notice if removed else None, alerts)


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


# ----------------------------------------------------------------------------- triage


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


# ----------------------------------------------------------------------------- alerts


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


def alert_email_text(data: dict[str, Any]) -> tuple[str, str]:
    """Subject and body of the alert e-mail to the security team."""
    subject = (
        f"[Trustdesk] {data['scope']} alert: {data['count']} reports in {data['threshold']['window_hours']}h"
    )
    body = (
        f"Retailer: {data['tenant']}\n"
        f"What: {data['scope']} {data['subject']}\n"
        f"Reports: {data['count']} within {data['threshold']['window_hours']} hours "
        f"(threshold {data['threshold']['min_reports']})\n"
        f"Campaign: {data.get('campaign_id')}\nLatest report: {data['report']}\n"
    )
    return subject, body


def send_alert_email(context: JobContext) -> None:
    """Job handler for `reports.alert_email`: send through the configured SMTP relay. Without a relay
    or a recipient the job is dead-lettered with that reason (the alert row itself is kept), audited."""
    payload = context.payload
    settings = context.services.get("settings")
    if settings is None:
        from trustdesk.config import get_settings

        settings = get_settings()
    host = getattr(settings, "smtp_relay_host", None)
    to = str(payload.get("to") or "")
    reason = None
    if not to:
        reason = "no security-team address is set on the alert threshold"
    elif not host:
        reason = "no SMTP relay is configured (TRUSTDESK_SMTP_RELAY_HOST); the alert was not e-mailed"
    if reason is not None:
        with context.sessions() as session:
            record(
                session,
                "report.alert_email_not_sent",
                actor="system:alerts",
                tenant_id=context.job.tenant_id,
                target=f"alert:{payload.get('alert_id')}",
                details={"reason": reason},
            )
            session.commit()
        raise PermanentJobError(reason)
    subject, body = alert_email_text(payload["data"])
    sender = desk_sender(str(getattr(settings, "public_base_url", "")), "trustdesk-alerts")
    try:
        raw = staff_mail(sender=sender, recipient=to, subject=subject, text=body)
    except HeaderRefused as exc:
        reason = f"the alert's headers failed the check before sending: {exc}"
        with context.sessions() as session:
            record(
                session,
                "report.alert_email_not_sent",
                actor="system:alerts",
                tenant_id=context.job.tenant_id,
                target=f"alert:{payload.get('alert_id')}",
                details={"reason": reason},
            )
            session.commit()
        raise PermanentJobError(reason) from None
    from trustdesk.mail.relay import Relay, RelayRefused, deliver

    relay = context.services.get("mail_relay") or Relay.from_settings(settings)
    try:
        deliver(raw, sender, Mailbox.from_text(to).address, relay)  # type: ignore[arg-type]
    except RelayRefused as exc:
        raise PermanentJobError(str(exc)) from None


# ----------------------------------------------------------------------------- export


def export_reports(session: Session, tenant_id: int) -> list[ExportReport]:
    """Every stored report of the tenant as `ExportReport` values (campaign ids as strings)."""
    reports = session.scalars(select(Report).where(Report.tenant_id == tenant_id).order_by(Report.id)).all()
    by_report: dict[int, list[Indicator]] = {}
    for row in session.scalars(select(ReportIndicator).where(ReportIndicator.tenant_id == tenant_id)):
        try:
            kind = IndicatorKind(row.kind)
        except ValueError:
            continue
        by_report.setdefault(row.report_id, []).append(Indicator(kind, row.value, row.network))
    return [
        ExportReport(
            report_id=r.reference,
            received_at=r.received_at,
            indicators=by_report.get(r.id, []),
            campaign_id=str(r.campaign_id) if r.campaign_id is not None else None,
            channel=r.channel,
            verdict=r.verdict,
            score=r.score,
        )
        for r in reports
    ]


def export_text(session: Session, tenant: Tenant, fmt: str, *, actor: str, ip: str | None = None) -> str:
    """The tenant's reports as a STIX 2.1 bundle (JSON) or CSV text. Audited as a data export."""
    if fmt not in ("stix", "csv"):
        raise ReportError("format must be stix or csv")
    reports = export_reports(session, tenant.id)
    if fmt == "stix":
        text = stix_bundle(reports, tenant=tenant.slug, organisation=tenant.name).serialize(pretty=True)
    else:
        text = csv_export(reports)
    record(
        session,
        "data.exported",
        actor=actor,
        tenant_id=tenant.id,
        target=f"reports:{fmt}",
        details={"what": "reports", "format": fmt, "reports": len(reports)},
        ip=ip,
    )
    return text


def report_json(report: Report, indicators: Sequence[ReportIndicator] = ()) -> dict[str, Any]:
    """A staff-facing JSON view of a stored report."""
    return {
        "reference": report.reference,
        "channel": report.channel,
        "seen_at": report.seen_at.isoformat() if report.seen_at else None,
        "received_at": report.received_at.isoformat(),
        "last_received_at": report.last_received_at.isoformat(),
        "subject": report.subject,
        "summary": report.summary,
        "redactions": list(report.redactions or []),
        "score": round(report.score, 4),
        "verdict": report.verdict,
        "reasons": list(report.reasons or []),
        "duplicate_count": report.duplicate_count,
        "campaign_id": report.campaign_id,
        "status": report.status,
        "indicators": [
            {
                "id": i.id,
                "kind": i.kind,
                "value": i.value,
                "network": i.network,
                "verification": i.verification,
            }
            for i in indicators
        ],
    }


def campaign_json(campaign: Campaign) -> dict[str, Any]:
    """A staff-facing JSON view of a campaign's header."""
    return {
        "id": campaign.id,
        "status": campaign.status,
        "assignee_id": campaign.assignee_id,
        "notes": campaign.notes,
        "first_seen": campaign.first_seen.isoformat(),
        "last_seen": campaign.last_seen.isoformat(),
        "report_count": campaign.report_count,
        "sighting_count": campaign.sighting_count,
        "channels": list(campaign.channels or []),
        "merged_into_id": campaign.merged_into_id,
    }


def dumps(data: Any) -> str:
    """Compact JSON (used by the CLI)."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
