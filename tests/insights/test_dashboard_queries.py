"""The dashboard's SQL: local days in the retailer's zone, nearest-rank percentiles, and the figures of
each chart, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from tests.foundation.factory import make_tenant, make_user, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.audit.log import record
from trustdesk.insights import queries as q
from trustdesk.insights.dashboard import build
from trustdesk.insights.window import window
from trustdesk.sla.policy import default_policy
from trustdesk.store.models import (
    AuditEvent,
    Conversation,
    Message,
    SatisfactionSurvey,
    SlaClock,
    SlaPolicyRow,
)
from trustdesk.web.app import create_app

NOW = datetime(2026, 3, 31, 12, tzinfo=UTC)  # Berlin moved to summer time on 29 March
ZONE = "Europe/Berlin"
BOTH = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)


def _conv(s, tenant, n, opened, *, channel="chat", answered=None, resolved=None, bot=None):  # type: ignore[no-untyped-def]
    conv = Conversation(
        tenant_id=tenant.id,
        public_id=f"p{tenant.id}x{n}",
        reference=f"R{tenant.id}X{n}",
        channel=channel,
        status="resolved" if resolved else "open",
        customer_name="C",
        bot_active=False,
        bot_state=bot,
        created_at=opened,
        updated_at=opened,
        last_message_at=opened,
        first_response_at=opened + answered if answered else None,
        resolved_at=opened + resolved if resolved else None,
    )
    s.add(conv)
    s.flush()
    return conv


def test_the_window_counts_local_days_across_a_summer_time_change() -> None:
    span = window(ZONE, 7, NOW)
    assert len(span.segments) == 2 and span.segments[1][1] - span.segments[0][1] == 3600
    assert span.start == datetime(2026, 3, 24, 23, tzinfo=UTC)  # local midnight, winter time
    assert span.day_index(datetime(2026, 3, 30, 22, 30, tzinfo=UTC)) == 6  # 00:30 on 31 March in Berlin
    assert span.day_index(datetime(2026, 3, 30, 21, 30, tzinfo=UTC)) == 5
    assert span.day_index(datetime(2026, 3, 24, 22, 59, tzinfo=UTC)) is None


@BOTH
def test_percentiles_and_local_days_in_sql(sessions) -> None:  # type: ignore[no-untyped-def]
    span = window(ZONE, 7, NOW)
    with sessions() as s:
        shop, other = make_tenant(s, "shop"), make_tenant(s, "other")
        late = datetime(2026, 3, 30, 22, 30, tzinfo=UTC)  # 31 March locally, 30 March in UTC
        for n, minutes in enumerate([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]):
            _conv(s, shop, n, late, answered=timedelta(minutes=minutes), channel="email" if n < 3 else "chat")
        _conv(s, shop, 20, datetime(2026, 3, 29, 9, tzinfo=UTC), answered=timedelta(minutes=30))
        _conv(s, shop, 21, datetime(2026, 3, 29, 9, tzinfo=UTC))  # never answered: not measured
        _conv(s, shop, 22, datetime(2026, 3, 20, 9, tzinfo=UTC), answered=timedelta(minutes=1))  # before
        _conv(s, other, 1, late, answered=timedelta(minutes=99))
        s.commit()
        assert q.volume(s, shop.id, span) == {(6, "email"): 3, (6, "chat"): 7, (4, "chat"): 2}
        times = q.durations(s, shop.id, span, Conversation.first_response_at)
    assert times.by_day[6] == {50: 5 * 60, 90: 9 * 60}  # nearest rank of 1..10 minutes
    assert times.by_day[4] == {50: 1800, 90: 1800} and times.counts == {6: 10, 4: 1}
    assert times.total == 11 and times.overall == {50: 6 * 60, 90: 10 * 60}


@BOTH
def test_every_chart_counts_one_tenants_events(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        shop, other = make_tenant(s, "shop"), make_tenant(s, "other")
        s.add(SlaPolicyRow(tenant_id=shop.id, policy=default_policy(ZONE), enabled=True))
        day = datetime.now(UTC) - timedelta(minutes=5)  # the audit log writes the real time too
        c1 = _conv(s, shop, 1, day, answered=timedelta(minutes=5), resolved=timedelta(hours=2))
        c2 = _conv(s, shop, 2, day, bot={"engine": {"handed_off": True}})
        _conv(s, shop, 3, day, bot={"engine": {"handed_off": False}})
        _conv(s, shop, 4, day, bot={"engine": {}}, answered=timedelta(minutes=1))
        s.add_all(
            [
                SlaClock(
                    tenant_id=shop.id, conversation_id=c1.id, first_response_met=True, resolution_met=False
                ),
                SlaClock(tenant_id=shop.id, conversation_id=c2.id, first_response_met=False),
                Message(
                    tenant_id=shop.id,
                    conversation_id=c1.id,
                    seq=1,
                    author_kind="customer",
                    author_name="C",
                    body="[card removed]",
                    created_at=day,
                    guard=[{"type": "CARD", "action": "redact"}, {"type": "IBAN", "action": "redact"}],
                ),
                Message(
                    tenant_id=shop.id,
                    conversation_id=c1.id,
                    seq=2,
                    author_kind="customer",
                    author_name="C",
                    body="hello",
                    guard=[],
                    created_at=day,
                ),
                SatisfactionSurvey(
                    tenant_id=shop.id,
                    conversation_id=c1.id,
                    channel="chat",
                    expires_at=day,
                    score=5,
                    answered_at=day,
                    offered_at=day,
                ),
            ]
        )
        o1 = _conv(s, other, 1, day, answered=timedelta(minutes=5))
        s.add(
            Message(
                tenant_id=other.id,
                conversation_id=o1.id,
                seq=1,
                author_kind="customer",
                author_name="C",
                body="x",
                created_at=day,
                guard=[{"type": "CARD", "action": "redact"}],
            )
        )
        s.commit()
        for tenant, reason in (
            (shop, "complaint"),
            (shop, "complaint"),
            (shop, "security"),
            (other, "language"),
        ):
            record(s, "bot.handoff", actor="bot", tenant_id=tenant.id, details={"reason": reason})
        record(s, "message.blocked", actor="agent:1", tenant_id=shop.id, details={"types": ["OTP"]})
        s.commit()
        board = build(s, shop.id, days=7, now=datetime.now(UTC) + timedelta(minutes=1))
    panels = {p.chart.key: p for p in board.panels}
    assert board.zone == ZONE
    volume = panels["volume"].chart
    assert sum(volume.series[0].values) == 4
    first = panels["first-response"].chart
    assert first.series[2].name == "SLA target" and first.series[2].values[0] is not None
    bot = panels["bot"].chart
    assert (sum(bot.series[0].values), sum(bot.series[1].values)) == (1, 2)
    sla = panels["sla"].chart
    assert [v for v in sla.series[0].values if v is not None] == [50.0]
    assert [v for v in sla.series[1].values if v is not None] == [0.0]
    guard_types = panels["guard-types"]
    header, rows = guard_types.csv_rows()
    assert header == ["type", "secrets removed", "asks blocked"]
    assert sorted(rows) == [["CARD", 1, 0], ["IBAN", 1, 0], ["OTP", 0, 1]]
    assert sum(panels["guard"].chart.series[0].values) == 1
    reasons = panels["handover-reasons"]
    assert dict(zip(reasons.keys, reasons.chart.series[0].values, strict=True)) == {
        "complaint": 2,
        "security": 1,
    }
    csat = panels["csat"].chart
    assert (sum(csat.series[0].values), sum(csat.series[1].values)) == (1, 0)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_dashboard_page_and_its_csv_are_for_admins_and_supervisors(  # type: ignore[no-untyped-def]
    migrated_engine, database_url, settings_factory, sessions
) -> None:
    with sessions() as s:
        shop = make_tenant(s, "shop")
        make_user(s, shop, "lead@shop.test", Role.SUPERVISOR)
        make_user(s, shop, "agent@shop.test", Role.AGENT)
        now = datetime.now(UTC)
        # an hour ago, but today (the last row of the CSV) also in the first hour after midnight
        opened = max(now - timedelta(hours=1), now.replace(hour=0, minute=0, second=0, microsecond=0))
        c = _conv(s, shop, 1, opened, answered=timedelta(minutes=3))
        c.channel = "=cmd|' /C calc'!A0"  # a hostile cell must come out as text
        s.commit()
    client = TestClient(create_app(settings_factory(database_url), engine=migrated_engine))
    sign_in_staff(client, "shop", "lead@shop.test")
    page = client.get("/console/dashboard?days=7")
    assert page.status_code == 200
    html = page.text
    assert html.count('<svg class="chart"') == 10 and html.count("<caption>") == 10
    assert " style=" not in html.split("<main", 1)[1]
    csv = client.get("/console/dashboard/volume.csv?days=7")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    lines = csv.text.splitlines()
    assert lines[0].startswith("day,chat,e-mail,API,other")
    assert lines[-1].endswith(",0,0,0,1") and len(lines) == 8
    assert client.get("/console/dashboard/volume.csv?days=9").status_code == 422
    assert client.get("/console/dashboard/nothing.csv?days=7").status_code == 404
    with sessions() as s:
        exported = s.query(AuditEvent).filter(AuditEvent.action == "dashboard.exported").all()
        assert [e.target for e in exported] == ["chart:volume"]
    agent = TestClient(create_app(settings_factory(database_url), engine=migrated_engine))
    sign_in_staff(agent, "shop", "agent@shop.test")
    assert agent.get("/console/dashboard").status_code == 403
    assert agent.get("/console/dashboard/volume.csv").status_code == 403
    assert "/console/dashboard" not in agent.get("/console").text


def test_csv_cells_that_look_like_formulas_stay_text() -> None:
    from trustdesk.insights.csv_cells import to_csv

    text = to_csv(["a", "b"], [["=1+1", "+x"], ["-2", "@SUM"], ["ok", 3], [None, -1]])
    assert text.splitlines() == ["a,b", "'=1+1,'+x", "'-2,'@SUM", "ok,3", ",'-1"]


@BOTH
def test_handover_reasons_are_counted_as_their_json_values(sessions) -> None:  # type: ignore[no-untyped-def]
    """The database counts each reason's JSON text; the labels are what the reason itself reads as."""
    at = NOW - timedelta(hours=1)
    details: list[dict] = [
        {"reason": "complaint"},
        {"reason": "complaint", "extra": 1},
        {"reason": "low_confidence"},
        {"reason": ""},
        {"reason": None},
        {},
        {"reason": 5},
        {"reason": 0},
        {"reason": True},
        {"reason": False},
        {"reason": 1.5},
        {"reason": ["x", 2]},
        {"reason": {"a": 1}},
    ]
    with sessions() as s:
        shop, other = make_tenant(s, "shop"), make_tenant(s, "other")
        for n, d in enumerate([*details, {"reason": "complaint"}]):
            s.add(
                AuditEvent(
                    tenant_id=shop.id if n < len(details) else other.id,
                    occurred_at=at,
                    actor="bot",
                    action="bot.handoff",
                    target="",
                    details=d,
                    prev_hash=f"p{n}",
                    entry_hash=f"e{n}",
                )
            )
        s.commit()
        counted = q.handover_reasons(s, shop.id, window(ZONE, 7, NOW))
    expected: dict[str, int] = {}
    for d in details:
        label = str(d.get("reason") or "unknown")
        expected[label] = expected.get(label, 0) + 1
    assert dict(counted) == expected
    assert counted["complaint"] == 2 and counted["unknown"] == 5 and counted["True"] == 1


