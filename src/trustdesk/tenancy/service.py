"""Creating and finding tenants."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.store.models import Tenant
from trustdesk.tenancy.languages import LanguageSettingsError, validate_languages

_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")

DEFAULT_BRANDING: dict[str, Any] = {
    "primary_color": "#1d4ed8",
    "accent_color": "#0f766e",
    "logo_text": "",
    "support_hours": "Mon-Fri 8:00-20:00",
}


class TenantError(ValueError):
    """A tenant cannot be created or found as asked; the message says why."""


def validate_slug(slug: str) -> str:
    if not _SLUG.match(slug):
        raise TenantError("slug must be 1-63 lowercase letters, digits or inner hyphens")
    return slug


def validate_domain(domain: str) -> str:
    domain = domain.strip().lower().rstrip(".")
    if not _DOMAIN.match(domain):
        raise TenantError(f"{domain!r} is not a valid domain name")
    return domain


def create_tenant(
    session: Session,
    *,
    slug: str,
    name: str,
    primary_domain: str,
    branding: dict[str, Any] | None = None,
    return_window_days: int = 30,
    languages: Sequence[str] = ("en",),
    default_language: str | None = None,
    actor: str = "cli",
) -> Tenant:
    validate_slug(slug)
    try:
        offered = validate_languages(languages, default_language)
    except LanguageSettingsError as exc:
        raise TenantError(str(exc)) from exc
    if not name.strip():
        raise TenantError("name must not be empty")
    if session.scalar(select(Tenant.id).where(Tenant.slug == slug)) is not None:
        raise TenantError(f"a tenant with slug {slug!r} already exists")
    tenant = Tenant(
        slug=slug,
        name=name.strip(),
        primary_domain=validate_domain(primary_domain),
        branding={**DEFAULT_BRANDING, "logo_text": name.strip(), **(branding or {})},
        return_window_days=return_window_days,
        languages=list(offered.offered),
        default_language=offered.default,
    )
    session.add(tenant)
    session.flush()
    record(session, "tenant.created", actor=actor, tenant_id=tenant.id, target=f"tenant:{slug}")
    return tenant


def get_tenant(session: Session, slug: str) -> Tenant:
    tenant = session.scalar(select(Tenant).where(Tenant.slug == slug))
    if tenant is None:
        raise TenantError(f"no tenant {slug!r}")
    return tenant


def find_tenant(session: Session, slug: str) -> Tenant | None:
    return session.scalar(select(Tenant).where(Tenant.slug == slug))
