"""`trustdesk keys`: rotate the encryption key that seals stored secrets."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from cryptography.fernet import Fernet

from trustdesk.audit.log import record
from trustdesk.cli.common import fail, print_json, settings, unit_of_work
from trustdesk.secretbox import SecretBox, parse_keys
from trustdesk.store.sealed import reseal_all

app = typer.Typer(help="Keys: rotate the encryption key that seals stored secrets.", no_args_is_help=True)


def _write_key_file(path: Path, value: str) -> None:
    """Replace the key file atomically, readable by its owner only."""
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(value + "\n")
    os.replace(partial, path)


def _reseal(keys: str) -> dict[str, int]:
    with unit_of_work() as session:
        counts = reseal_all(session, SecretBox(keys))
        record(session, "keys.encryption_resealed", actor="cli", tenant_id=None, details={"resealed": counts})
    return counts


@app.command("rotate")
def rotate_command(
    json_output: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Make a new encryption key, re-seal every stored secret with it and retire the old one.

    The key file first holds both keys (new first), so a secret is readable by one of them at every
    moment; only after the re-sealing has committed is the old key dropped. Restart every instance
    afterwards. With TRUSTDESK_ENCRYPTION_KEY set in the environment, use `keys reseal` instead."""
    config = settings()
    path = config.data_dir / "encryption_key"
    # Rotating the file while the environment (or a config file) still names the old key would leave
    # the next start unable to open anything.
    external = os.environ.get("TRUSTDESK_ENCRYPTION_KEY")
    if external or not path.is_file() or path.read_text().strip() != (config.encryption_key or ""):
        fail(
            f"the encryption key is configured outside {path} (TRUSTDESK_ENCRYPTION_KEY or a config file), which "
            "this command cannot change: set it to 'NEW,OLD' (a new Fernet key first), run `trustdesk keys "
            "reseal`, then set it to 'NEW' alone",
            2,
        )
    old = parse_keys(config.encryption_key or "")
    new = Fernet.generate_key().decode()
    _write_key_file(path, ",".join([new, *old]))
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
    json_output: bool = typer.Option(False, "--json", help="Machine-readable output."),
) -> None:
    """Re-seal every stored secret with the first configured key (after setting 'NEW,OLD')."""
    try:
        counts = _reseal(settings().encryption_key or "")
    except ValueError as exc:
        fail(str(exc))
    if json_output:
        print_json({"resealed": counts})
    else:
        typer.echo(f"re-sealed {sum(counts.values())} secrets with the first configured key")
