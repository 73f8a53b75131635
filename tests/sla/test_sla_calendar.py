"""Business time: opening hours, nights, weekends, holidays and DST changes in the retailer's zone."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from trustdesk.sla.calendar import BusinessCalendar, CalendarError

BERLIN = ZoneInfo("Europe/Berlin")
WEEKDAYS_9_TO_17 = {day: [("09:00", "17:00")] for day in ("mon", "tue", "wed", "thu", "fri")}


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN).astimezone(UTC)  # type: ignore[misc]


@pytest.fixture
def office() -> BusinessCalendar:
    # 2026-12-25 (Friday) is a holiday.
    return BusinessCalendar.build("Europe/Berlin", WEEKDAYS_9_TO_17, holidays=["2026-12-25"])


def test_time_inside_one_day(office: BusinessCalendar) -> None:
    assert office.add(berlin(2026, 12, 7, 10, 0), 2 * 3600) == berlin(2026, 12, 7, 12, 0)


def test_clock_carries_over_the_night(office: BusinessCalendar) -> None:
    # 16:00 Monday + 2 business hours: one hour on Monday, one on Tuesday from 09:00.
    assert office.add(berlin(2026, 12, 7, 16, 0), 2 * 3600) == berlin(2026, 12, 8, 10, 0)


def test_started_at_night_begins_at_opening(office: BusinessCalendar) -> None:
    assert office.add(berlin(2026, 12, 7, 22, 30), 30 * 60) == berlin(2026, 12, 8, 9, 30)
    assert office.add(berlin(2026, 12, 8, 6, 0), 0) == berlin(2026, 12, 8, 9, 0)


def test_weekend_is_skipped(office: BusinessCalendar) -> None:
    # Friday 16:30 + 1 hour: 30 min on Friday, 30 min on Monday.
    assert office.add(berlin(2026, 12, 11, 16, 30), 3600) == berlin(2026, 12, 14, 9, 30)
    assert office.seconds_between(berlin(2026, 12, 11, 16, 30), berlin(2026, 12, 14, 9, 30)) == 3600


def test_holiday_is_skipped(office: BusinessCalendar) -> None:
    # Thursday 24 Dec 16:00 + 2 hours: 1 hour Thursday, Friday 25th closed, weekend, 1 hour Monday 28th.
    assert office.add(berlin(2026, 12, 24, 16, 0), 2 * 3600) == berlin(2026, 12, 28, 10, 0)
    assert office.seconds_between(berlin(2026, 12, 25, 0, 0), berlin(2026, 12, 26, 0, 0)) == 0


def test_hours_are_wall_clock_hours_across_dst() -> None:
    # Berlin leaves summer time on Sunday 25 Oct 2026; opening at 09:00 local is 08:00 UTC before, 09:00 UTC after.
    cal = BusinessCalendar.build("Europe/Berlin", WEEKDAYS_9_TO_17)
    friday = cal.add(berlin(2026, 10, 23, 16, 0), 2 * 3600)
    assert friday == berlin(2026, 10, 26, 10, 0)
    assert friday == datetime(2026, 10, 26, 9, 0, tzinfo=UTC)
    assert berlin(2026, 10, 23, 9, 0) == datetime(2026, 10, 23, 7, 0, tzinfo=UTC)


def test_round_the_clock_day_with_dst_change_is_23_or_25_hours() -> None:
    cal = BusinessCalendar.always_open("Europe/Berlin")
    spring = cal.seconds_between(berlin(2026, 3, 29, 0, 0), berlin(2026, 3, 30, 0, 0))
    autumn = cal.seconds_between(berlin(2026, 10, 25, 0, 0), berlin(2026, 10, 26, 0, 0))
    assert spring == 23 * 3600
    assert autumn == 25 * 3600
    # Elapsed business time round the clock is elapsed real time.
    start = berlin(2026, 3, 28, 12, 0)
    assert cal.add(start, 24 * 3600) == datetime(2026, 3, 29, 11, 0, tzinfo=UTC)


def test_pauses_are_taken_out(office: BusinessCalendar) -> None:
    start = berlin(2026, 12, 7, 9, 0)
    pause = (berlin(2026, 12, 7, 10, 0), berlin(2026, 12, 7, 12, 0))
    assert office.add(start, 2 * 3600, [pause]) == berlin(2026, 12, 7, 13, 0)
    assert office.seconds_between(start, berlin(2026, 12, 7, 13, 0), [pause]) == 2 * 3600


def test_split_day_and_is_open() -> None:
    cal = BusinessCalendar.build("UTC", {"mon": [("13:00", "17:00"), ("08:00", "12:00")]})
    monday = datetime(2026, 12, 7, 11, 0, tzinfo=UTC)
    assert cal.add(monday, 2 * 3600) == datetime(2026, 12, 7, 14, 0, tzinfo=UTC)
    assert cal.is_open(monday)
    assert not cal.is_open(datetime(2026, 12, 7, 12, 30, tzinfo=UTC))
    assert cal.to_dict()["hours"]["mon"] == [["08:00", "12:00"], ["13:00", "17:00"]]  # type: ignore[index]


@pytest.mark.parametrize(
    ("zone", "hours", "holidays", "problem"),
    [
        ("Mars/Olympus", WEEKDAYS_9_TO_17, [], "unknown time zone"),
        ("UTC", {"mon": [("17:00", "09:00")]}, [], "ends before it starts"),
        ("UTC", {"mon": [("09:00", "12:00"), ("11:00", "13:00")]}, [], "overlap"),
        ("UTC", {"funday": [("09:00", "12:00")]}, [], "unknown weekday"),
        ("UTC", {"mon": [("9", "12:00")]}, [], "HH:MM"),
        ("UTC", {"mon": []}, [], "at least one day"),
        ("UTC", WEEKDAYS_9_TO_17, ["25/12/2026"], "YYYY-MM-DD"),
    ],
)
def test_unusable_calendars_are_refused(zone: str, hours: dict, holidays: list, problem: str) -> None:
    with pytest.raises(CalendarError, match=problem):
        BusinessCalendar.build(zone, hours, holidays)


def test_naive_instants_are_refused(office: BusinessCalendar) -> None:
    with pytest.raises(CalendarError, match="time zone"):
        office.add(datetime(2026, 12, 7, 10, 0), 60)


def test_subtract_walks_back_over_a_weekend_and_holiday(office: BusinessCalendar) -> None:
    # Monday 28 Dec 09:30 minus 2 business hours: 30 min on Monday, then back over the weekend and
    # the 25th (a holiday) to Thursday 24th 15:30.
    start = office.subtract(berlin(2026, 12, 28, 9, 30), 2 * 3600)
    assert start == berlin(2026, 12, 24, 15, 30)
    assert office.seconds_between(start, berlin(2026, 12, 28, 9, 30)) == 2 * 3600
