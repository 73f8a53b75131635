"""The dashboard for admins and supervisors: every chart of one retailer's period, each with the raw
figures behind it for the accessible table and the CSV export. Days are the retailer's local days
(the time zone of its SLA business calendar, UTC without one)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime

from babel.dates import format_date
from sqlalchemy.orm import Session

from trustdesk.insights import queries as q
from trustdesk.insights.charts import Chart, Series, format_value
from trustdesk.insights.window import Window, window
from trustdesk.sla.policy import ANY, Priority, Target
from trustdesk.sla.service import load_policy
from trustdesk.store.models import Conversation

PERIODS = (7, 28, 90)
DEFAULT_PERIOD = 28
CHANNELS = (("chat", "chat", "primary"), ("email", "e-mail", "accent"), ("api", "API", "muted"))


@dataclass(frozen=True)
class Panel:
    chart: Chart
    keys: tuple[str, ...]  # machine labels for the CSV: ISO days or category keys

    def csv_rows(self) -> tuple[list[str], list[list[object]]]:
        header = [self.chart.axis.lower(), *(s.name for s in self.chart.series)]
        rows = [[key, *(_raw(s.values[i]) for s in self.chart.series)] for i, key in enumerate(self.keys)]
        return header, rows


@dataclass(frozen=True)
class Dashboard:
    days: int
    zone: str
    panels: tuple[Panel, ...]

    def panel(self, key: str) -> Panel | None:
        return next((p for p in self.panels if p.chart.key == key), None)


def _raw(value: float | None) -> object:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 2)


def build(
    session: Session, tenant_id: int, *, days: int = DEFAULT_PERIOD, now: datetime | None = None
) -> Dashboard:
    if days not in PERIODS:
        raise ValueError(f"the dashboard covers {', '.join(map(str, PERIODS))} days")
    now = now or datetime.now(UTC)
    policy = load_policy(session, tenant_id)
    span = window(policy.calendar.timezone if policy else None, days, now)
    labels = tuple(format_date(day, "d MMM", locale="en_GB") for day in span.days)
    keys = tuple(day.isoformat() for day in span.days)
    rule = policy.rule_for(Priority.NORMAL.value, ANY) if policy else None
    target_first = rule.minutes(Target.FIRST_RESPONSE) if rule else None
    target_resolution = rule.minutes(Target.RESOLUTION) if rule else None

    def day_panel(chart: Chart) -> Panel:
        return Panel(chart, keys)

    panels = [
        day_panel(_volume(session, tenant_id, span, labels)),
        day_panel(
            _times(
                "first-response",
                "Time to first response (minutes)",
                "first response",
                q.durations(session, tenant_id, span, Conversation.first_response_at),
                labels,
                60,
                "min",
                target_first,
            )
        ),
        day_panel(
            _times(
                "resolution",
                "Time to resolution (hours)",
                "resolution",
                q.durations(session, tenant_id, span, Conversation.resolved_at),
                labels,
                3600,
                "h",
                target_resolution / 60 if target_resolution else None,
            )
        ),
        day_panel(_sla(session, tenant_id, span, labels, now, policy is not None)),
        day_panel(_bot(session, tenant_id, span, labels)),
        _reasons(session, tenant_id, span),
        day_panel(_csat(session, tenant_id, span, labels)),
    ]
    guard = q.guard_events(session, tenant_id, span)
    panels += [day_panel(_guard(guard, span, labels)), _guard_types(guard)]
    panels.append(day_panel(_reports(session, tenant_id, span, labels)))
    return Dashboard(days, span.zone, tuple(panels))


def _volume(session: Session, tenant_id: int, span: Window, labels: tuple[str, ...]) -> Chart:
    counts = q.volume(session, tenant_id, span)
    n = len(span.days)
    series = [
        Series(name, tuple(counts.get((i, key), 0) for i in range(n)), tone) for key, name, tone in CHANNELS
    ]
    others = tuple(
        sum(v for (d, ch), v in counts.items() if d == i and ch not in {c[0] for c in CHANNELS})
        for i in range(n)
    )
    if sum(others):
        series.append(Series("other", others, "warn"))
    totals = [sum(s.values[i] or 0 for s in series) for i in range(n)]
    parts = ", ".join(f"{sum(v or 0 for v in s.values):.0f} by {s.name}" for s in series if any(s.values))
    summary = f"{sum(totals)} conversations opened in {n} days" + (f": {parts}." if parts else ".")
    return Chart("volume", "Conversations by channel and day", summary, labels, tuple(series), "stacked")


def _times(
    key: str,
    title: str,
    what: str,
    measured: q.Durations,
    labels: tuple[str, ...],
    per_unit: int,
    unit: str,
    target: float | None,
) -> Chart:
    n = len(labels)

    def scaled(p: int) -> tuple[float | None, ...]:
        return tuple(
            measured.by_day[i][p] / per_unit if i in measured.by_day and p in measured.by_day[i] else None
            for i in range(n)
        )

    series = [Series("median", scaled(50), "primary"), Series("9 in 10 within", scaled(90), "warn")]
    if target is not None:
        series.append(Series("SLA target", tuple(float(target) for _ in range(n)), "muted"))
    if not measured.total:
        summary = f"No conversation opened in this period has a {what} yet."
    else:
        p50, p90 = (measured.overall.get(p, 0) / per_unit for p in (50, 90))
        summary = (
            f"Of {measured.total} conversations, half had a {what} within {format_value(p50, unit)} and "
            f"nine in ten within {format_value(p90, unit)}"
            + (f"; the SLA target is {format_value(target, unit)} of business hours." if target else ".")
        )
    return Chart(key, title, summary, labels, tuple(series), "line", unit)


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _sla(
    session: Session, tenant_id: int, span: Window, labels: tuple[str, ...], now: datetime, has_policy: bool
) -> Chart:
    outcomes = q.sla_outcomes(session, tenant_id, span, now)
    n = len(labels)
    first = q.dense(outcomes, n, lambda r: _percent(r["first_met"], r["first_met"] + r["first_missed"]), None)
    resolved = q.dense(
        outcomes,
        n,
        lambda r: _percent(r["resolution_met"], r["resolution_met"] + r["resolution_missed"]),
        None,
    )
    totals = {
        k: sum(r[k] for r in outcomes.values())
        for k in ("first_met", "first_missed", "resolution_met", "resolution_missed")
    }
    if not has_policy:
        summary = "No SLA policy is switched on, so no targets are measured."
    else:
        first_rate = _percent(totals["first_met"], totals["first_met"] + totals["first_missed"])
        res_rate = _percent(totals["resolution_met"], totals["resolution_met"] + totals["resolution_missed"])
        summary = (
            f"First response met the target in {format_value(first_rate, '%')} of decided conversations "
            f"({totals['first_met']} of {totals['first_met'] + totals['first_missed']}); resolution in "
            f"{format_value(res_rate, '%')} ({totals['resolution_met']} of "
            f"{totals['resolution_met'] + totals['resolution_missed']})."
        )
    return Chart(
        "sla",
        "SLA attainment (% met)",
        summary,
        labels,
        (Series("first response met", first, "primary"), Series("resolution met", resolved, "accent")),
        "line",
        "%",
    )


def _bot(session: Session, tenant_id: int, span: Window, labels: tuple[str, ...]) -> Chart:
    outcomes = q.bot_outcomes(session, tenant_id, span)
    n = len(labels)
    contained = q.dense(outcomes, n, lambda r: r["contained"])
    handed = q.dense(outcomes, n, lambda r: r["handed"])
    total = sum(contained) + sum(handed)
    rate = _percent(sum(contained), total)
    summary = (
        f"The bot settled {sum(contained)} of {total} conversations it took without a person "
        f"({format_value(rate, '%')}); {sum(handed)} went to a person."
        if total
        else "The bot took no conversations in this period."
    )
    return Chart(
        "bot",
        "Bot containment",
        summary,
        labels,
        (Series("settled by the bot", contained, "accent"), Series("handed to a person", handed, "warn")),
        "stacked",
    )


REASON_LABELS = {
    "customer_request": "customer asked for a person",
    "low_confidence": "bot unsure",
    "complaint": "complaint",
    "negative_sentiment": "unhappy customer",
    "security": "security concern",
    "payment_dispute": "payment dispute",
    "language": "language",
    "long_message": "long message",
    "address_change": "address change",
    "order_action_failed": "order action failed",
    "verification_limit": "verification limit",
    "unanswered": "unanswered",
}


def _categories(
    key: str,
    title: str,
    axis: str,
    counters: tuple[tuple[str, str, Counter[str]], ...],
    names: dict[str, str],
) -> Panel:
    keys = sorted(
        {k for _, _, c in counters for k in c}, key=lambda k: (-sum(c[k] for _, _, c in counters), k)
    )
    labels = tuple(names.get(k, k.replace("_", " ").lower()) for k in keys)
    series = tuple(Series(name, tuple(c[k] for k in keys), tone) for name, tone, c in counters)
    total = sum(sum(c.values()) for _, _, c in counters)
    if not keys:
        summary = "Nothing to show in this period."
    else:
        top = ", ".join(
            f"{labels[i]} ({sum(s.values[i] or 0 for s in series):.0f})" for i in range(min(3, len(keys)))
        )
        summary = f"{total} in all; most often: {top}."
    return Panel(Chart(key, title, summary, labels, series, "bars", axis=axis), tuple(keys))


def _reasons(session: Session, tenant_id: int, span: Window) -> Panel:
    reasons = q.handover_reasons(session, tenant_id, span)
    return _categories(
        "handover-reasons",
        "Why the bot handed over",
        "Reason",
        (("hand-overs", "warn", reasons),),
        REASON_LABELS,
    )


def _csat(session: Session, tenant_id: int, span: Window, labels: tuple[str, ...]) -> Chart:
    answers = q.satisfaction(session, tenant_id, span)
    n = len(labels)
    satisfied = q.dense(answers, n, lambda r: r["satisfied"])
    other = q.dense(answers, n, lambda r: r["answers"] - r["satisfied"])
    total = sum(satisfied) + sum(other)
    average = sum(r["score_sum"] for r in answers.values()) / total if total else None
    summary = (
        f"CSAT {format_value(_percent(sum(satisfied), total), '%')}: {sum(satisfied)} of {total} answers "
        f"were satisfied (4 or 5 of 5), average {average:.1f}."
        if total and average is not None
        else "No satisfaction answers in this period."
    )
    return Chart(
        "csat",
        "Customer satisfaction answers",
        summary,
        labels,
        (Series("satisfied", satisfied, "accent"), Series("not satisfied", other, "danger")),
        "stacked",
    )


def _guard(guard: q.GuardEvents, span: Window, labels: tuple[str, ...]) -> Chart:
    n = len(labels)
    removed = q.dense(guard.removed, n, lambda v: v)
    blocked = q.dense(guard.blocked, n, lambda v: v)
    summary = (
        f"{sum(removed)} customer messages had a secret removed before storage and {sum(blocked)} "
        "messages asking for a secret were blocked."
    )
    return Chart(
        "guard",
        "Guard events",
        summary,
        labels,
        (Series("secrets removed", removed, "primary"), Series("asks blocked", blocked, "danger")),
        "stacked",
    )


def _guard_types(guard: q.GuardEvents) -> Panel:
    return _categories(
        "guard-types",
        "Guard events by type",
        "Type",
        (
            ("secrets removed", "primary", guard.removed_types),
            ("asks blocked", "danger", guard.blocked_types),
        ),
        {},
    )


def _reports(session: Session, tenant_id: int, span: Window, labels: tuple[str, ...]) -> Chart:
    found = q.reports_and_campaigns(session, tenant_id, span)
    n = len(labels)
    reports = q.dense(found, n, lambda r: r["reports"])
    campaigns = q.dense(found, n, lambda r: r["campaigns"])
    summary = f"Customers filed {sum(reports)} reports of suspicious contact; {sum(campaigns)} new campaigns were seen."
    return Chart(
        "reports",
        "Reports and campaigns",
        summary,
        labels,
        (Series("reports", reports, "warn"), Series("new campaigns", campaigns, "danger")),
        "line",
    )


__all__ = ["DEFAULT_PERIOD", "PERIODS", "Dashboard", "Panel", "build"]
