"""Dashboard benchmark: a retailer with N messages in N/10 conversations over a year, every dashboard
query's p95 on SQLite and PostgreSQL, on one core.

    .venv/bin/python bench/dashboard.py                          # 1,000,000 messages, both databases
    .venv/bin/python bench/dashboard.py --messages 100000        # a quick run
    .venv/bin/python bench/dashboard.py --db sqlite --rounds 10

Data (bulk-inserted through the migrated schema; a second retailer holds 1 % of the rows): one
conversation every five minutes (100,000 span 347 days), two thirds chat, a third e-mail, some API;
ten messages each (2 % of customer messages carry a redacted-secret guard summary); 85 % answered
and 70 % resolved at log-normal delays; 40 % opened by the bot (a third handed over, each with its
audited hand-over reason); an SLA clock per conversation; a CSAT answer for a fifth of the resolved;
blocked asks, reports and campaigns. The search index (FTS5 triggers, the GIN index) is dropped
before the load: the dashboard never reads it and it would only slow the load down.

Timed: each query of `insights.queries` and the whole `insights.dashboard.build`, for 7, 28 and 90
days, `--rounds` times after one warm-up; the process and the PostgreSQL backend pinned to one core.
Before the warm-up `gc.collect(); gc.freeze()`, as the web app does once started.
Printed: wall-clock p50/p95 and the p95 of CPU time (the process plus the PostgreSQL backend; on a
shared machine the wall-clock mostly measures the wait for the core).
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import math
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from cpu_time import cpu_seconds, pin
from scratch_databases import drop_database, fresh_database
from trustdesk.insights import queries as q
from trustdesk.insights.dashboard import PERIODS, build
from trustdesk.insights.window import window
from trustdesk.sla.policy import default_policy
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.migrate import upgrade
from trustdesk.store.models import (
    AuditEvent,
    Campaign,
    Conversation,
    Message,
    Report,
    SatisfactionSurvey,
    SlaClock,
    SlaPolicyRow,
    Tenant,
)

CORE = 0
ZONE = "Europe/Berlin"
REASONS = ("customer_request", "low_confidence", "complaint", "security", "payment_dispute", "unanswered")
FINDINGS = ("CARD", "IBAN", "PASSWORD", "OTP", "CVV")
BATCH = 20_000


def drop_search_index(engine: Engine) -> None:
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            for trigger in ("messages_fts_insert", "messages_fts_delete", "messages_fts_update"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        else:
            conn.execute(text("DROP INDEX IF EXISTS ix_messages_search"))


class Loader:
    """Rows gathered per table and written in large multi-row inserts."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.rows: dict[Any, list[dict[str, Any]]] = {}
        self.count = 0

    def add(self, model: Any, row: dict[str, Any]) -> None:
        self.rows.setdefault(model, []).append(row)
        self.count += 1
        if self.count >= BATCH:
            self.flush()

    def flush(self) -> None:
        order = [Conversation, Message, SlaClock, SatisfactionSurvey, AuditEvent, Campaign, Report]
        with self.engine.begin() as conn:
            for model in order:
                if self.rows.get(model):
                    conn.execute(insert(model), self.rows[model])
        self.rows.clear()
        self.count = 0


