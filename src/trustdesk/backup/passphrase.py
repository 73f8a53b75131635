"""Sealing the desk's keys inside a backup with the operator's passphrase: scrypt derives a key from
the passphrase and a random salt (both parameters kept in the manifest), Fernet seals each key file.
A wrong passphrase is told apart from a damaged archive: the checksums are checked first."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from trustdesk.backup.archive import BackupError

# scrypt's interactive-login cost (2^15, 8, 1: about 32 MiB and a tenth of a second), per RFC 7914's advice.
N, R, P = 2**15, 8, 1
MIN_PASSPHRASE = 12


@dataclass(frozen=True)
class KeySeal:
    salt: bytes
    n: int = N
    r: int = R
    p: int = P

    @classmethod
    def new(cls) -> KeySeal:
        return cls(os.urandom(16))

    def to_json(self) -> dict[str, Any]:
        return {
            "kdf": "scrypt",
            "n": self.n,
            "r": self.r,
            "p": self.p,
            "salt": base64.b64encode(self.salt).decode(),
        }

    @classmethod
    def from_json(cls, data: object) -> KeySeal:
        try:
            if not isinstance(data, dict) or data.get("kdf") != "scrypt":
                raise ValueError
            n, r, p = int(data["n"]), int(data["r"]), int(data["p"])
            if not (2**10 <= n <= 2**20 and 1 <= r <= 32 and 1 <= p <= 16):
                raise ValueError
            return cls(base64.b64decode(data["salt"], validate=True), n, r, p)
        except (KeyError, TypeError, ValueError):
            raise BackupError("the backup's key protection is damaged or of an unknown kind") from None

    def _fernet(self, passphrase: str) -> Fernet:
        key = Scrypt(salt=self.salt, length=32, n=self.n, r=self.r, p=self.p).derive(passphrase.encode())
        return Fernet(base64.urlsafe_b64encode(key))

    def seal(self, passphrase: str, plaintext: bytes) -> bytes:
        return self._fernet(passphrase).encrypt(plaintext)

    def open(self, passphrase: str, token: bytes) -> bytes:
        try:
            return self._fernet(passphrase).decrypt(token)
        except InvalidToken:
            raise BackupError("the passphrase does not open this backup's keys") from None


def check_passphrase(passphrase: str | None) -> str:
    if not passphrase:
        raise BackupError(
            "the backup holds the desk's keys, sealed with a passphrase: give it in TRUSTDESK_BACKUP_PASSPHRASE "
            "or --passphrase-file (or leave the keys out with --no-keys)"
        )
    if len(passphrase) < MIN_PASSPHRASE:
        raise BackupError(f"the backup passphrase must have at least {MIN_PASSPHRASE} characters")
    return passphrase
