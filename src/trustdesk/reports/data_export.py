"""The tenant's stored reports as an audited data export (STIX 2.1 or CSV, written by trustdesk.reports.export).

export_text(session, tenant, "stix", actor="cli")
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.reports.errors import ReportError
from trustdesk.reports.export import ExportReport, csv_export, stix_bundle
from trustdesk.reports.model import Indicator, IndicatorKind
from trustdesk.store.models import Report, ReportIndicator, Tenant


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
