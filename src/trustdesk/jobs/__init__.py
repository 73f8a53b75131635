"""Durable background jobs: a transactional outbox table and at-least-once workers.

enqueue(session, "webhook.deliver", {...}, tenant_id=t.id)   # inside the business transaction
Worker(sessions, handlers={"webhook.deliver": deliver}).start()
"""

from trustdesk.jobs.queue import (
    DEAD,
    DONE,
    PENDING,
    RUNNING,
    STATUSES,
    ClaimedJob,
    JobError,
    PermanentJobError,
    backoff_seconds,
    claim,
    complete,
    enqueue,
    fail,
    list_jobs,
    retry,
)
from trustdesk.jobs.worker import Handler, JobContext, Worker

__all__ = [
    "DEAD",
    "DONE",
    "PENDING",
    "RUNNING",
    "STATUSES",
    "ClaimedJob",
    "Handler",
    "JobContext",
    "JobError",
    "PermanentJobError",
    "Worker",
    "backoff_seconds",
    "claim",
    "complete",
    "enqueue",
    "fail",
    "list_jobs",
    "retry",
]
