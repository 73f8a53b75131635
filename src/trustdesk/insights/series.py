"""Daily series: counting and summarising timestamped events per calendar day (UTC)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta


def day_range(last: date, days: int) -> list[date]:
    """The `days` calendar days ending with `last`, oldest first."""
    if days < 1:
        raise ValueError("a series covers at least one day")
    return [last - timedelta(days=offset) for offset in range(days - 1, -1, -1)]


def utc_day(moment: datetime) -> date:
    """The UTC calendar day of a moment (naive datetimes are taken as UTC, as the store keeps them)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.date()


def count_by_day(moments: Iterable[datetime], days: Sequence[date]) -> list[int]:
    """How many moments fall on each day; moments outside the days are ignored."""
    index = {day: position for position, day in enumerate(days)}
    counts = [0] * len(days)
    for moment in moments:
        position = index.get(utc_day(moment))
        if position is not None:
            counts[position] += 1
    return counts


def values_by_day(pairs: Iterable[tuple[datetime, float]], days: Sequence[date]) -> list[list[float]]:
    """The values recorded on each day (e.g. minutes to first response, by the day the chat opened)."""
    index = {day: position for position, day in enumerate(days)}
    buckets: list[list[float]] = [[] for _ in days]
    for moment, value in pairs:
        position = index.get(utc_day(moment))
        if position is not None:
            buckets[position].append(value)
    return buckets


def percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile (share in 0..1) of the values, or None when there are none.

    Nearest rank keeps every figure one that really occurred: "half the customers waited at most
    this long" is then literally true of some customer."""
    if not values:
        return None
    if not 0 < share <= 1:
        raise ValueError("share must be in (0, 1]")
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def share(part: int, whole: int) -> float | None:
    """part / whole, or None when there is nothing to divide."""
    return part / whole if whole else None
