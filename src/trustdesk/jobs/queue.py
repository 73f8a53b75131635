"""The transactional outbox: enqueue inside the caller's transaction, claim, finish, retry, dead-letter."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.orm import Session

from trustdesk.store.models import Job, utcnow

PENDING = "pending"
RUNNING = "running"
DONE = "done"
DEAD = "dead"
STATUSES = (PENDING, RUNNING, DONE, DEAD)

DEFAULT_MAX_ATTEMPTS = 8


class JobError(ValueError):
    """A request about a job cannot be honoured; the message is safe to show."""


class PermanentJobError(Exception):
    """Raised by a handler when retrying cannot help: the job goes straight to the dead letters."""


def enqueue(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    *,
    tenant_id: int | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    delay_seconds: float = 0.0,
) -> Job:
    """Add a job in the caller's transaction: it exists exactly when the change that caused it commits.

    The payload must never hold secrets: identifiers and already-guarded text only.
    """
    job = Job(
        tenant_id=tenant_id,
        kind=kind,
        payload=payload,
        status=PENDING,
        attempts=0,
        max_attempts=max_attempts,
        next_attempt_at=utcnow() + timedelta(seconds=delay_seconds),
    )
    session.add(job)
    return job


def backoff_seconds(attempt: int, *, base: float = 2.0, cap: float = 3600.0, jitter: float = 0.2) -> float:
    """Delay before retry number `attempt` (1-based): base * 2^(attempt-1), capped, +-jitter."""
    delay = min(cap, base * (2 ** max(0, attempt - 1)))
    return delay * (1 + random.uniform(-jitter, jitter))


@dataclass(frozen=True)
class ClaimedJob:
    id: int
    kind: str
    payload: dict[str, Any]
    tenant_id: int | None
    attempts: int
    max_attempts: int


def _due(now: datetime) -> Any:
    return or_(
        and_(Job.status == PENDING, Job.next_attempt_at <= now),
        and_(Job.status == RUNNING, Job.locked_until < now),
    )


def has_due(session: Session) -> bool:
    """True when some job is due (a cheap read before taking any lock)."""
    return session.scalar(select(Job.id).where(_due(utcnow())).limit(1)) is not None


def claim(
    session: Session, worker_id: str, *, limit: int = 10, lease_seconds: float = 60.0
) -> list[ClaimedJob]:
    """Take up to `limit` due jobs for this worker and commit the claim.

    On PostgreSQL rows are locked with FOR UPDATE SKIP LOCKED, so concurrent workers never
    take the same job; on SQLite the write transaction (BEGIN IMMEDIATE) serialises claims.
    A running job whose lease expired (its worker died) is claimed again: at-least-once.
    """
    now = utcnow()
    query = select(Job).where(_due(now)).order_by(Job.next_attempt_at, Job.id).limit(limit)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed: list[ClaimedJob] = []
    for job in session.scalars(query).all():
        if job.status == RUNNING and job.attempts >= job.max_attempts:
            job.status = DEAD
            job.last_error = "the worker stopped during the last attempt (lease expired)"
            job.locked_by = None
            job.locked_until = None
            job.finished_at = now
            continue
        job.status = RUNNING
        job.attempts += 1
        job.locked_by = worker_id
        job.locked_until = now + timedelta(seconds=lease_seconds)
        claimed.append(
            ClaimedJob(job.id, job.kind, dict(job.payload), job.tenant_id, job.attempts, job.max_attempts)
        )
    session.commit()
    return claimed


def complete(session: Session, job_id: int, worker_id: str) -> bool:
    """Mark a claimed job done (only if this worker still holds it)."""
    result = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.locked_by == worker_id, Job.status == RUNNING)
        .values(status=DONE, finished_at=utcnow(), locked_by=None, locked_until=None, last_error=None)
    )
    session.commit()
    return bool(result.rowcount)  # type: ignore[attr-defined]


def fail(
    session: Session,
    job: ClaimedJob,
    worker_id: str,
    error: str,
    *,
    permanent: bool = False,
    backoff_base: float = 2.0,
) -> str:
    """Record a failed attempt: retry later with exponential backoff, or dead-letter. Returns the new status."""
    now = utcnow()
    dead = permanent or job.attempts >= job.max_attempts
    values: dict[str, Any] = {"last_error": error[:500], "locked_by": None, "locked_until": None}
    if dead:
        values.update(status=DEAD, finished_at=now)
    else:
        values.update(
            status=PENDING,
            next_attempt_at=now + timedelta(seconds=backoff_seconds(job.attempts, base=backoff_base)),
        )
    session.execute(
        update(Job)
        .where(Job.id == job.id, Job.locked_by == worker_id, Job.status == RUNNING)
        .values(**values)
    )
    session.commit()
    return DEAD if dead else PENDING


def retry(session: Session, job_id: int, *, tenant_id: int | None = None) -> Job:
    """Put a dead-lettered job back in the queue with a fresh attempt budget (caller commits)."""
    query = select(Job).where(Job.id == job_id)
    if tenant_id is not None:
        query = query.where(Job.tenant_id == tenant_id)
    job = session.scalar(query)
    if job is None:
        raise JobError("job not found")
    if job.status != DEAD:
        raise JobError(f"only dead-lettered jobs can be retried; this one is {job.status}")
    job.status = PENDING
    job.attempts = 0
    job.next_attempt_at = utcnow()
    job.finished_at = None
    return job


def list_jobs(
    session: Session, *, status: str | None = None, tenant_id: int | None = None, limit: int = 100
) -> list[Job]:
    """Newest jobs first, optionally of one status and one tenant."""
    query = select(Job)
    if status:
        if status not in STATUSES:
            raise JobError(f"status must be one of {', '.join(STATUSES)}")
        query = query.where(Job.status == status)
    if tenant_id is not None:
        query = query.where(Job.tenant_id == tenant_id)
    return list(session.scalars(query.order_by(Job.id.desc()).limit(limit)))


def purge_done(session: Session, older_than: datetime) -> int:
    """Delete finished jobs older than `older_than` (dead letters are kept for admins)."""
    result = session.execute(delete(Job).where(Job.status == DONE, Job.finished_at < older_than))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
