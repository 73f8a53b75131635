"""A retailer's SLA policy: response and resolution targets per priority and channel, the calendar
they count in, when a clock counts as nearly breached, and what happens on a breach.

Pure: `SlaPolicy.from_dict` checks plain JSON values (from the API, the console form, the CLI or
the store) and raises PolicyError with a message that names the field; `to_dict` gives them back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from trustdesk.sla.calendar import WEEKDAYS, BusinessCalendar, CalendarError


class Priority(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"


class Target(StrEnum):
    FIRST_RESPONSE = "first_response"  # the retailer's first public answer
    NEXT_RESPONSE = "next_response"  # an answer to each later customer message
    RESOLUTION = "resolution"  # resolved, paused while waiting on the customer


PRIORITIES = tuple(p.value for p in Priority)
TARGETS = tuple(t.value for t in Target)
CHANNELS = ("chat", "email", "api")
ANY = "*"
MAX_TARGET_MINUTES = 60 * 24 * 90
MAX_RULES = len(PRIORITIES) * (len(CHANNELS) + 1) + len(CHANNELS) + 1


class PolicyError(ValueError):
    """A policy that cannot be used as written; the message names the field and the problem."""


@dataclass(frozen=True, slots=True)
class TargetRule:
    """Targets in business minutes for conversations of a priority on a channel (ANY matches all).
    None leaves that target unmeasured."""

    priority: str
    channel: str
    first_response: int | None
    next_response: int | None
    resolution: int | None

    def minutes(self, target: Target) -> int | None:
        return {
            Target.FIRST_RESPONSE: self.first_response,
            Target.NEXT_RESPONSE: self.next_response,
            Target.RESOLUTION: self.resolution,
        }[target]

    def to_dict(self) -> dict[str, Any]:
        return {
            "priority": self.priority,
            "channel": self.channel,
            "first_response_minutes": self.first_response,
            "next_response_minutes": self.next_response,
            "resolution_minutes": self.resolution,
        }


@dataclass(frozen=True, slots=True)
class Escalation:
    """On a breach: give the conversation to `assign_to_user_id` (an agent of the retailer) and/or
    tell the agents (`notify`: the queue's live feed, and webhooks subscribed to it)."""

    assign_to_user_id: int | None = None
    notify: bool = True

    @property
    def does_anything(self) -> bool:
        return self.assign_to_user_id is not None or self.notify


@dataclass(frozen=True, slots=True)
class SlaPolicy:
    calendar: BusinessCalendar
    rules: tuple[TargetRule, ...]
    near_breach_percent: int = 80
    escalation: Escalation = Escalation()

    def rule_for(self, priority: str, channel: str) -> TargetRule | None:
        """The most specific rule: priority and channel, then priority, then channel, then the default."""
        wanted = [(priority, channel), (priority, ANY), (ANY, channel), (ANY, ANY)]
        by_key = {(r.priority, r.channel): r for r in self.rules}
        for key in wanted:
            if key in by_key:
                return by_key[key]
        return None

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any]) -> SlaPolicy:
        """Check a policy written as plain values; PolicyError names what is wrong."""
        if not isinstance(raw, Mapping):
            raise PolicyError("the policy is an object with timezone, business_hours and targets")
        try:
            calendar = BusinessCalendar.build(
                raw.get("timezone", "UTC"),
                raw.get("business_hours") or {day: [("00:00", "24:00")] for day in WEEKDAYS},
                raw.get("holidays") or [],
            )
        except CalendarError as exc:
            raise PolicyError(str(exc)) from None
        rules_raw = raw.get("targets") or []
        if not isinstance(rules_raw, list) or len(rules_raw) > MAX_RULES:
            raise PolicyError(f"targets: a list of at most {MAX_RULES} rules")
        rules: list[TargetRule] = []
        seen: set[tuple[str, str]] = set()
        for index, item in enumerate(rules_raw):
            rule = _rule(item, f"targets[{index}]")
            key = (rule.priority, rule.channel)
            if key in seen:
                raise PolicyError(
                    f"targets[{index}]: a second rule for priority {key[0]} on channel {key[1]}"
                )
            seen.add(key)
            rules.append(rule)
        near = raw.get("near_breach_percent", 80)
        if not isinstance(near, int) or isinstance(near, bool) or not 1 <= near <= 99:
            raise PolicyError("near_breach_percent: a whole number from 1 to 99")
        return cls(calendar, tuple(rules), near, _escalation(raw.get("escalation") or {}))

    def to_dict(self) -> dict[str, Any]:
        plain = self.calendar.to_dict()
        return {
            "timezone": plain["timezone"],
            "business_hours": plain["hours"],
            "holidays": plain["holidays"],
            "targets": [r.to_dict() for r in self.rules],
            "near_breach_percent": self.near_breach_percent,
            "escalation": {
                "assign_to_user_id": self.escalation.assign_to_user_id,
                "notify": self.escalation.notify,
            },
        }


