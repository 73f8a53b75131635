"""The dashboard's aggregate queries: each one statement, grouped by the retailer's local day in the
database (window.py gives the day arithmetic), so a period of 100,000 conversations returns a few
hundred rows. Percentiles are nearest rank: the database gives each measured conversation's (day,
seconds) and the ranks are picked here, alike for SQLite and PostgreSQL. Only timestamps, channels,
counts and finding types are read: never message text.
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import BigInteger, Integer, String, and_, case, cast, func, literal_column, or_, select, true
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from trustdesk.insights.window import DAY_SECONDS, Window
from trustdesk.store.models import (
    AuditEvent,
    Campaign,
    Conversation,
    Message,
    Report,
    SatisfactionSurvey,
    SlaClock,
)

PERCENTILES = (50, 90)
SATISFIED_FROM = 4  # scores 4 and 5 of 5 count as satisfied (satisfaction.survey)


def epoch(session: Session, column: Any) -> ColumnElement[int]:
    """Whole UTC seconds since 1970 of a stored (naive UTC) timestamp."""
    if session.get_bind().dialect.name == "sqlite":
        if sqlite3.sqlite_version_info >= (3, 38, 0):  # unixepoch(): the same whole seconds, no text
            return func.unixepoch(column)
        return cast(func.strftime("%s", column), Integer)
    return cast(func.floor(func.extract("epoch", column)), BigInteger)


def day_of(session: Session, column: Any, span: Window) -> ColumnElement[int]:
    """The position of the column's local day in the window (0 = its first day)."""
    seconds = epoch(session, column)
    if len(span.segments) == 1:
        offset: Any = span.segments[0][1]
    else:
        # The timestamp itself against each change (whole seconds): no second epoch per row.
        offset = case(
            *(
                (column >= datetime.fromtimestamp(since, UTC), shift)
                for since, shift in reversed(span.segments[1:])
            ),
            else_=span.segments[0][1],
        )
    return (seconds + offset) // DAY_SECONDS - span.first_day_number


def _in(column: Any, span: Window) -> ColumnElement[bool]:
    return and_(column >= span.start, column < span.end)


def volume(session: Session, tenant_id: int, span: Window) -> dict[tuple[int, str], int]:
    """Conversations opened per (day, channel)."""
    day = day_of(session, Conversation.created_at, span)
    rows = session.execute(
        select(day, Conversation.channel, func.count())
        .where(Conversation.tenant_id == tenant_id, _in(Conversation.created_at, span))
        .group_by(day, Conversation.channel)
    )
    return {(int(d), channel): int(n) for d, channel, n in rows}


@dataclass(frozen=True)
class Durations:
    """Nearest-rank percentiles in seconds: per day index, and over the whole window."""

    by_day: dict[int, dict[int, int]]  # day -> {50: seconds, 90: seconds}
    counts: dict[int, int]  # day -> how many were measured
    overall: dict[int, int]
    total: int


def _rank(count: Any, percent: int) -> Any:
    """ceil(count * percent / 100) in integers: the nearest rank."""
    return (count * percent + 99) // 100


def nearest_rank(ordered: Sequence[int], percent: int) -> int:
    """The nearest-rank percentile of ascending values (at least one)."""
    return ordered[_rank(len(ordered), percent) - 1]


def durations(session: Session, tenant_id: int, span: Window, until: Any) -> Durations:
    """Seconds from opening to `until` (first_response_at or resolved_at) of conversations opened in
    the window, by the day they opened: p50 and p90 per day and overall. The database computes each
    row's day and whole seconds; they are sorted and the nearest ranks picked here (two window sorts
    in SQL cost several times as much for the same ranks)."""
    day = day_of(session, Conversation.created_at, span).label("day")
    seconds = (epoch(session, until) - epoch(session, Conversation.created_at)).label("seconds")
    everything: list[int] = []
    per_day: dict[int, list[int]] = defaultdict(list)
    for day_number, value in session.execute(
        select(day, seconds).where(
            Conversation.tenant_id == tenant_id, _in(Conversation.created_at, span), until.is_not(None)
        )
    ):
        everything.append(int(value))
        per_day[int(day_number)].append(int(value))
    everything.sort()
    for values in per_day.values():
        values.sort()
    by_day = {d: {p: max(0, nearest_rank(values, p)) for p in PERCENTILES} for d, values in per_day.items()}
    counts = {d: len(values) for d, values in per_day.items()}
    overall = {p: max(0, nearest_rank(everything, p)) for p in PERCENTILES} if everything else {}
    return Durations(by_day, counts, overall, len(everything))


