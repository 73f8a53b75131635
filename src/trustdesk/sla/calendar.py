"""Business hours and holidays in a retailer's time zone, and time counted only inside them.

    cal = BusinessCalendar.build("Europe/Berlin", {"mon": [("09:00", "17:00")], ...}, holidays=["2026-12-25"])
    cal.add(start, 4 * 3600)          # the instant 4 business hours after `start`
    cal.seconds_between(a, b)         # business seconds in [a, b)

Pure: instants are timezone-aware UTC datetimes; opening hours are wall-clock times of the
retailer's zone (zoneinfo), so a DST change shortens or lengthens a day exactly as the clock on
the shop's wall does. Pauses (waiting on the customer) are intervals taken out of business time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_INTERVALS_PER_DAY = 6
MAX_HOLIDAYS = 400
# How far ahead a clock may look for opening hours (a calendar of holidays only never ends).
HORIZON_DAYS = 3 * 366

_CLOCK = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")

Interval = tuple[datetime, datetime]


class CalendarError(ValueError):
    """Opening hours, holidays or a time zone that cannot be used; the message says which and why."""


def _minutes(text: object, what: str) -> int:
    if not isinstance(text, str) or not (match := _CLOCK.match(text.strip())):
        raise CalendarError(f"{what}: write times as HH:MM (00:00 to 24:00), not {text!r}")
    value = int(match.group(1)) * 60 + int(match.group(2))
    if value > 24 * 60:
        raise CalendarError(f"{what}: {text} is after 24:00")
    return value


def _clock_text(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _zone(name: object) -> ZoneInfo:
    if not isinstance(name, str) or not name.strip() or len(name) > 64 or ".." in name:
        raise CalendarError(f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin")
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise CalendarError(f"unknown time zone {name!r}; use an IANA name such as Europe/Berlin") from None


@dataclass(frozen=True, slots=True)
class BusinessCalendar:
    """Opening hours per weekday (minutes after local midnight, start < end) and closed dates."""

    timezone: str
    hours: tuple[tuple[tuple[int, int], ...], ...]  # seven entries, Monday first
    holidays: frozenset[date]

    @classmethod
    def build(
        cls,
        timezone: str,
        hours: Mapping[str, Sequence[Sequence[str]]],
        holidays: Iterable[str | date] = (),
    ) -> BusinessCalendar:
        """Check and build a calendar from plain values (as stored in JSON); CalendarError when unusable."""
        zone = _zone(timezone)
        if not isinstance(hours, Mapping):
            raise CalendarError("business hours: give a map of weekday -> list of [start, end]")
        unknown = sorted(set(hours) - set(WEEKDAYS))
        if unknown:
            raise CalendarError(f"business hours: unknown weekday {unknown[0]!r}; use {', '.join(WEEKDAYS)}")
        week: list[tuple[tuple[int, int], ...]] = []
        for day in WEEKDAYS:
            spans = hours.get(day) or []
            if len(spans) > MAX_INTERVALS_PER_DAY:
                raise CalendarError(f"business hours: at most {MAX_INTERVALS_PER_DAY} intervals on {day}")
            parsed: list[tuple[int, int]] = []
            for span in spans:
                if isinstance(span, str) or len(span) != 2:
                    raise CalendarError(f"business hours on {day}: each interval is [start, end]")
                start, end = _minutes(span[0], f"{day} start"), _minutes(span[1], f"{day} end")
                if start >= end:
                    raise CalendarError(f"business hours on {day}: {span[0]}-{span[1]} ends before it starts")
                parsed.append((start, end))
            parsed.sort()
            for (_, end), (start, _) in zip(parsed, parsed[1:], strict=False):
                if start < end:
                    raise CalendarError(f"business hours on {day}: intervals overlap")
            week.append(tuple(parsed))
        if not any(week):
            raise CalendarError("business hours: open on at least one day")
        days: set[date] = set()
        for item in holidays:
            try:
                days.add(item if isinstance(item, date) else date.fromisoformat(str(item).strip()))
            except ValueError:
                raise CalendarError(f"holiday {item!r}: write dates as YYYY-MM-DD") from None
        if len(days) > MAX_HOLIDAYS:
            raise CalendarError(f"at most {MAX_HOLIDAYS} holidays")
        return cls(zone.key, tuple(week), frozenset(days))

    @classmethod
    def always_open(cls, timezone: str = "UTC") -> BusinessCalendar:
        """Round the clock, every day: targets then count wall-clock time."""
        return cls.build(timezone, {day: [("00:00", "24:00")] for day in WEEKDAYS})

    def to_dict(self) -> dict[str, object]:
        """The plain form `build` accepts (for JSON)."""
        return {
            "timezone": self.timezone,
            "hours": {
                day: [[_clock_text(a), _clock_text(b)] for a, b in spans]
                for day, spans in zip(WEEKDAYS, self.hours, strict=True)
            },
            "holidays": sorted(d.isoformat() for d in self.holidays),
        }

    # --- opening intervals ---------------------------------------------------------------------

    def _day_intervals(self, day: date, zone: ZoneInfo) -> list[Interval]:
        if day in self.holidays:
            return []
        midnight = datetime.combine(day, time(0), tzinfo=zone)
        out = []
        for start, end in self.hours[day.weekday()]:
            # Wall-clock times, each converted on its own: a DST change inside the interval
            # makes it an hour shorter or longer, as the shop's opening hours really are.
            a = _local(day, start, zone, midnight)
            b = _local(day, end, zone, midnight)
            if b > a:
                out.append((a, b))
        return out

    def open_intervals(self, since: datetime) -> Iterator[Interval]:
        """Opening intervals (UTC) that end after `since`, clipped to start no earlier, in order."""
        since = _utc(since)
        zone = ZoneInfo(self.timezone)
        day = since.astimezone(zone).date() - timedelta(days=1)
        for _ in range(HORIZON_DAYS):
            for a, b in self._day_intervals(day, zone):
                if b > since:
                    yield (max(a, since), b)
            day += timedelta(days=1)

    def open_intervals_before(self, until: datetime) -> Iterator[Interval]:
        """Opening intervals (UTC) that start before `until`, clipped to end no later, latest first."""
        until = _utc(until)
        zone = ZoneInfo(self.timezone)
        day = until.astimezone(zone).date() + timedelta(days=1)
        for _ in range(HORIZON_DAYS):
            for a, b in reversed(self._day_intervals(day, zone)):
                if a < until:
                    yield (a, min(b, until))
            day -= timedelta(days=1)

    def working_intervals(self, since: datetime, pauses: Sequence[Interval] = ()) -> Iterator[Interval]:
        """Opening intervals after `since` with the pauses taken out."""
        ordered = _merge(pauses)
        for a, b in self.open_intervals(since):
            yield from _subtract(a, b, ordered)

    # --- counting --------------------------------------------------------------------------------

    def add(self, start: datetime, seconds: float, pauses: Sequence[Interval] = ()) -> datetime:
        """The instant at which `seconds` of business time (outside pauses) have passed since `start`.

        A clock started outside opening hours begins at the next opening; zero seconds is the first
        business instant at or after `start`.
        """
        left = timedelta(seconds=max(0.0, seconds))
        for a, b in self.working_intervals(start, pauses):
            if b - a >= left:
                return a + left
            left -= b - a
        raise CalendarError(f"no opening hours within {HORIZON_DAYS} days of {start.isoformat()}")

    def subtract(self, end: datetime, seconds: float) -> datetime:
        """The latest instant from which `seconds` of business time run until `end` (no pauses)."""
        left = timedelta(seconds=max(0.0, seconds))
        for a, b in self.open_intervals_before(end):
            if b - a >= left:
                return b - left
            left -= b - a
        raise CalendarError(f"no opening hours within {HORIZON_DAYS} days before {end.isoformat()}")

    def seconds_between(self, start: datetime, end: datetime, pauses: Sequence[Interval] = ()) -> float:
        """Business seconds (outside pauses) in [start, end); 0 when end is not after start."""
        start, end = _utc(start), _utc(end)
        total = 0.0
        if end <= start:
            return total
        for a, b in self.working_intervals(start, pauses):
            if a >= end:
                break
            total += (min(b, end) - a).total_seconds()
        return total

    def is_open(self, at: datetime) -> bool:
        """True when `at` falls inside opening hours."""
        at = _utc(at)
        return next(self.open_intervals(at))[0] <= at


def _utc(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise CalendarError("instants must carry a time zone")
    return value.astimezone(UTC)


def _local(day: date, minutes: int, zone: ZoneInfo, midnight: datetime) -> datetime:
    if minutes >= 24 * 60:
        nxt = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
        return nxt.astimezone(UTC)
    wall = midnight.replace(hour=minutes // 60, minute=minutes % 60)
    return wall.astimezone(UTC)


def _merge(pauses: Sequence[Interval]) -> list[Interval]:
    ordered = sorted((_utc(a), _utc(b)) for a, b in pauses if b > a)
    merged: list[Interval] = []
    for a, b in ordered:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _subtract(a: datetime, b: datetime, pauses: list[Interval]) -> Iterator[Interval]:
    cursor = a
    for pa, pb in pauses:
        if pb <= cursor:
            continue
        if pa >= b:
            break
        if pa > cursor:
            yield (cursor, pa)
        cursor = max(cursor, pb)
        if cursor >= b:
            return
    if cursor < b:
        yield (cursor, b)
