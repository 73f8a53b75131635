"""Accessible SVG charts drawn on the server: no script, no inline style (the CSP forbids both), so
colours come from CSS classes and every chart carries a title, a one-sentence summary and, in the
page, the same figures as a table."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup, escape

WIDTH, HEIGHT = 520, 210
LEFT, RIGHT, TOP, BOTTOM = 52, 8, 12, 30
MAX_X_LABELS = 6


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float | None, ...]
    tone: str  # CSS class suffix: primary, accent, warn, danger, muted


@dataclass(frozen=True)
class Chart:
    key: str  # unique on the page: ids of the title and summary
    title: str
    summary: str  # one sentence for screen readers: what the chart says
    labels: tuple[str, ...]  # one per x position (a day)
    series: tuple[Series, ...]
    kind: Literal["stacked", "line", "bars"]  # bars: one horizontal bar per label (categories)
    unit: str = ""  # appended to values: "min", "%"
    axis: str = "Day"  # the table's first column: what the labels are

    def __post_init__(self) -> None:
        if any(len(s.values) != len(self.labels) for s in self.series):
            raise ValueError("every series needs one value per label")


def nice_ceiling(value: float) -> tuple[float, float]:
    """An axis top at or above value and its gridline step: 1, 2 or 5 times a power of ten, at least
    1 (the charts show counts, minutes and percentages) and at most four steps, so it reads in round
    numbers."""
    if value <= 4:
        return float(max(1, math.ceil(value))), 1.0
    raw = value / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(base * magnitude for base in (1, 2, 5, 10) if base * magnitude >= raw)
    step = max(1.0, float(step))
    return step * math.ceil(value / step), step


def format_value(value: float | None, unit: str = "") -> str:
    if value is None:
        return "–"
    text = f"{value:.0f}" if abs(value - round(value)) < 1e-9 or abs(value) >= 10 else f"{value:.1f}"
    return f"{text} {unit}".strip() if unit and unit != "%" else f"{text}{unit}"


def _top_value(chart: Chart) -> float:
    if chart.kind == "stacked":
        totals = [sum(s.values[i] or 0 for s in chart.series) for i in range(len(chart.labels))]
        return max(totals, default=0)
    return max((v for s in chart.series for v in s.values if v is not None), default=0)


def render(chart: Chart) -> Markup:
    """The chart as an <svg> element (role img, labelled by its title and summary)."""
    if chart.kind == "bars":
        return _render_bars(chart)
    top, step = nice_ceiling(_top_value(chart))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    count = max(1, len(chart.labels))
    slot = plot_w / count

    def y(value: float) -> float:
        return TOP + plot_h - (value / top) * plot_h

    def x(position: int) -> float:
        return LEFT + slot * (position + 0.5)

    key = escape(chart.key)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{key}-title {key}-summary" focusable="false">',
        f'<title id="{key}-title">{escape(chart.title)}</title>',
        f'<desc id="{key}-summary">{escape(chart.summary)}</desc>',
    ]
    ticks = int(round(top / step))
    for tick in range(ticks + 1):
        value = step * tick
        parts.append(
            f'<line class="chart-rule" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(value):.1f}" y2="{y(value):.1f}"/>'
        )
        parts.append(
            f'<text class="chart-axis" x="{LEFT - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
            f"{escape(format_value(value, '%' if chart.unit == '%' else ''))}</text>"  # the title names the unit
        )
    every = max(1, math.ceil(count / MAX_X_LABELS))
    for position, label in enumerate(chart.labels):
        if (count - 1 - position) % every == 0:  # always label the latest day
            parts.append(
                f'<text class="chart-axis" x="{x(position):.1f}" y="{HEIGHT - 8}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    if chart.kind == "stacked":
        parts.extend(_bars(chart, x, y, slot))
    else:
        parts.extend(_lines(chart, x, y))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape(); the rest are numbers


def _bars(chart: Chart, x, y, slot: float) -> list[str]:  # type: ignore[no-untyped-def]
    width = max(2.0, slot * 0.64)
    out = []
    for position, label in enumerate(chart.labels):
        base = 0.0
        for series in chart.series:
            value = series.values[position] or 0
            if value <= 0:
                continue
            top_y, bottom_y = y(base + value), y(base)
            out.append(
                f'<rect class="chart-bar tone-{escape(series.tone)}" x="{x(position) - width / 2:.1f}" '
                f'y="{top_y:.1f}" width="{width:.1f}" height="{bottom_y - top_y:.1f}">'
                f"<title>{escape(label)}: {escape(series.name)} {escape(format_value(value, chart.unit))}</title></rect>"
            )
            base += value
    return out


def _lines(chart: Chart, x, y) -> list[str]:  # type: ignore[no-untyped-def]
    out = []
    for series in chart.series:
        run: list[str] = []
        runs: list[list[str]] = []
        for position, value in enumerate(series.values):
            if value is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append(f"{x(position):.1f},{y(value):.1f}")
        if run:
            runs.append(run)
        tone = escape(series.tone)
        for points in runs:
            if len(points) > 1:
                out.append(f'<polyline class="chart-line tone-{tone}" points="{" ".join(points)}"/>')
        for position, value in enumerate(series.values):
            if value is None:
                continue
            out.append(
                f'<circle class="chart-point tone-{tone}" cx="{x(position):.1f}" cy="{y(value):.1f}" r="3.5">'
                f"<title>{escape(chart.labels[position])}: {escape(series.name)} "
                f"{escape(format_value(value, chart.unit))}</title></circle>"
            )
    return out


BAR_ROW, BAR_LABEL = 24, 150


def _render_bars(chart: Chart) -> Markup:
    """Categories (hand-over reasons, finding types) as horizontal bars, the series stacked."""
    totals = [sum(s.values[i] or 0 for s in chart.series) for i in range(len(chart.labels))]
    top, _ = nice_ceiling(max(totals, default=0))
    height = TOP + BAR_ROW * max(1, len(chart.labels)) + 8
    plot_w = WIDTH - BAR_LABEL - RIGHT - 40
    key = escape(chart.key)
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{key}-title {key}-summary" focusable="false">',
        f'<title id="{key}-title">{escape(chart.title)}</title>',
        f'<desc id="{key}-summary">{escape(chart.summary)}</desc>',
    ]
    for position, label in enumerate(chart.labels):
        y = TOP + BAR_ROW * position
        parts.append(
            f'<text class="chart-axis" x="{BAR_LABEL - 6}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
        )
        left = float(BAR_LABEL)
        for series in chart.series:
            value = series.values[position] or 0
            if value <= 0:
                continue
            width = value / top * plot_w
            parts.append(
                f'<rect class="chart-bar tone-{escape(series.tone)}" x="{left:.1f}" y="{y + 3}" '
                f'width="{width:.1f}" height="{BAR_ROW - 8}"><title>{escape(label)}: {escape(series.name)} '
                f"{escape(format_value(value, chart.unit))}</title></rect>"
            )
            left += width
        parts.append(
            f'<text class="chart-axis" x="{left + 4:.1f}" y="{y + 15}">'
            f"{escape(format_value(totals[position], chart.unit))}</text>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text above went through escape(); the rest are numbers


def table(chart: Chart) -> tuple[list[str], list[list[str]]]:
    """The chart's figures as a table: header (day, each series) and one row per day."""
    header = [chart.axis, *(s.name for s in chart.series)]
    rows = [
        [label, *(format_value(s.values[i], chart.unit) for s in chart.series)]
        for i, label in enumerate(chart.labels)
    ]
    return header, rows