def sla_outcomes(session: Session, tenant_id: int, span: Window, now: datetime) -> dict[int, dict[str, int]]:
    """Per day the conversations opened: first response and resolution met / missed (an overdue clock
    counts as missed, as in sla.service.attainment); undecided clocks are left out."""
    day = day_of(session, Conversation.created_at, span)

    def tally(met: Any, due: Any) -> list[Any]:
        return [
            func.sum(case((met.is_(True), 1), else_=0)),
            func.sum(case((or_(met.is_(False), and_(met.is_(None), due <= now)), 1), else_=0)),
        ]

    rows = session.execute(
        select(
            day,
            *tally(SlaClock.first_response_met, SlaClock.first_response_due_at),
            *tally(SlaClock.resolution_met, SlaClock.resolution_due_at),
        )
        .join(Conversation, Conversation.id == SlaClock.conversation_id)
        .where(
            SlaClock.tenant_id == tenant_id,
            Conversation.tenant_id == tenant_id,
            _in(Conversation.created_at, span),
        )
        .group_by(day)
    )
    keys = ("first_met", "first_missed", "resolution_met", "resolution_missed")
    return {int(r[0]): {k: int(v or 0) for k, v in zip(keys, r[1:], strict=True)} for r in rows}


def bot_outcomes(session: Session, tenant_id: int, span: Window) -> dict[int, dict[str, int]]:
    """Per day the bot's conversations opened: contained (no person took part) or handed over (the bot
    handed off, a supervisor took over, or an agent answered)."""
    day = day_of(session, Conversation.created_at, span)
    flagged = Conversation.bot_state[("engine", "handed_off")].as_boolean()
    handed = or_(flagged.is_(True), Conversation.first_response_at.is_not(None))
    rows = session.execute(
        select(day, func.sum(case((handed, 1), else_=0)), func.count())
        .where(
            Conversation.tenant_id == tenant_id,
            _in(Conversation.created_at, span),
            Conversation.bot_state.is_not(None),
            cast(Conversation.bot_state, String) != "null",  # the JSON column stores None as JSON null
        )
        .group_by(day)
    )
    return {int(d): {"handed": int(h or 0), "contained": int(n) - int(h or 0)} for d, h, n in rows}


# The `reason` of an audit entry's details as JSON text (NULL when the details are not an object or
# have none), literal so that the GROUP BY repeats the same expression on PostgreSQL. SQLite's
# json_extract gives SQL values (true as 1): its JSON type picks the text back.
_REASON_SQLITE = """CASE WHEN json_type(audit_events.details) = 'object' THEN
CASE json_type(audit_events.details, '$.reason') WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'
WHEN 'object' THEN json_extract(audit_events.details, '$.reason')
WHEN 'array' THEN json_extract(audit_events.details, '$.reason')
ELSE json_quote(json_extract(audit_events.details, '$.reason')) END END"""
_REASON_PG = "CAST(audit_events.details -> 'reason' AS TEXT)"


def handover_reasons(session: Session, tenant_id: int, span: Window) -> Counter[str]:
    """Why the bot handed conversations to a person in the window (audited bot.handoff events): each
    event's `reason` ("unknown" when missing or empty). The database counts the reasons' JSON texts, so
    no event's details are parsed here (thousands of parsed documents woke the garbage collector)."""
    reason: Any = literal_column(
        _REASON_SQLITE if session.get_bind().dialect.name == "sqlite" else _REASON_PG
    )
    rows = session.execute(
        select(reason, func.count())
        .where(
            AuditEvent.tenant_id == tenant_id,
            AuditEvent.action == "bot.handoff",
            _in(AuditEvent.occurred_at, span),
        )
        .group_by(reason)
    )
    counts: Counter[str] = Counter()
    for text, n in rows:
        value = json.loads(text) if text is not None else None
        counts[str(value or "unknown")] += int(n)
    return counts


