"""`trustdesk tenants`: create and list retailers."""

from __future__ import annotations

import typer
from sqlalchemy import select

from trustdesk.cli.common import fail, print_json, unit_of_work
from trustdesk.store.models import Tenant
from trustdesk.tenancy.service import TenantError, create_tenant

app = typer.Typer(help="Retailers (tenants) on this desk.", no_args_is_help=True)


@app.command("create")
def create(
    slug: str = typer.Argument(..., help="Short identifier used in URLs, e.g. acme."),
    name: str = typer.Option(..., "--name", help="Display name, e.g. 'Acme Outfitters'."),
    domain: str = typer.Option(..., "--domain", help="Primary web domain, e.g. acme-outfitters.example."),
) -> None:
    """Create a retailer."""
    try:
        with unit_of_work() as session:
            tenant = create_tenant(session, slug=slug, name=name, primary_domain=domain, actor="cli")
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
