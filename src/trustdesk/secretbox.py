"""Symmetric encryption for the few secrets the desk must keep (TOTP seeds, signing keys, webhook and
mailbox secrets).

The configured encryption key may list several Fernet keys, newest first, separated by commas: new
secrets are sealed with the first, and any of them opens an existing one. That is what lets
`trustdesk keys rotate` re-seal everything under a new key without a moment where a secret cannot be
read.
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


def parse_keys(value: str) -> list[str]:
    """The keys in a configured value ("NEW,OLD"), newest first; ValueError if any is not a Fernet key."""
    keys = [part.strip() for part in value.split(",") if part.strip()]
    if not keys:
        raise ValueError("no encryption key is configured")
    for key in keys:
        Fernet(key.encode())  # raises ValueError (or TypeError) for a malformed key
    return keys


class SecretBox:
    def __init__(self, key: str) -> None:
        self.keys = parse_keys(key)
        self._fernet = MultiFernet([Fernet(k.encode()) for k in self.keys])

    def seal(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def open(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("stored secret cannot be decrypted with the configured encryption key") from exc

    def reseal(self, token: str) -> str:
        """The same secret sealed with the newest key (it never leaves this call in clear)."""
        try:
            return self._fernet.rotate(token.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("stored secret cannot be decrypted with the configured encryption key") from exc
