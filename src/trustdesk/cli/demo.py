"""`trustdesk demo`: create the demo retailers and print how to sign in."""

from __future__ import annotations

import typer

from trustdesk.cli.common import settings, unit_of_work
from trustdesk.demo.loader import load_credentials, load_demo


def command() -> None:
    """Create 'Acme Outfitters' and 'Northwind Home' with staff, customers and orders (idempotent)."""
    s = settings()
    creds_file = s.data_dir / "demo-credentials.jsonl"
    with unit_of_work() as session:
        result = load_demo(session, creds_file)
    if result.created:
        typer.echo(f"created demo retailers: {', '.join(result.created)}")
    else:
        typer.echo("demo retailers already exist")
    typer.echo(f"\nSign in at {s.public_base_url}/login  (staff set up two-factor sign-in on first use)")
    typer.echo(f"credentials (also in {creds_file}, readable only by you):")
    for tenant, role, email, password in load_credentials(creds_file):
        typer.echo(f"  {tenant:<10} {role:<9} {email:<34} {password}")
