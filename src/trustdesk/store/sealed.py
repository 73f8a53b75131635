"""Every column that holds a secret sealed with the deployment's encryption key, and re-sealing them
all under the newest key in one transaction (key rotation).

A sealed column's name ends in "_encrypted" or "_sealed"; tests/operations/test_key_rotation.py fails
when such a column is missing here, so a new one cannot be forgotten by a rotation.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from trustdesk.secretbox import SecretBox
from trustdesk.store.models import DkimKey, MailboxRow, ManifestSigningKey, User, WebhookEndpoint

SEALED: tuple[tuple[Any, str], ...] = (
    (User, "totp_secret_encrypted"),
    (DkimKey, "private_key_encrypted"),
    (ManifestSigningKey, "private_key_encrypted"),
    (WebhookEndpoint, "secret_encrypted"),
    (MailboxRow, "secret_sealed"),
)
BATCH = 500


def reseal_all(session: Session, box: SecretBox) -> dict[str, int]:
    """Re-seal every stored secret with the box's newest key, in the caller's transaction; returns how
    many were re-sealed per table.column. Raises ValueError if one cannot be opened with any key."""
    counts: dict[str, int] = {}
    for model, name in SEALED:
        column = getattr(model, name)
        done, last_id = 0, 0
        while True:
            rows = session.execute(
                select(model.id, column)
                .where(column.is_not(None), model.id > last_id)
                .order_by(model.id)
                .limit(BATCH)
            ).all()
            if not rows:
                break
            for row_id, token in rows:
                session.execute(update(model).where(model.id == row_id).values({name: box.reseal(token)}))
            done += len(rows)
            last_id = rows[-1][0]
        counts[f"{model.__tablename__}.{name}"] = done
    return counts
