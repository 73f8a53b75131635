"""Report intake: analyse what a reporter sends, keep only guard-redacted text, store the report with its
indicators and sighting, group it into a campaign and check the alert thresholds. A report seen before
is collapsed into the stored one (trustdesk.reports.duplicates).

    result = submit_report(session, tenant, ReportInput(text=...), registry=registry)
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.guard import MAX_TEXT_CHARS, scan
from trustdesk.reports.alerts import evaluate_alerts
from trustdesk.reports.analysis import analyze
from trustdesk.reports.campaigns import GlueRule, glue_key
from trustdesk.reports.domains import DEFAULT_BRANDS
from trustdesk.reports.duplicates import add_sighting, collapse_duplicate
from trustdesk.reports.errors import ReportError
from trustdesk.reports.evidence import TrustPolicy
from trustdesk.reports.grouping import group_report
from trustdesk.reports.indicators import extract_indicators
from trustdesk.reports.lookalikes import imitation_checks
from trustdesk.reports.mailview import Limits, ReportInputError
from trustdesk.reports.model import Analysis, Indicator
from trustdesk.reports.registry_check import registry_check
from trustdesk.store.models import (
    OfficialChannelRow,
    Report,
    ReportAlert,
    ReportIndicator,
    Tenant,
    utcnow,
)

CHANNELS = ("email", "sms", "call", "social", "popup", "search_ad", "other")
MAX_SUMMARY_CHARS = 20_000
INTAKE_LIMITS = Limits(max_bytes=2 * 1024 * 1024)


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
    # The eml is the mail as the desk's own intake received it, with the intake's Authentication-Results
    # on top (mailchannel.intake): only then is the desk's own authserv-id believed.
    stamped_by_intake: bool = False


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


def desk_trust(stamped_by_intake: bool = False) -> TrustPolicy:
    """Whose Authentication-Results the desk believes: the configured receivers, and its own intake
    for mail the intake itself received and stamped."""
    from trustdesk.config import get_settings

    settings = get_settings()
    ids = settings.trusted_authserv_id_list() if stamped_by_intake else settings.upload_authserv_id_list()
    return TrustPolicy.of(ids)


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
        analysis = analyze(
            source,
            check=check,
            brand_names=brands,
            limits=INTAKE_LIMITS,
            trust=desk_trust(data.stamped_by_intake),
            imitations=imitation_checks(registry),
        )
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
        alerts = collapse_duplicate(session, tenant, existing, channel, source_hash, now)
        return IntakeResult(existing, False, None, removed, notice if removed else None, alerts)

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
    add_sighting(session, tenant, report, channel=channel, source_hash=source_hash, now=now)
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
