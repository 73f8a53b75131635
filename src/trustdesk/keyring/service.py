"""Status, rotation and retirement of the two key rings, audited by public key ids.

Each operation records its audit entry and commits before the key file changes: a rotation is never
unaudited, and a file write that fails afterwards leaves the old ring in force (the entry says what
was attempted). A running process keeps the keys it started with; the status compares them with the
file, so a page can say when a restart is due.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.config import Settings
from trustdesk.jobs import DEAD, DONE
from trustdesk.keyring.files import (
    ENCRYPTION,
    SECRET,
    KeyRingError,
    file_ring,
    key_file,
    parse_ring,
    write_key_file,
)
from trustdesk.secretbox import SecretBox
from trustdesk.signing_keys import secret_key_id
from trustdesk.store.models import AuditEvent, SentMessage, UserSession, utcnow
from trustdesk.store.resealing import (
    ResealProgress,
    encryption_key_id,
    latest_progress,
    start_reseal,
    unreadable_with_newest,
)

# The audit entries that name a key as it enters the ring (their target is "<kind>:<key id>").
INTRODUCING_ACTIONS = (
    "keys.secret_rotated",
    "keys.encryption_rotated",
    "keys.reseal_started",
    "keys.encryption_resealed",
)


class NotRetirable(KeyRingError):
    """The key named is the current one, or not in the ring."""

    code = "not_retirable"


class ResealPending(KeyRingError):
    """Stored secrets still need an older encryption key (or a re-seal run is still going)."""

    code = "reseal_pending"


def key_id(kind: str, key: str) -> str:
    """The public id of one key of `kind` (it reveals nothing of the key)."""
    return encryption_key_id(key) if kind == ENCRYPTION else secret_key_id(key)


@dataclass(frozen=True)
class KeyInfo:
    id: str
    current: bool
    created_at: datetime | None  # from the audit entry that introduced it; None: older than that log
    running: bool  # this process holds it


@dataclass(frozen=True)
class RingStatus:
    kind: str
    keys: list[KeyInfo]
    managed: bool  # the desk may rotate it (its file in the data folder); False: set by the operator
    restart_due: bool  # the file's ring differs from the one this process runs with

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "managed": self.managed,
            "restart_due": self.restart_due,
            "keys": [
                {
                    "id": k.id,
                    "current": k.current,
                    "created_at": k.created_at.isoformat() if k.created_at else None,
                    "running": k.running,
                }
                for k in self.keys
            ],
        }


@dataclass(frozen=True)
class Rotation:
    kind: str
    key_id: str
    previous_key_ids: list[str]
    key_file: str
    sessions_ended: int = 0
    reseal: dict[str, Any] | None = None  # the background run: job, run, total

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "rotated": self.kind,
            "key_id": self.key_id,
            "previous_key_ids": self.previous_key_ids,
            "key_file": self.key_file,
        }
        if self.kind == SECRET:
            found["sessions_ended"] = self.sessions_ended
        if self.reseal is not None:
            found["background"] = self.reseal
        return found


@dataclass(frozen=True)
class Retirement:
    kind: str
    retired: list[str]
    current: str
    key_file: str | None
    # Secret keys: what only the retired keys verify (message references) and will no longer verify.
    references_signed: int = 0
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        found: dict[str, Any] = {
            "kind": self.kind,
            "retired": self.retired,
            "current": self.current,
            "key_file": self.key_file,
        }
        if self.kind == SECRET:
            found["references_signed"] = self.references_signed
        return found


def _introduced(session: Session, kind: str) -> dict[str, datetime]:
    """When each key id first appeared in the audit log (rotations and re-seal runs name it)."""
    prefix = f"{kind}:"
    rows = session.execute(
        select(AuditEvent.target, func.min(AuditEvent.occurred_at))
        .where(
            AuditEvent.action.in_(INTRODUCING_ACTIONS),  # indexed: the audit log grows for years
            AuditEvent.target.like(prefix + "%"),
            AuditEvent.tenant_id.is_(None),
        )
        .group_by(AuditEvent.target)
    )
    return {str(target)[len(prefix) :]: at for target, at in rows}


def ring_status(session: Session, settings: Settings, kind: str) -> RingStatus:
    """The ring the next start uses, newest first, with what this process runs with."""
    running = [key_id(kind, k) for k in parse_ring(kind, getattr(settings, kind))]
    ids = [key_id(kind, k) for k in file_ring(settings, kind)]
    try:
        key_file(settings, kind)
        managed = True
    except KeyRingError:
        managed = False
    created = _introduced(session, kind)
    return RingStatus(
        kind=kind,
        keys=[
            KeyInfo(id=i, current=n == 0, created_at=created.get(i), running=i in running)
            for n, i in enumerate(ids)
        ],
        managed=managed,
        restart_due=ids != running,
    )


def _ready_for_new_key(progress: ResealProgress | None) -> None:
    if progress is not None and progress.status not in (DONE, DEAD):
        raise ResealPending(
            f"re-seal run {progress.run} is still {progress.status} ({progress.done} of {progress.total}): "
            "let it finish first"
        )


def _record_rotation(
    session: Session, action: str, rotation: Rotation, *, actor: str, ip: str | None, **details: Any
) -> None:
    """Audit a rotation: the new key's id, the ids it put behind it, and ``details``."""
    record(
        session,
        action,
        actor=actor,
        tenant_id=None,
        target=f"{rotation.kind}:{rotation.key_id}",
        details={"key_id": rotation.key_id, "previous_key_ids": rotation.previous_key_ids, **details},
        ip=ip,
    )