def satisfaction(session: Session, tenant_id: int, span: Window) -> dict[int, dict[str, int]]:
    """Per day survey answers received, how many satisfied, and the sum of scores."""
    day = day_of(session, SatisfactionSurvey.answered_at, span)
    rows = session.execute(
        select(
            day,
            func.count(),
            func.sum(case((SatisfactionSurvey.score >= SATISFIED_FROM, 1), else_=0)),
            func.sum(SatisfactionSurvey.score),
        )
        .where(
            SatisfactionSurvey.tenant_id == tenant_id,
            _in(SatisfactionSurvey.answered_at, span),
            SatisfactionSurvey.score.is_not(None),
        )
        .group_by(day)
    )
    return {
        int(d): {"answers": int(n), "satisfied": int(s or 0), "score_sum": int(t or 0)} for d, n, s, t in rows
    }


@dataclass(frozen=True)
class GuardEvents:
    removed: dict[int, int]  # day -> customer messages with a secret redacted
    blocked: dict[int, int]  # day -> messages blocked for asking for a secret
    removed_types: Counter[str]  # finding type -> findings redacted
    blocked_types: Counter[str]  # finding type -> blocked messages naming it


def _sqlite_json_text(document: str, path: str) -> str:
    """SQL for the JSON text of `document` at `path` on SQLite (NULL when absent). The `->` operator
    (3.38+) gives the member's own text; before it, json_extract gives an SQL value (true as 1) and its
    JSON type picks the text back."""
    path = f"({path})"
    if sqlite3.sqlite_version_info >= (3, 38, 0):
        return f"({document} -> {path})"
    return f"""CASE json_type({document}, {path}) WHEN 'true' THEN 'true' WHEN 'false' THEN 'false'
WHEN 'object' THEN json_extract({document}, {path}) WHEN 'array' THEN json_extract({document}, {path})
ELSE json_quote(json_extract({document}, {path})) END"""


def _labels(rows: Any, *, falsy: str | None) -> Counter[str]:
    """Count (JSON text, n) rows under each value's label: str() of the parsed value, as the details
    read in Python; with `falsy`, values that read as false (missing, null, 0, "", [], {}) count under it.
    Only the distinct texts are parsed (a handful), never one document per row."""
    counts: Counter[str] = Counter()
    for text, n in rows:
        value = json.loads(text) if text is not None else None
        counts[str(value) if falsy is None or value else falsy] += int(n)
    return counts


