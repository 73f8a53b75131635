"""Data-subject requests as the console, the API and the CLI run them: search, export, erase.

Every call is scoped to one tenant and runs in the caller's transaction; exports and erasures are
audited without naming the person (counts, the tombstone's id). The caller commits, then calls
`erasure.purge_outside_database` for the files and Redis keys.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.authenticity.fingerprint import FingerprintKey
from trustdesk.config import Settings
from trustdesk.privacy.archive import build_archive
from trustdesk.privacy.erasure import ErasureResult, erase_subject, plan_erasure
from trustdesk.privacy.export import collect_export
from trustdesk.privacy.finder import Subject, addresses_for, find_subject
from trustdesk.privacy.subject import Lookup, SubjectError, normalise_email, subject_key
from trustdesk.signing_keys import parse_secret_keys
from trustdesk.store.models import Tenant


class NobodyFound(SubjectError):
    """The tenant holds nothing about this person (or nothing is left after an erasure)."""


class CacheUnavailable(RuntimeError):
    """Redis could not be read, so the per-person keys could not be listed: nothing was changed."""


@dataclass(frozen=True)
class PrivacyDeps:
    """What requests need from the deployment: the secret (keyed hashes), the files, Redis.

    ``secret_key`` is the configured value, possibly a key ring ("NEW,OLD" after a rotation): new
    tombstones are keyed with the newest key, and lookups try every key."""

    secret_key: str
    attachments_root: Path
    redis: Any | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> PrivacyDeps:
        client = None
        if settings.redis_url:
            import redis

            client = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=2, socket_timeout=5)
        return cls(
            secret_key=settings.secret_key or "", attachments_root=settings.attachments_dir, redis=client
        )

    @property
    def secrets(self) -> list[str]:
        return parse_secret_keys(self.secret_key)

    def read_attachment(self, tenant_id: int, sha256: str) -> bytes | None:
        from trustdesk.store.attachments import AttachmentStore

        return AttachmentStore(self.attachments_root).read(tenant_id, sha256)


def locate(session: Session, tenant: Tenant, email: str, deps: PrivacyDeps) -> Subject:
    """Everything held about the person with this address; NobodyFound when that is nothing."""
    email = normalise_email(email)
    recipients = [FingerprintKey.derive(key).mac("recipient", tenant.slug, email) for key in deps.secrets]
    subject = find_subject(session, tenant.id, email, recipient_hashes=recipients)
    if not subject.found:
        raise NobodyFound(f"nobody with that e-mail address is known to {tenant.slug}")
    return subject


@dataclass(frozen=True)
class Match:
    email: str
    names: list[str]
    counts: dict[str, int]
    erased_before: int


def search(session: Session, tenant: Tenant, lookup: Lookup, deps: PrivacyDeps) -> list[Match]:
    """The people a search by e-mail, phone or order number finds, with what is held about each."""
    from trustdesk.privacy.erasure import earlier_erasures

    matches = []
    for email in addresses_for(session, tenant.id, lookup):
        erased = sum(
            len(earlier_erasures(session, tenant.id, subject_key(secret, tenant.slug, email)))
            for secret in deps.secrets
        )
        try:
            subject = locate(session, tenant, email, deps)
        except NobodyFound:
            if erased:
                matches.append(Match(email, [], {}, erased))
            continue
        matches.append(Match(email, sorted(subject.names), subject.counts(), erased))
    return matches


def export(
    session: Session, tenant: Tenant, email: str, deps: PrivacyDeps, *, actor: str, ip: str | None = None
) -> tuple[bytes, dict[str, Any]]:
    """The person's archive (zip) and its manifest; audited as `privacy.exported` (counts only)."""
    subject = locate(session, tenant, email, deps)
    archive, manifest = build_archive(collect_export(session, tenant, subject, deps.read_attachment))
    record(
        session,
        "privacy.exported",
        actor=actor,
        tenant_id=tenant.id,
        target="privacy_export",
        details={"kinds": manifest["kinds"], "files": len(manifest["files"])},
        ip=ip,
    )
    return archive, manifest


def erase(
    session: Session,
    tenant: Tenant,
    email: str,
    deps: PrivacyDeps,
    *,
    actor: str,
    dry_run: bool = False,
    ip: str | None = None,
) -> ErasureResult:
    """Erase the person (or, with `dry_run`, count what would go and change nothing)."""
    subject = locate(session, tenant, email, deps)
    try:
        if dry_run:
            return plan_erasure(
                session, tenant, subject, attachments_root=deps.attachments_root, redis=deps.redis
            )
        return erase_subject(
            session,
            tenant,
            subject,
            subject_key=subject_key(deps.secrets[0], tenant.slug, subject.email),
            actor=actor,
            attachments_root=deps.attachments_root,
            redis=deps.redis,
            ip=ip,
        )
    except _redis_errors() as exc:
        raise CacheUnavailable(
            f"Redis could not be read ({type(exc).__name__}); nothing was erased, try again"
        ) from exc


def _redis_errors() -> tuple[type[BaseException], ...]:
    try:
        import redis
    except ImportError:  # pragma: no cover - redis is a core dependency
        return (OSError,)
    return (redis.RedisError, OSError)
