"""Workers that run outbox jobs at least once: in the server process or standalone (`trustdesk jobs work`)."""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from trustdesk.jobs import queue
from trustdesk.jobs.queue import ClaimedJob, PermanentJobError
from trustdesk.store.models import utcnow

log = logging.getLogger("trustdesk.jobs")


@dataclass(frozen=True)
class JobContext:
    """What a handler gets: the job and the means to reach the database and deployment secrets."""

    job: ClaimedJob
    sessions: sessionmaker[Session]
    services: dict[str, Any]

    @property
    def payload(self) -> dict[str, Any]:
        return self.job.payload


Handler = Callable[[JobContext], None]


@dataclass
class Worker:
    """Claims due jobs in batches and runs each through the handler registered for its kind."""

    sessions: sessionmaker[Session]
    handlers: dict[str, Handler]
    services: dict[str, Any] = field(default_factory=dict)
    worker_id: str = field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
    )
    batch: int = 10
    lease_seconds: float = 60.0
    poll_seconds: float = 1.0
    backoff_base: float = 2.0
    _wake: threading.Event = field(default_factory=threading.Event)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    processed: int = 0
    _last_purge: float = 0.0

    def __post_init__(self) -> None:
        # Looking for due work must not take SQLite's write lock every poll: peek with a plain BEGIN.
        bind = self.sessions.kw.get("bind")
        self._peek = (
            sessionmaker(bind=bind.execution_options(sqlite_begin="deferred"))
            if bind is not None
            else self.sessions
        )

    def run_once(self) -> int:
        """Claim and run one batch; returns how many jobs were attempted."""
        with self._peek() as peek:
            if not queue.has_due(peek):
                return 0
        with self.sessions() as session:
            claimed = queue.claim(session, self.worker_id, limit=self.batch, lease_seconds=self.lease_seconds)
        for job in claimed:
            self._run(job)
        self.processed += len(claimed)
        return len(claimed)

    def _run(self, job: ClaimedJob) -> None:
        handler = self.handlers.get(job.kind)
        with self.sessions() as session:
            if handler is None:
                queue.fail(
                    session, job, self.worker_id, f"no handler for job kind {job.kind!r}", permanent=True
                )
                return
            try:
                handler(JobContext(job, self.sessions, self.services))
            except PermanentJobError as exc:
                queue.fail(session, job, self.worker_id, str(exc) or type(exc).__name__, permanent=True)
                log.warning("job dead-lettered", extra={"job_id": job.id, "kind": job.kind})
            except Exception as exc:  # noqa: BLE001 - any failure is retried; its message is kept short
                status = queue.fail(
                    session,
                    job,
                    self.worker_id,
                    f"{type(exc).__name__}: {exc}"[:500],
                    backoff_base=self.backoff_base,
                )
                log.warning(
                    "job failed",
                    extra={"job_id": job.id, "kind": job.kind, "attempt": job.attempts, "now": status},
                )
            else:
                queue.complete(session, job.id, self.worker_id)

    def wake(self) -> None:
        """Look for work now (called after a transaction that enqueued jobs commits)."""
        self._wake.set()

    def run_forever(self) -> None:
        """Process until `stop()`; sleeps `poll_seconds` when idle unless woken."""
        while not self._stop.is_set():
            try:
                busy = self.run_once()
                self._maybe_purge()
            except Exception as exc:  # noqa: BLE001 - e.g. the database restarting: wait and retry
                log.warning("job worker error", extra={"error": type(exc).__name__})
                busy = 0
                self._stop.wait(self.poll_seconds)
            if not busy:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()

    def _maybe_purge(self) -> None:
        now = time.monotonic()
        if now - self._last_purge < 3600:
            return
        self._last_purge = now
        with self.sessions() as session:
            queue.purge_done(session, utcnow() - timedelta(days=7))
            session.commit()

    def start(self) -> None:
        """Run in a daemon thread."""
        self._stop.clear()
        self._thread = threading.Thread(target=self.run_forever, name=f"jobs-{self.worker_id}", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        """Ask the thread to finish its current job and wait for it."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
