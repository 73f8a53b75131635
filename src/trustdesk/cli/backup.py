"""`trustdesk backup`: back up a whole desk, check an archive, restore it into an empty place."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from trustdesk.audit.log import record
from trustdesk.backup import BackupError, create_backup, restore_backup, verify_backup
from trustdesk.cli.common import engine, fail, print_json, settings, unit_of_work
from trustdesk.config import Settings
from trustdesk.store.db import make_engine, make_session_factory, transaction

app = typer.Typer(
    help="Backups: the database, attachments and keys in one checked archive; restore into an empty place.",
    no_args_is_help=True,
)

JSON = typer.Option(False, "--json", help="Machine-readable output.")


PASSPHRASE_FILE = typer.Option(
    None,
    "--passphrase-file",
    help="File holding the passphrase that seals the keys (else TRUSTDESK_BACKUP_PASSPHRASE).",
)


def _passphrase(path: Path | None) -> str | None:
    if path is not None:
        try:
            return path.read_text(encoding="utf-8").rstrip("\r\n")
        except OSError as exc:
            fail(f"cannot read the passphrase file: {exc.strerror}")
    return os.environ.get("TRUSTDESK_BACKUP_PASSPHRASE") or None


@app.command("create")
def create_command(
    archive: Path = typer.Argument(..., help="Archive to write (.tar.gz); written atomically, mode 0600."),
    passphrase_file: Path = PASSPHRASE_FILE,
    no_keys: bool = typer.Option(
        False,
        "--no-keys",
        help="Leave the secret and encryption keys out (keep them elsewhere: without the encryption key, "
        "sealed secrets in the backup cannot be opened).",
    ),
    json_output: bool = JSON,
) -> None:
    """Back up the database (a consistent snapshot), the attachments and the keys (sealed with a passphrase)."""
    try:
        manifest = create_backup(
            settings(), engine(), archive, passphrase=_passphrase(passphrase_file), include_keys=not no_keys
        )
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
        print_json({"archive": str(archive), **manifest.summary()})
    else:
        typer.echo(f"backup written to {archive} ({len(manifest.files)} files, revision {manifest.revision})")


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
        None,
        "--data-dir",
        help="An empty (or new) folder for the desk's files (default: the configured one).",
    ),
    passphrase_file: Path = PASSPHRASE_FILE,
    database_url: str = typer.Option(
        None,
        "--database-url",
        help="For a PostgreSQL backup: an empty database. SQLite: <data-dir>/trustdesk.db.",
    ),
    json_output: bool = JSON,
) -> None:
    """Restore into an empty place after checking every file; then run `trustdesk db upgrade` there."""
    if data_dir is None:
        # Only the folder's name: loading the settings in full would generate keys into it.
        try:
            data_dir = Settings().data_dir
        except ValueError as exc:
            fail(f"invalid configuration: {exc}", 2)
    try:
        restored = restore_backup(
            archive, data_dir=data_dir, database_url=database_url, passphrase=_passphrase(passphrase_file)
        )
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
