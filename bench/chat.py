"""Chat benchmark: many WebSocket customers and agents against real `trustdesk serve` processes.

Each customer has a conversation assigned to one agent; customers send at a fixed total rate for a
bounded time; latency is customer send -> the assigned agent's socket receives the message (all
through the full pipeline: guard, store + outbox in one transaction, bus, socket). Server CPU is read
from /proc before and after the load phase, so CPU per message covers the servers only.

    .venv/bin/python bench/chat.py                                   # 1 instance, SQLite
    .venv/bin/python bench/chat.py --database-url postgresql://postgres@127.0.0.1:5432/postgres_bench
    .venv/bin/python bench/chat.py --database-url ... --redis-url redis://127.0.0.1:6399/0 --instances 2

Options: --customers 1000 --agents 50 --rate 300 --seconds 20. Servers listen on 127.0.0.1 only and
are always stopped at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import httpx
from itsdangerous import Signer
from sqlalchemy import text, update
from websockets.asyncio.client import connect

from trustdesk.accounts import service as accounts
from trustdesk.accounts.permissions import Role
from trustdesk.config import load_settings
from trustdesk.store.db import make_engine, make_session_factory
from trustdesk.store.migrate import upgrade
from trustdesk.store.models import Conversation, UserSession, utcnow
from trustdesk.tenancy.service import create_tenant


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime


def start_server(
    data_dir: Path, database_url: str, redis_url: str | None
) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {
        **os.environ,
        "TRUSTDESK_DATA_DIR": str(data_dir),
        "TRUSTDESK_DATABASE_URL": database_url,
        "TRUSTDESK_LOG_LEVEL": "WARNING",
        "TRUSTDESK_CHAT_SEND_PER_IP": "100000000/60",
        "TRUSTDESK_CHAT_SEND_PER_CONVERSATION": "100000000/60",
        "TRUSTDESK_CHAT_START_PER_IP": "100000000/60",
        "TRUSTDESK_SMTP_LISTEN_PORT": "0",  # chat only; two instances would compete for one port
    }
    env.pop("TRUSTDESK_REDIS_URL", None)
    if redis_url:
        env["TRUSTDESK_REDIS_URL"] = redis_url
    proc = subprocess.Popen(
        [sys.executable, "-m", "trustdesk.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(data_dir / f"server-{port}.log").open("ab"),
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc, port
        except httpx.HTTPError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("server did not start")


def prepare(database_url: str, data_dir: Path, agents: int) -> tuple[int, list[tuple[int, str]]]:
    """Tenant and agents with ready, two-factor-passed sessions (signed cookies)."""
    settings = load_settings(data_dir=data_dir, database_url=database_url)
    engine = make_engine(database_url)
    upgrade(engine)
    signer = Signer(settings.secret_key or "", salt="trustdesk.session")
    cookies = []
    with make_session_factory(engine)() as s:
        tenant = create_tenant(s, slug="acme", name="Acme", primary_domain="acme-shop.com")
        for n in range(agents):
            user = accounts.create_user(
                s,
                tenant,
                email=f"agent{n}@acme-shop.com",
                display_name=f"Agent {n}",
                role=Role.AGENT,
                password="bench password long enough 1",
                actor="bench",
            )
            token = secrets.token_urlsafe(32)
            s.add(
                UserSession(
                    tenant_id=tenant.id,
                    token_hash=accounts._token_hash(token),
                    user_id=user.id,
                    csrf_token=secrets.token_urlsafe(16),
                    mfa_passed=True,
                    expires_at=utcnow() + timedelta(hours=2),
                )
            )
            s.flush()
            cookies.append((user.id, "td_session=" + signer.sign(token.encode()).decode()))
        s.commit()
        tenant_id = tenant.id
    engine.dispose()
    return tenant_id, cookies


async def run(args: argparse.Namespace) -> dict[str, object]:
    data_dir = Path(tempfile.mkdtemp(prefix="td-bench-"))
    database_url = args.database_url or f"sqlite:///{data_dir / 'bench.db'}"
    if database_url.startswith("postgresql"):
        admin = make_engine(args.postgres_admin_url)
        name = database_url.rsplit("/", 1)[1]
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    tenant_id, agent_cookies = prepare(database_url, data_dir, args.agents)
    servers = [start_server(data_dir, database_url, args.redis_url) for _ in range(args.instances)]
    customer_port = servers[0][1]
    agent_port = servers[-1][1]  # with two instances customers and agents are on different ones
    try:
        # Chats are started over HTTP (the real start path), then given to agents round-robin.
        limits = httpx.Limits(max_connections=20)
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{customer_port}", limits=limits) as client:
            sem = asyncio.Semaphore(20)

            async def start(n: int) -> dict:
                async with sem:
                    for attempt in range(5):
                        try:
                            r = await client.post(
                                "/api/v1/public/acme/chat/conversations", json={"name": f"Customer {n}"}
                            )
                            break
                        except httpx.TransportError:
                            # A pooled connection the server closed as idle, as browsers also meet it.
                            if attempt == 4:
                                raise
                            await asyncio.sleep(0.2)
                    r.raise_for_status()
                    return r.json()

            chats = await asyncio.gather(*(start(n) for n in range(args.customers)))
        engine = make_engine(database_url)
        with make_session_factory(engine)() as s:
            for n, chat in enumerate(chats):
                agent_id = agent_cookies[n % args.agents][0]
                s.execute(
                    update(Conversation)
                    .where(Conversation.public_id == chat["conversation"]["id"])
                    .values(assignee_user_id=agent_id, status="open")
                )
            s.commit()
        engine.dispose()

        sent_at: dict[str, float] = {}
        latencies: list[float] = []
        acks = 0
        errors: dict[str, int] = {}

        agent_sockets = []
        for index, (_, cookie) in enumerate(agent_cookies):
            ws = await connect(
                f"ws://127.0.0.1:{agent_port}/api/v1/agent/ws",
                additional_headers={"Cookie": cookie},
                max_queue=None,
            )
            await ws.recv()
            for n in range(index, args.customers, args.agents):
                await ws.send(
                    json.dumps(
                        {
                            "type": "subscribe",
                            "conversation_id": chats[n]["conversation"]["id"],
                            "last_seq": 0,
                        }
                    )
                )
            agent_sockets.append(ws)

        customer_sockets = []
        for n, chat in enumerate(chats):
            ws = await connect(
                f"ws://127.0.0.1:{customer_port}/api/v1/public/acme/chat/conversations/{chat['conversation']['id']}/ws",
                max_queue=None,
            )
            await ws.send(json.dumps({"type": "hello", "token": chat["access_token"], "last_seq": 0}))
            await ws.recv()
            customer_sockets.append(ws)

        stop = asyncio.Event()

        async def agent_reader(ws) -> None:  # type: ignore[no-untyped-def]
            while not stop.is_set():
                try:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 1.0))
                except TimeoutError:
                    continue
                except Exception:  # noqa: BLE001 - socket closed at the end
                    return
                if frame.get("type") == "message":
                    started = sent_at.pop(frame["message"].get("client_msg_id") or "", None)
                    if started is not None:
                        latencies.append(time.perf_counter() - started)

        async def customer_reader(ws) -> None:  # type: ignore[no-untyped-def]
            nonlocal acks
            while not stop.is_set():
                try:
                    frame = json.loads(await asyncio.wait_for(ws.recv(), 1.0))
                except TimeoutError:
                    continue
                except Exception:  # noqa: BLE001
                    return
                if frame.get("type") == "ack":
                    acks += 1
                elif frame.get("type") == "error":
                    errors[frame.get("code", "?")] = errors.get(frame.get("code", "?"), 0) + 1

        readers = [asyncio.create_task(agent_reader(ws)) for ws in agent_sockets]
        readers += [asyncio.create_task(customer_reader(ws)) for ws in customer_sockets]
        await asyncio.sleep(1.0)  # let subscriptions settle
        # Idle cost of the servers with every socket open (keep-alives, pub/sub pings, job polling).
        idle_start = sum(cpu_seconds(p.pid) for p, _ in servers)
        await asyncio.sleep(args.idle_seconds)
        idle_cpu_per_s = (sum(cpu_seconds(p.pid) for p, _ in servers) - idle_start) / args.idle_seconds

        cpu_before = sum(cpu_seconds(p.pid) for p, _ in servers)
        print(f"load phase: {args.seconds:.0f} s at {args.rate:.0f} msg/s", file=sys.stderr, flush=True)
        begin = time.perf_counter()
        interval = 1.0 / args.rate
        sent = 0
        next_at = begin
        rng = random.Random(7)
        while time.perf_counter() - begin < args.seconds:
            now = time.perf_counter()
            if now < next_at:
                await asyncio.sleep(next_at - now)
            n = rng.randrange(args.customers)
            msg_id = f"m{sent}"
            sent_at[msg_id] = time.perf_counter()
            await customer_sockets[n].send(
                json.dumps(
                    {"type": "send", "client_msg_id": msg_id, "body": f"Where is my order #{sent}? Thanks"}
                )
            )
            sent += 1
            next_at += interval
        send_done = time.perf_counter()
        drain_deadline = time.monotonic() + 15
        while sent_at and time.monotonic() < drain_deadline:
            await asyncio.sleep(0.1)
        elapsed = time.perf_counter() - begin
        cpu_after = sum(cpu_seconds(p.pid) for p, _ in servers)
        stop.set()
        for ws in agent_sockets + customer_sockets:
            await ws.close()
        await asyncio.gather(*readers, return_exceptions=True)
    finally:
        for proc, _ in servers:
            proc.send_signal(signal.SIGTERM)
        for proc, _ in servers:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
    lat_ms = sorted(x * 1000 for x in latencies)

    def pct(p: float) -> float:
        return lat_ms[min(len(lat_ms) - 1, int(p * len(lat_ms)))] if lat_ms else float("nan")

    return {
        "database": "sqlite" if database_url.startswith("sqlite") else "postgresql",
        "instances": args.instances,
        "redis": bool(args.redis_url),
        "customers": args.customers,
        "agents": args.agents,
        "target_rate": args.rate,
        "seconds": round(send_done - begin, 1),
        "sent": sent,
        "acked": acks,
        "delivered_to_agents": len(latencies),
        "lost": len(sent_at),
        "errors": errors,
        "throughput_msgs_per_s": round(len(latencies) / elapsed, 1),
        "latency_ms_p50": round(statistics.median(lat_ms), 1) if lat_ms else None,
        "latency_ms_p99": round(pct(0.99), 1),
        "latency_ms_max": round(lat_ms[-1], 1) if lat_ms else None,
        "server_cpu_ms_per_msg": round((cpu_after - cpu_before) * 1000 / max(1, len(latencies)), 2),
        "server_idle_cpu_ms_per_s": round(idle_cpu_per_s * 1000, 1),
        "server_cpu_ms_per_msg_net_of_idle": round(
            max(0.0, cpu_after - cpu_before - idle_cpu_per_s * elapsed) * 1000 / max(1, len(latencies)), 2
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--customers", type=int, default=1000)
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument(
        "--rate", type=float, default=300.0, help="messages per second, all customers together"
    )
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--instances", type=int, default=1, choices=(1, 2))
    parser.add_argument(
        "--idle-seconds", type=float, default=5.0, help="idle window measured before the load"
    )
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument(
        "--postgres-admin-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
    )
    parser.add_argument("--redis-url", default=None)
    args = parser.parse_args()
    if args.database_url and args.database_url.startswith("postgresql://"):
        args.database_url = "postgresql+psycopg://" + args.database_url[len("postgresql://") :]
    if args.instances == 2 and not args.redis_url:
        raise SystemExit("two instances need --redis-url for fan-out")
    result = asyncio.run(run(args))
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
