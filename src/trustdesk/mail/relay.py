"""The SMTP relay the desk hands its outbound mail to: its settings and one delivery (aiosmtplib).

The relay password is never logged, never in a repr and never put in a job.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import aiosmtplib


class RelayRefused(Exception):
    """The relay refused the mail or its recipient (5xx): sending the same mail again would fail alike."""


@dataclass(frozen=True)
class Relay:
    host: str
    port: int
    starttls: bool
    username: str | None
    password: str | None = None  # never logged, never in a repr
    timeout: float = 30.0

    def __repr__(self) -> str:
        return f"Relay({self.host}:{self.port}, starttls={self.starttls}, auth={'yes' if self.username else 'no'})"

    @classmethod
    def from_settings(cls, settings: Any) -> Relay | None:
        host = getattr(settings, "smtp_relay_host", None)
        if not host:
            return None
        return cls(
            host=str(host),
            port=int(getattr(settings, "smtp_relay_port", 25)),
            starttls=bool(getattr(settings, "smtp_relay_starttls", False)),
            username=getattr(settings, "smtp_relay_username", None) or None,
            password=getattr(settings, "smtp_relay_password", None) or None,
        )


def deliver(raw: bytes, sender: str, recipient: str, relay: Relay) -> None:
    """Hand one mail to the relay; RelayRefused for a refusal (5xx). Any other error is worth retrying."""
    try:
        asyncio.run(
            aiosmtplib.send(
                raw,
                sender=sender,
                recipients=[recipient],
                hostname=relay.host,
                port=relay.port,
                start_tls=True if relay.starttls else False,
                username=relay.username,
                password=relay.password,
                timeout=relay.timeout,
            )
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        reasons = "; ".join(f"{r.code} {r.message}"[:200] for r in exc.recipients)
        raise RelayRefused(f"the relay refused the recipient: {reasons}") from None
    except aiosmtplib.SMTPResponseException as exc:
        if 500 <= exc.code < 600:
            raise RelayRefused(f"the relay refused the mail: {exc.code} {exc.message[:200]}") from None
        raise RuntimeError(f"the relay answered {exc.code} {exc.message[:200]}") from None