def rotate_secret(
    session: Session, settings: Settings, *, actor: str, end_sessions: bool, ip: str | None = None
) -> Rotation:
    """A new secret key signs from the next start on; older keys keep verifying what they signed.
    With `end_sessions`, every staff session ends now. Commits `session`."""
    path = key_file(settings, SECRET)
    old = file_ring(settings, SECRET)
    new = secrets.token_urlsafe(48)
    ended = 0
    if end_sessions:
        result = session.execute(
            update(UserSession).where(UserSession.revoked_at.is_(None)).values(revoked_at=utcnow())
        )
        ended = int(result.rowcount or 0)  # type: ignore[attr-defined]
    rotation = Rotation(
        kind=SECRET,
        key_id=secret_key_id(new),
        previous_key_ids=[secret_key_id(k) for k in old],
        key_file=str(path),
        sessions_ended=ended,
    )
    _record_rotation(session, "keys.secret_rotated", rotation, actor=actor, ip=ip, sessions_ended=ended)
    session.commit()
    _write(path, [new, *old], "secret")
    return rotation


def rotate_encryption_in_background(
    session: Session, settings: Settings, *, actor: str, ip: str | None = None
) -> Rotation:
    """A new encryption key first in the ring and a background run that re-seals every stored secret
    with it (the job workers pick it up once restarted); the old keys stay until `retire_encryption`.
    Commits `session`."""
    path = key_file(settings, ENCRYPTION)
    _ready_for_new_key(latest_progress(session))
    old = file_ring(settings, ENCRYPTION)
    new = Fernet.generate_key().decode()
    ring = [new, *old]
    # The file changes first: a run must never seal with a key that no file holds.
    _write(path, ring, "encryption")
    job = start_reseal(session, SecretBox(",".join(ring)), actor=actor)
    rotation = Rotation(
        kind=ENCRYPTION,
        key_id=encryption_key_id(new),
        previous_key_ids=[encryption_key_id(k) for k in old],
        key_file=str(path),
        reseal={"job": job.id, "run": job.payload["run"], "total": job.payload["total"]},
    )
    _record_rotation(session, "keys.encryption_rotated", rotation, actor=actor, ip=ip, background=True)
    session.commit()
    return rotation


