"""The tenant's audit trail, and a check of the whole chain."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.audit.log import verify_chain
from trustdesk.store.models import AuditEvent
from trustdesk.web.deps import Auth, db, require
from trustdesk.web.fields import RowId, page_size

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])


class AuditOut(BaseModel):
    id: int
    occurred_at: datetime
    actor: str
    action: str
    target: str
    details: dict[str, Any]
    ip: str | None


class ChainOut(BaseModel):
    intact: bool
    entries: int
    head_hash: str
    breaks: list[dict[str, Any]]


@router.get("", response_model=list[AuditOut], summary="Recent audit events for this retailer")
def list_events(
    action: str | None = Query(default=None, max_length=80),
    before_id: RowId | None = Query(default=None, description="Only events older than this id (paging)"),
    limit: page_size(1000) = 100,
    auth: Auth = Depends(require(Permission.VIEW_AUDIT)),
    session: Session = Depends(db),
) -> list[AuditOut]:
    query = select(AuditEvent).where(AuditEvent.tenant_id == auth.tenant.id)
    if action:
        query = query.where(AuditEvent.action == action)
    if before_id:
        query = query.where(AuditEvent.id < before_id)
    rows = session.scalars(query.order_by(AuditEvent.id.desc()).limit(limit)).all()
    return [
        AuditOut(
            id=e.id,
            occurred_at=e.occurred_at,
            actor=e.actor,
            action=e.action,
            target=e.target,
            details=e.details,
            ip=e.ip,
        )
        for e in rows
    ]


@router.get("/chain", response_model=ChainOut, summary="Verify the tamper-evident chain")
def chain(auth: Auth = Depends(require(Permission.VIEW_AUDIT)), session: Session = Depends(db)) -> ChainOut:
    report = verify_chain(session)
    # The chain spans all tenants; show only this tenant's entries among the breaks.
    own_ids = set(session.scalars(select(AuditEvent.id).where(AuditEvent.tenant_id == auth.tenant.id)))
    return ChainOut(
        intact=report.intact,
        entries=len(own_ids),
        head_hash=report.head_hash,
        breaks=[
            {"entry_id": b.entry_id, "problem": b.problem} for b in report.breaks if b.entry_id in own_ids
        ],
    )
