"""SLA clocks of one conversation over business hours, a holiday and waiting on the customer."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from trustdesk.sla.clock import BREACHED, CUSTOMER, MET, NEAR, OK, PAUSED, RETAILER, Timeline, Turn, evaluate
from trustdesk.sla.policy import PolicyError, SlaPolicy, Target

BERLIN = ZoneInfo("Europe/Berlin")


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)  # type: ignore[misc]


def policy(**changes: object) -> SlaPolicy:
    raw: dict[str, object] = {
        "timezone": "Europe/Berlin",
        "business_hours": {d: [["09:00", "17:00"]] for d in ("mon", "tue", "wed", "thu", "fri")},
        "holidays": ["2026-12-25"],
        "targets": [
            {"priority": "urgent", "channel": "*", "first_response_minutes": 30, "next_response_minutes": 60,
             "resolution_minutes": 240},
            {"priority": "*", "channel": "email", "first_response_minutes": 240, "next_response_minutes": None,
             "resolution_minutes": None},
            {"priority": "*", "channel": "*", "first_response_minutes": 120, "next_response_minutes": 120,
             "resolution_minutes": 16 * 60},
        ],
        "near_breach_percent": 80,
    }  # fmt: skip
    raw.update(changes)
    return SlaPolicy.from_dict(raw)


def turn(at: datetime, side: str) -> Turn:
    return Turn(at, side)


def test_first_response_due_across_a_night() -> None:
    created = berlin(2026, 12, 7, 16, 0)  # Monday, one business hour left
    clocks = evaluate(
        policy(), Timeline(created, "normal", "chat", [turn(created, CUSTOMER)]), berlin(2026, 12, 7, 20, 0)
    )
    first = clocks.get(Target.FIRST_RESPONSE)
    assert first is not None
    assert first.due_at == berlin(2026, 12, 8, 10, 0)
    assert first.used_seconds == 3600  # the night does not count
    assert clocks.current is first and clocks.due_at == first.due_at
    assert clocks.level() == OK


def test_first_response_over_a_holiday_and_weekend_and_the_done_when() -> None:
    created = berlin(2026, 12, 24, 16, 30)  # Thursday before Christmas; 25th is a holiday, then the weekend
    timeline = Timeline(created, "normal", "chat", [turn(created, CUSTOMER)])
    clocks = evaluate(policy(), timeline, berlin(2026, 12, 27, 12, 0))
    first = clocks.get(Target.FIRST_RESPONSE)
    assert first is not None and first.due_at == berlin(2026, 12, 28, 10, 30)
    assert first.state(berlin(2026, 12, 27, 12, 0)) == OK
    # 80 % of 2 h = 96 min: 30 min on Thursday + 66 min on Monday.
    assert first.warn_at == berlin(2026, 12, 28, 10, 6)
    assert clocks.level(berlin(2026, 12, 28, 10, 10)) == NEAR
    assert clocks.level(berlin(2026, 12, 28, 10, 30)) == BREACHED
    # Answered on Monday at 10:00: met, with 90 business minutes used.
    answered = Timeline(
        created, "normal", "chat", [turn(created, CUSTOMER), turn(berlin(2026, 12, 28, 10, 0), RETAILER)]
    )
    done = evaluate(policy(), answered, berlin(2026, 12, 28, 12, 0)).get(Target.FIRST_RESPONSE)
    assert done is not None and done.state(berlin(2026, 12, 28, 12, 0)) == MET
    assert done.used_seconds == 90 * 60


def test_late_answer_is_a_breach_with_its_time() -> None:
    created = berlin(2026, 12, 7, 9, 0)
    late = Timeline(
        created, "urgent", "chat", [turn(created, CUSTOMER), turn(berlin(2026, 12, 7, 9, 45), RETAILER)]
    )
    clocks = evaluate(policy(), late, berlin(2026, 12, 7, 10, 0))
    first = clocks.get(Target.FIRST_RESPONSE)
    assert first is not None and first.breached and first.state(berlin(2026, 12, 7, 10, 0)) == BREACHED
    assert clocks.first_breach_at == berlin(2026, 12, 7, 9, 30)


def test_rule_by_priority_and_channel() -> None:
    p = policy()
    assert p.rule_for("urgent", "email").first_response == 30  # type: ignore[union-attr]
    assert p.rule_for("normal", "email").first_response == 240  # type: ignore[union-attr]
    assert p.rule_for("low", "chat").first_response == 120  # type: ignore[union-attr]
    email = evaluate(p, Timeline(berlin(2026, 12, 7, 9, 0), "normal", "email"), berlin(2026, 12, 7, 9, 5))
    assert [c.target for c in email.clocks] == [
        Target.FIRST_RESPONSE
    ]  # no next-response or resolution target


def test_next_response_runs_from_the_customer_s_new_message() -> None:
    t0 = berlin(2026, 12, 7, 9, 0)
    turns = [
        turn(t0, CUSTOMER),
        turn(t0 + timedelta(minutes=10), RETAILER),
        turn(t0 + timedelta(minutes=20), CUSTOMER),  # next-response clock starts here
        turn(t0 + timedelta(minutes=25), CUSTOMER),  # a second line does not restart it
    ]
    clocks = evaluate(policy(), Timeline(t0, "normal", "chat", turns), t0 + timedelta(hours=1))
    nxt = clocks.get(Target.NEXT_RESPONSE)
    assert nxt is not None and nxt.started_at == t0 + timedelta(minutes=20)
    assert nxt.due_at == t0 + timedelta(minutes=140)
    assert clocks.next_response_turns == 0 and clocks.next_response_breaches == 0  # still undecided
    assert clocks.current is nxt  # due before the resolution target
    # A slow answer the next day counts as a missed next response.
    answered = [*turns, turn(berlin(2026, 12, 8, 12, 0), RETAILER)]
    later = evaluate(policy(), Timeline(t0, "normal", "chat", answered), berlin(2026, 12, 8, 13, 0))
    assert later.get(Target.NEXT_RESPONSE) is None
    assert later.next_response_turns == 1 and later.next_response_breaches == 1
    assert later.first_breach_at == t0 + timedelta(minutes=140)


def test_resolution_pauses_while_waiting_on_the_customer() -> None:
    t0 = berlin(2026, 12, 7, 9, 0)
    urgent = [turn(t0, CUSTOMER), turn(t0 + timedelta(minutes=20), RETAILER)]
    now = t0 + timedelta(hours=6)
    waiting = evaluate(policy(), Timeline(t0, "urgent", "chat", urgent), now)
    resolution = waiting.get(Target.RESOLUTION)
    assert resolution is not None and resolution.due_at is None
    assert resolution.state(now) == PAUSED
    assert resolution.used_seconds == 20 * 60  # only until the answer
    # The customer writes back at 15:00: 220 business minutes left, running to 16:40... then overnight.
    back = [*urgent, turn(t0 + timedelta(hours=6), CUSTOMER)]
    resumed = evaluate(policy(), Timeline(t0, "urgent", "chat", back), t0 + timedelta(hours=6, minutes=5))
    clock = resumed.get(Target.RESOLUTION)
    assert clock is not None and clock.due_at == berlin(2026, 12, 8, 10, 40)
    # The next-response clock (60 min) is due first.
    assert resumed.current is not None and resumed.current.target == Target.NEXT_RESPONSE
    # Resolved on time: met.
    resolved = evaluate(
        policy(),
        Timeline(t0, "urgent", "chat", [*back, turn(t0 + timedelta(hours=6, minutes=30), RETAILER)],
                 resolved_at=t0 + timedelta(hours=6, minutes=31)),
        t0 + timedelta(hours=7),
    )  # fmt: skip
    final = resolved.get(Target.RESOLUTION)
    assert final is not None and final.state(t0 + timedelta(hours=7)) == MET
    assert resolved.level() == "none"  # nothing left running


def test_no_rule_means_no_clock() -> None:
    p = policy(targets=[{"priority": "urgent", "channel": "*", "first_response_minutes": 30}])
    clocks = evaluate(p, Timeline(berlin(2026, 12, 7, 9, 0), "low", "chat"), berlin(2026, 12, 7, 10, 0))
    assert clocks.clocks == () and clocks.level() == "none" and clocks.due_at is None


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"targets": [{"priority": "sometime", "channel": "*"}]}, "priority"),
        ({"targets": [{"priority": "*", "channel": "fax"}]}, "channel"),
        (
            {"targets": [{"priority": "*", "channel": "*", "first_response_minutes": 0}]},
            "first_response_minutes",
        ),
        ({"targets": [{"priority": "*", "channel": "*"}, {"priority": "*", "channel": "*"}]}, "second rule"),
        ({"targets": [{"priority": "*", "channel": "*", "speed": 3}]}, "unknown field"),
        ({"near_breach_percent": 100}, "near_breach_percent"),
        ({"escalation": {"assign_to_user_id": "bob"}}, "assign_to_user_id"),
        ({"timezone": "Nowhere/Land"}, "time zone"),
    ],
)
def test_bad_policies_are_refused_with_the_field(change: dict, problem: str) -> None:
    with pytest.raises(PolicyError, match=problem):
        policy(**change)


def test_policy_round_trips() -> None:
    p = policy()
    assert SlaPolicy.from_dict(p.to_dict()) == p
