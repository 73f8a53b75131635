"""Campaign grouping in the database: shared indicators glue, official channels never do, merges."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from trustdesk.reports.service import ReportInput, group_report, submit_report
from trustdesk.store.models import Campaign, OfficialChannelRow, Report, ReportIndicator, Tenant, utcnow
from trustdesk.tenancy.service import find_tenant

# Both databases run the core paths; these UI/limit checks run on SQLite only to keep the suite fast.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _submit(s, text: str, channel: str = "sms"):  # type: ignore[no-untyped-def]
    return submit_report(s, find_tenant(s, "acme"), ReportInput(text=text, channel=channel)).report


def test_reports_sharing_an_indicator_form_one_campaign_and_bridges_merge(sessions, shop) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        a = _submit(s, "Your parcel is held. Pay at https://parcel-fee-acme.test/pay now")
        b = _submit(s, "Call Acme refunds on +1 415 555 0199 to get your money back", channel="call")
        assert a.campaign_id and b.campaign_id and a.campaign_id != b.campaign_id
        c = _submit(s, "Refund pending: pay at https://parcel-fee-acme.test/pay or call +1 415 555 0199")
        s.commit()
        s.refresh(a)
        s.refresh(b)
        assert a.campaign_id == b.campaign_id == c.campaign_id
        campaign = s.get(Campaign, c.campaign_id)
        assert campaign.report_count == 3
        assert set(campaign.channels) == {"sms", "call"}
        merged = s.scalars(select(Campaign).where(Campaign.status == "merged")).all()
        assert [m.merged_into_id for m in merged] == [campaign.id]


@SQLITE_ONLY
def test_the_tenants_official_channels_never_glue_reports(sessions, shop) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        tenant = find_tenant(s, "acme")
        s.add(OfficialChannelRow(tenant_id=tenant.id, kind="domain", value="acmeoutfitters.com"))
        s.flush()
        a = _submit(
            s, "Win a prize at https://prize-one.test/claim - footer: https://www.acmeoutfitters.com/help"
        )
        b = _submit(
            s,
            "Account locked, unlock at https://unlock-two.test/x - footer: https://www.acmeoutfitters.com/help",
        )
        s.commit()
        assert a.campaign_id != b.campaign_id


@SQLITE_ONLY
def test_grouping_equals_connected_components_whatever_the_order(sessions, shop) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(8)
    with sessions() as s:
        tenant_id = find_tenant(s, "acme").id
    for round_ in range(4):
        reports = {i: {f"k{rng.randrange(14)}" for _ in range(rng.randrange(0, 3))} for i in range(18)}
        order = list(reports)
        rng.shuffle(order)
        with sessions() as s:
            tenant = s.get(Tenant, tenant_id)
            ids = {}
            for i in order:
                now = utcnow()
                row = Report(
                    tenant_id=tenant.id, reference=f"R-T{round_}-{i}", status_token_hash="0" * 64,
                    fingerprint=f"{round_}-{i}", received_at=now, last_received_at=now,
                )  # fmt: skip
                s.add(row)
                s.flush()
                for key in reports[i]:
                    s.add(ReportIndicator(tenant_id=tenant.id, report_id=row.id, kind="domain", value=key,
                                          key=f"r{round_}:{key}", glue_key=f"r{round_}:{key}"))  # fmt: skip
                s.flush()
                group_report(s, tenant.id, row, {f"r{round_}:{k}" for k in reports[i]})
                ids[i] = row.id
            s.commit()
            got = {i: s.get(Report, ids[i]).campaign_id for i in reports}
        # expected components by plain union-find over shared keys
        parent = {i: i for i in reports}

        def find(x: int) -> int:
            while parent[x] != x:
                x = parent[x]
            return x

        for i in reports:
            for j in reports:
                if i < j and reports[i] & reports[j]:
                    parent[find(i)] = find(j)
        for i in reports:
            if not reports[i]:
                assert got[i] is None
            for j in reports:
                if reports[i] and reports[j]:
                    assert (got[i] == got[j]) == (find(i) == find(j)), (round_, i, j)


def test_concurrent_reports_sharing_a_new_indicator_end_in_one_campaign(sessions, shop) -> None:  # type: ignore[no-untyped-def]
    import threading

    first = sessions()
    try:
        a = _submit(first, "Unlock your Acme account at https://race-unlock.test/now - step one")
        done: dict[str, int | None] = {}

        def second() -> None:
            with sessions() as s:
                b = _submit(s, "Acme refund: https://race-unlock.test/now - step two")
                s.commit()
                done["b"] = b.campaign_id

        thread = threading.Thread(target=second)
        thread.start()
        thread.join(0.5)  # the second report waits for the first's grouping to commit
        first.commit()
        thread.join(20)
        assert not thread.is_alive()
        assert done["b"] == a.campaign_id
    finally:
        first.close()
