"""SLA reads at scale: the queue sorted by due time, its SLA annotations, and the attainment query.

    .venv/bin/python bench/sla.py [--conversations 100000] [--database-url URL] [--runs 50] [--core 0]

Builds one retailer with --conversations conversations over 30 days (a customer message each, one in
three answered; a tenth still waiting), a business-hours policy (Europe/Berlin, weekdays 08-18) and
every conversation's stored clock (sla.clock.evaluate on the rows in memory, written as
sla.service.apply_clocks writes them; sla.service.refresh_clock, the per-conversation refresh, is
timed on 1,000 of them), then times --runs reads of: the queue's first page sorted by due time
(views.list_queue sort="due") with its annotations (sla.queue.annotate), and sla.service.attainment
over the last 30 days. Prints p50/p95 wall-clock and the p95 CPU time (this process plus the
PostgreSQL backend), in ms, pinned to one core. Rows are written with Core inserts (the pipeline's
own cost is measured by bench/chat.py).
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import insert, select

from cpu_time import cpu_seconds, pin
from trustdesk.conversations.views import list_queue
from trustdesk.sla.clock import CUSTOMER, RETAILER, Timeline, Turn, evaluate
from trustdesk.sla.demo import demo_policy
from trustdesk.sla.queue import annotate
from trustdesk.sla.service import apply_clocks, attainment, load_policy, refresh_clock, save_policy
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.migrate import upgrade
from trustdesk.store.models import Conversation, Message, SlaClock, utcnow
from trustdesk.tenancy.service import create_tenant

SAMPLE = 1_000  # conversations whose clock refresh_clock recomputes, timed


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--core", type=int, default=0, help="the one CPU core to run on")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'sla.db'}"
    engine = make_engine(url)
    upgrade(engine)
    sessions = make_session_factory(engine)
    rng = random.Random(18)
    now = utcnow()
    with sessions() as s:
        tenant = create_tenant(
            s, slug=f"bench{rng.randrange(10**6)}", name="Bench", primary_domain="bench.test"
        )
        save_policy(s, tenant.id, demo_policy("Europe/Berlin"), actor="bench")
        s.commit()
        tenant_id = tenant.id
        conv_rows, msg_rows = [], []
        for n in range(args.conversations):
            opened = now - timedelta(minutes=rng.uniform(1, 30 * 24 * 60))
            answered = rng.random() < 0.33
            waiting = rng.random() < 0.1
            conv_rows.append(
                {
                    "tenant_id": tenant_id,
                    "public_id": f"b{n:010d}",
                    "reference": f"TD-{n:08d}",
                    "channel": "chat" if n % 3 else "email",
                    "status": "new" if waiting else "resolved",
                    "priority": ("low", "normal", "normal", "high", "urgent")[n % 5],
                    "customer_name": f"Customer {n}",
                    "subject": "",
                    "last_seq": 2 if answered else 1,
                    "bot_active": False,
                    "created_at": opened,
                    "updated_at": opened,
                    "last_message_at": opened,
                    "resolved_at": None if waiting else opened + timedelta(hours=rng.uniform(0.1, 30)),
                }
            )
        s.execute(insert(Conversation), conv_rows)
        ids = dict(
            s.execute(
                select(Conversation.public_id, Conversation.id).where(Conversation.tenant_id == tenant_id)
            ).all()
        )
        for row in conv_rows:
            cid = ids[row["public_id"]]
            base = {
                "tenant_id": tenant_id,
                "conversation_id": cid,
                "author_name": "x",
                "guard": [],
                "visibility": "public",
            }
            msg_rows.append(
                {
                    **base,
                    "seq": 1,
                    "author_kind": "customer",
                    "body": "Where is my order?",
                    "created_at": row["created_at"],
                }
            )
            if row["last_seq"] == 2:
                at = row["created_at"] + timedelta(minutes=rng.lognormvariate(3, 1))
                msg_rows.append(
                    {**base, "seq": 2, "author_kind": "agent", "body": "On its way.", "created_at": at}
                )
        s.execute(insert(Message), msg_rows)
        s.commit()
        policy = load_policy(s, tenant_id)
        assert policy is not None
        turns: dict[int, list[Turn]] = {}
        for m in msg_rows:
            side = CUSTOMER if m["author_kind"] == "customer" else RETAILER
            turns.setdefault(m["conversation_id"], []).append(Turn(m["created_at"], side))
        clock_rows = []
        for row in conv_rows:
            cid = ids[row["public_id"]]
            line = Timeline(
                row["created_at"], row["priority"], row["channel"], turns[cid], row["resolved_at"]
            )
            values = apply_clocks(SimpleNamespace(), evaluate(policy, line, now), row["updated_at"])
            clock_rows.append({"conversation_id": cid, "tenant_id": tenant_id, **vars(values)})
            clock_rows[-1]["escalated_key"] = clock_rows[-1]["escalated_at"] = None
        for start in range(0, len(clock_rows), 20_000):
            s.execute(insert(SlaClock), clock_rows[start : start + 20_000])
        s.commit()
        sample = rng.sample(sorted(ids.values()), min(SAMPLE, len(ids)))
        started = time.perf_counter()
        for conv in s.scalars(select(Conversation).where(Conversation.id.in_(sample))):
            refresh_clock(s, conv, policy, now)
        s.commit()
        per_clock = (time.perf_counter() - started) / len(sample) * 1000
    queue_ms, attain_ms, queue_cpu, attain_cpu = [], [], [], []
    with sessions() as s:
        backend = pin(s, args.core)
        for n in range(args.runs + 1):
            t0, c0 = time.perf_counter(), cpu_seconds(backend)
            rows = list_queue(s, tenant_id, view="new", user_id=0, limit=50, sort="due")
            annotate(s, tenant_id, rows)
            t1, c1 = time.perf_counter(), cpu_seconds(backend)
            attainment(s, tenant_id, now - timedelta(days=30), now)
            t2, c2 = time.perf_counter(), cpu_seconds(backend)
            if n:  # the first round warms the caches
                queue_ms.append((t1 - t0) * 1000)
                attain_ms.append((t2 - t1) * 1000)
                queue_cpu.append((c1 - c0) * 1000)
                attain_cpu.append((c2 - c1) * 1000)
    print(f"{engine.dialect.name}: {args.conversations} conversations; refresh_clock {per_clock:.2f} ms each")
    for name, wall, cpu in (
        ("queue page sorted by due + annotations", queue_ms, queue_cpu),
        ("attainment (30 days)                  ", attain_ms, attain_cpu),
    ):
        print(
            f"{name}: p50 {statistics.median(wall):.1f} ms, p95 {_p(wall, 0.95):.1f} ms; "
            f"CPU p95 {_p(cpu, 0.95):.1f} ms"
        )
    engine.dispose()


if __name__ == "__main__":
    main()
