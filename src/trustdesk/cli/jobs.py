"""`trustdesk jobs`: see dead letters, retry them, or run workers outside the web server."""

from __future__ import annotations

import signal
import time

import typer
from rich.table import Table
from sqlalchemy import select

from trustdesk.cli.common import engine, fail, print_json, settings, unit_of_work
from trustdesk.jobs import STATUSES, JobError, list_jobs, retry
from trustdesk.store.models import Job, Tenant

app = typer.Typer(help="Background jobs: dead letters, retries, standalone workers.", no_args_is_help=True)


def _tenant_id(slug: str | None) -> int | None:
    if slug is None:
        return None
    with unit_of_work() as session:
        tenant_id = session.scalar(select(Tenant.id).where(Tenant.slug == slug))
    if tenant_id is None:
        fail(f"no tenant {slug!r}")
    return tenant_id


@app.command("list")
def list_command(
    status: str = typer.Option("dead", "--status", help=f"One of {', '.join(STATUSES)}, or 'any'."),
    tenant: str | None = typer.Option(None, "--tenant", help="Only this tenant's jobs (slug)."),
    limit: int = typer.Option(50, "--limit", min=1, max=10_000),
    as_json: bool = typer.Option(False, "--json", help="One JSON object per line."),
) -> None:
    """List jobs, dead letters by default (newest first)."""
    tenant_id = _tenant_id(tenant)
    with unit_of_work() as session:
        try:
            rows = list_jobs(
                session, status=None if status == "any" else status, tenant_id=tenant_id, limit=limit
            )
        except JobError as exc:
            fail(str(exc), 2)
        items = [
            {
                "id": j.id,
                "tenant_id": j.tenant_id,
                "kind": j.kind,
                "status": j.status,
                "attempts": j.attempts,
                "max_attempts": j.max_attempts,
                "next_attempt_at": j.next_attempt_at.isoformat(),
                "last_error": j.last_error,
            }
            for j in rows
        ]
    if as_json:
        for item in items:
            print_json(item)
        return
    table = Table("id", "tenant", "kind", "status", "attempts", "next attempt", "last error")
    for item in items:
        table.add_row(
            str(item["id"]),
            str(item["tenant_id"] or "-"),
            item["kind"],
            item["status"],
            f"{item['attempts']}/{item['max_attempts']}",
            item["next_attempt_at"][:19],
            (item["last_error"] or "")[:80],
        )
    from rich.console import Console

    Console().print(table)


@app.command("retry")
def retry_command(
    job_ids: list[int] = typer.Argument(None, help="Dead-lettered job ids."),
    all_dead: bool = typer.Option(False, "--all-dead", help="Retry every dead-lettered job."),
) -> None:
    """Put dead-lettered jobs back in the queue with a fresh attempt budget."""
    from trustdesk.audit.log import record

    with unit_of_work() as session:
        ids = list(job_ids or [])
        if all_dead:
            ids += list(session.scalars(select(Job.id).where(Job.status == "dead")))
        if not ids:
            fail("name job ids or pass --all-dead", 2)
        for job_id in ids:
            try:
                job = retry(session, job_id)
            except JobError as exc:
                fail(f"job {job_id}: {exc}")
            record(session, "job.retried", actor="cli", tenant_id=job.tenant_id, target=f"job:{job_id}")
    typer.echo(f"queued {len(ids)} job(s) again")


@app.command("work")
def work_command(
    workers: int = typer.Option(1, "--workers", min=1, max=64, help="Worker threads in this process."),
    once: bool = typer.Option(False, "--once", help="Run what is due now, then exit."),
) -> None:
    """Run job workers without the web server (several processes may run this on PostgreSQL)."""
    from trustdesk.botdesk import register as register_bot
    from trustdesk.jobs import Worker
    from trustdesk.ratelimit import make_rate_limiter
    from trustdesk.runtime import default_handlers
    from trustdesk.secretbox import SecretBox
    from trustdesk.store.db import make_session_factory
    from trustdesk.web.logs import setup_logging

    s = settings()
    setup_logging(s.log_level, s.log_json)
    sessions = make_session_factory(engine())
    services = {
        "box": SecretBox(s.encryption_key or ""),
        "webhook_allow_private": s.webhook_allow_private_networks,
    }
    handlers = default_handlers()
    # Bot turns run here too: replies go through the pipeline, and live to sockets on the web
    # instances through Redis when it is configured (without Redis, clients catch up from the store).
    desk = _standalone_desk(sessions, s)
    register_bot(desk, handlers, services, rate_limiter=make_rate_limiter(s.redis_url))
    pool = [Worker(sessions, handlers, services) for _ in range(workers)]

    def wake() -> None:
        for worker in pool:
            worker.wake()

    desk.wake_workers = wake
    if once:
        total = 0
        while (done := pool[0].run_once()) > 0:
            total += done
        typer.echo(f"ran {total} job(s)")
        return
    stop = False

    def _stop(*_: object) -> None:
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    for worker in pool:
        worker.start()
    typer.echo(f"{workers} job worker(s) running; Ctrl-C to stop", err=True)
    while not stop:
        time.sleep(0.5)
    for worker in pool:
        worker.stop()


def _standalone_desk(sessions, settings_):  # type: ignore[no-untyped-def]
    """A desk for a worker process: the pipeline, with a Redis bus running on its own event loop."""
    import asyncio
    import threading

    from trustdesk.bus import make_bus
    from trustdesk.runtime import build_desk

    bus = make_bus(settings_.redis_url)
    if settings_.redis_url:
        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="bus-loop", daemon=True).start()
        asyncio.run_coroutine_threadsafe(bus.start(), loop).result(timeout=10)
    return build_desk(sessions, bus=bus, settings=settings_)
