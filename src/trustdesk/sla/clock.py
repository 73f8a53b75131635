"""Where a conversation stands against its targets: due times, business time used, met or breached.

    clocks = evaluate(policy, Timeline(created_at, "normal", "chat", turns, resolved_at), now)
    clocks.due_at, clocks.level(now)    # the earliest running due time; "ok" | "near" | "breached" | ...

A timeline is the conversation's public turns: who wrote (customer or retailer) and when. From it:
- first response: from the conversation's start to the retailer's first answer;
- next response: from each customer message that follows an answer to the retailer's next answer;
- resolution: from the start to resolution, paused while the retailer has answered and waits on
  the customer (the conversation's "waiting" status).
Pure: no clock is read (`now` is given), no database, no web.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from trustdesk.sla.calendar import Interval
from trustdesk.sla.policy import SlaPolicy, Target

CUSTOMER = "customer"
RETAILER = "retailer"  # an agent's public answer (the bot's answers do not stop a clock)

OK, NEAR, BREACHED, PAUSED, MET, NONE = "ok", "near", "breached", "paused", "met", "none"


@dataclass(frozen=True, slots=True)
class Turn:
    at: datetime
    side: str  # CUSTOMER or RETAILER


@dataclass(frozen=True, slots=True)
class Timeline:
    created_at: datetime
    priority: str
    channel: str
    turns: Sequence[Turn] = ()
    resolved_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Clock:
    """One target's clock. `due_at` is None while paused; `stopped_at` once the target was reached."""

    target: Target
    minutes: int
    started_at: datetime
    due_at: datetime | None
    warn_at: datetime | None
    stopped_at: datetime | None
    used_seconds: float
    breached: bool

    @property
    def running(self) -> bool:
        return self.stopped_at is None

    @property
    def used_fraction(self) -> float:
        return self.used_seconds / (self.minutes * 60)

    def state(self, now: datetime) -> str:
        if not self.running:
            return BREACHED if self.breached else MET
        if self.due_at is None:
            return PAUSED
        if now >= self.due_at:
            return BREACHED
        if self.warn_at is not None and now >= self.warn_at:
            return NEAR
        return OK


@dataclass(frozen=True, slots=True)
class Clocks:
    """Every measured clock of one conversation, as of `now`."""

    now: datetime
    clocks: tuple[Clock, ...] = ()
    next_response_turns: int = 0  # decided turns: answered, or already overdue
    next_response_breaches: int = 0
    earlier: tuple[Clock, ...] = field(default=())  # finished next-response clocks

    @property
    def current(self) -> Clock | None:
        """The running clock due first (what the queue shows and sorts by), else None."""
        running = [c for c in self.clocks if c.running and c.due_at is not None]
        return min(running, key=lambda c: c.due_at or self.now) if running else None

    @property
    def due_at(self) -> datetime | None:
        current = self.current
        return current.due_at if current is not None else None

    def get(self, target: Target) -> Clock | None:
        return next((c for c in self.clocks if c.target == target), None)

    @property
    def first_breach_at(self) -> datetime | None:
        """When the conversation first missed a target (a due time already passed), else None."""
        missed = [c.due_at for c in (*self.clocks, *self.earlier) if c.breached and c.due_at is not None]
        return min(missed) if missed else None

    def level(self, now: datetime | None = None) -> str:
        """The worst state of the running clocks: breached > near > ok > paused; "none" without one."""
        at = now or self.now
        states = {c.state(at) for c in self.clocks if c.running}
        for level in (BREACHED, NEAR, OK, PAUSED):
            if level in states:
                return level
        return NONE


def _pauses(turns: Sequence[Turn], end: datetime) -> list[Interval]:
    """Intervals in which the retailer had answered and the customer had not written again."""
    pauses: list[Interval] = []
    waiting_since: datetime | None = None
    for turn in turns:
        if turn.at >= end:
            break
        if turn.side == RETAILER and waiting_since is None:
            waiting_since = turn.at
        elif turn.side == CUSTOMER and waiting_since is not None:
            pauses.append((waiting_since, turn.at))
            waiting_since = None
    if waiting_since is not None:
        pauses.append((waiting_since, end))
    return pauses


def _clock(
    policy: SlaPolicy,
    target: Target,
    minutes: int,
    start: datetime,
    stop: datetime | None,
    now: datetime,
    pauses: Sequence[Interval] = (),
    open_pause: bool = False,
) -> Clock:
    calendar = policy.calendar
    seconds = minutes * 60
    end = stop or now
    used = calendar.seconds_between(start, end, pauses)
    due: datetime | None = None
    warn: datetime | None = None
    if not open_pause:
        # Past pauses are known and none is assumed ahead: the due time holds while nobody waits.
        due = calendar.add(start, seconds, pauses)
        warn = calendar.add(start, seconds * policy.near_breach_percent / 100, pauses)
    # Answered exactly on time is met; a running clock is breached once its time is used up.
    breached = used > seconds if stop is not None else used >= seconds
    return Clock(target, minutes, start, due, warn, stop, used, breached)


def evaluate(policy: SlaPolicy, timeline: Timeline, now: datetime) -> Clocks:
    """Every clock the policy measures for this conversation, as of `now`."""
    rule = policy.rule_for(timeline.priority, timeline.channel)
    if rule is None:
        return Clocks(now)
    turns = sorted(timeline.turns, key=lambda t: t.at)
    clocks: list[Clock] = []
    first_answer = next((t.at for t in turns if t.side == RETAILER), None)

    minutes = rule.minutes(Target.FIRST_RESPONSE)
    if minutes:
        stop = first_answer
        if stop is None and timeline.resolved_at is not None:
            stop = timeline.resolved_at  # resolved without an answer: the clock stops, judged at that moment
        clocks.append(_clock(policy, Target.FIRST_RESPONSE, minutes, timeline.created_at, stop, now))

    earlier: list[Clock] = []
    turns_counted = breaches = 0
    minutes = rule.minutes(Target.NEXT_RESPONSE)
    if minutes and first_answer is not None:
        asked_at: datetime | None = None
        for turn in turns:
            if turn.at <= first_answer:
                continue
            if turn.side == CUSTOMER and asked_at is None:
                asked_at = turn.at
            elif turn.side == RETAILER and asked_at is not None:
                done = _clock(policy, Target.NEXT_RESPONSE, minutes, asked_at, turn.at, now)
                earlier.append(done)
                turns_counted += 1
                breaches += done.breached
                asked_at = None
        if asked_at is not None and timeline.resolved_at is None:
            running = _clock(policy, Target.NEXT_RESPONSE, minutes, asked_at, None, now)
            clocks.append(running)
            if running.breached:  # decided already: it can only be late now
                turns_counted += 1
                breaches += 1

    minutes = rule.minutes(Target.RESOLUTION)
    if minutes:
        end = timeline.resolved_at or now
        pauses = _pauses(turns, end)
        waiting = timeline.resolved_at is None and bool(pauses) and pauses[-1][1] == end
        clocks.append(
            _clock(
                policy,
                Target.RESOLUTION,
                minutes,
                timeline.created_at,
                timeline.resolved_at,
                now,
                pauses,
                open_pause=waiting,
            )
        )
    return Clocks(now, tuple(clocks), turns_counted, breaches, tuple(earlier))