# Every kind of JSON value, for the places the guard events read one.
JSON_VALUES: list = ["CARD", "", None, 0, 7, -2, 1.5, 0.0, True, False, [], ["x", 2], {}, {"a": 1}, 'ÄÖ "q"']


def _previous_guard_events(s, tenant_id: int, span):  # type: ignore[no-untyped-def]
    """The Python reading that guard_events replaced (every document parsed here), kept as the reference."""
    from collections import Counter

    from sqlalchemy import select

    removed: Counter[int] = Counter()
    removed_types: Counter[str] = Counter()
    for created, findings in s.execute(
        select(Message.created_at, Message.guard).where(
            Message.tenant_id == tenant_id,
            Message.author_kind == "customer",
            Message.created_at >= span.start,
            Message.created_at < span.end,
        )
    ):
        redacted = [f for f in findings or () if isinstance(f, dict) and f.get("action") == "redact"]
        if redacted:
            removed[span.day_index(created.replace(tzinfo=UTC))] += 1
            removed_types.update(str(f.get("type") or "unknown") for f in redacted)
    blocked: Counter[int] = Counter()
    blocked_types: Counter[str] = Counter()
    for occurred, details in s.execute(
        select(AuditEvent.occurred_at, AuditEvent.details).where(
            AuditEvent.tenant_id == tenant_id,
            AuditEvent.action == "message.blocked",
            AuditEvent.occurred_at >= span.start,
            AuditEvent.occurred_at < span.end,
        )
    ):
        details = details if isinstance(details, dict) else {}
        blocked[span.day_index(occurred.replace(tzinfo=UTC))] += 1
        blocked_types.update(str(t) for t in details.get("types") or ["unknown"])
    return dict(removed), dict(blocked), removed_types, blocked_types


