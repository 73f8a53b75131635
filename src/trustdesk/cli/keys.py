"""`trustdesk keys`: rotate the encryption key that seals stored secrets, and the secret key that signs
sessions and message references."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import typer
from cryptography.fernet import Fernet
from sqlalchemy import update

from trustdesk.audit.log import record
from trustdesk.cli.common import fail, print_json, settings, unit_of_work
from trustdesk.config import Settings
from trustdesk.jobs import DEAD, DONE
from trustdesk.secretbox import SecretBox, parse_keys
from trustdesk.signing_keys import parse_secret_keys, secret_key_id
from trustdesk.store.models import UserSession, utcnow
from trustdesk.store.resealing import (
    encryption_key_id,
    latest_progress,
    start_reseal,
    unreadable_with_newest,
)
from trustdesk.store.sealed import reseal_all

app = typer.Typer(
    help="Keys: rotate the encryption key that seals stored secrets and the secret key that signs sessions.",
    no_args_is_help=True,
)


def _write_key_file(path: Path, value: str) -> None:
    """Replace the key file atomically, readable by its owner only."""
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    os.replace(partial, path)


def _key_file(config: Settings, name: str, configured: str | None) -> Path:
    """The key file this command may rewrite; exit 2 when the key is configured elsewhere."""
    path = config.data_dir / name
    env = f"TRUSTDESK_{name.upper()}"
    # Rotating the file while the environment (or a config file) still names the old key would leave
    # the next start unable to open anything.
    if os.environ.get(env) or not path.is_file() or path.read_text().strip() != (configured or ""):
        then = (
            "run `trustdesk keys reseal`, then set it to 'NEW' alone"
            if name == "encryption_key"
            else "and restart every instance (older keys keep verifying what they signed)"
        )
        fail(
            f"the {name.replace('_', ' ')} is configured outside {path} ({env} or a config file), which this "
            f"command cannot change: set it to 'NEW,OLD' (a new key first), {then}; see docs/deployment.md, 'Keys'",
            2,
        )
    return path


def _reseal(keys: str) -> dict[str, int]:
    with unit_of_work() as session:
        counts = reseal_all(session, SecretBox(keys))
        record(session, "keys.encryption_resealed", actor="cli", tenant_id=None, details={"resealed": counts})
    return counts


def _start_background(keys: str) -> dict[str, object]:
    with unit_of_work() as session:
        job = start_reseal(session, SecretBox(keys), actor="cli")
        session.flush()
        return {"job": job.id, "run": job.payload["run"], "total": job.payload["total"]}


def _rotate_secret(end_sessions: bool, json_output: bool) -> None:
    config = settings()
    path = _key_file(config, "secret_key", config.secret_key)
    old = parse_secret_keys(config.secret_key)
    new = secrets.token_urlsafe(48)
    with unit_of_work() as session:
        ended = 0
        if end_sessions:
            result = session.execute(
                update(UserSession).where(UserSession.revoked_at.is_(None)).values(revoked_at=utcnow())
            )
            ended = int(result.rowcount or 0)  # type: ignore[attr-defined]
        record(
            session,
            "keys.secret_rotated",
            actor="cli",
            tenant_id=None,
            target=f"secret_key:{secret_key_id(new)}",
            details={
                "key_id": secret_key_id(new),
                "previous_key_ids": [secret_key_id(k) for k in old],
                "sessions_ended": ended,
            },
        )
    # The audit entry commits first: a rotation is never unaudited (an entry whose file write then
    # failed says so loudly below, and the old key still works).
    try:
        _write_key_file(path, ",".join([new, *old]))
    except OSError as exc:
        fail(f"could not write {path}: {exc}; the old secret key stays in force")
    summary = {
        "rotated": "secret_key",
        "key_id": secret_key_id(new),
        "previous_key_ids": [secret_key_id(k) for k in old],
        "sessions_ended": ended,
        "key_file": str(path),
    }
    if json_output:
        print_json(summary)
    else:
        how = f"{ended} sessions ended" if end_sessions else "signed-in staff stay signed in"
        typer.echo(
            f"new secret key {summary['key_id']} in {path} (older keys kept to verify what they signed); "
            f"{how}; restart the desk"
        )


@app.command("rotate")
def rotate_command(
    secret: bool = typer.Option(
        False, "--secret", help="Rotate the secret key (sessions, message references) instead."
    ),
    end_sessions: bool = typer.Option(
        False, "--end-sessions", help="With --secret: end every staff session (all must sign in again)."
    ),
    background: bool = typer.Option(
        False, "--background", help="Re-seal in a background job, in batches (see `keys status`)."
    ),
    json_output: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Make a new encryption key, re-seal every stored secret with it and retire the old one.

    The key file first holds both keys (new first), so a secret is readable by one of them at every
    moment; only after the re-sealing has committed is the old key dropped. Restart every instance
    afterwards. With TRUSTDESK_ENCRYPTION_KEY set in the environment, use `keys reseal` instead.

    With --background the re-sealing runs as a job in the workers (restart them first) and the old
    key stays until `keys retire`. With --secret, a new secret key signs from now on and the older
    ones keep verifying sessions and message references made before; --end-sessions signs everyone out."""
    if end_sessions and not secret:
        fail("--end-sessions goes with --secret", 2)
    if secret:
        if background:
            fail("--background is for the encryption key; a secret-key rotation needs no re-sealing", 2)
        _rotate_secret(end_sessions, json_output)
        return
    config = settings()
    path = _key_file(config, "encryption_key", config.encryption_key)
    old = parse_keys(config.encryption_key or "")
    new = Fernet.generate_key().decode()
    _write_key_file(path, ",".join([new, *old]))
    if background:
        started = _start_background(",".join([new, *old]))
        if json_output:
            print_json({"rotated": True, "background": started, "key_file": str(path)})
        else:
            typer.echo(
                f"new encryption key in {path} (the old one stays until `trustdesk keys retire`); restart the "
                f"desk and its workers: job {started['job']} re-seals {started['total']} secrets "
                "(`trustdesk keys status`)"
            )
        return
    try:
        counts = _reseal(",".join([new, *old]))
    except ValueError as exc:
        fail(f"{exc}; the key file keeps the new and the old keys, so nothing is lost: fix and run again")
    _write_key_file(path, new)
    if json_output:
        print_json({"rotated": True, "resealed": counts, "key_file": str(path)})
    else:
        typer.echo(
            f"new encryption key in {path}; re-sealed {sum(counts.values())} secrets; restart the desk"
        )


