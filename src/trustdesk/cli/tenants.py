"""`trustdesk tenants`: create and list retailers, and choose the languages each offers."""

from __future__ import annotations

import typer
from sqlalchemy import select

from trustdesk.cli.common import fail, print_json, unit_of_work
from trustdesk.store.models import Tenant
from trustdesk.tenancy.language_settings import set_tenant_languages, tenant_languages
from trustdesk.tenancy.languages import LanguageSettingsError
from trustdesk.tenancy.service import TenantError, create_tenant, find_tenant

app = typer.Typer(help="Retailers (tenants) on this desk.", no_args_is_help=True)


@app.command("create")
def create(
    slug: str = typer.Argument(..., help="Short identifier used in URLs, e.g. acme."),
    name: str = typer.Option(..., "--name", help="Display name, e.g. 'Acme Outfitters'."),
    domain: str = typer.Option(..., "--domain", help="Primary web domain, e.g. acme-outfitters.example."),
    languages: str = typer.Option(
        "en", "--languages", help="Languages offered to customers, in order, e.g. en,de,fr."
    ),
    default: str | None = typer.Option(None, "--default", help="Fallback language (default: the first)."),
) -> None:
    """Create a retailer."""
    try:
        with unit_of_work() as session:
            tenant = create_tenant(
                session,
                slug=slug,
                name=name,
                primary_domain=domain,
                languages=_codes(languages),
                default_language=default,
                actor="cli",
            )
            typer.echo(f"created tenant {tenant.slug} ({tenant.name})")
    except TenantError as exc:
        fail(str(exc))


@app.command("list")
def list_tenants(json_output: bool = typer.Option(False, "--json")) -> None:
    """List retailers."""
    with unit_of_work() as session:
        rows = session.scalars(select(Tenant).order_by(Tenant.slug)).all()
        data = [{"slug": t.slug, "name": t.name, "primary_domain": t.primary_domain} for t in rows]
    if json_output:
        print_json(data)
    else:
        for t in data:
            typer.echo(f"{t['slug']:<20} {t['name']:<30} {t['primary_domain']}")


def _codes(text: str) -> list[str]:
    return [code.strip() for code in text.split(",") if code.strip()]


@app.command("languages")
def languages(
    slug: str = typer.Argument(..., help="The retailer (slug)."),
    set_to: str | None = typer.Option(
        None, "--set", help="Offer these languages, in order, e.g. en,de,fr (audited)."
    ),
    default: str | None = typer.Option(None, "--default", help="Fallback language (default: the first)."),
    json_output: bool = typer.Option(False, "--json", help='Print {"languages": [...], "default": ...}.'),
) -> None:
    """Show, or with --set change, the languages a retailer offers its customers."""
    if set_to is None and default is not None:
        fail("--default needs --set with the languages to offer")
    try:
        with unit_of_work() as session:
            tenant = find_tenant(session, slug)
            if tenant is None:
                fail(f"no tenant {slug!r}")
            if set_to is None:
                chosen = tenant_languages(tenant)
            else:
                chosen = set_tenant_languages(session, tenant, _codes(set_to), default, actor="cli")
    except LanguageSettingsError as exc:
        fail(str(exc))
    if json_output:
        print_json(chosen.to_dict())
    else:
        typer.echo(f"{slug}: {', '.join(chosen.offered)} (default {chosen.default})")
