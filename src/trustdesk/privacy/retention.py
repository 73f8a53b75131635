"""Retention schedules: how long a retailer keeps each kind of data (pure rules, no database).

A rule says "delete <kind> older than N days". Runs delete in small batches, each its own short
transaction, so the desk's writers wait at most one batch (docs/architecture.md, "Privacy").
"""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

MIN_DAYS = 1
MAX_DAYS = 3650
BATCH_SIZE = 200  # one batch holds SQLite's write lock for about a fifth of a second
BATCHES_PER_JOB = 20  # then the job hands over to a fresh one: no job holds its lease for long
# Between batches the job lets go of the database for longer than SQLite's busy handler sleeps
# (100 ms): a chat message waiting for the write lock gets it, instead of losing every race to
# the job's next batch (bench/retention.py measured chat p99 above 10 s without the pause). SQLite
# only: PostgreSQL's row locks never make a chat write wait for a batch.
BATCH_PAUSE_SECONDS = 0.15


class RetentionKind(StrEnum):
    CONVERSATIONS = "conversations"  # resolved conversations, with their messages, mail and attachments
    MAIL = "mail"  # mail records (envelope, headers) and their attachments; the messages stay
    ATTACHMENTS = "attachments"  # attachment rows and files
    REPORTS = "reports"  # reports with their indicators and sightings
    # Client IPs in audit entries: cleared, never deleted (the entries and their chain stay). Only
    # entries of format 2 (audit.chain) qualify; older ones hash the IP itself and keep it.
    AUDIT_METADATA = "audit_metadata"


class RetentionError(ValueError):
    """A rule or run the user must correct."""


def parse_rule(kind: str, days: int) -> tuple[RetentionKind, int]:
    """A valid (kind, days) rule, or RetentionError saying what is wrong."""
    try:
        chosen = RetentionKind(kind)
    except ValueError:
        names = ", ".join(k.value for k in RetentionKind)
        raise RetentionError(f"unknown kind {kind!r}; one of {names}") from None
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise RetentionError(f"keep data between {MIN_DAYS} and {MAX_DAYS} days")
    return chosen, days


def cutoff(now: datetime, days: int) -> datetime:
    """Data last touched before this moment is past its retention."""
    return now - timedelta(days=days)
