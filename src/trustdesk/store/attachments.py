"""Attachment files under the data directory: one folder per tenant, named by SHA-256.

Files are written once (temporary name, then renamed), readable by the server's user only,
and only ever served as downloads (see web/routes/mail_attachments.py), never inline.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from pathlib import Path

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class AttachmentStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path_for(self, tenant_id: int, sha256: str) -> Path:
        """Where a tenant's file with this digest lives (digest validated: no path tricks)."""
        if not _SHA256.match(sha256):
            raise ValueError("not a SHA-256 digest")
        return self.root / str(int(tenant_id)) / sha256[:2] / sha256

    def save(self, tenant_id: int, data: bytes) -> str:
        """Store the bytes (idempotent: the same content is kept once per tenant); returns the digest."""
        digest = hashlib.sha256(data).hexdigest()
        path = self.path_for(tenant_id, digest)
        if path.exists() and path.stat().st_size == len(data):
            return digest
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{digest}.{secrets.token_hex(4)}.tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        finally:
            if temporary.exists():
                temporary.unlink()
        return digest

    def read(self, tenant_id: int, sha256: str) -> bytes | None:
        """The file's bytes, or None when missing or altered on disk (digest checked)."""
        path = self.path_for(tenant_id, sha256)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        return data if hashlib.sha256(data).hexdigest() == sha256 else None
