"""Benchmark: one bot turn through the desk, on SQLite (or --database-url), CPU time per turn.

A turn is what the "bot.turn" job does for one customer message: read the conversation and its
state, classify, answer from the store (orders, help articles, contact checks), post every reply
back through the pipeline (guard, store, authenticity reference, bus) and save the state.
The customer messages are stored through the pipeline first (not timed).

    .venv/bin/python bench/bot_turns.py [--conversations 40] [--json]
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import tempfile
import time
from pathlib import Path

from pinning import pin_to_one_core
from trustdesk.botdesk import register
from trustdesk.botdesk.demo import seed_demo_bot
from trustdesk.commerce.importer import import_orders
from trustdesk.conversations.domain import Author, AuthorKind
from trustdesk.conversations.pipeline import CustomerRef, Desk, post_message, start_conversation
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.migrate import upgrade
from trustdesk.tenancy.service import create_tenant

SCRIPTS = [
    ["hi there", "Where is my order BT-10002?", "pat{n}@example.test", "thanks, bye"],
    ["How much is express delivery?", "Which payment methods do you accept?"],
    ["Is support@acme-help-desk.com one of your addresses?"],
    ["I want to talk to a person"],
]


def orders(count: int) -> str:
    rows = []
    for n in range(count):
        rows.append(
            {
                "order_number": f"BT-{10000 + n}",
                "customer_email": f"pat{n}@example.test",
                "status": "processing",
                "placed_at": "2026-11-20T10:00:00+00:00",
                "total": "59.90",
                "items": [{"sku": "SKU-1", "name": "Socks", "quantity": 2, "unit_price": "29.95"}],
            }
        )
    return "\n".join(json.dumps(r) for r in rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--conversations", type=int, default=40)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pin_to_one_core()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        engine = make_engine(url)
        upgrade(engine)
        sessions = make_session_factory(engine)
        with sessions() as s:
            tenant = create_tenant(s, slug="benchbot", name="Bench Shop", primary_domain="bench-shop.example")
            seed_demo_bot(s, tenant)
            import_orders(s, tenant, io.StringIO(orders(args.conversations)), "jsonl", actor="bench")
            s.commit()
            tenant_id = tenant.id
        desk = Desk(sessions)
        service = register(desk, {}, {})
        # Warm up: the model loads (or trains) once per process.
        warm = start_conversation(desk, tenant_id, CustomerRef(name="Warm"))
        post_message(desk, tenant_id, warm.conversation["id"], Author(AuthorKind.CUSTOMER), "hello")
        service.run_turn(warm.conversation_pk, 10**9)

        cpu: list[float] = []
        wall: list[float] = []
        replies = 0
        for n in range(args.conversations):
            script = SCRIPTS[n % len(SCRIPTS)]
            started = start_conversation(desk, tenant_id, CustomerRef(name=f"Pat {n}"))
            for line in script:
                line = line.replace("{n}", str(n)).replace("BT-10002", f"BT-{10000 + n}")
                posted = post_message(
                    desk, tenant_id, started.conversation["id"], Author(AuthorKind.CUSTOMER), line
                )
                c0, w0 = time.process_time(), time.perf_counter()
                service.run_turn(started.conversation_pk, posted.message["seq"])
                cpu.append(time.process_time() - c0)
                wall.append(time.perf_counter() - w0)
            with sessions() as s:
                from sqlalchemy import func, select

                from trustdesk.store.models import Message

                replies = s.scalar(select(func.count(Message.id)).where(Message.author_kind == "bot")) or 0
        service.close()
        engine.dispose()

    def ms(values: list[float], q: float) -> float:
        ordered = sorted(values)
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 2)

    result = {
        "database": "sqlite" if args.database_url is None else engine.dialect.name,
        "turns": len(cpu),
        "bot_messages_stored": replies,
        "cpu_ms": {
            "p50": ms(cpu, 0.5),
            "p90": ms(cpu, 0.9),
            "p99": ms(cpu, 0.99),
            "mean": round(1000 * statistics.mean(cpu), 2),
        },
        "wall_ms": {"p50": ms(wall, 0.5), "p90": ms(wall, 0.9), "p99": ms(wall, 0.99)},
    }
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:22} {value}")


if __name__ == "__main__":
    main()
