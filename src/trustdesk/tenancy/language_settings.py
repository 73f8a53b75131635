"""Reading and changing the languages a retailer offers (validated by tenancy.languages, audited)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.store.models import Tenant
from trustdesk.tenancy.languages import TenantLanguages, stored_languages, validate_languages


def tenant_languages(tenant: Tenant) -> TenantLanguages:
    """The languages the retailer offers and its default (English only for a damaged row)."""
    return stored_languages(tenant.languages, tenant.default_language)


def set_tenant_languages(
    session: Session,
    tenant: Tenant,
    offered: Sequence[object],
    default: object | None,
    *,
    actor: str,
    ip: str | None = None,
) -> TenantLanguages:
    """Store a new choice (raises LanguageSettingsError with a clear message); audited when it changes."""
    chosen = validate_languages(offered, default)
    before = tenant_languages(tenant)
    if chosen == before:
        return chosen
    tenant.languages = list(chosen.offered)
    tenant.default_language = chosen.default
    session.flush()
    record(
        session,
        "tenant.languages_changed",
        actor=actor,
        tenant_id=tenant.id,
        target=f"tenant:{tenant.slug}",
        details={"before": before.to_dict(), "after": chosen.to_dict()},
        ip=ip,
    )
    return chosen
