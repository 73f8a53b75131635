"""`trustdesk orders import`: load the retailer's orders from CSV or JSON lines."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from trustdesk.cli.common import err_console, fail, print_json, unit_of_work
from trustdesk.commerce.importer import MAX_IMPORT_BYTES, detect_format, import_orders
from trustdesk.commerce.records import RowError
from trustdesk.tenancy.service import TenantError, get_tenant

app = typer.Typer(help="The retailer's orders.", no_args_is_help=True)


def _count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


@app.command("import")
def import_command(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, readable=True, help="A .csv or .jsonl file."
    ),
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug."),
    fmt: str = typer.Option("auto", "--format", help="csv, jsonl or auto (from the file name)."),
    json_output: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Import orders; every bad row is reported with its line number and the good rows are kept."""
    if file.stat().st_size > MAX_IMPORT_BYTES:
        fail(f"{file.name} is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MiB; split it")
    try:
        kind = detect_format(file) if fmt == "auto" else fmt
    except RowError as exc:
        fail(str(exc))
    if kind not in {"csv", "jsonl"}:
        fail("--format must be csv, jsonl or auto")
    total = max(_count_lines(file) - (1 if kind == "csv" else 0), 0)
    try:
        with unit_of_work() as session, file.open(encoding="utf-8", errors="strict", newline="") as stream:
            t = get_tenant(session, tenant)
            with Progress(
                TextColumn("importing"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=err_console,
                transient=json_output,
            ) as progress:
                task = progress.add_task("rows", total=total)
                report = import_orders(
                    session, t, stream, kind, actor="cli", on_row=lambda: progress.advance(task)
                )
    except TenantError as exc:
        fail(str(exc))
    except UnicodeDecodeError as exc:
        fail(f"{file.name} is not UTF-8 text (byte {exc.start}); nothing was imported")
    if json_output:
        print_json(
            {
                "created": report.created,
                "updated": report.updated,
                "errors": [{"line": line, "error": msg} for line, msg in report.errors],
            }
        )
    else:
        typer.echo(
            f"imported {report.ok} orders ({report.created} new, {report.updated} updated), {len(report.errors)} rows rejected"
        )
        for line, msg in report.errors[:200]:
            typer.echo(f"  line {line}: {msg}")
        if len(report.errors) > 200:
            typer.echo(f"  ... and {len(report.errors) - 200} more")
    if report.errors and not report.ok:
        raise typer.Exit(1)