def generate(engine: Engine, messages: int, now: datetime, seed: int = 11) -> int:
    """Bulk-load two retailers; returns the big one's tenant id."""
    rng = random.Random(seed)
    with engine.begin() as conn:
        ids = [
            conn.execute(
                insert(Tenant).values(
                    slug=slug, name=slug, primary_domain=f"{slug}.example", branding={}, return_window_days=30
                )
            ).inserted_primary_key[0]
            for slug in ("bigshop", "othershop")
        ]
        conn.execute(
            insert(SlaPolicyRow).values(
                tenant_id=ids[0], policy=default_policy(ZONE), enabled=True, updated_at=now
            )
        )
    loader = Loader(engine)
    conversations = max(1, messages // 10)
    message_id = audit_id = survey_id = 0
    started = time.perf_counter()

    def audit(tenant: int, action: str, at: datetime, details: dict[str, Any]) -> None:
        nonlocal audit_id
        audit_id += 1
        digest = hashlib.sha256(str(audit_id).encode()).hexdigest()
        loader.add(
            AuditEvent,
            {
                "id": audit_id,
                "tenant_id": tenant,
                "occurred_at": at,
                "actor": "bot",
                "action": action,
                "target": "",
                "details": details,
                "prev_hash": "p" + digest[1:],
                "entry_hash": digest,
            },
        )

    for c in range(1, conversations + 1):
        tenant = ids[1] if c % 100 == 0 else ids[0]
        at = now - timedelta(minutes=(conversations - c) * 5)
        channel = "api" if c % 20 == 0 else ("chat" if c % 3 else "email")
        bot = channel == "chat" and rng.random() < 0.6
        handed = bot and rng.random() < 0.33
        answered = (not bot or handed) and rng.random() < 0.85
        first = at + timedelta(minutes=rng.lognormvariate(2.5, 1.0)) if answered else None
        resolved = at + timedelta(hours=rng.lognormvariate(1.5, 1.0)) if rng.random() < 0.7 else None
        loader.add(
            Conversation,
            {
                "id": c,
                "tenant_id": tenant,
                "public_id": uuid.uuid4().hex[:24],
                "reference": f"R{c:09d}",
                "channel": channel,
                "status": "resolved" if resolved else "open",
                "customer_name": f"Customer {c}",
                "subject": "",
                "last_seq": 10,
                "bot_active": bot and not handed,
                "bot_state": {"engine": {"handed_off": handed}} if bot else None,
                "priority": "normal",
                "created_at": at,
                "updated_at": at,
                "last_message_at": at + timedelta(minutes=4),
                "first_response_at": first,
                "resolved_at": resolved,
            },
        )
        for seq in range(1, 11):
            message_id += 1
            customer = bool(seq % 2)
            guard = (
                [{"type": rng.choice(FINDINGS), "action": "redact", "display": "••••"}]
                if customer and rng.random() < 0.02
                else []
            )
            loader.add(
                Message,
                {
                    "id": message_id,
                    "tenant_id": tenant,
                    "conversation_id": c,
                    "seq": seq,
                    "author_kind": "customer" if customer else "agent",
                    "author_name": "",
                    "body": "Where is my parcel?" if customer else "It left the warehouse today.",
                    "guard": guard,
                    "visibility": "public",
                    "created_at": at + timedelta(seconds=seq * 20),
                },
            )
        loader.add(
            SlaClock,
            {
                "tenant_id": tenant,
                "conversation_id": c,
                "first_response_due_at": at + timedelta(hours=1),
                "first_response_met": (first <= at + timedelta(hours=1)) if first else None,
                "resolution_due_at": at + timedelta(hours=8),
                "resolution_met": (resolved <= at + timedelta(hours=8)) if resolved else None,
                "next_response_turns": 4,
                "next_response_breaches": rng.randrange(2),
                "computed_at": at,
            },
        )
        if handed:
            audit(tenant, "bot.handoff", at + timedelta(minutes=2), {"reason": rng.choice(REASONS)})
        if rng.random() < 0.005:
            audit(tenant, "message.blocked", at + timedelta(minutes=3), {"types": [rng.choice(FINDINGS)]})
        if resolved and rng.random() < 0.2:
            survey_id += 1
            loader.add(
                SatisfactionSurvey,
                {
                    "id": survey_id,
                    "tenant_id": tenant,
                    "conversation_id": c,
                    "channel": channel,
                    "language": "en",
                    "offered_at": resolved,
                    "expires_at": resolved + timedelta(days=14),
                    "score": rng.choices([1, 2, 3, 4, 5], [5, 5, 10, 30, 50])[0],
                    "comment_guard": [],
                    "answered_at": resolved + timedelta(hours=1),
                    "answered_via": "chat",
                },
            )
        if c % 50 == 0:
            campaign = c // 50 if c % 1000 == 0 else None
            if campaign:
                loader.add(
                    Campaign,
                    {"id": campaign, "tenant_id": ids[0], "first_seen": at, "last_seen": at, "channels": []},
                )
            loader.add(
                Report,
                {
                    "tenant_id": ids[0],
                    "reference": f"RP-{c:09d}",
                    "status_token_hash": "h",
                    "channel": "sms",
                    "summary": "",
                    "redactions": [],
                    "reasons": [],
                    "notes": [],
                    "fingerprint": f"f{c}",
                    "campaign_id": campaign,
                    "received_at": at,
                    "last_received_at": at,
                },
            )
    loader.flush()
    print(
        f"  loaded {message_id:,} messages in {conversations:,} conversations "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return int(ids[0])


def queries(tenant_id: int, now: datetime) -> list[tuple[str, Callable[[Session], object]]]:
    out: list[tuple[str, Callable[[Session], object]]] = []
    for days in PERIODS:
        span = window(ZONE, days, now)
        out += [
            (f"volume {days}d", lambda s, w=span: q.volume(s, tenant_id, w)),
            (
                f"first response p50/p90 {days}d",
                lambda s, w=span: q.durations(s, tenant_id, w, Conversation.first_response_at),
            ),
            (
                f"resolution p50/p90 {days}d",
                lambda s, w=span: q.durations(s, tenant_id, w, Conversation.resolved_at),
            ),
            (f"SLA attainment {days}d", lambda s, w=span: q.sla_outcomes(s, tenant_id, w, now)),
            (f"bot containment {days}d", lambda s, w=span: q.bot_outcomes(s, tenant_id, w)),
            (f"hand-over reasons {days}d", lambda s, w=span: q.handover_reasons(s, tenant_id, w)),
            (f"CSAT {days}d", lambda s, w=span: q.satisfaction(s, tenant_id, w)),
            (f"guard events {days}d", lambda s, w=span: q.guard_events(s, tenant_id, w)),
            (f"reports and campaigns {days}d", lambda s, w=span: q.reports_and_campaigns(s, tenant_id, w)),
            (f"whole dashboard {days}d", lambda s, d=days: build(s, tenant_id, days=d, now=now)),
        ]
    return out


def measure(
    engine: Engine, tenant_id: int, now: datetime, rounds: int
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Wall-clock and CPU milliseconds (this process plus the PostgreSQL backend) of every query."""
    sessions = make_session_factory(engine, write=False)
    timings: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    with sessions() as session:
        backend = pin(session, CORE)
        plan = queries(tenant_id, now)
        gc.collect()  # as the web app does once started (web.app's lifespan): measure what the server runs
        gc.freeze()
        for name, run_query in plan:  # warm-up
            run_query(session)
        for _ in range(rounds):
            for name, run_query in plan:
                t0, c0 = time.perf_counter(), cpu_seconds(backend)
                run_query(session)
                timings.setdefault(name, []).append((time.perf_counter() - t0) * 1000)
                cpu.setdefault(name, []).append((cpu_seconds(backend) - c0) * 1000)
                session.rollback()
    return timings, cpu


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * 0.95) - 1)]


def run(
    kind: str, messages: int, rounds: int, workdir: Path
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    url, pg_name = fresh_database(kind, workdir, "dash")
    engine = make_engine(url)
    now = datetime.now(UTC)
    try:
        upgrade(engine)
        drop_search_index(engine)
        tenant_id = generate(engine, messages, now)
        with engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        return measure(engine, tenant_id, now, rounds)
    finally:
        engine.dispose()
        if pg_name:
            drop_database(pg_name)


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000, help="messages (conversations: a tenth)")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds of every query")
    parser.add_argument("--core", type=int, default=0, help="the one CPU core to run on")
    args = parser.parse_args()
    if args.messages < 100 or args.rounds < 1:
        print("error: --messages must be at least 100 and --rounds at least 1", file=sys.stderr)
        return 2
    global CORE
    CORE = args.core
    os.sched_setaffinity(0, {CORE})
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    with tempfile.TemporaryDirectory(prefix="td-dashboard-bench-") as tmp:
        for kind in kinds:
            print(f"{kind}: {args.messages:,} messages", flush=True)
            timings, cpu = run(kind, args.messages, args.rounds, Path(tmp))
            for name, values in timings.items():
                print(
                    f"  {name:32s} p50 {statistics.median(values):7.1f} ms  p95 {p95(values):7.1f} ms"
                    f"  CPU p95 {p95(cpu[name]):7.1f} ms",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
