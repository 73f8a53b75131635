"""The console overview's figures, gathered from the store: one tenant's, for the chosen days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.foundation.factory import make_tenant, make_user, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.audit.log import record
from trustdesk.demo.loader import load_demo
from trustdesk.insights.collect import gather
from trustdesk.store.models import Conversation, Message, Report, Tenant
from trustdesk.web.app import create_app

TODAY = datetime.now(UTC).date()  # audit entries are written at the real time


@pytest.fixture(autouse=True)
def _today_at_run_time() -> None:
    """Today when the test runs, not when the module was imported (a run across midnight)."""
    global TODAY
    TODAY = datetime.now(UTC).date()


SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _at(days_ago: int, hour: int = 10) -> datetime:
    return datetime(TODAY.year, TODAY.month, TODAY.day, hour, tzinfo=UTC) - timedelta(days=days_ago)


def _conversation(s, tenant, n, *, channel="chat", opened, answered_after=None, bot=None, agent_wrote=False):  # type: ignore[no-untyped-def]
    conv = Conversation(
        tenant_id=tenant.id,
        public_id=f"p{tenant.id}x{n}",
        reference=f"R{tenant.id}X{n}",
        channel=channel,
        status="resolved",
        customer_name="C",
        last_seq=0,
        bot_active=False,
        bot_state=bot,
        created_at=opened,
        updated_at=opened,
        last_message_at=opened,
        first_response_at=opened + answered_after if answered_after else None,
    )
    s.add(conv)
    s.flush()
    if agent_wrote:
        s.add(
            Message(
                tenant_id=tenant.id,
                conversation_id=conv.id,
                seq=1,
                author_kind="agent",
                author_name="A",
                body="Sorted.",
                guard=[],
                created_at=opened + timedelta(minutes=5),
            )
        )
    return conv


def _redacted_message(s, conv, seq, at):  # type: ignore[no-untyped-def]
    s.add(
        Message(
            tenant_id=conv.tenant_id,
            conversation_id=conv.id,
            seq=seq,
            author_kind="customer",
            author_name="C",
            body="my card is [card number removed]",
            guard=[{"type": "CARD", "action": "redact", "display": "•••• 1111"}],
            created_at=at,
        )
    )


def test_the_overview_counts_one_tenants_days(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        shop, other = make_tenant(s, "shop"), make_tenant(s, "other")
        c1 = _conversation(s, shop, 1, opened=_at(0), answered_after=timedelta(minutes=4))
        _conversation(s, shop, 2, opened=_at(1), answered_after=timedelta(minutes=30), channel="email")
        _conversation(s, shop, 3, opened=_at(1, 23), answered_after=timedelta(minutes=10))
        _conversation(s, shop, 4, opened=_at(2), bot={"engine": {"handed_off": False}})  # contained
        _conversation(s, shop, 5, opened=_at(2), bot={"engine": {"handed_off": True}})  # handed over
        _conversation(s, shop, 6, opened=_at(2), bot={"engine": {}}, agent_wrote=True)  # an agent stepped in
        _conversation(s, shop, 7, opened=_at(20))  # outside 14 days
        _redacted_message(s, c1, 2, _at(0, 11))
        s.add(
            Message(
                tenant_id=shop.id,
                conversation_id=c1.id,
                seq=3,
                author_kind="customer",
                author_name="C",
                body="thanks",
                guard=[],
                created_at=_at(0, 12),
            )
        )
        o1 = _conversation(s, other, 1, opened=_at(0), answered_after=timedelta(minutes=1))
        _redacted_message(s, o1, 1, _at(0, 11))
        s.add(
            Report(
                tenant_id=shop.id,
                reference="R-A",
                status_token_hash="h",
                channel="sms",
                source="text",
                subject="",
                summary="s",
                redactions=[],
                score=0.9,
                verdict="phishing",
                reasons=[],
                notes=[],
                fingerprint="f1",
                duplicate_count=1,
                status="received",
                received_at=_at(3),
                last_received_at=_at(3),
            )
        )
        s.commit()
        record(s, "message.blocked", actor="agent:1", tenant_id=shop.id, target="conversation:x")
        record(s, "message.blocked", actor="agent:9", tenant_id=other.id, target="conversation:y")
        s.commit()
        overview = gather(s, shop.id, days=14, today=TODAY)
        longer = gather(s, shop.id, days=30, today=TODAY)
    volume, response, bot, guard = overview.charts
    assert [h.value for h in overview.headlines] == ["6", "10 min", "33%", "1"]
    assert volume.series[0].values[-3:] == (3, 1, 1) and volume.series[1].values[-2:] == (1, 0)
    assert response.series[0].values[-2:] == (10.0, 4.0)  # 23:00 on day -1 counts on day -1
    assert bot.series[0].values[-3] == 1 and bot.series[1].values[-3] == 2
    assert guard.series[0].values[-1] == 1 and sum(guard.series[2].values) == 1
    assert sum(longer.charts[0].series[0].values) == 6  # the 20-day-old chat is inside 30 days
    assert sum(guard.series[1].values) == 1  # blocked asks are recorded now: only this tenant's
    assert "1 messages asking for a secret were blocked" in guard.summary
    with pytest.raises(ValueError):
        gather(s, shop.id, days=9)


@SQLITE_ONLY
def test_the_console_draws_the_overview_and_the_demo_stores_no_secret(  # type: ignore[no-untyped-def]
    migrated_engine, database_url, settings_factory, sessions, tmp_path
) -> None:
    with sessions() as s:
        load_demo(s, tmp_path / "credentials.jsonl")
        acme = s.scalar(select(Tenant).where(Tenant.slug == "acme"))
        make_user(s, acme, "lead@acme.test", Role.AGENT)
        s.commit()
        bodies = s.scalars(
            select(Message.body).join(Conversation).where(Conversation.tenant_id == acme.id)
        ).all()
        assert len(bodies) > 40
        joined = "\n".join(bodies)
        for secret in ("4111 1111 1111 1111", "Sunflower#2024", "482913"):
            assert secret not in joined
        assert s.scalar(select(Message.id).where(Message.guard != [])) is not None
    client = TestClient(create_app(settings_factory(database_url), engine=migrated_engine))
    sign_in_staff(client, "acme", "lead@acme.test")
    page = client.get("/console?days=7")
    assert page.status_code == 200
    html = page.text
    assert "The last 7 days" in html and html.count('<svg class="chart"') == 4
    assert 'aria-current="page">7 days' in html
    assert "bot containment" in html and "Show as a table" in html
    assert " style=" not in html.split("<main", 1)[1]
    assert "The last 14 days" in client.get("/console?days=9").text  # not offered: the default period
    assert client.get("/console?days=0").status_code == 422