def _blocked(s, tenant_id: int, details, at: datetime) -> None:  # type: ignore[no-untyped-def]
    n = s.query(AuditEvent).count()
    s.add(
        AuditEvent(
            tenant_id=tenant_id,
            occurred_at=at,
            actor="agent:1",
            action="message.blocked",
            target="",
            details=details,
            prev_hash=f"p{n}",
            entry_hash=f"e{n}",
        )
    )
    s.flush()


@BOTH
def test_guard_events_are_counted_in_sql_as_the_python_reading_did(sessions) -> None:  # type: ignore[no-untyped-def]
    """The database unnests and counts the findings and the blocked types; the days, counts and labels
    are those of the previous reading (which parsed every document in Python) on varied data."""
    guards: list = [
        [{"type": "CARD", "action": "redact"}, {"type": "IBAN", "action": "redact"}],
        [{"type": "CARD", "action": "redact"}, {"type": "OTP", "action": "block"}],
        [{"type": "CARD", "action": "block"}],  # nothing removed
        [{"action": "redact"}, {"type": None, "action": "redact"}],
        [{"type": "CARD", "action": "REDACT"}, {"type": "CARD"}, {"action": ["redact"]}, {"action": None}],
        ["redact", 5, None, True, ["x"], {"type": "CARD", "action": "redact", "extra": {"a": [1]}}],
        [{"type": t, "action": "redact"} for t in JSON_VALUES],
        [],
        {"type": "CARD", "action": "redact"},  # not a list: nothing removed
        "redact",
        None,
    ]
    blocked_details: list = [
        {"types": ["OTP"], "reasons": ["asks for a code"]},
        {"types": ["OTP", "PASSWORD"]},
        {"types": []},
        {"types": None},
        {},
        {"reasons": ["x"]},
        {"types": JSON_VALUES},
        {"types": [None, "OTP", "OTP"]},
        {"types": 0},
        {"types": ""},
        {"types": {}},
        {"types": False},
    ]
    with sessions() as s:
        shop, other = make_tenant(s, "shop"), make_tenant(s, "other")
        conv = _conv(s, shop, 1, NOW - timedelta(days=9))
        seq = 0
        for n, guard in enumerate(guards):
            for tenant, author in ((shop, "customer"), (shop, "agent"), (other, "customer")):
                seq += 1
                s.add(
                    Message(
                        tenant_id=tenant.id,
                        conversation_id=conv.id,
                        seq=seq,
                        author_kind=author,
                        author_name="C",
                        body="x",
                        created_at=NOW - timedelta(days=n % 9, hours=n),  # both sides of the clock change
                        guard=guard,
                    )
                )
        for n, details in enumerate(blocked_details):
            for tenant in (shop, other):
                _blocked(s, tenant.id, details, NOW - timedelta(days=n % 9, hours=2 * n))
        s.commit()
        for days in (7, 28):
            span = window(ZONE, days, NOW)
            got = q.guard_events(s, shop.id, span)
            removed, blocked, removed_types, blocked_types = _previous_guard_events(s, shop.id, span)
            assert got.removed == removed and got.blocked == blocked
            assert got.removed_types == removed_types
            assert got.blocked_types == blocked_types
        assert (
            removed_types["CARD"] == 4 and removed_types["unknown"] == 2 + 7
        )  # "", None, 0, 0.0, False, [], {}
        assert removed_types["True"] == 1 and removed_types["{'a': 1}"] == 1 and removed_types["1.5"] == 1
        assert blocked_types["None"] == 2 and blocked_types["OTP"] == 4 and blocked_types["unknown"] == 8


