"""Retention benchmark: a real retention run (the `privacy.retention` job in a real worker) over N
seeded resolved conversations past their retention, while customers keep chatting; reports rows
deleted per second and the latency of chat writes (`post_message`, the one path every chat message
takes) before and during the run.

    .venv/bin/python bench/retention.py                                  # 100,000 conversations, SQLite
    .venv/bin/python bench/retention.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/EMPTY_DB

Each seeded conversation has two messages (customer, agent). Chat writes go to live conversations of
the same tenant from one thread at a fixed pace; p99 is over the writes made while the run lasted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, insert, select, text

from trustdesk.config import load_settings
from trustdesk.conversations.domain import Author, AuthorKind
from trustdesk.conversations.pipeline import CustomerRef, Desk, post_message, start_conversation
from trustdesk.jobs import Worker
from trustdesk.privacy.retention_runs import set_rule, start_run
from trustdesk.runtime import default_handlers
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.migrate import upgrade
from trustdesk.store.models import Conversation, Message, Tenant, utcnow
from trustdesk.tenancy.service import create_tenant


def seed(sessions, tenant_id: int, count: int) -> None:  # type: ignore[no-untyped-def]
    old = utcnow() - timedelta(days=400)
    chunk = 5000
    with sessions() as s:
        for start in range(0, count, chunk):
            rows = [
                {
                    "tenant_id": tenant_id,
                    "public_id": f"old{n:028d}",
                    "reference": f"R{n:011d}",
                    "channel": "chat",
                    "status": "resolved",
                    "customer_name": "Old Customer",
                    "customer_email": f"old{n}@customer.example",
                    "subject": "",
                    "last_seq": 2,
                    "bot_active": False,
                    "created_at": old,
                    "updated_at": old,
                    "last_message_at": old,
                    "resolved_at": old,
                }
                for n in range(start, min(count, start + chunk))
            ]
            s.execute(insert(Conversation), rows)
            ids = s.scalars(
                select(Conversation.id).where(Conversation.public_id.in_([r["public_id"] for r in rows]))
            ).all()
            messages = []
            for conv_id in ids:
                for seq, kind in ((1, "customer"), (2, "agent")):
                    messages.append(
                        {
                            "tenant_id": tenant_id,
                            "conversation_id": conv_id,
                            "seq": seq,
                            "author_kind": kind,
                            "author_name": "",
                            "body": "where is my parcel?" if seq == 1 else "it is on its way",
                            "guard": [],
                            "visibility": "public",
                            "created_at": old,
                        }
                    )
            s.execute(insert(Message), messages)
            s.commit()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


class ChatLoad(threading.Thread):
    """One customer thread writing to live conversations every `pause` seconds, timing each write."""

    def __init__(self, desk: Desk, tenant_id: int, chats: list[str], pause: float) -> None:
        super().__init__(daemon=True)
        self.desk, self.tenant_id, self.chats, self.pause = desk, tenant_id, chats, pause
        self.samples: list[tuple[float, float]] = []  # (start time, seconds)
        self.failures: list[str] = []  # e.g. "database is locked" after the busy timeout
        self.stop = threading.Event()

    def run(self) -> None:
        author = Author(AuthorKind.CUSTOMER, name="Live")
        n = 0
        while not self.stop.is_set():
            began = time.perf_counter()
            try:
                post_message(self.desk, self.tenant_id, self.chats[n % len(self.chats)], author, f"live {n}")
            except Exception as exc:  # noqa: BLE001 - counted and shown: a failed write is the worst latency
                self.failures.append(type(exc).__name__)
            self.samples.append((began, time.perf_counter() - began))
            n += 1
            self.stop.wait(self.pause)

    def between(self, start: float, end: float) -> list[float]:
        return [d for t, d in self.samples if start <= t <= end]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--database-url", default=None, help="default: a SQLite file in a temporary folder")
    parser.add_argument("--pause", type=float, default=0.02, help="seconds between chat writes")
    parser.add_argument("--baseline-seconds", type=float, default=10.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="trustdesk-retention-bench-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        settings = load_settings(data_dir=Path(tmp) / "var", database_url=url)
        engine = make_engine(url)
        upgrade(engine)
        sessions = make_session_factory(engine)
        with sessions() as s:
            tenant = create_tenant(s, slug="bench", name="Bench Shop", primary_domain="bench-shop.example")
            s.commit()
            tenant_id = tenant.id
        began = time.perf_counter()
        seed(sessions, tenant_id, args.conversations)
        print(
            f"seeded {args.conversations} conversations in {time.perf_counter() - began:.1f} s",
            file=sys.stderr,
        )
        desk = Desk(sessions, settings=settings)
        chats = [
            start_conversation(
                desk, tenant_id, CustomerRef(name=f"Live {n}"), first_message="hi"
            ).conversation["id"]
            for n in range(5)
        ]
        load = ChatLoad(desk, tenant_id, chats, args.pause)
        load.start()
        time.sleep(args.baseline_seconds)
        baseline_end = time.perf_counter()

        with sessions() as s:
            tenant_row = s.get(Tenant, tenant_id)
            assert tenant_row is not None
            set_rule(s, tenant_row, "conversations", 30, actor="bench")
            dry = start_run(s, tenant_row, "conversations", actor="bench", dry_run=True)
            run = start_run(s, tenant_row, "conversations", actor="bench")
            s.commit()
        worker = Worker(sessions, default_handlers(), services={"settings": settings}, poll_seconds=0.05)
        run_start = time.perf_counter()
        worker.start()
        while True:
            with sessions() as s:
                left = s.scalar(
                    select(func.count()).select_from(Conversation).where(Conversation.status == "resolved")
                )
                done = s.scalar(text("SELECT count(*) FROM audit_events WHERE action = 'retention.run'"))
            if done:
                break
            time.sleep(0.2)
        run_end = time.perf_counter()
        worker.stop()
        load.stop.set()
        load.join(10)
        seconds = run_end - run_start
        before = load.between(0, baseline_end)
        during = load.between(run_start, run_end)
        rows = args.conversations * 3  # each conversation and its two messages
        print(
            f"job {run.job_id}: dry run counted {dry.expired}, left {left}; failed chat writes: {load.failures}"
        )
        print(
            "| conversations | rows deleted | run | rows/s | chat writes before: p50 / p99 | during: p50 / p99 (n) |"
        )
        print("|---|---|---|---|---|---|")
        print(
            f"| {args.conversations:,} | {rows:,} | {seconds:.1f} s | {rows / seconds:,.0f} | "
            f"{statistics.median(before) * 1000:.1f} / {percentile(before, 0.99) * 1000:.1f} ms | "
            f"{statistics.median(during) * 1000:.1f} / {percentile(during, 0.99) * 1000:.1f} ms ({len(during)}) |"
        )
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
