"""The in-memory verification index, rebuilt whenever the stored registry version moves."""

from __future__ import annotations

import threading

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.store.models import OfficialChannelRow, RegistryState, ReportedIndicatorRow, Tenant
from trustdesk.verify import ChannelKind, OfficialChannel, Registry, ReportedIndicator


def load_registry(session: Session) -> Registry:
    """Every tenant's official channels and every live confirmed-fraud indicator."""
    tenants = {t.id: t for t in session.scalars(select(Tenant))}
    channels = [
        OfficialChannel(
            tenant=tenants[row.tenant_id].slug,
            tenant_name=tenants[row.tenant_id].name,
            kind=ChannelKind(row.kind),
            value=row.value,
            purpose=row.purpose,
            country=row.country,
            platform=row.platform,
            label=row.label,
        )
        for row in session.scalars(select(OfficialChannelRow))
    ]
    reported = [
        ReportedIndicator(
            kind=ChannelKind(row.kind),
            value=row.value,
            tenant=tenants[row.tenant_id].slug if row.tenant_id in tenants else None,
            report_id=row.report_ref,
            note=row.note,
        )
        for row in session.scalars(
            select(ReportedIndicatorRow).where(ReportedIndicatorRow.revoked_at.is_(None))
        )
    ]
    return Registry(channels, reported)


def registry_version(session: Session) -> int:
    return session.scalar(select(RegistryState.version).where(RegistryState.id == 1)) or 0


class RegistryCache:
    """One Registry per process; a cheap version read per use keeps every instance current at once."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._registry: Registry | None = None
        self._version = -1

    def get(self, session: Session) -> Registry:
        version = registry_version(session)
        registry = self._registry
        if registry is not None and version == self._version:
            return registry
        with self._lock:
            if self._registry is None or version != self._version:
                self._registry = load_registry(session)
                self._version = version
            return self._registry
