"""The deployment's secret key as a key ring: several keys, newest first ("NEW,OLD"), like the
encryption key.

The newest key signs what is made from now on: session cookies, the fingerprints and references of
outbound messages, the keyed hashes that name a person in a tombstone. Older keys only verify what
they signed before a rotation, so a rotation ends no session (unless asked to) and a reference sent
last year still answers "was this really from us?". Each key is named by the public id of the
fingerprint key derived from it, which is what a stored fingerprint records.
"""

from __future__ import annotations

from itsdangerous import Signer

from trustdesk.authenticity.fingerprint import FingerprintKey

SESSION_SALT = "trustdesk.session"


class SecretKeyError(ValueError):
    """The configured secret key cannot be used; the message says why."""


def parse_secret_keys(value: str | None) -> list[str]:
    """The keys of a configured value ("NEW,OLD"), newest first, without duplicates."""
    keys: list[str] = []
    for part in (value or "").split(","):
        part = part.strip()
        if part and part not in keys:
            keys.append(part)
    if not keys:
        raise SecretKeyError("no secret key is configured")
    return keys


def current_secret(value: str | None) -> str:
    """The newest key: the one everything new is signed with."""
    return parse_secret_keys(value)[0]


def secret_key_id(secret: str) -> str:
    """The public id of one secret key (the id stored fingerprints record)."""
    return FingerprintKey.derive(secret).key_id


def session_signer(value: str | None, salt: str = SESSION_SALT) -> Signer:
    """A cookie signer that signs with the newest key and accepts a signature by any configured key."""
    # itsdangerous signs with the last key of the list and tries every key when unsigning.
    return Signer(list(reversed(parse_secret_keys(value))), salt=salt)


def fingerprint_ring(value: str | None) -> FingerprintKey:
    """The newest fingerprint key, carrying the older ones so a fingerprint made by any of them verifies."""
    keys = [FingerprintKey.derive(secret) for secret in parse_secret_keys(value)]
    return keys[0].with_previous(keys[1:])
