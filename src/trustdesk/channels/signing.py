"""Manifest signing keys kept in the database, private halves sealed with the deployment key."""

from __future__ import annotations

import base64
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.secretbox import SecretBox
from trustdesk.store.models import ManifestSigningKey, utcnow
from trustdesk.verify.jws import SigningKey
from trustdesk.verify.manifest import DEFAULT_TTL


def _to_domain(row: ManifestSigningKey, box: SecretBox) -> SigningKey:
    raw = base64.b64decode(box.open(row.private_key_encrypted))
    retired = int(row.retired_at.timestamp()) if row.retired_at else None
    return SigningKey.from_private_bytes(raw, int(row.created_at.timestamp()), retired)


def _store(session: Session, key: SigningKey, box: SecretBox) -> ManifestSigningKey:
    row = ManifestSigningKey(
        kid=key.kid, private_key_encrypted=box.seal(base64.b64encode(key.private_bytes()).decode())
    )
    session.add(row)
    session.flush()
    return row


def active_key(session: Session, box: SecretBox) -> SigningKey:
    """The key that signs now; created on first use."""
    row = session.scalar(
        select(ManifestSigningKey)
        .where(ManifestSigningKey.retired_at.is_(None))
        .order_by(ManifestSigningKey.id.desc())
    )
    if row is None:
        key = SigningKey.generate()
        _store(session, key, box)
        record(session, "keys.manifest_key_created", actor="system", tenant_id=None, target=f"kid:{key.kid}")
        return key
    return _to_domain(row, box)


def rotate(session: Session, box: SecretBox, *, actor: str) -> SigningKey:
    """Retire the current key (it stays published until its manifests expire) and start a new one."""
    now = utcnow()
    for row in session.scalars(select(ManifestSigningKey).where(ManifestSigningKey.retired_at.is_(None))):
        row.retired_at = now
    key = SigningKey.generate()
    _store(session, key, box)
    record(session, "keys.manifest_key_rotated", actor=actor, tenant_id=None, target=f"kid:{key.kid}")
    return key


def published_keys(session: Session, box: SecretBox) -> list[SigningKey]:
    """Keys in the JWKS: the active one and retired ones whose manifests may still be valid."""
    cutoff = utcnow() - timedelta(seconds=DEFAULT_TTL)
    rows = session.scalars(
        select(ManifestSigningKey).where(
            (ManifestSigningKey.retired_at.is_(None)) | (ManifestSigningKey.retired_at > cutoff)
        )
    ).all()
    return [_to_domain(row, box) for row in rows]
