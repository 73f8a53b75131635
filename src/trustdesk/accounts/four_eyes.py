"""Four-eyes rules: who may approve or reject a change that another admin asked for. Pure.

One stolen admin session must not be able to supply its own second pair of eyes. So the
decider must be a different admin, not the account the change is about, not an account the
requester created or promoted (nor the one that created or promoted the requester), and an
established admin: one that has held its role for the cool-off (default 72 hours). Creating
an admin or promoting someone to admin is itself a change under these rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

DEFAULT_COOL_OFF = timedelta(hours=72)


@dataclass(frozen=True)
class Party:
    """What the rules need to know about an account."""

    id: int
    created_by_id: int | None
    promoted_by_id: int | None
    role_since: datetime  # when it got its current role (its creation when never changed)

    def raised_by(self, other: Party) -> bool:
        """Whether `other` created this account or asked for its current role."""
        return other.id in (self.created_by_id, self.promoted_by_id)


def decision_refusal(
    requester: Party,
    decider: Party,
    *,
    now: datetime,
    cool_off: timedelta = DEFAULT_COOL_OFF,
    subject_id: int | None = None,
) -> str | None:
    """Why `decider` may not approve or reject `requester`'s change (None: they may).

    `subject_id` is the account the change is about (an admin grant), if any. The message is
    safe to show to the decider.
    """
    if decider.id == requester.id:
        return "a second admin must decide this change; you requested it yourself"
    if subject_id is not None and decider.id == subject_id:
        return "this change is about your own account; another admin must decide it"
    if decider.raised_by(requester):
        return (
            "your account was created or promoted by the admin who requested this change; "
            "an admin independent of them must decide it"
        )
    if requester.raised_by(decider):
        return (
            "you created or promoted the account that requested this change; "
            "an admin independent of it must decide it"
        )
    if now - decider.role_since < cool_off:
        hours = int(cool_off.total_seconds() // 3600)
        return (
            f"your account has held its role for less than the {hours}-hour cool-off; "
            "an established admin must decide this change"
        )
    return None
