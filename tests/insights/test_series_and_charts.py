"""Daily series and the SVG charts drawn from them (pure)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from trustdesk.insights.charts import Chart, Series, format_value, nice_ceiling, render, table
from trustdesk.insights.series import count_by_day, day_range, percentile, share, values_by_day

DAYS = day_range(date(2026, 12, 7), 3)


def test_days_end_with_the_last_one_oldest_first() -> None:
    assert DAYS == [date(2026, 12, 5), date(2026, 12, 6), date(2026, 12, 7)]
    with pytest.raises(ValueError):
        day_range(date(2026, 12, 7), 0)


def test_moments_count_on_their_utc_day_and_outside_ones_are_ignored() -> None:
    berlin = timezone(timedelta(hours=1))
    moments = [
        datetime(2026, 12, 5, 0, 0),  # naive: the store's UTC
        datetime(2026, 12, 5, 23, 59, 59, tzinfo=UTC),
        datetime(2026, 12, 7, 0, 30, tzinfo=berlin),  # 23:30 UTC on the 6th
        datetime(2026, 12, 4, 23, 59, tzinfo=UTC),  # before the range
        datetime(2026, 12, 8, 0, 0, tzinfo=UTC),  # after it
    ]
    assert count_by_day(moments, DAYS) == [2, 1, 0]


def test_values_fall_into_the_day_they_belong_to() -> None:
    pairs = [
        (datetime(2026, 12, 6, 9), 4.0),
        (datetime(2026, 12, 6, 17), 10.0),
        (datetime(2026, 12, 7, 1), 1.0),
    ]
    assert values_by_day(pairs, DAYS) == [[], [4.0, 10.0], [1.0]]


def test_percentiles_are_values_that_occurred() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7.0], 0.9) == 7.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.0
    assert percentile([5.0, 1.0, 3.0, 2.0, 4.0], 0.9) == 5.0
    with pytest.raises(ValueError):
        percentile([1.0], 0)
    assert share(1, 4) == 0.25 and share(3, 0) is None


@given(st.lists(st.floats(min_value=0, max_value=1e6), min_size=1), st.floats(min_value=0.01, max_value=1))
def test_a_percentile_is_one_of_the_values_and_orders_with_share(values: list[float], q: float) -> None:
    found = percentile(values, q)
    assert found in values
    assert sum(v <= found for v in values) >= q * len(values) - 1e-9


@given(st.floats(min_value=0, max_value=1e9))
def test_the_axis_covers_the_value_in_at_most_four_round_steps(value: float) -> None:
    top, step = nice_ceiling(value)
    assert top >= value and step >= 1
    assert round(top / step) <= 4
    assert step == int(step) and str(int(step)).rstrip("0") in ("1", "2", "5")


def _chart(kind: str = "stacked", **overrides) -> Chart:  # type: ignore[no-untyped-def]
    values = dict(
        key="volume",
        title="Conversations per day",
        summary="5 conversations in 3 days.",
        labels=("5 Dec", "6 Dec", "7 Dec"),
        series=(Series("chat", (1, 2, 0), "primary"), Series("e-mail", (0, 2, None), "accent")),
        kind=kind,
    )
    values.update(overrides)
    return Chart(**values)  # type: ignore[arg-type]


def test_a_chart_is_an_image_labelled_by_its_title_and_summary_without_inline_style() -> None:
    svg = str(render(_chart()))
    assert svg.startswith('<svg class="chart"') and 'role="img"' in svg
    assert 'aria-labelledby="volume-title volume-summary"' in svg
    assert '<title id="volume-title">Conversations per day</title>' in svg
    assert '<desc id="volume-summary">5 conversations in 3 days.</desc>' in svg
    assert "style=" not in svg and "<script" not in svg


def test_stacked_bars_are_as_tall_as_their_values_and_zero_draws_nothing() -> None:
    svg = str(render(_chart()))
    bars = re.findall(r'<rect class="chart-bar tone-(\w+)"[^>]*height="([\d.]+)"><title>([^<]+)</title>', svg)
    assert [(tone, label) for tone, _, label in bars] == [
        ("primary", "5 Dec: chat 1"),
        ("primary", "6 Dec: chat 2"),
        ("accent", "6 Dec: e-mail 2"),
    ]
    heights = [float(h) for _, h, _ in bars]
    assert heights[1] == pytest.approx(2 * heights[0], rel=0.02) and heights[1] == pytest.approx(
        heights[2], rel=0.02
    )


def test_a_line_breaks_where_a_day_has_no_value() -> None:
    chart = _chart("line", series=(Series("median", (3.0, None, 5.0), "primary"),), unit="min")
    svg = str(render(chart))
    assert "<polyline" not in svg  # two single points, no line across the missing day
    assert svg.count("<circle") == 2 and "7 Dec: median 5 min" in svg
    joined = str(render(_chart("line", series=(Series("median", (3.0, 4.0, None), "primary"),))))
    assert joined.count("<polyline") == 1


def test_text_from_outside_is_escaped() -> None:
    svg = str(render(_chart(title="<b>x</b>", labels=("<i>", "6 Dec", "7 Dec"), key='v"x')))
    assert "<b>" not in svg and "&lt;b&gt;" in svg and "<i>" not in svg and "v&#34;x" in svg


def test_every_series_needs_one_value_per_label() -> None:
    with pytest.raises(ValueError):
        _chart(series=(Series("chat", (1, 2), "primary"),))


def test_the_table_holds_the_same_figures() -> None:
    header, rows = table(_chart())
    assert header == ["Day", "chat", "e-mail"]
    assert rows == [["5 Dec", "1", "0"], ["6 Dec", "2", "2"], ["7 Dec", "0", "–"]]
    assert format_value(9.56, "min") == "9.6 min" and format_value(44.0, "%") == "44%"