@app.command("reseal")
def reseal_command(
    background: bool = typer.Option(
        False, "--background", help="Re-seal in a background job, in batches (see `keys status`)."
    ),
    json_output: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Re-seal every stored secret with the first configured key (after setting 'NEW,OLD')."""
    keys = settings().encryption_key or ""
    if background:
        started = _start_background(keys)
        if json_output:
            print_json({"background": started})
        else:
            typer.echo(f"job {started['job']} re-seals {started['total']} secrets (`trustdesk keys status`)")
        return
    try:
        counts = _reseal(keys)
    except ValueError as exc:
        fail(str(exc))
    if json_output:
        print_json({"resealed": counts})
    else:
        typer.echo(f"re-sealed {sum(counts.values())} secrets with the first configured key")


@app.command("status")
def status_command(
    json_output: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """The configured keys (public ids only) and the progress of the newest re-seal run."""
    config = settings()
    with unit_of_work() as session:
        progress = latest_progress(session)
    status = {
        "encryption_keys": [encryption_key_id(k) for k in parse_keys(config.encryption_key or "")],
        "secret_keys": [secret_key_id(k) for k in parse_secret_keys(config.secret_key)],
        "reseal": progress.as_dict() if progress else None,
    }
    if json_output:
        print_json(status)
        return
    typer.echo(f"encryption keys (newest first): {', '.join(status['encryption_keys'])}")  # type: ignore[arg-type]
    typer.echo(f"secret keys (newest first): {', '.join(status['secret_keys'])}")  # type: ignore[arg-type]
    if progress is None:
        typer.echo("no re-seal run")
    else:
        typer.echo(
            f"re-seal run {progress.run} to key {progress.target}: {progress.status}, "
            f"{progress.done} of {progress.total}"
            + (f" (last error: {progress.last_error})" if progress.last_error else "")
        )


@app.command("retire")
def retire_command(
    json_output: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Drop the older encryption keys once every stored secret opens with the newest alone."""
    config = settings()
    keys = parse_keys(config.encryption_key or "")
    with unit_of_work() as session:
        progress = latest_progress(session)
        if progress is not None and progress.status not in (DONE, DEAD):
            fail(
                f"re-seal run {progress.run} is still {progress.status} ({progress.done} of {progress.total})"
            )
        left = unreadable_with_newest(session, SecretBox(",".join(keys)))
        if sum(left.values()):
            fail(
                f"{sum(left.values())} stored secrets still need an older key ({', '.join(k for k, v in left.items() if v)}): "
                "restart every instance and run `trustdesk keys reseal --background`, then try again"
            )
        external = bool(os.environ.get("TRUSTDESK_ENCRYPTION_KEY"))
        if len(keys) > 1 and not external:
            record(
                session,
                "keys.encryption_retired",
                actor="cli",
                tenant_id=None,
                target=f"encryption_key:{encryption_key_id(keys[0])}",
                details={"retired": [encryption_key_id(k) for k in keys[1:]]},
            )
    if external:
        message = "every stored secret opens with the newest key: set TRUSTDESK_ENCRYPTION_KEY to it alone"
    else:
        _write_key_file(_key_file(config, "encryption_key", config.encryption_key), keys[0])
        message = f"{len(keys) - 1} older encryption keys retired; restart the desk"
    if json_output:
        print_json({"retired": len(keys) - 1, "key": encryption_key_id(keys[0])})
    else:
        typer.echo(message)
