"""`trustdesk backup`: back up a whole desk, check an archive, restore it into an empty place."""

from __future__ import annotations

from pathlib import Path

import typer

from trustdesk.audit.log import record
from trustdesk.backup import BackupError, create_backup, restore_backup, verify_backup
from trustdesk.cli.common import engine, fail, print_json, settings, unit_of_work
from trustdesk.store.db import make_engine, make_session_factory, transaction

app = typer.Typer(
    help="Backups: the database, attachments and keys in one checked archive; restore into an empty place.",
    no_args_is_help=True,
)

JSON = typer.Option(False, "--json", help="Machine-readable output.")


@app.command("create")
def create_command(
    out: Path = typer.Option(..., "--out", help="Archive to write (.tar.gz); written atomically, mode 0600."),
    no_keys: bool = typer.Option(
        False,
        "--no-keys",
        help="Leave the secret and encryption keys out (keep them elsewhere: without the "
        "encryption key, sealed secrets in the backup cannot be opened).",
    ),
    json_output: bool = JSON,
) -> None:
    """Back up the database (a consistent snapshot), the attachments and the keys."""
    try:
        manifest = create_backup(settings(), engine(), out, include_keys=not no_keys)
    except BackupError as exc:
        fail(str(exc))
    with unit_of_work() as session:
        record(
            session,
            "backup.created",
            actor="cli",
            tenant_id=None,
            details={"files": len(manifest.files), "keys_included": manifest.keys_included},
        )
    if json_output:
        print_json({"archive": str(out), **manifest.summary()})
    else:
        typer.echo(f"backup written to {out} ({len(manifest.files)} files, revision {manifest.revision})")
        if manifest.keys_included:
            typer.echo("it holds the desk's keys: store it as carefully as the keys themselves")


@app.command("verify")
def verify_command(
    archive: Path = typer.Argument(..., help="The backup archive."), json_output: bool = JSON
) -> None:
    """Check every file in an archive against its manifest (size and SHA-256)."""
    try:
        manifest = verify_backup(archive)
    except BackupError as exc:
        fail(str(exc))
    if json_output:
        print_json({"archive": str(archive), "ok": True, **manifest.summary()})
    else:
        typer.echo(f"{archive}: all {len(manifest.files)} files match the manifest")


@app.command("restore")
def restore_command(
    archive: Path = typer.Argument(..., help="The backup archive."),
    data_dir: Path = typer.Option(
        ..., "--data-dir", help="An empty (or new) folder for attachments and keys."
    ),
    database_url: str = typer.Option(
        None,
        "--database-url",
        help="For a PostgreSQL backup: an empty database. SQLite: <data-dir>/trustdesk.db.",
    ),
    json_output: bool = JSON,
) -> None:
    """Restore into an empty place after checking every file; then run `trustdesk db upgrade` there."""
    try:
        restored = restore_backup(archive, data_dir=data_dir, database_url=database_url)
    except BackupError as exc:
        fail(str(exc))
    target = database_url or f"sqlite:///{(data_dir / 'trustdesk.db').resolve()}"
    restored_engine = make_engine(target)
    try:
        with transaction(make_session_factory(restored_engine)) as session:
            record(
                session,
                "backup.restored",
                actor="cli",
                tenant_id=None,
                details={"created_at": restored.manifest.created_at, "revision": restored.manifest.revision},
            )
    finally:
        restored_engine.dispose()
    if json_output:
        print_json(
            {"data_dir": str(data_dir), "database_url": restored.database_url, **restored.manifest.summary()}
        )
    else:
        typer.echo(f"restored into {data_dir} ({restored.database_url}); next: trustdesk db upgrade")
