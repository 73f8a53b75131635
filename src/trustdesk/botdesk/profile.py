"""What a retailer has configured for its bot (kept in the tenant's branding settings)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from trustdesk.bot.context import SUPPORTED_CODES, TenantProfile
from trustdesk.i18n.languages import DEFAULT_LANGUAGE
from trustdesk.store.models import Tenant
from trustdesk.tenancy.language_settings import tenant_languages

BOT_KEY = "bot"


@dataclass(frozen=True)
class BotSettings:
    """`branding["bot"]`: {"enabled": bool, "name": str, "languages": [...]}; off unless enabled."""

    enabled: bool
    name: str
    languages: tuple[str, ...]


def bot_settings(tenant: Tenant) -> BotSettings:
    """The tenant's bot settings, with defaults for anything missing or malformed."""
    branding: dict[str, Any] = tenant.branding or {}
    raw = branding.get(BOT_KEY)
    config: dict[str, Any] = raw if isinstance(raw, dict) else {}
    languages = config.get("languages") or branding.get("languages") or ["en"]
    if not isinstance(languages, list) or not all(isinstance(x, str) for x in languages):
        languages = ["en"]
    name = config.get("name")
    return BotSettings(
        enabled=config.get("enabled") is True,
        name=name.strip()[:80] if isinstance(name, str) and name.strip() else f"{tenant.name} assistant",
        languages=tuple(x.strip().lower()[:8] for x in languages if x.strip()) or ("en",),
    )


def public_url(base: str | None, path: str) -> str:
    """An absolute link on this deployment (relative when no public base URL is configured)."""
    return f"{base.rstrip('/')}{path}" if base else path


def tenant_profile(
    tenant: Tenant,
    base_url: str | None,
    *,
    languages: tuple[str, ...] = SUPPORTED_CODES,
    default_language: str = DEFAULT_LANGUAGE,
) -> TenantProfile:
    """What the bot says about the retailer it works for, and the official pages it links to.

    `languages` and `default_language`: what the retailer offers customers (`offered_profile`
    reads them from the retailer; every supported language and English when not given). The bot
    settings' "languages" are the languages its team answers in.
    """
    settings = bot_settings(tenant)
    return TenantProfile(
        slug=tenant.slug,
        name=tenant.name,
        bot_name=settings.name,
        languages=languages,
        default_language=default_language,
        agent_languages=settings.languages,
        help_center_url=public_url(base_url, f"/t/{tenant.slug}/help"),
        report_url=public_url(base_url, f"/t/{tenant.slug}/report"),
        official_channels_url=public_url(base_url, f"/t/{tenant.slug}/help"),
    )


def offered_profile(tenant: Tenant, base_url: str | None) -> TenantProfile:
    """The bot's profile of a retailer with the languages the retailer offers its customers."""
    chosen = tenant_languages(tenant)
    return tenant_profile(tenant, base_url, languages=tuple(chosen.offered), default_language=chosen.default)
