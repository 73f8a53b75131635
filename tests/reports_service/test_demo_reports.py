"""The demo's reports: filed through the real intake, so a fresh demo's security pages have campaigns."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from trustdesk.demo.loader import load_demo
from trustdesk.reports.demo import seed_demo_reports
from trustdesk.store.models import Campaign, Report, ReportIndicator, Tenant

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE_ONLY
def test_the_demo_files_reports_that_group_into_campaigns_once(sessions, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        load_demo(s, tmp_path / "credentials.jsonl")
        s.commit()
        acme = s.scalar(select(Tenant).where(Tenant.slug == "acme"))
        assert acme is not None
        reports = s.scalars(select(Report).where(Report.tenant_id == acme.id)).all()
        assert len(reports) == 8
        # The three parcel-fee texts share one look-alike domain: one campaign of three reports.
        delivery = [r for r in reports if "acmeoutfitters-delivery.com" in r.summary]
        assert len(delivery) == 3 and len({r.campaign_id for r in delivery}) == 1
        campaign = s.get(Campaign, delivery[0].campaign_id)
        assert campaign is not None and campaign.report_count == 3
        # With the registry, the look-alike is judged against the official acmeoutfitters.com.
        assert all(r.verdict == "phishing" for r in delivery)
        assert s.scalar(
            select(func.count(ReportIndicator.id)).where(
                ReportIndicator.tenant_id == acme.id, ReportIndicator.verification == "lookalike"
            )
        )
        # Reports arrived over the last fortnight, not all at the moment the demo was loaded.
        assert len({r.received_at.date() for r in reports}) >= 5
        seed_demo_reports(s, acme)  # a second run files nothing
        assert s.scalar(select(func.count(Report.id)).where(Report.tenant_id == acme.id)) == 8
