"""Search benchmark: a retailer with N messages in N/10 conversations, search p95 on SQLite and PostgreSQL.

    .venv/bin/python bench/search.py                      # 1,000,000 messages, both databases
    .venv/bin/python bench/search.py --messages 100000    # a quick run
    .venv/bin/python bench/search.py --db sqlite --queries 300

Data: support chats in the guard's languages (German, French, English, Spanish, Italian, Dutch,
Portuguese, Polish words from a fixed vocabulary, order numbers), bulk-inserted through the
migrated schema, so the index is built exactly as in production (FTS5 triggers; PostgreSQL's
generated `search_vector` column filled by each insert, its GIN index dropped before the load and
made again after it, as a bulk load would).
A second, small retailer shares the tables. Timed: `conversations.search.search_conversations`
(a page of 50, snippets included) for a fixed mix of rare, common and two-word queries, with
and without a status filter; the process and the PostgreSQL backend are pinned to one core.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

from sqlalchemy import insert, text
from sqlalchemy.engine import Engine, make_url

from scratch_databases import PG_ADMIN, drop_database, fresh_database
from trustdesk.conversations.search import Filters, search_conversations
from trustdesk.i18n.search_terms import STEMMERS, parse
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.migrate import upgrade
from trustdesk.store.models import Conversation, Message, Tenant, utcnow
from trustdesk.store.search_index import PG_CREATE_INDEX, PG_INDEX

CORE = 0

SENTENCES = {
    "de": [
        "Meine Bestellung {order} ist noch nicht angekommen",
        "Ich möchte die Lieferung stornieren und eine Rückerstattung",
        "Die Schuhe sind zu klein, kann ich sie umtauschen",
        "Wann wird das Paket versendet",
        "Die Rechnung für meine Bestellungen fehlt",
    ],
    "fr": [
        "Ma commande {order} n'est pas encore arrivée",
        "Je voudrais annuler la livraison et être remboursé",
        "Les chaussures sont trop petites, puis-je les échanger",
        "Quand le colis sera-t-il expédié",
        "La facture de mes commandes manque",
    ],
    "en": [
        "My order {order} has not arrived yet",
        "I would like to cancel the delivery and get a refund",
        "The shoes are too small, can I exchange them",
        "When will the parcel be shipped",
        "The invoice for my orders is missing",
        "Thanks for your help, the tracking link works now",
    ],
    "es": ["Mi pedido {order} todavía no ha llegado", "Quiero devolver la chaqueta y recibir un reembolso"],
    "it": ["Il mio ordine {order} non è ancora arrivato", "Vorrei restituire la giacca e avere un rimborso"],
    "nl": ["Mijn bestelling {order} is nog niet aangekomen", "Ik wil de jas retourneren en mijn geld terug"],
    "pt": ["A minha encomenda {order} ainda não chegou", "Quero devolver o casaco e receber o reembolso"],
    "pl": ["Moje zamówienie {order} jeszcze nie dotarło", "Chcę zwrócić kurtkę i otrzymać zwrot pieniędzy"],
}
LANG_WEIGHTS = {"en": 40, "de": 25, "fr": 15, "es": 5, "it": 5, "nl": 4, "pt": 3, "pl": 3}
AGENT_REPLIES = [
    "Thanks, I am checking this with the warehouse now.",
    "Danke, ich prüfe das gerade mit dem Lager.",
    "Merci, je vérifie avec l'entrepôt.",
    "Your return label is on its way.",
]
RARE = ["marmalade", "zeppelin", "Kuckucksuhr", "parapluie", "harmonica", "walrus", "saxophone"]

QUERIES = [
    ("Bestellungen", None),
    ("commandes", None),
    ("refund", None),
    ("parcel shipped", None),
    ("zeppelin", None),
    ("Kuckucksuhr", None),
    ("marmalade", "resolved"),
    ("invoice", "open"),
    ("Rückerstattung", None),
    ("livraison", None),
    ("exchange shoes", None),
    ("zamówienia", None),
    ("reembolso", None),
    ("warehouse", "waiting"),
    ("tracking link", None),
    ("walrus saxophone", None),
]


def generate(engine: Engine, messages: int, seed: int = 7) -> int:
    """Bulk-load two retailers; returns the big one's tenant id."""
    rng = random.Random(seed)
    langs = list(LANG_WEIGHTS)
    weights = list(LANG_WEIGHTS.values())
    now = utcnow()
    with engine.begin() as conn:
        ids = []
        for slug in ("bigshop", "othershop"):
            ids.append(
                conn.execute(
                    insert(Tenant).values(
                        slug=slug,
                        name=slug,
                        primary_domain=f"{slug}.example",
                        branding={},
                        return_window_days=30,
                    )
                ).inserted_primary_key[0]
            )
    conversations = max(1, messages // 10)
    batch_conv, batch_msg = [], []
    message_id = 0
    started = time.perf_counter()

    def flush() -> None:
        with engine.begin() as conn:
            if batch_conv:
                conn.execute(insert(Conversation), batch_conv)
            if batch_msg:
                conn.execute(insert(Message), batch_msg)
        batch_conv.clear()
        batch_msg.clear()

    for c in range(1, conversations + 1):
        tenant = ids[1] if c % 100 == 0 else ids[0]  # 1 % belongs to the other retailer
        lang = rng.choices(langs, weights)[0]
        at = now - timedelta(minutes=(conversations - c) * 5)
        batch_conv.append(
            {
                "id": c,
                "tenant_id": tenant,
                "public_id": uuid.uuid4().hex[:24],
                "reference": f"R{c:09d}",
                "channel": "chat" if c % 3 else "email",
                "status": rng.choice(["new", "open", "waiting", "resolved"]),
                "customer_name": f"Customer {c}",
                "customer_email": f"c{c}@example.org",
                # E-mail conversations have a subject (indexed since migration 0025); no random draw,
                # so the messages stay those of earlier runs.
                "subject": SENTENCES[lang][c % len(SENTENCES[lang])].format(order=f"AO-{c:06d}")
                if c % 3 == 0
                else "",
                "last_seq": 10,
                "bot_active": False,
                "language": "pt-PT" if lang == "pt" else lang,
                "created_at": at,
                "updated_at": at,
                "last_message_at": at + timedelta(minutes=4),
            }
        )
        for seq in range(1, 11):
            message_id += 1
            if seq % 2:
                body = rng.choice(SENTENCES[lang]).format(order=f"AO-{rng.randrange(10**6):06d}")
                if rng.random() < 0.002:
                    body += " " + rng.choice(RARE)
                kind = "customer"
            else:
                body, kind = rng.choice(AGENT_REPLIES), "agent"
            batch_msg.append(
                {
                    "id": message_id,
                    "tenant_id": tenant,
                    "conversation_id": c,
                    "seq": seq,
                    "author_kind": kind,
                    "author_name": "",
                    "body": body,
                    "guard": [],
                    "visibility": "public",
                    "created_at": at + timedelta(seconds=seq * 20),
                }
            )
        if len(batch_msg) >= 20000:
            flush()
    flush()
    print(
        f"  loaded {message_id:,} messages in {conversations:,} conversations in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return int(ids[0])


def measure(engine: Engine, tenant_id: int, rounds: int) -> list[tuple[str, float]]:
    sessions = make_session_factory(engine, write=False)
    timings: list[tuple[str, float]] = []
    with sessions() as session:
        if engine.dialect.name == "postgresql":
            backend = session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            try:
                os.sched_setaffinity(backend, {CORE})
            except OSError:
                pass
        for i in range(rounds):
            words, status = QUERIES[i % len(QUERIES)]
            query = parse(words, list(STEMMERS))
            t0 = time.perf_counter()
            search_conversations(
                session, tenant_id, text=query, filters=Filters(status=status), user_id=0, limit=50
            )
            timings.append(
                (f"{words}" + (f" status={status}" if status else ""), (time.perf_counter() - t0) * 1000)
            )
            session.rollback()
    return timings


def remeasure(name: str, rounds: int) -> dict[str, float]:
    """Times the searches again on a database kept by --keep (new search code, the same data)."""
    engine = make_engine(make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False))
    try:
        upgrade(engine)
        with engine.connect() as conn:
            tenant_id = conn.execute(text("SELECT id FROM tenants WHERE slug = 'bigshop'")).scalar_one()
        measure(engine, tenant_id, len(QUERIES))
        return summarise(measure(engine, tenant_id, rounds))
    finally:
        engine.dispose()


def run(kind: str, messages: int, rounds: int, workdir: Path, keep: bool = False) -> dict[str, float]:
    url, pg_name = fresh_database(kind, workdir, "search")
    engine = make_engine(url)
    tenant_id = 0
    try:
        upgrade(engine)
        if kind == "postgresql":
            with engine.begin() as conn:
                conn.execute(text(f"DROP INDEX {PG_INDEX}"))
        tenant_id = generate(engine, messages)
        if kind == "postgresql":
            t0 = time.perf_counter()
            with engine.begin() as conn:
                conn.execute(text(PG_CREATE_INDEX))
                conn.execute(text("ANALYZE"))
            print(f"  index built in {time.perf_counter() - t0:.0f} s", flush=True)
        measure(engine, tenant_id, len(QUERIES))  # warm the caches once
        measured = measure(engine, tenant_id, rounds)
    finally:
        engine.dispose()
        if pg_name and not keep:
            drop_database(pg_name)
        elif pg_name:
            print(f"  kept database {pg_name} (tenant {tenant_id})", flush=True)
    return summarise(measured)


def summarise(measured: list[tuple[str, float]]) -> dict[str, float]:
    by_query: dict[str, list[float]] = {}
    for label, ms in measured:
        by_query.setdefault(label, []).append(ms)
    slowest = sorted(by_query.items(), key=lambda item: -statistics.median(item[1]))[:3]
    print(
        "  slowest queries (median): " + ", ".join(f"{q!r} {statistics.median(v):.0f} ms" for q, v in slowest)
    )
    timings = sorted(ms for _, ms in measured)
    return {
        "p50": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "max": timings[-1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000, help="messages (conversations: a tenth)")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--queries", type=int, default=320, help="timed searches per database")
    parser.add_argument(
        "--core", type=int, default=0, help="the one CPU core to run on (and the PostgreSQL backend)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database (for EXPLAIN)")
    parser.add_argument("--reuse-database", metavar="NAME", help="time again on a database kept by --keep")
    args = parser.parse_args()
    if args.messages < 100 or args.queries < 20:
        print("error: --messages must be at least 100 and --queries at least 20", file=sys.stderr)
        return 2
    global CORE
    CORE = args.core
    os.sched_setaffinity(0, {CORE})
    if args.reuse_database:
        r = remeasure(args.reuse_database, args.queries)
        print(
            f"postgresql ({args.reuse_database}): search p50 {r['p50']:.1f} ms  p95 {r['p95']:.1f} ms  max {r['max']:.1f} ms"
        )
        return 0
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = {}
    with tempfile.TemporaryDirectory(prefix="td-search-bench-") as tmp:
        for kind in kinds:
            print(f"{kind}: {args.messages:,} messages", flush=True)
            results[kind] = run(kind, args.messages, args.queries, Path(tmp), args.keep)
            r = results[kind]
            print(f"  search p50 {r['p50']:.1f} ms  p95 {r['p95']:.1f} ms  max {r['max']:.1f} ms", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
