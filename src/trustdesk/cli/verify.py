"""`trustdesk verify`: is this contact (or every contact in this text) really the retailer's?"""

from __future__ import annotations

import sys

import typer

from trustdesk.channels.index import load_registry
from trustdesk.cli.common import fail, print_json, unit_of_work
from trustdesk.tenancy.service import find_tenant

MAX_TEXT = 20_000


def command(
    contact_or_text: str = typer.Argument(
        ..., help="A phone number, e-mail, URL, domain, @handle, a whole message, or - for stdin."
    ),
    tenant: str | None = typer.Option(
        None, "--tenant", help="Check against this retailer only (slug); default: every retailer."
    ),
    json_output: bool = typer.Option(
        False,
        "--json",
        help='Print {"results": [{"contact", "kind", "verdict", "reasons", "imitates", ...}]}.',
    ),
) -> None:
    """Check contacts against the official-channel registry: official, lookalike, reported or unknown."""
    from trustdesk.web.routes.verify import run_verification

    text = sys.stdin.read(MAX_TEXT + 1) if contact_or_text == "-" else contact_or_text
    if len(text) > MAX_TEXT:
        fail(f"the text is longer than {MAX_TEXT} characters; check a shorter part")
    with unit_of_work() as session:
        if tenant is not None and find_tenant(session, tenant) is None:
            fail(f"no tenant {tenant!r}")
        registry = load_registry(session)
    outcome = run_verification(registry, contact=None, text=text, tenant=tenant)
    if json_output:
        print_json(outcome)
        return
    if not outcome["results"]:
        typer.echo("no contact details found")
    for result in outcome["results"]:
        typer.echo(f"{result['verdict'].upper():<10} {result['kind']:<7} {result['contact']}")
        typer.echo(f"           {result['explanation']}")
        for reason in result["reasons"]:
            typer.echo(f"           - {reason['code']}: {reason['detail']}")
