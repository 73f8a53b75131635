"""Password hashing with argon2id and the minimum strength rules for new passwords."""

from __future__ import annotations

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

# argon2id with OWASP-recommended parameters (19 MiB, t=2, p=1) keeps login under ~50 ms here.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19_456, parallelism=1, type=Type.ID)

MIN_PASSWORD_LENGTH = 12
MAX_PASSWORD_LENGTH = 1024


class WeakPassword(ValueError):
    """The proposed password does not meet the rules; the message says why."""


def check_password_strength(password: str, *, email: str = "") -> None:
    """Reject passwords that are short, overlong or built from the account's own e-mail."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"use at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise WeakPassword(f"use at most {MAX_PASSWORD_LENGTH} characters")
    local = email.split("@", 1)[0].lower()
    if local and len(local) >= 4 and local in password.lower():
        raise WeakPassword("do not build the password from your e-mail address")
    if len(set(password)) < 5:
        raise WeakPassword("use more different characters")


def hash_password(password: str) -> str:
    """An argon2id hash string (algorithm, parameters and salt included)."""
    return _HASHER.hash(password)


def verify_password(stored_hash: str, password: str) -> bool:
    """True when the password matches; never raises for a wrong password or a malformed hash."""
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _HASHER.verify(stored_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with older parameters and should be upgraded at next login."""
    try:
        return _HASHER.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return True


# A fixed hash to verify against when the account does not exist, so response time
# does not reveal which e-mail addresses have accounts.
DUMMY_HASH = _HASHER.hash("trustdesk-timing-equaliser")