@BOTH
def test_blocked_types_that_are_not_a_list_count_as_one_entry(sessions) -> None:  # type: ignore[no-untyped-def]
    """Not written by the guard, but stored details are not trusted: a single value is one entry (the
    Python reading split a string into letters and failed on a number)."""
    with sessions() as s:
        shop = make_tenant(s, "shop")
        for details in ({"types": "OTP"}, {"types": 3}, {"types": True}, {"types": {"a": 1}}, ["OTP"], 5):
            _blocked(s, shop.id, details, NOW - timedelta(hours=1))
        s.commit()
        got = q.guard_events(s, shop.id, window(ZONE, 7, NOW))
    assert dict(got.blocked_types) == {"OTP": 1, "3": 1, "True": 1, "{'a': 1}": 1, "unknown": 2}
    assert sum(got.blocked.values()) == 6


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_guard_events_on_sqlite_before_the_arrow_operator(sessions, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """SQLite before 3.38 has no `->`: json_extract and the member's JSON type give the same texts."""
    monkeypatch.setattr(q.sqlite3, "sqlite_version_info", (3, 37, 2))
    test_guard_events_are_counted_in_sql_as_the_python_reading_did(sessions)


@BOTH
def test_a_finding_written_with_escapes_still_counts(sessions) -> None:  # type: ignore[no-untyped-def]
    """PostgreSQL's pre-filter reads the stored text: "redact" written with a \\u escape still counts."""
    from sqlalchemy import text

    raw = '[{"type": "C\\u0041RD", "action": "red\\u0061ct"}]'
    with sessions() as s:
        shop = make_tenant(s, "shop")
        conv = _conv(s, shop, 1, NOW - timedelta(days=1))
        s.add(
            Message(
                tenant_id=shop.id,
                conversation_id=conv.id,
                seq=1,
                author_kind="customer",
                author_name="C",
                body="x",
                created_at=NOW - timedelta(hours=1),
                guard=[{"type": "placeholder"}],
            )
        )
        s.flush()
        value = "CAST(:raw AS JSON)" if s.get_bind().dialect.name == "postgresql" else ":raw"
        s.execute(
            text(f"UPDATE messages SET guard = {value} WHERE tenant_id = :t"), {"raw": raw, "t": shop.id}
        )
        s.commit()
        got = q.guard_events(s, shop.id, window(ZONE, 7, NOW))
    assert sum(got.removed.values()) == 1 and dict(got.removed_types) == {"CARD": 1}