def _minutes(value: object, field: str) -> int | None:
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_TARGET_MINUTES:
        raise PolicyError(f"{field}: whole minutes from 1 to {MAX_TARGET_MINUTES}, or null for no target")
    return value


def _rule(item: object, where: str) -> TargetRule:
    if not isinstance(item, Mapping):
        raise PolicyError(f"{where}: an object with priority, channel and the targets in minutes")
    priority = item.get("priority", ANY)
    channel = item.get("channel", ANY)
    if priority not in (*PRIORITIES, ANY):
        raise PolicyError(f"{where}.priority: one of {', '.join(PRIORITIES)} or * (any)")
    if channel not in (*CHANNELS, ANY):
        raise PolicyError(f"{where}.channel: one of {', '.join(CHANNELS)} or * (any)")
    extra = sorted(
        set(item)
        - {"priority", "channel", "first_response_minutes", "next_response_minutes", "resolution_minutes"}
    )
    if extra:
        raise PolicyError(f"{where}: unknown field {extra[0]!r}")
    return TargetRule(
        priority=str(priority),
        channel=str(channel),
        first_response=_minutes(item.get("first_response_minutes"), f"{where}.first_response_minutes"),
        next_response=_minutes(item.get("next_response_minutes"), f"{where}.next_response_minutes"),
        resolution=_minutes(item.get("resolution_minutes"), f"{where}.resolution_minutes"),
    )


def _escalation(raw: object) -> Escalation:
    if not isinstance(raw, Mapping):
        raise PolicyError("escalation: an object with assign_to_user_id and notify")
    user = raw.get("assign_to_user_id")
    if user is not None and (not isinstance(user, int) or isinstance(user, bool) or not 1 <= user < 2**31):
        raise PolicyError("escalation.assign_to_user_id: an agent's id, or null")
    notify = raw.get("notify", True)
    if not isinstance(notify, bool):
        raise PolicyError("escalation.notify: true or false")
    return Escalation(assign_to_user_id=user, notify=notify)


def default_policy(timezone: str = "UTC") -> dict[str, Any]:
    """A sensible starting point: weekdays 09:00-17:00; urgent and high answered faster."""
    return {
        "timezone": timezone,
        "business_hours": {day: ([["09:00", "17:00"]] if day not in ("sat", "sun") else []) for day in WEEKDAYS},
        "holidays": [],
        "targets": [
            {"priority": "urgent", "channel": ANY, "first_response_minutes": 30, "next_response_minutes": 60,
             "resolution_minutes": 8 * 60},
            {"priority": "high", "channel": ANY, "first_response_minutes": 60, "next_response_minutes": 120,
             "resolution_minutes": 16 * 60},
            {"priority": ANY, "channel": "chat", "first_response_minutes": 15, "next_response_minutes": 60,
             "resolution_minutes": 24 * 60},
            {"priority": ANY, "channel": ANY, "first_response_minutes": 240, "next_response_minutes": 480,
             "resolution_minutes": 40 * 60},
        ],
        "near_breach_percent": 80,
        "escalation": {"assign_to_user_id": None, "notify": True},
    }  # fmt: skip
