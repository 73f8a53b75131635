"""The key files in the data folder: which ring a kind of key has, and whether this desk may rewrite it.

A key set in the environment (TRUSTDESK_SECRET_KEY, TRUSTDESK_ENCRYPTION_KEY) or a config file is
outside the desk's reach: rewriting the file while that value still names the old key would leave the
next start unable to open anything, so such a ring is refused with the steps to take by hand. Only a
ring read from its file in the data folder (the default: generated there at first start) is rotated here.
"""

from __future__ import annotations

import os
from pathlib import Path

from trustdesk.config import Settings
from trustdesk.secretbox import parse_keys
from trustdesk.signing_keys import parse_secret_keys

ENCRYPTION = "encryption_key"
SECRET = "secret_key"
KINDS = (ENCRYPTION, SECRET)


class KeyRingError(Exception):
    """A key operation that cannot be done; `code` names the reason, the message says what to do."""

    code = "key_ring"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfiguredElsewhere(KeyRingError):
    code = "configured_elsewhere"


def parse_ring(kind: str, value: str | None) -> list[str]:
    """The keys of a configured value, newest first."""
    if kind == ENCRYPTION:
        return parse_keys(value or "")
    return parse_secret_keys(value)


def _configured_outside(kind: str) -> bool:
    # A fresh Settings reads the environment and the config file but, unlike load_settings, fills
    # nothing in from the data folder: a value here was set by the operator.
    return bool(os.environ.get(f"TRUSTDESK_{kind.upper()}")) or bool(getattr(Settings(), kind, None))


def key_file(settings: Settings, kind: str) -> Path:
    """The file holding the ring of `kind`, which this desk may rewrite; ConfiguredElsewhere otherwise."""
    path = settings.data_dir / kind
    running = parse_ring(kind, getattr(settings, kind))
    held = parse_ring(kind, path.read_text()) if path.is_file() and path.read_text().strip() else []
    # The running ring's newest key must still be in the file: otherwise this process was started with
    # a key from somewhere else (or the file was replaced by hand) and its file is not what it runs on.
    if _configured_outside(kind) or not held or running[0] not in held:
        env = f"TRUSTDESK_{kind.upper()}"
        then = (
            "run `trustdesk keys reseal`, then set it to 'NEW' alone"
            if kind == ENCRYPTION
            else "and restart every instance (older keys keep verifying what they signed)"
        )
        raise ConfiguredElsewhere(
            f"the {kind.replace('_', ' ')} is configured outside {path} ({env} or a config file), which "
            f"the desk cannot change: set it to 'NEW,OLD' (a new key first), {then}; see docs/deployment.md, "
            "'Keys'"
        )
    return path


def file_ring(settings: Settings, kind: str) -> list[str]:
    """The ring the next start of the desk will use: the key file's when the desk manages it, else the
    configured value (which this process runs with)."""
    try:
        return parse_ring(kind, key_file(settings, kind).read_text())
    except ConfiguredElsewhere:
        return parse_ring(kind, getattr(settings, kind))


def write_key_file(path: Path, keys: list[str]) -> None:
    """Replace the key file atomically, readable by its owner only."""
    partial = path.with_name(f".{path.name}.partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(",".join(keys) + "\n")
    os.replace(partial, path)
