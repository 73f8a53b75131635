"""`trustdesk keys`: rotate the encryption key that seals stored secrets, and the secret key that signs
sessions and message references."""

from __future__ import annotations

from typing import NoReturn

import typer
from cryptography.fernet import Fernet

from trustdesk.audit.log import record
from trustdesk.cli.common import err_console, print_json, settings, unit_of_work
from trustdesk.keyring import (
    ENCRYPTION,
    SECRET,
    ConfiguredElsewhere,
    KeyRingError,
    file_ring,
    key_file,
    retire_encryption,
    retire_secret,
    ring_status,
    rotate_encryption_in_background,
    rotate_secret,
    write_key_file,
)
from trustdesk.secretbox import SecretBox
from trustdesk.store.resealing import encryption_key_id, latest_progress, start_reseal
from trustdesk.store.sealed import reseal_all

app = typer.Typer(
    help="Keys: rotate the encryption key that seals stored secrets and the secret key that signs sessions.",
    no_args_is_help=True,
)


def _error(exc: KeyRingError | str, json_output: bool, exit_code: int = 1) -> NoReturn:
    """A refusal: its code and message as JSON on stdout with --json, else the message on stderr."""
    code, message = (exc.code, exc.message) if isinstance(exc, KeyRingError) else ("key_ring", exc)
    if isinstance(exc, ConfiguredElsewhere):
        exit_code = 2
    if json_output:
        print_json({"error": {"code": code, "message": message}})
    else:
        err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    raise typer.Exit(exit_code)


def _reseal(keys: str) -> dict[str, int]:
    with unit_of_work() as session:
        counts = reseal_all(session, SecretBox(keys))
        record(
            session,
            "keys.encryption_resealed",
            actor="cli",
            tenant_id=None,
            target=f"{ENCRYPTION}:{encryption_key_id(SecretBox(keys).keys[0])}",
            details={"resealed": counts},
        )
    return counts


def _start_background(keys: str) -> dict[str, object]:
    with unit_of_work() as session:
        job = start_reseal(session, SecretBox(keys), actor="cli")
        session.flush()
        return {"job": job.id, "run": job.payload["run"], "total": job.payload["total"]}


def _rotate_secret(end_sessions: bool, json_output: bool) -> None:
    try:
        with unit_of_work() as session:
            rotation = rotate_secret(session, settings(), actor="cli", end_sessions=end_sessions)
    except KeyRingError as exc:
        _error(exc, json_output)
    if json_output:
        print_json(rotation.as_dict())
    else:
        how = (
            f"{rotation.sessions_ended} sessions ended" if end_sessions else "signed-in staff stay signed in"
        )
        typer.echo(
            f"new secret key {rotation.key_id} in {rotation.key_file} (older keys kept to verify what they "
            f"signed); {how}; restart the desk"
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
    ones keep verifying sessions and message references made before (until `keys retire --secret`);
    --end-sessions signs everyone out."""
    if end_sessions and not secret:
        _error("--end-sessions goes with --secret", json_output, 2)
    if secret:
        if background:
            _error(
                "--background is for the encryption key; a secret-key rotation needs no re-sealing",
                json_output,
                2,
            )
        _rotate_secret(end_sessions, json_output)
        return
    config = settings()
    if background:
        try:
            with unit_of_work() as session:
                rotation = rotate_encryption_in_background(session, config, actor="cli")
        except KeyRingError as exc:
            _error(exc, json_output)
        started = rotation.reseal or {}
        if json_output:
            print_json({"rotated": True, "background": started, "key_file": rotation.key_file})
        else:
            typer.echo(
                f"new encryption key in {rotation.key_file} (the old one stays until `trustdesk keys retire`); "
                f"restart the desk and its workers: job {started['job']} re-seals {started['total']} secrets "
                "(`trustdesk keys status`)"
            )
        return
    try:
        path = key_file(config, ENCRYPTION)
    except ConfiguredElsewhere as exc:
        _error(exc, json_output)
    old = file_ring(config, ENCRYPTION)
    new = Fernet.generate_key().decode()
    write_key_file(path, [new, *old])
    try:
        counts = _reseal(",".join([new, *old]))
    except ValueError as exc:
        _error(
            f"{exc}; the key file keeps the new and the old keys, so nothing is lost: fix and run again",
            json_output,
        )
    write_key_file(path, [new])
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
        _error(str(exc), json_output)
    if json_output:
        print_json({"resealed": counts})
    else:
        typer.echo(f"re-sealed {sum(counts.values())} secrets with the first configured key")


@app.command("status")
def status_command(
    json_output: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """The configured keys (public ids only, newest first, when each was made) and the progress of the
    newest re-seal run."""
    config = settings()
    with unit_of_work() as session:
        progress = latest_progress(session)
        rings = {kind: ring_status(session, config, kind) for kind in (ENCRYPTION, SECRET)}
    status = {
        "encryption_keys": [k.id for k in rings[ENCRYPTION].keys],
        "secret_keys": [k.id for k in rings[SECRET].keys],
        "rings": {kind: ring.as_dict() for kind, ring in rings.items()},
        "reseal": progress.as_dict() if progress else None,
    }
    if json_output:
        print_json(status)
        return
    for kind, ring in rings.items():
        listed = ", ".join(f"{k.id} ({k.created_at:%Y-%m-%d})" if k.created_at else k.id for k in ring.keys)
        typer.echo(f"{kind.replace('_', ' ')}s (newest first): {listed}")
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
    secret: bool = typer.Option(
        False,
        "--secret",
        help="Retire older secret keys (by id, see `keys status`; every older one when no id is given).",
    ),
    key_ids: list[str] = typer.Argument(None, help="With --secret: the ids of the keys to retire."),
    json_output: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Drop the older encryption keys once every stored secret opens with the newest alone.

    With --secret, drop older secret keys: the staff sessions and message references they signed stop
    verifying (the summary counts the references), so retire a key once those are no longer needed.
    The current key is never retired; rotate first."""
    config = settings()
    ids = [i.strip() for i in key_ids or [] if i.strip()]
    if ids and not secret:
        _error(
            "key ids go with --secret (the encryption key retires every older key at once)", json_output, 2
        )
    try:
        with unit_of_work() as session:
            if secret:
                retirement = retire_secret(session, config, ids, actor="cli")
            else:
                try:
                    key_file(config, ENCRYPTION)
                    managed = True
                except ConfiguredElsewhere:
                    managed = False
                retirement = retire_encryption(session, config, actor="cli", write_file=managed)
    except KeyRingError as exc:
        _error(exc, json_output)
    if json_output:
        print_json(retirement.as_dict())
        return
    if secret:
        typer.echo(
            f"secret keys {', '.join(retirement.retired)} retired ({retirement.references_signed} message "
            "references they signed no longer verify); restart the desk"
        )
    elif retirement.key_file is None:
        typer.echo("every stored secret opens with the newest key: set TRUSTDESK_ENCRYPTION_KEY to it alone")
    else:
        typer.echo(f"{len(retirement.retired)} older encryption keys retired; restart the desk")
