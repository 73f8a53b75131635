"""Taking a consistent backup of a running desk and restoring it elsewhere.

Consistency: the database is copied first as one snapshot (SQLite's online backup API, or pg_dump's
single transaction), then the attachments folder. An attachment written after the snapshot is
harmless extra; one erased in between is absent, exactly as the snapshot says it should be.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from contextlib import closing
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect
from sqlalchemy.engine import URL, Engine, make_url

from trustdesk.backup.archive import BackupError, Manifest, extract_verified, write_archive
from trustdesk.backup.passphrase import KeySeal, check_passphrase
from trustdesk.config import Settings
from trustdesk.store.migrate import current_revision

KEY_FILES = ("secret_key", "encryption_key")
SQLITE_MEMBER = "database/trustdesk.db"
PG_MEMBER = "database/trustdesk.pgdump"


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    data_dir: Path
    database_url: str  # password masked


def _kind(url: URL) -> str:
    return "sqlite" if url.drivername.startswith("sqlite") else "postgresql"


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A connection string for pg_dump/pg_restore and the environment carrying the password, so the
    password never appears in a process list."""
    plain = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return plain, env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is needed for PostgreSQL backups; install the PostgreSQL client tools")
    return found


def _run(command: list[str], env: dict[str, str], what: str) -> None:
    # A fixed tool found on PATH with arguments we built; no shell.
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        last = (done.stderr or "").strip().splitlines()[-1:] or ["no message"]
        raise BackupError(f"{what} failed: {last[0][:300]}")


def _snapshot_database(engine: Engine, folder: Path) -> tuple[str, Path]:
    url = engine.url
    if _kind(url) == "sqlite":
        source = url.database
        if not source or source == ":memory:":
            raise BackupError("an in-memory database cannot be backed up")
        target = folder / "trustdesk.db"
        with (
            closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as live,
            closing(sqlite3.connect(target)) as copy,
        ):
            live.backup(copy)  # a consistent snapshot even while the desk writes
        return SQLITE_MEMBER, target
    target = folder / "trustdesk.pgdump"
    conninfo, env = _libpq(url)
    _run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}", conninfo],
        env,
        "pg_dump",
    )
    return PG_MEMBER, target


def create_backup(
    settings: Settings, engine: Engine, out: Path, *, passphrase: str | None = None, include_keys: bool = True
) -> Manifest:
    """Write a backup of the database, the attachments and (unless told not to) the keys, sealed with
    the passphrase, to `out`."""
    seal = KeySeal.new() if include_keys else None
    if seal is not None:
        passphrase = check_passphrase(passphrase)
    manifest = Manifest(
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        database=_kind(engine.url),
        revision=current_revision(engine),
        keys_included=include_keys,
        key_seal=seal.to_json() if seal is not None else None,
    )
    with tempfile.TemporaryDirectory(prefix="trustdesk-backup-") as scratch:
        folder = Path(scratch)
        members: dict[str, Path] = {}
        name, path = _snapshot_database(engine, folder)
        members[name] = path
        attachments = settings.attachments_dir
        if attachments.is_dir():
            for file in sorted(attachments.rglob("*")):
                if file.is_file() and not file.is_symlink():
                    members["attachments/" + file.relative_to(attachments).as_posix()] = file
        if seal is not None and passphrase is not None:
            for key_name in KEY_FILES:
                value = getattr(settings, key_name)
                if value:
                    key_path = folder / key_name
                    fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(seal.seal(passphrase, (str(value) + "\n").encode()))
                    members[f"keys/{key_name}"] = key_path
        write_archive(out, manifest, members)
    return manifest


def _empty_folder(path: Path) -> None:
    if path.exists() and (not path.is_dir() or any(path.iterdir())):
        raise BackupError(f"refusing to restore into {path}: it is not an empty folder")


def _restore_postgres(dump: Path, url: URL) -> None:
    engine = create_engine(url, pool_pre_ping=True)
    try:
        tables = inspect(engine).get_table_names()
    except Exception as exc:  # noqa: BLE001 - any connection problem is reported plainly
        raise BackupError(f"cannot connect to the target database: {type(exc).__name__}") from None
    finally:
        engine.dispose()
    if tables:
        raise BackupError("refusing to restore into a PostgreSQL database that already has tables")
    conninfo, env = _libpq(url)
    _run(
        [
            _tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            f"--dbname={conninfo}",
            str(dump),
        ],
        env,
        "pg_restore",
    )


def _open_keys(staging: Path, manifest: Manifest, passphrase: str | None) -> None:
    """Replace the sealed key files in staging by the keys themselves (before anything is placed)."""
    present = [name for name in KEY_FILES if (staging / "keys" / name).is_file()]
    if not present:
        return
    if not passphrase:
        raise BackupError(
            "this backup's keys are sealed: give the passphrase in TRUSTDESK_BACKUP_PASSPHRASE or --passphrase-file"
        )
    seal = KeySeal.from_json(manifest.key_seal)
    for name in present:
        path = staging / "keys" / name
        path.write_bytes(seal.open(passphrase, path.read_bytes()))


def restore_backup(
    archive: Path, *, data_dir: Path, database_url: str | None = None, passphrase: str | None = None
) -> Restored:
    """Restore into an empty data folder (and, for PostgreSQL, an empty database named by
    database_url). Every checksum and the passphrase are checked before anything is put in place."""
    _empty_folder(data_dir)
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{data_dir.name}.restoring-", dir=data_dir.parent))
    try:
        manifest = extract_verified(archive, staging)
        _open_keys(staging, manifest, passphrase)
        sqlite_target = data_dir / "trustdesk.db"
        if manifest.database == "sqlite":
            if database_url and not make_url(database_url).drivername.startswith("sqlite"):
                raise BackupError("this backup holds a SQLite database; restore it to SQLite")
            if database_url:
                sqlite_target = Path(make_url(database_url).database or "")
                if sqlite_target.exists():
                    raise BackupError(f"refusing to overwrite the existing database file {sqlite_target}")
            target_url = f"sqlite:///{sqlite_target.resolve()}"
        else:
            if not database_url or make_url(database_url).drivername.startswith("sqlite"):
                raise BackupError(
                    "this backup holds a PostgreSQL database: name an empty one with --database-url"
                )
            target_url = database_url
            _restore_postgres(staging / PG_MEMBER, make_url(database_url))
        data_dir.mkdir(parents=True, exist_ok=True)
        if manifest.database == "sqlite":
            sqlite_target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(staging / SQLITE_MEMBER, sqlite_target)  # may be another file system
        if (staging / "attachments").is_dir():
            os.replace(staging / "attachments", data_dir / "attachments")
        for key_name in KEY_FILES:
            if (staging / "keys" / key_name).is_file():
                os.replace(staging / "keys" / key_name, data_dir / key_name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Restored(manifest, data_dir, make_url(target_url).render_as_string(hide_password=True))
