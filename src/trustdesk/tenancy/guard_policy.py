"""Reading and changing a retailer's guard policy (validated, audited, cached per process)."""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.guard import Policy, PolicyError
from trustdesk.store.models import GuardPolicyRow, Tenant, User, utcnow

_cache: dict[int, tuple[object, Policy]] = {}
_lock = threading.Lock()


def get_policy(session: Session, tenant_id: int) -> Policy:
    """The tenant's policy, or the default; compiled policies are reused while the row is unchanged."""
    row = session.scalar(select(GuardPolicyRow).where(GuardPolicyRow.tenant_id == tenant_id))
    if row is None:
        return Policy()
    stamp = row.updated_at
    cached = _cache.get(tenant_id)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    policy = Policy.from_dict(row.policy)
    with _lock:
        _cache[tenant_id] = (stamp, policy)
    return policy


def set_policy(
    session: Session, tenant: Tenant, data: dict[str, Any], actor: User, *, ip: str | None = None
) -> Policy:
    """Validate and store a new policy; custom patterns that could hang the process are refused."""
    try:
        policy = Policy.from_dict(data)
    except PolicyError:
        raise
    row = session.scalar(select(GuardPolicyRow).where(GuardPolicyRow.tenant_id == tenant.id))
    before = row.policy if row else Policy().to_dict()
    if row is None:
        row = GuardPolicyRow(tenant_id=tenant.id)
        session.add(row)
    row.policy = policy.to_dict()
    row.updated_by_id = actor.id
    row.updated_at = utcnow()
    session.flush()
    changed = sorted(k for k in set(before) | set(row.policy) if before.get(k) != row.policy.get(k))
    record(
        session,
        "policy.changed",
        actor=f"{actor.role}:{actor.email}",
        tenant_id=tenant.id,
        target="guard_policy",
        details={
            "changed": changed,
            "custom_detectors": [d["name"] for d in row.policy.get("custom_detectors", [])],
        },
        ip=ip,
    )
    return policy
