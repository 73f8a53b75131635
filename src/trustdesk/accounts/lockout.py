"""When repeated wrong passwords lock an account, and for how long."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    lock_minutes: int = 15

    def is_locked(self, locked_until: datetime | None, now: datetime) -> bool:
        return locked_until is not None and locked_until > now

    def after_failure(self, failures: int, now: datetime) -> tuple[int, datetime | None]:
        """New failure count and lock expiry after one more wrong attempt."""
        failures += 1
        if failures >= self.max_failures:
            # Each further failure doubles the lock, capped at a day, to slow down patient guessing.
            extra = min(failures - self.max_failures, 6)
            return failures, now + min(timedelta(minutes=self.lock_minutes * 2**extra), timedelta(days=1))
        return failures, None
