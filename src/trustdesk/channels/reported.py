"""Confirming contacts as fraudulent: from then on verification answers `reported` for them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.channels.changes import ChangeError, bump_registry_version
from trustdesk.store.models import ReportedIndicatorRow, Tenant, User, utcnow
from trustdesk.verify import ChannelKind, ContactInputError, normalize_channel_value, parse_handle


def confirm_indicator(
    session: Session,
    tenant: Tenant,
    analyst: User,
    kind: str,
    value: str,
    *,
    note: str = "",
    report_ref: str | None = None,
    ip: str | None = None,
) -> ReportedIndicatorRow:
    """Mark a contact as confirmed fraud for this tenant (idempotent). Audited."""
    try:
        channel_kind = ChannelKind(kind)
        if channel_kind is ChannelKind.SOCIAL:
            # The platform is often unknown for a scam handle: "@handle" then matches on any platform.
            normalised = parse_handle(value).value
        else:
            normalised, _, _ = normalize_channel_value(channel_kind, value)
    except (ValueError, ContactInputError) as exc:
        raise ChangeError(f"not a valid {kind}: {exc}") from None
    row = session.scalar(
        select(ReportedIndicatorRow).where(
            ReportedIndicatorRow.tenant_id == tenant.id,
            ReportedIndicatorRow.kind == channel_kind.value,
            ReportedIndicatorRow.value == normalised,
        )
    )
    if row is None:
        row = ReportedIndicatorRow(tenant_id=tenant.id, kind=channel_kind.value, value=normalised)
        session.add(row)
    row.note = note.strip()[:2000]
    row.report_ref = report_ref
    row.confirmed_by_id = analyst.id
    row.confirmed_at = utcnow()
    row.revoked_at = None
    session.flush()
    bump_registry_version(session)
    record(
        session,
        "indicator.confirmed_fraud",
        actor=f"{analyst.role}:{analyst.email}",
        tenant_id=tenant.id,
        target=f"indicator:{row.id}",
        details={"kind": row.kind, "value": row.value, "report": report_ref},
        ip=ip,
    )
    return row


def revoke_indicator(
    session: Session, tenant: Tenant, analyst: User, indicator_id: int, *, ip: str | None = None
) -> ReportedIndicatorRow:
    row = session.scalar(
        select(ReportedIndicatorRow).where(
            ReportedIndicatorRow.tenant_id == tenant.id, ReportedIndicatorRow.id == indicator_id
        )
    )
    if row is None:
        raise ChangeError("no such indicator")
    row.revoked_at = utcnow()
    bump_registry_version(session)
    record(
        session,
        "indicator.revoked",
        actor=f"{analyst.role}:{analyst.email}",
        tenant_id=tenant.id,
        target=f"indicator:{row.id}",
        ip=ip,
    )
    return row
