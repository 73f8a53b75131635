"""Re-sealing every stored secret under a new encryption key as a durable background job.

`start_reseal` enqueues a `keys.reseal` job naming the key to seal with (by its public id). The job
re-seals BATCH_SIZE values per short transaction, writing its progress (column, cursor, counts) into
its own row in that same transaction, so a worker that dies resumes where the last batch committed.
After BATCHES_PER_JOB batches it hands over to a fresh job of the same run, so no job holds its lease
for long. Until the run is done the old key stays configured ("NEW,OLD") and opens what is not
re-sealed yet; the last batch writes one audit entry (`keys.encryption_resealed`), and
`unreadable_with_newest` tells when the old key may be retired.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.jobs import enqueue
from trustdesk.jobs.worker import JobContext
from trustdesk.secretbox import SecretBox
from trustdesk.store.models import Job
from trustdesk.store.sealed import SEALED

RESEAL_JOB = "keys.reseal"
BATCH_SIZE = 200
BATCHES_PER_JOB = 10
# A worker started before the key file changed cannot seal with the new key: it retries (backoff,
# capped at an hour) until the operator restarts it, rather than dead-lettering after minutes.
MAX_ATTEMPTS = 30


class WrongKeyError(RuntimeError):
    """This process does not hold the key the run seals with (it was started before the rotation)."""


def encryption_key_id(key: str) -> str:
    """A short public name for one Fernet key (it reveals nothing of the key)."""
    return hashlib.sha256(b"trustdesk.encryption-key-id\x00" + key.encode()).hexdigest()[:12]


def _column_name(index: int) -> str:
    model, name = SEALED[index]
    return f"{model.__tablename__}.{name}"


def count_sealed(session: Session) -> int:
    """How many sealed values are stored (the run's total)."""
    total = 0
    for model, name in SEALED:
        column = getattr(model, name)
        total += int(session.scalar(select(func.count()).where(column.is_not(None))) or 0)
    return total


def start_reseal(session: Session, box: SecretBox, *, actor: str, batch_size: int = BATCH_SIZE) -> Job:
    """Enqueue a run that re-seals everything with the box's newest key; audited (`keys.reseal_started`)."""
    target = encryption_key_id(box.keys[0])
    payload: dict[str, Any] = {
        "run": secrets.token_hex(6),
        "target": target,
        "actor": actor,
        "column": 0,
        "after": 0,
        "done": 0,
        "total": count_sealed(session),
        "counts": {},
        "batch_size": batch_size,
    }
    job = enqueue(session, RESEAL_JOB, payload, max_attempts=MAX_ATTEMPTS)
    record(
        session,
        "keys.reseal_started",
        actor=actor,
        tenant_id=None,
        target=f"encryption_key:{target}",
        details={"run": payload["run"], "total": payload["total"], "keys": len(box.keys)},
    )
    session.flush()
    return job


def reseal_batch(session: Session, box: SecretBox, payload: dict[str, Any]) -> bool:
    """Re-seal the run's next batch in the caller's transaction and advance `payload`; True when the
    run has nothing left. Raises ValueError when a value opens with none of the configured keys."""
    size = int(payload.get("batch_size") or BATCH_SIZE)
    while payload["column"] < len(SEALED):
        model, name = SEALED[payload["column"]]
        column = getattr(model, name)
        rows = session.execute(
            select(model.id, column)
            .where(column.is_not(None), model.id > payload["after"])
            .order_by(model.id)
            .limit(size)
        ).all()
        for row_id, token in rows:
            session.execute(update(model).where(model.id == row_id).values({name: box.reseal(token)}))
        if rows:
            key = _column_name(payload["column"])
            payload["counts"][key] = payload["counts"].get(key, 0) + len(rows)
            payload["done"] += len(rows)
            payload["after"] = rows[-1][0]
        if len(rows) == size:
            return False
        payload["column"] += 1
        payload["after"] = 0
        if rows:
            return payload["column"] >= len(SEALED)
    return True


def run_reseal_job(context: JobContext) -> None:
    """Job handler: re-seal the next batches of one run; hand over, or finish with one audit entry."""
    box: SecretBox = context.services["box"]
    payload = dict(context.payload)
    payload["counts"] = dict(payload.get("counts") or {})
    if encryption_key_id(box.keys[0]) != payload["target"]:
        raise WrongKeyError(
            f"this process seals with key {encryption_key_id(box.keys[0])}, the run with {payload['target']}: "
            "restart it so it reads the new key"
        )
    for _ in range(BATCHES_PER_JOB):
        with context.sessions() as session:
            finished = reseal_batch(session, box, payload)
            # Progress commits with the batch: a restarted job resumes exactly after it.
            session.execute(update(Job).where(Job.id == context.job.id).values(payload=dict(payload)))
            if finished:
                record(
                    session,
                    "keys.encryption_resealed",
                    actor=str(payload.get("actor") or "system:keys"),
                    tenant_id=None,
                    target=f"encryption_key:{payload['target']}",
                    details={"run": payload["run"], "resealed": payload["counts"], "done": payload["done"]},
                )
            session.commit()
        if finished:
            return
    with context.sessions() as session:
        enqueue(session, RESEAL_JOB, payload, max_attempts=MAX_ATTEMPTS)
        session.commit()


@dataclass(frozen=True)
class ResealProgress:
    run: str
    target: str
    status: str  # pending, running or done (of the run's newest job), or dead
    done: int
    total: int
    counts: dict[str, int]
    last_error: str | None

    @property
    def finished(self) -> bool:
        return self.status == "done"

    def as_dict(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "target_key": self.target,
            "status": self.status,
            "done": self.done,
            "total": self.total,
            "resealed": self.counts,
            "last_error": self.last_error,
        }


def latest_progress(session: Session) -> ResealProgress | None:
    """The newest re-seal run's progress (None when no run was ever started)."""
    job = session.scalar(select(Job).where(Job.kind == RESEAL_JOB).order_by(Job.id.desc()).limit(1))
    if job is None:
        return None
    payload = dict(job.payload)
    return ResealProgress(
        run=str(payload.get("run")),
        target=str(payload.get("target")),
        status=job.status,
        done=int(payload.get("done") or 0),
        total=int(payload.get("total") or 0),
        counts=dict(payload.get("counts") or {}),
        last_error=job.last_error,
    )


def unreadable_with_newest(session: Session, box: SecretBox) -> dict[str, int]:
    """Per column, how many stored values the newest key alone cannot open (all zero: the older keys
    may be retired)."""
    newest = SecretBox(box.keys[0])
    left: dict[str, int] = {}
    for index, (model, name) in enumerate(SEALED):
        column = getattr(model, name)
        count = 0
        for (token,) in session.execute(select(column).where(column.is_not(None))):
            try:
                newest.open(token)
            except ValueError:
                count += 1
        left[_column_name(index)] = count
    return left
