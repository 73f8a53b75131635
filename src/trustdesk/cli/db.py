"""`trustdesk db`: schema migrations."""

from __future__ import annotations

import typer

from trustdesk.cli.common import engine, fail, print_json
from trustdesk.store.db import DatabaseUnavailable, safe_url
from trustdesk.store.migrate import current_revision, head_revision, upgrade

app = typer.Typer(help="Database schema: apply and inspect migrations.", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command(
    revision: str = typer.Argument("head", help="Target revision (default: newest)."),
) -> None:
    """Apply migrations up to REVISION (creates the database file for SQLite)."""
    eng = engine(require_schema=False)
    try:
        upgrade(eng, revision)
    except DatabaseUnavailable as exc:
        fail(str(exc), 3)
    typer.echo(f"database {safe_url(eng)} is at revision {current_revision(eng)}")


@app.command("current")
def current_command(
    json_output: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Show the applied and the newest revision."""
    eng = engine(require_schema=False)
    try:
        current = current_revision(eng)
    except Exception as exc:  # noqa: BLE001 - any connection problem is reported plainly
        fail(f"cannot read the schema revision: {type(exc).__name__}", 3)
    head = head_revision()
    if json_output:
        print_json({"current": current, "head": head, "up_to_date": current == head})
    else:
        typer.echo(f"current: {current or '(empty)'}\nhead:    {head}")
