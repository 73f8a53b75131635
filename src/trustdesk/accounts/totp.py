"""Time-based one-time passwords (RFC 6238) for staff two-factor authentication."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

import pyotp
import segno

ISSUER = "Trustdesk"
RECOVERY_CODE_COUNT = 10


def new_secret() -> str:
    """A fresh base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(length=32)


def provisioning_uri(secret: str, account: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI an authenticator app scans."""
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_svg(uri: str) -> str:
    """The provisioning URI as an inline-safe SVG QR code (no external service sees the secret)."""
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#111827", light="#ffffff")


@dataclass(frozen=True)
class TotpCheck:
    ok: bool
    counter: int | None = None


def check_code(secret: str, code: str, *, last_counter: int | None, at: float | None = None) -> TotpCheck:
    """Accept the current or adjacent 30-second step, once: a code already used cannot be replayed."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return TotpCheck(False)
    totp = pyotp.TOTP(secret)
    import time

    now = time.time() if at is None else at
    current = int(now // totp.interval)
    for counter in (current - 1, current, current + 1):
        if last_counter is not None and counter <= last_counter:
            continue
        if hmac.compare_digest(totp.generate_otp(counter), code):
            return TotpCheck(True, counter)
    return TotpCheck(False)


def new_recovery_codes(count: int = RECOVERY_CODE_COUNT) -> list[str]:
    """Human-typable single-use codes, e.g. 'k7qm-2xwp-9dtr'."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return [
        "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(3)) for _ in range(count)
    ]


def hash_recovery_code(code: str) -> str:
    """Recovery codes carry ~60 bits of entropy, so a plain SHA-256 is enough at rest."""
    normalised = code.strip().lower().replace(" ", "")
    return hashlib.sha256(normalised.encode()).hexdigest()
