"""The job outbox: at-least-once, exponential backoff, dead letters, several workers without double work."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from datetime import timedelta

from sqlalchemy import select

from trustdesk.jobs import DEAD, DONE, PENDING, RUNNING, Worker, backoff_seconds, claim, enqueue, retry
from trustdesk.store.models import Job, utcnow


def test_backoff_doubles_and_is_capped() -> None:
    delays = [backoff_seconds(n, base=1.0, jitter=0.0) for n in range(1, 8)]
    assert delays == [1, 2, 4, 8, 16, 32, 64]
    assert backoff_seconds(50, base=2.0, cap=3600, jitter=0.0) == 3600
    jittered = {round(backoff_seconds(3, base=1.0), 3) for _ in range(20)}
    assert all(3.2 <= d <= 4.8 for d in jittered) and len(jittered) > 1


def test_failures_retry_with_growing_delays_then_succeed(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        enqueue(s, "flaky", {"n": 1})
        s.commit()
    calls: list[int] = []

    def flaky(context) -> None:  # type: ignore[no-untyped-def]
        calls.append(context.job.attempts)
        if len(calls) < 3:
            raise RuntimeError("downstream unavailable")

    worker = Worker(sessions, {"flaky": flaky}, backoff_base=0.2)
    waits = []
    for _ in range(3):
        while worker.run_once() == 0:
            time.sleep(0.02)
        with sessions() as s:
            job = s.scalar(select(Job))
            if job.status == PENDING:
                waits.append((job.next_attempt_at - utcnow()).total_seconds())
    assert calls == [1, 2, 3]
    with sessions() as s:
        job = s.scalar(select(Job))
        assert job.status == DONE and job.attempts == 3 and job.last_error is None
    assert 0.1 < waits[0] < waits[1] < 1.0  # about 0.2 s, then about 0.4 s


def test_dead_letter_after_the_last_attempt_and_retry(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        enqueue(s, "always-fails", {"id": "x"}, max_attempts=3)
        enqueue(s, "unknown-kind", {})
        s.commit()

    def broken(context) -> None:  # type: ignore[no-untyped-def]
        raise ValueError("endpoint answered 500")

    worker = Worker(sessions, {"always-fails": broken}, backoff_base=0.01)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        worker.run_once()
        with sessions() as s:
            if all(j.status == DEAD for j in s.scalars(select(Job))):
                break
        time.sleep(0.02)
    with sessions() as s:
        jobs = {j.kind: j for j in s.scalars(select(Job))}
        assert jobs["always-fails"].status == DEAD and jobs["always-fails"].attempts == 3
        assert "500" in (jobs["always-fails"].last_error or "")
        assert jobs["unknown-kind"].status == DEAD and "no handler" in (jobs["unknown-kind"].last_error or "")
        retry(s, jobs["always-fails"].id)
        s.commit()
        assert s.get(Job, jobs["always-fails"].id).status == PENDING


def test_a_crashed_workers_job_is_taken_again_after_its_lease(sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        enqueue(s, "work", {})
        s.commit()
    with sessions() as s:
        taken = claim(s, "dead-worker", lease_seconds=0.2)
    assert len(taken) == 1
    with sessions() as s:
        assert claim(s, "second-worker") == []  # still leased
    time.sleep(0.3)
    seen = []
    worker = Worker(sessions, {"work": lambda c: seen.append(c.job.attempts)})
    assert worker.run_once() == 1
    assert seen == [2]
    with sessions() as s:
        assert s.scalar(select(Job.status)) == DONE


def test_several_workers_run_each_job_exactly_once(sessions, database_url) -> None:  # type: ignore[no-untyped-def]
    total = 120
    with sessions() as s:
        for n in range(total):
            enqueue(s, "count", {"n": n})
        s.commit()
    seen: list[int] = []
    lock = threading.Lock()

    def count(context) -> None:  # type: ignore[no-untyped-def]
        time.sleep(0.002)
        with lock:
            seen.append(context.payload["n"])

    workers = [Worker(sessions, {"count": count}, batch=5, poll_seconds=0.05) for _ in range(4)]
    for w in workers:
        w.start()
    deadline = time.monotonic() + 30
    while len(seen) < total and time.monotonic() < deadline:
        time.sleep(0.05)
    for w in workers:
        w.stop()
    assert sorted(seen) == list(range(total)), "every job once, none twice"
    if database_url.startswith("postgresql"):
        assert sum(1 for w in workers if w.processed) >= 2, "the work was shared (SKIP LOCKED)"
    with sessions() as s:
        assert {j.status for j in s.scalars(select(Job))} == {DONE}
        assert not s.scalars(select(Job).where(Job.status == RUNNING)).all()


def test_cli_lists_and_retries_dead_letters(sessions, database_url, tmp_path) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        job = enqueue(s, "webhook.deliver", {"endpoint_id": 1}, max_attempts=1)
        job.status = DEAD
        job.last_error = "endpoint answered HTTP 500"
        job.finished_at = utcnow() - timedelta(minutes=1)
        s.commit()
        job_id = job.id
    env = {**os.environ, "TRUSTDESK_DATA_DIR": str(tmp_path / "cli"), "TRUSTDESK_DATABASE_URL": database_url}
    listed = subprocess.run(
        [sys.executable, "-m", "trustdesk.cli", "jobs", "list", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.returncode == 0, listed.stderr
    rows = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [(r["id"], r["status"]) for r in rows] == [(job_id, "dead")]
    again = subprocess.run(
        [sys.executable, "-m", "trustdesk.cli", "jobs", "retry", str(job_id)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert again.returncode == 0, again.stderr
    with sessions() as s:
        assert s.get(Job, job_id).status == PENDING