def retire_secret(
    session: Session, settings: Settings, ids: list[str], *, actor: str, ip: str | None = None
) -> Retirement:
    """Drop the named older secret keys (every older key when `ids` is empty) from the ring. Sessions
    and message references they signed stop verifying. Commits `session`."""
    path = key_file(settings, SECRET)
    ring = file_ring(settings, SECRET)
    by_id = {secret_key_id(k): k for k in ring}
    current = secret_key_id(ring[0])
    running_current = secret_key_id(parse_ring(SECRET, settings.secret_key)[0])
    wanted = list(dict.fromkeys(ids)) or [i for i in by_id if i != current]
    if not wanted:
        raise NotRetirable(f"the ring holds only the current secret key {current}: nothing to retire")
    for wanted_id in wanted:
        if wanted_id not in by_id:
            raise NotRetirable(f"no secret key {wanted_id} in the ring (keys: {', '.join(by_id)})")
        if wanted_id == current:
            raise NotRetirable(
                f"secret key {wanted_id} is the current key: rotate first (`trustdesk keys rotate --secret`)"
            )
        if wanted_id == running_current:
            raise NotRetirable(
                f"this instance still signs with secret key {wanted_id}: restart the desk first"
            )
    references = int(
        session.scalar(select(func.count()).select_from(SentMessage).where(SentMessage.key_id.in_(wanted)))
        or 0
    )
    retirement = Retirement(
        kind=SECRET, retired=wanted, current=current, key_file=str(path), references_signed=references
    )
    record(
        session,
        "keys.secret_retired",
        actor=actor,
        tenant_id=None,
        target=f"{SECRET}:{current}",
        details={"retired": wanted, "references_signed": references},
        ip=ip,
    )
    session.commit()
    _write(path, [k for k in ring if secret_key_id(k) not in wanted], "secret")
    return retirement


def retire_encryption(
    session: Session, settings: Settings, *, actor: str, ip: str | None = None, write_file: bool = True
) -> Retirement:
    """Drop every older encryption key once the last re-seal run is over and every stored secret opens
    with the newest key alone. Commits `session`. With `write_file` False (a ring set outside the desk)
    only the checks run and nothing is recorded."""
    path = key_file(settings, ENCRYPTION) if write_file else None
    ring = file_ring(settings, ENCRYPTION) if write_file else parse_ring(ENCRYPTION, settings.encryption_key)
    current = encryption_key_id(ring[0])
    if write_file and encryption_key_id(parse_ring(ENCRYPTION, settings.encryption_key)[0]) != current:
        raise ResealPending(
            f"this instance does not hold encryption key {current} yet: restart the desk and its workers first"
        )
    progress = latest_progress(session)
    _ready_for_new_key(progress)
    left = unreadable_with_newest(session, SecretBox(",".join(ring)))
    if sum(left.values()):
        raise ResealPending(
            f"{sum(left.values())} stored secrets still need an older key "
            f"({', '.join(k for k, v in left.items() if v)}): restart every instance and run "
            "`trustdesk keys reseal --background` (or rotate from the console), then try again"
        )
    retired = [encryption_key_id(k) for k in ring[1:]]
    retirement = Retirement(
        kind=ENCRYPTION, retired=retired, current=current, key_file=str(path) if path else None
    )
    if path is None or not retired:
        session.rollback()
        return retirement
    record(
        session,
        "keys.encryption_retired",
        actor=actor,
        tenant_id=None,
        target=f"{ENCRYPTION}:{current}",
        details={"retired": retired},
        ip=ip,
    )
    session.commit()
    _write(path, ring[:1], "encryption")
    return retirement


def _write(path: Any, keys: list[str], what: str) -> None:
    try:
        write_key_file(path, keys)
    except OSError as exc:
        raise KeyRingError(f"could not write {path}: {exc}; the {what} key file is unchanged") from None
