"""accounts.four_eyes: who may decide another admin's change (pure rules)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from trustdesk.accounts.four_eyes import DEFAULT_COOL_OFF, Party, decision_refusal

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=30)
REQUESTER = Party(1, None, None, OLD)


def refusal(decider: Party, **kwargs: object) -> str | None:
    return decision_refusal(REQUESTER, decider, now=NOW, **kwargs)  # type: ignore[arg-type]


def test_an_established_independent_admin_may_decide() -> None:
    assert refusal(Party(2, None, None, OLD)) is None
    assert refusal(Party(2, 9, 9, NOW - DEFAULT_COOL_OFF)) is None  # exactly at the cool-off


@pytest.mark.parametrize(
    ("decider", "kwargs", "words"),
    [
        (Party(1, None, None, OLD), {}, "you requested it yourself"),
        (Party(2, None, None, OLD), {"subject_id": 2}, "your own account"),
        (Party(2, 1, None, OLD), {}, "created or promoted by the admin who requested"),
        (Party(2, None, 1, OLD), {}, "created or promoted by the admin who requested"),
        (Party(2, None, None, NOW - timedelta(hours=71, minutes=59)), {}, "72-hour cool-off"),
        (Party(2, None, None, NOW - timedelta(hours=5)), {"cool_off": timedelta(hours=6)}, "6-hour cool-off"),
    ],
)
def test_refusals_say_why(decider: Party, kwargs: dict, words: str) -> None:
    reason = refusal(decider, **kwargs)
    assert reason is not None and words in reason


def test_the_rule_holds_both_ways_round() -> None:
    """The admin who created (or promoted) the requester is no independent second pair of eyes."""
    minted = Party(5, 2, None, OLD)
    creator = Party(2, None, None, OLD)
    reason = decision_refusal(minted, creator, now=NOW)
    assert reason is not None and "you created or promoted" in reason
    assert decision_refusal(minted, Party(3, None, None, OLD), now=NOW) is None


def test_a_zero_cool_off_lets_new_admins_decide() -> None:
    assert refusal(Party(2, None, None, NOW), cool_off=timedelta(0)) is None
