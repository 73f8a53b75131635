"""Gathering one retailer's daily figures from the store for the console overview.

Only timestamps, channels and counts are read: no message text, so the overview can never show a
secret. Days are UTC calendar days; the latest is today.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from babel.dates import format_date
from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from trustdesk.insights.charts import Chart, Series, format_value
from trustdesk.insights.series import count_by_day, day_range, percentile, share, values_by_day
from trustdesk.store.models import AuditEvent, Conversation, Message, Report

PERIODS = (7, 14, 30)
BOT_STATE_KEY = "engine"  # botdesk.service.STATE_KEY: where the bot keeps its state in bot_state


@dataclass(frozen=True)
class Headline:
    label: str
    value: str
    detail: str


@dataclass(frozen=True)
class Overview:
    days: int
    headlines: tuple[Headline, ...]
    charts: tuple[Chart, ...]


def _window(days: int, today: date) -> tuple[list[date], datetime, datetime]:
    span = day_range(today, days)
    start = datetime.combine(span[0], time.min, tzinfo=UTC)
    end = datetime.combine(today + timedelta(days=1), time.min, tzinfo=UTC)
    return span, start, end


def _minutes(opened: datetime, answered: datetime) -> float:
    return max(0.0, (answered - opened).total_seconds() / 60)


def gather(session: Session, tenant_id: int, *, days: int = 14, today: date | None = None) -> Overview:
    """The overview of the last `days` days (one of PERIODS) for one tenant."""
    if days not in PERIODS:
        raise ValueError(f"the overview covers {', '.join(map(str, PERIODS))} days")
    span, start, end = _window(days, today or datetime.now(UTC).date())
    labels = tuple(format_date(day, "d MMM", locale="en_GB") for day in span)

    conversations = session.execute(
        select(
            Conversation.id,
            Conversation.created_at,
            Conversation.channel,
            Conversation.first_response_at,
            Conversation.bot_state,
        ).where(
            Conversation.tenant_id == tenant_id,
            Conversation.created_at >= start,
            Conversation.created_at < end,
        )
    ).all()
    volume = _volume_chart(conversations, span, labels)
    response, response_headline = _response_chart(conversations, span, labels)
    bot, bot_headline = _bot_chart(session, tenant_id, conversations, span, labels)
    guard, guard_headline = _guard_chart(session, tenant_id, span, labels, start, end)
    total = len(conversations)
    headlines = (
        Headline("conversations", str(total), f"opened in the last {days} days"),
        response_headline,
        bot_headline,
        guard_headline,
    )
    return Overview(days, headlines, (volume, response, bot, guard))


def _volume_chart(rows, span, labels) -> Chart:  # type: ignore[no-untyped-def]
    chat = count_by_day((r.created_at for r in rows if r.channel == "chat"), span)
    mail = count_by_day((r.created_at for r in rows if r.channel == "email"), span)
    other = count_by_day((r.created_at for r in rows if r.channel not in ("chat", "email")), span)
    totals = [a + b + c for a, b, c in zip(chat, mail, other, strict=True)]
    busiest = max(range(len(span)), key=lambda i: (totals[i], i)) if span else 0
    summary = (
        f"{sum(totals)} conversations in {len(span)} days: {sum(chat)} by chat, {sum(mail)} by e-mail"
        + (f", {sum(other)} through the API" if sum(other) else "")
        + (f"; busiest day {labels[busiest]} with {totals[busiest]}." if sum(totals) else ".")
    )
    series = [Series("chat", tuple(chat), "primary"), Series("e-mail", tuple(mail), "accent")]
    if sum(other):
        series.append(Series("API", tuple(other), "muted"))
    return Chart("volume", "Conversations per day", summary, labels, tuple(series), "stacked")


def _response_chart(rows, span, labels) -> tuple[Chart, Headline]:  # type: ignore[no-untyped-def]
    pairs = [(r.created_at, _minutes(r.created_at, r.first_response_at)) for r in rows if r.first_response_at]
    buckets = values_by_day(pairs, span)
    medians = tuple(percentile(b, 0.5) for b in buckets)
    p90 = tuple(percentile(b, 0.9) for b in buckets)
    everything = [minutes for _, minutes in pairs]
    overall, overall_p90 = percentile(everything, 0.5), percentile(everything, 0.9)
    if overall is None:
        summary = "No conversation received a first response from a person in this period."
    else:
        summary = (
            f"Half of the {len(everything)} answered conversations got a first response within "
            f"{format_value(overall, 'min')}, nine in ten within {format_value(overall_p90, 'min')}."
        )
    chart = Chart(
        "response",
        "Time to first response (minutes)",
        summary,
        labels,
        (Series("median", medians, "primary"), Series("9 in 10 within", p90, "warn")),
        "line",
        "min",
    )
    headline = Headline(
        "median first response",
        format_value(overall, "min") if overall is not None else "–",
        f"9 in 10 within {format_value(overall_p90, 'min')}" if overall_p90 is not None else "no answers yet",
    )
    return chart, headline


def _handed_over(session: Session, tenant_id: int, bot_rows) -> set[int]:  # type: ignore[no-untyped-def]
    """Bot conversations a person took part in: the bot handed over, or an agent wrote."""
    handed = set()
    for row in bot_rows:
        engine = (row.bot_state or {}).get(BOT_STATE_KEY) or {}
        if isinstance(engine, dict) and engine.get("handed_off"):
            handed.add(row.id)
    ids = [row.id for row in bot_rows]
    for chunk in range(0, len(ids), 500):
        handed.update(
            session.scalars(
                select(Message.conversation_id)
                .where(
                    Message.tenant_id == tenant_id,
                    Message.conversation_id.in_(ids[chunk : chunk + 500]),
                    Message.author_kind == "agent",
                )
                .distinct()
            )
        )
    return handed


def _bot_chart(session, tenant_id, rows, span, labels) -> tuple[Chart, Headline]:  # type: ignore[no-untyped-def]
    bot_rows = [r for r in rows if r.bot_state]
    handed = _handed_over(session, tenant_id, bot_rows)
    contained = count_by_day((r.created_at for r in bot_rows if r.id not in handed), span)
    passed = count_by_day((r.created_at for r in bot_rows if r.id in handed), span)
    rate = share(sum(contained), len(bot_rows))
    summary = (
        f"The bot answered {sum(contained)} of {len(bot_rows)} chats it took without a person; "
        f"{sum(passed)} went to an agent."
        if bot_rows
        else "The bot took no conversations in this period."
    )
    chart = Chart(
        "bot",
        "Chats the bot took",
        summary,
        labels,
        (
            Series("answered by the bot", tuple(contained), "accent"),
            Series("handed to a person", tuple(passed), "warn"),
        ),
        "stacked",
    )
    headline = Headline(
        "bot containment",
        format_value(rate * 100, "%") if rate is not None else "–",
        f"{sum(contained)} of {len(bot_rows)} bot chats needed no person" if bot_rows else "no bot chats",
    )
    return chart, headline


def _guard_chart(session, tenant_id, span, labels, start, end) -> tuple[Chart, Headline]:  # type: ignore[no-untyped-def]
    redacted = session.scalars(
        select(Message.created_at).where(
            Message.tenant_id == tenant_id,
            Message.author_kind == "customer",
            Message.created_at >= start,
            Message.created_at < end,
            cast(Message.guard, String) != "[]",
        )
    ).all()
    blocked = session.scalars(
        select(AuditEvent.occurred_at).where(
            AuditEvent.tenant_id == tenant_id,
            AuditEvent.action == "message.blocked",
            AuditEvent.occurred_at >= start,
            AuditEvent.occurred_at < end,
        )
    ).all()
    reports = session.scalars(
        select(Report.received_at).where(
            Report.tenant_id == tenant_id, Report.received_at >= start, Report.received_at < end
        )
    ).all()
    removed, stopped, reported = (count_by_day(m, span) for m in (redacted, blocked, reports))
    summary = (
        f"{sum(removed)} customer messages had a secret removed before storage, {sum(stopped)} messages "
        f"asking for a secret were blocked, and customers filed {sum(reported)} reports of suspicious contact."
    )
    chart = Chart(
        "guard",
        "Protection events per day",
        summary,
        labels,
        (
            Series("secrets removed", tuple(removed), "primary"),
            Series("asks blocked", tuple(stopped), "danger"),
            Series("reports filed", tuple(reported), "warn"),
        ),
        "stacked",
    )
    headline = Headline(
        "secrets kept out",
        str(sum(removed)),
        f"{sum(stopped)} asks for secrets blocked, {sum(reported)} reports",
    )
    return chart, headline


__all__ = ["PERIODS", "Headline", "Overview", "gather"]
