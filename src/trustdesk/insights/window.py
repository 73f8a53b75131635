"""The dashboard's period: whole calendar days in the retailer's time zone, and what the database needs
to put a UTC timestamp on its local day (pure; no database here).

A local day number is (UTC epoch seconds + the zone's offset at that moment) // 86400. The offset
changes only at daylight-saving transitions, so within a period it is a short list of segments
(at most three for 90 days): the query turns them into one CASE and the days are counted in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DAY_SECONDS = 86_400
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Window:
    zone: str
    days: tuple[date, ...]  # local calendar days, oldest first; the last is today
    start: datetime  # UTC: local midnight starting days[0]
    end: datetime  # UTC: local midnight after days[-1]
    # (UTC epoch second from which it applies, offset in seconds); the first starts at `start`.
    segments: tuple[tuple[int, int], ...]

    @property
    def first_day_number(self) -> int:
        """The local day number (days since 1970-01-01) of days[0]."""
        return (self.days[0] - date(1970, 1, 1)).days

    def offset_at(self, epoch: int) -> int:
        current = self.segments[0][1]
        for since, offset in self.segments:
            if epoch >= since:
                current = offset
        return current

    def day_index(self, moment: datetime) -> int | None:
        """The position in `days` of a UTC moment's local day, or None outside the window (the same
        arithmetic the SQL does, for tests and Python-side figures)."""
        epoch = int(moment.astimezone(UTC).timestamp())
        index = (epoch + self.offset_at(epoch)) // DAY_SECONDS - self.first_day_number
        return index if 0 <= index < len(self.days) else None


def zone_or_utc(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _offset(zone: ZoneInfo, epoch: int) -> int:
    delta = datetime.fromtimestamp(epoch, UTC).astimezone(zone).utcoffset()
    return int(delta.total_seconds()) if delta is not None else 0


def _transition(zone: ZoneInfo, low: int, high: int) -> int:
    """The first second in (low, high] whose offset differs from low's (one change in between)."""
    before = _offset(zone, low)
    while high - low > 1:
        middle = (low + high) // 2
        if _offset(zone, middle) == before:
            low = middle
        else:
            high = middle
    return high


def window(zone_name: str | None, days: int, now: datetime) -> Window:
    """The last `days` local days up to and including today in the zone (UTC if unknown)."""
    if days < 1:
        raise ValueError("a window covers at least one day")
    zone = zone_or_utc(zone_name)
    today = now.astimezone(zone).date()
    first = today - timedelta(days=days - 1)
    start = datetime.combine(first, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    start_epoch, end_epoch = int(start.timestamp()), int(end.timestamp())
    segments = [(start_epoch, _offset(zone, start_epoch))]
    step = int(HOUR.total_seconds())
    probe = start_epoch
    while probe < end_epoch:  # hourly probes find each change; bisection finds its second
        following = min(probe + step, end_epoch)
        if _offset(zone, following) != segments[-1][1]:
            moment = _transition(zone, probe, following)
            segments.append((moment, _offset(zone, moment)))
        probe = following
    span = tuple(first + timedelta(days=i) for i in range(days))
    return Window(zone.key, span, start, end, tuple(segments))
