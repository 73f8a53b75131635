"""The deployment's two key rings (the encryption key that seals stored secrets, the secret key that
signs sessions and references): their status, rotation and retirement, shared by `trustdesk keys` and
the console's key page. Keys are named by public ids only; no key material leaves this package."""

from trustdesk.keyring.files import (
    ENCRYPTION,
    SECRET,
    ConfiguredElsewhere,
    KeyRingError,
    file_ring,
    key_file,
    write_key_file,
)
from trustdesk.keyring.service import (
    KeyInfo,
    NotRetirable,
    ResealPending,
    Retirement,
    RingStatus,
    Rotation,
    key_id,
    retire_encryption,
    retire_secret,
    ring_status,
    rotate_encryption_in_background,
    rotate_secret,
)

__all__ = [
    "ENCRYPTION",
    "SECRET",
    "ConfiguredElsewhere",
    "KeyInfo",
    "KeyRingError",
    "NotRetirable",
    "ResealPending",
    "Retirement",
    "RingStatus",
    "Rotation",
    "file_ring",
    "key_file",
    "key_id",
    "retire_encryption",
    "retire_secret",
    "ring_status",
    "rotate_encryption_in_background",
    "rotate_secret",
    "write_key_file",
]
