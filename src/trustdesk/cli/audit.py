"""`trustdesk audit verify`: check the tamper-evident audit chain."""

from __future__ import annotations

import typer

from trustdesk.audit.log import verify_chain
from trustdesk.cli.common import print_json, unit_of_work

app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


@app.command("verify")
def verify(json_output: bool = typer.Option(False, "--json")) -> None:
    """Recompute every entry's hash and link; exit 1 if anything was edited or deleted."""
    with unit_of_work() as session:
        report = verify_chain(session)
    if json_output:
        print_json(
            {
                "intact": report.intact,
                "entries": report.entries,
                "head_hash": report.head_hash,
                "breaks": [{"entry_id": b.entry_id, "problem": b.problem} for b in report.breaks],
            }
        )
    elif report.intact:
        typer.echo(f"audit chain intact: {report.entries} entries, head {report.head_hash}")
    else:
        typer.echo(f"audit chain BROKEN at {len(report.breaks)} place(s):")
        for b in report.breaks:
            typer.echo(f"  entry {b.entry_id}: {b.problem}")
    if not report.intact:
        raise typer.Exit(1)