def guard_events(session: Session, tenant_id: int, span: Window) -> GuardEvents:
    """Secrets the guard removed from customers' messages, and asks for secrets it blocked, by day and
    by finding type. Only the guard summaries are read (types and actions, never values).

    The database unnests the findings and counts them (no document is parsed here: thousands of parsed
    documents woke the garbage collector). A message counts as removed when its findings (a JSON array)
    hold an object whose `action` is "redact"; each such finding counts under its `type` ("unknown" when
    missing or false). A blocked message (audited `message.blocked`) counts under each entry of its
    details' `types` list, "unknown" when it is missing or empty; a `types` that is not a list counts as
    one entry (the Python reading split a string into letters, and failed on a number)."""
    sqlite = session.get_bind().dialect.name == "sqlite"
    day = day_of(session, Message.created_at, span)
    guarded = (
        Message.tenant_id == tenant_id,
        _in(Message.created_at, span),
        # literal values, as in the partial index ix_messages_tenant_guarded, so both databases use it
        Message.author_kind == literal_column("'customer'"),
        cast(Message.guard, String) != literal_column("'[]'"),
    )
    if sqlite:
        findings: Any = func.json_each(Message.guard).table_valued("value", "type", "fullkey").alias("f")
        redacting = and_(
            func.json_type(Message.guard) == "array",
            literal_column("f.type") == "object",
            func.json_extract(literal_column("f.value"), "$.action") == "redact",
        )
        finding_type: Any = literal_column(_sqlite_json_text("messages.guard", "f.fullkey || '.type'"))
    else:
        array: Any = literal_column("CASE WHEN json_typeof(messages.guard) = 'array' THEN messages.guard END")
        findings = func.json_array_elements(array).table_valued("value").alias("f")
        redacting = and_(
            # A loose pre-filter (a superset of the exact test below: "redact" is in the text unless
            # escaped as \u): PostgreSQL has no statistics for the partial index's condition and plans
            # for every customer message of the period, so it started parallel workers and JIT for a few
            # thousand rows (3-10 times slower); a LIKE is estimated as selective.
            literal_column(
                "(CAST(messages.guard AS TEXT) LIKE '%redact%' OR CAST(messages.guard AS TEXT) LIKE '%\\\\u%')"
            ),
            func.json_typeof(literal_column("f.value")) == "object",
            literal_column("f.value ->> 'action'") == "redact",
        )
        finding_type = literal_column("CAST(f.value -> 'type' AS TEXT)")
    unnested = Message.__table__.join(findings, true())
    removed = {
        int(d): int(n)
        for d, n in session.execute(
            select(day, func.count(func.distinct(Message.id)))
            .select_from(unnested)
            .where(*guarded, redacting)
            .group_by(day)
        )
    }
    removed_types = _labels(
        session.execute(
            select(finding_type, func.count())
            .select_from(unnested)
            .where(*guarded, redacting)
            .group_by(finding_type)
        ),
        falsy="unknown",
    )

    blocked_day = day_of(session, AuditEvent.occurred_at, span)
    audited = (
        AuditEvent.tenant_id == tenant_id,
        AuditEvent.action == "message.blocked",
        _in(AuditEvent.occurred_at, span),
    )
    if sqlite:
        types_text = _sqlite_json_text("audit_events.details", "'$.types'")
        listed_sql = (
            "json_type(audit_events.details, '$.types') = 'array'"
            " AND json_array_length(audit_events.details, '$.types') > 0"
        )
        entries: Any = (
            func.json_each(AuditEvent.details, "$.types").table_valued("value", "type", "fullkey").alias("e")
        )
        entry_text: Any = literal_column(_sqlite_json_text("audit_events.details", "e.fullkey"))
    else:
        types_text = "CAST(audit_events.details -> 'types' AS TEXT)"
        listed_sql = (
            "CASE WHEN json_typeof(audit_events.details -> 'types') = 'array'"
            " THEN json_array_length(audit_events.details -> 'types') > 0 ELSE false END"
        )
        entries = (
            func.json_array_elements(
                literal_column(
                    "CASE WHEN json_typeof(audit_events.details -> 'types') = 'array'"
                    " THEN audit_events.details -> 'types' END"
                )
            )
            .table_valued("value")
            .alias("e")
        )
        entry_text = literal_column("CAST(e.value AS TEXT)")
    # Per day every blocked message, with the `types` that are not a non-empty list kept apart.
    unlisted: Any = literal_column(f"CASE WHEN {listed_sql} THEN NULL ELSE {types_text} END")
    listed: Any = literal_column(f"CASE WHEN {listed_sql} THEN 1 ELSE 0 END")
    blocked: Counter[int] = Counter()
    shapes: list[tuple[str | None, int]] = []
    for d, is_listed, text, n in session.execute(
        select(blocked_day, listed, unlisted, func.count())
        .where(*audited)
        .group_by(blocked_day, listed, unlisted)
    ):
        blocked[int(d)] += int(n)
        if not is_listed:
            shapes.append((text, int(n)))
    blocked_types = _labels(shapes, falsy="unknown")
    blocked_types.update(
        _labels(
            session.execute(
                select(entry_text, func.count())
                .select_from(AuditEvent.__table__.join(entries, true()))
                .where(*audited, literal_column(listed_sql))
                .group_by(entry_text)
            ),
            falsy=None,
        )
    )
    return GuardEvents(dict(removed), dict(blocked), removed_types, blocked_types)


def reports_and_campaigns(session: Session, tenant_id: int, span: Window) -> dict[int, dict[str, int]]:
    """Per day: reports of suspicious contact received, and campaigns first seen."""
    out: dict[int, dict[str, int]] = defaultdict(lambda: {"reports": 0, "campaigns": 0})
    for key, model, column in (
        ("reports", Report, Report.received_at),
        ("campaigns", Campaign, Campaign.first_seen),
    ):
        day = day_of(session, column, span)
        for d, n in session.execute(
            select(day, func.count()).where(model.tenant_id == tenant_id, _in(column, span)).group_by(day)
        ):
            out[int(d)][key] = int(n)
    return dict(out)


def dense(by_day: dict[int, Any], length: int, pick: Any, default: Any = 0) -> tuple[Any, ...]:
    """One value per day of the window from a sparse {day: row} mapping."""
    return tuple(pick(by_day[i]) if i in by_day else default for i in range(length))


__all__: Sequence[str] = (
    "Durations",
    "GuardEvents",
    "bot_outcomes",
    "day_of",
    "dense",
    "durations",
    "nearest_rank",
    "epoch",
    "guard_events",
    "handover_reasons",
    "reports_and_campaigns",
    "satisfaction",
    "sla_outcomes",
    "volume",
)
