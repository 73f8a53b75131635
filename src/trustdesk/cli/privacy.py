"""`trustdesk privacy export|erase`: data-subject requests (GDPR art. 15 and 17) for one tenant."""

from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import typer
from sqlalchemy.engine import Engine

from trustdesk.cli.common import fail, print_json, settings, unit_of_work
from trustdesk.privacy.erasure import purge_outside_database
from trustdesk.privacy.service import CacheUnavailable, NobodyFound, PrivacyDeps, erase, export
from trustdesk.privacy.subject import SubjectError
from trustdesk.tenancy.service import TenantError, get_tenant

app = typer.Typer(
    help="Data-subject requests: export or erase everything held about a person.", no_args_is_help=True
)


def _error(code: str, message: str, json_output: bool, exit_code: int = 1) -> NoReturn:
    if json_output:
        print_json({"error": {"code": code, "message": message}})
        raise typer.Exit(exit_code)
    fail(message, exit_code)


def _write_private(path: Path, data: bytes) -> None:
    """Write the archive readable by its owner only, replacing any earlier file at once."""
    temporary = path.with_name(f".{path.name}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    os.replace(temporary, path)


@app.command("export")
def export_command(
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug."),
    email: str = typer.Option(..., "--email", help="The person's e-mail address."),
    out: Path = typer.Option(..., "--out", help="Where to write the archive (.zip)."),
    json_output: bool = typer.Option(False, "--json", help="Print the manifest's kinds as JSON."),
) -> None:
    """Write everything the tenant holds about the person to one zip (JSON per kind, attachments, manifest)."""
    if out.exists() and out.is_dir():
        _error("bad_output", f"{out} is a folder; give a file name", json_output)
    if not out.parent.is_dir():
        _error("bad_output", f"folder {out.parent} does not exist", json_output)
    deps = PrivacyDeps.from_settings(settings())
    try:
        with unit_of_work() as session:
            t = get_tenant(session, tenant)
            archive, manifest = export(session, t, email, deps, actor="cli")
    except TenantError as exc:
        _error("unknown_tenant", str(exc), json_output)
    except NobodyFound as exc:
        _error("not_found", str(exc), json_output)
    except SubjectError as exc:
        _error("bad_request", str(exc), json_output, 2)
    _write_private(out, archive)
    if json_output:
        print_json(
            {"tenant": tenant, "out": str(out), "kinds": manifest["kinds"], "files": len(manifest["files"])}
        )
    else:
        held = ", ".join(f"{kind} {n}" for kind, n in manifest["kinds"].items() if n)
        typer.echo(f"wrote {out} ({len(archive)} bytes, {len(manifest['files'])} files): {held}")


@app.command("erase")
def erase_command(
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug."),
    email: str = typer.Option(..., "--email", help="The person's e-mail address."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Count what would be removed; change nothing."),
    json_output: bool = typer.Option(False, "--json", help="Print the summary per kind as JSON."),
) -> None:
    """Erase the person (customer, conversations, mail, attachments, personal fields of orders and
    reports, bot state, cache keys) and leave a tombstone; or count it with --dry-run."""
    deps = PrivacyDeps.from_settings(settings())
    try:
        with unit_of_work() as session:
            t = get_tenant(session, tenant)
            result = erase(session, t, email, deps, actor="cli", dry_run=dry_run)
            bind = session.get_bind()
            if dry_run:
                session.rollback()
    except TenantError as exc:
        _error("unknown_tenant", str(exc), json_output)
    except NobodyFound as exc:
        _error("not_found", str(exc), json_output)
    except CacheUnavailable as exc:
        _error("cache_unavailable", str(exc), json_output)
    except SubjectError as exc:
        _error("bad_request", str(exc), json_output, 2)
    purge_outside_database(result, deps.redis, bind if isinstance(bind, Engine) else None)
    if json_output:
        print_json({"tenant": tenant, **result.as_dict()})
        return
    verb = "would remove" if dry_run else "removed"
    held = ", ".join(f"{kind} {n}" for kind, n in result.counts.items() if n)
    typer.echo(f"{verb}: {held or 'nothing'}")
    if result.tombstone_id is not None:
        typer.echo(f"tombstone {result.tombstone_id}")


retention = typer.Typer(
    help="Retention schedules: how long each kind of data is kept, and runs that delete what is older.",
    no_args_is_help=True,
)
app.add_typer(retention, name="retention")


@retention.command("set")
def retention_set(
    tenant: str = typer.Option(..., "--tenant", help="Tenant slug."),
    kind: str = typer.Option(
        ..., "--kind", help="conversations, mail, attachments, reports or audit_metadata."
    ),
    days: int = typer.Option(None, "--days", help="Keep this many days (1 to 3650)."),
    forever: bool = typer.Option(False, "--forever", help="Remove the rule: keep this kind for ever."),
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """Set (or with --forever remove) one kind's retention rule. Audited."""
    from trustdesk.privacy.retention import RetentionError
    from trustdesk.privacy.retention_runs import rules, set_rule

    if (days is None) == (not forever):
        _error("bad_request", "give --days N or --forever", json_output, 2)
    try:
        with unit_of_work() as session:
            t = get_tenant(session, tenant)
            set_rule(session, t, kind, None if forever else days, actor="cli")
            current = rules(session, t.id)
    except TenantError as exc:
        _error("unknown_tenant", str(exc), json_output)
    except (RetentionError, ValueError) as exc:
        _error("bad_request", str(exc), json_output, 2)
    if json_output:
        print_json({"tenant": tenant, "rules": current})
    else:
        typer.echo(
            ", ".join(f"{k}: {d} days" for k, d in sorted(current.items())) or "no rules: everything kept"
        )


@retention.command("run")
def retention_run(
    tenant: str = typer.Option(None, "--tenant", help="Tenant slug."),
    kind: str = typer.Option(
        None, "--kind", help="conversations, mail, attachments, reports or audit_metadata."
    ),
    every_rule: bool = typer.Option(
        False, "--all", help="Every tenant's every rule (what a daily timer runs); skips runs still going."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Count what is past retention; change nothing."),
    json_output: bool = typer.Option(False, "--json"),
) -> None:
    """Start a run (a durable job the desk's workers or `trustdesk jobs work` carry out in batches)."""
    from trustdesk.privacy.retention import RetentionError
    from trustdesk.privacy.retention_runs import start_run, start_scheduled_runs

    if every_rule:
        if tenant or kind or dry_run:
            _error("bad_request", "--all goes without --tenant, --kind and --dry-run", json_output, 2)
        with unit_of_work() as session:
            runs = start_scheduled_runs(session, actor="cli")
        if json_output:
            print_json({"runs": [run.__dict__ for run in runs]})
        else:
            for run in runs:
                what = f"job {run.job_id}" if run.job_id else "previous run still going, none started"
                typer.echo(
                    f"{run.tenant} {run.kind} (keep {run.keep_days} days): {run.expired} to delete, {what}"
                )
            if not runs:
                typer.echo("no retention rules: nothing to run")
        return
    if not tenant or not kind:
        _error("bad_request", "give --tenant and --kind, or --all", json_output, 2)
    try:
        with unit_of_work() as session:
            t = get_tenant(session, tenant)
            started = start_run(session, t, kind, actor="cli", dry_run=dry_run)
    except TenantError as exc:
        _error("unknown_tenant", str(exc), json_output)
    except RetentionError as exc:
        _error("bad_request", str(exc), json_output, 2)
    out = {
        "tenant": tenant,
        "kind": started.kind,
        "keep_days": started.keep_days,
        "expired": started.expired,
        "dry_run": dry_run,
        "job": started.job_id,
    }
    if json_output:
        print_json(out)
    elif dry_run:
        typer.echo(f"{started.expired} {started.kind} older than {started.keep_days} days would be deleted")
    else:
        typer.echo(f"run queued as job {started.job_id}: {started.expired} {started.kind} to delete")
