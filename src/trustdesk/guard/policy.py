"""A tenant's guard policy: what to do with each finding type, and its own detectors.

`Policy` is a plain, immutable value that round-trips through JSON (`to_dict`/`from_dict`).
Custom detectors (a retailer's gift-card or loyalty-number format) are compiled with RE2, a
linear-time engine: no pattern can make a scan hang. Patterns RE2 refuses (look-arounds,
back-references), oversized patterns and patterns that match empty text are rejected with
a `PolicyError` that says why.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from types import MappingProxyType
from typing import Any

import phonenumbers
import re2

from trustdesk.guard.candidates import PRIORITY, Candidate, last_digits
from trustdesk.guard.checksums import luhn_valid
from trustdesk.guard.findings import ASK_TYPES, PERSONAL_TYPES, SECRET_TYPES, FindingType

INBOUND_ACTIONS = ("redact", "warn", "keep")
ASK_ACTIONS = ("block", "warn", "keep")
CHECKSUMS = ("none", "luhn")

MAX_CUSTOM_DETECTORS = 25
MAX_PATTERN_CHARS = 500
MAX_PROGRAM_SIZE = 2_000
MAX_MATCHES_PER_DETECTOR = 200
MAX_MATCH_CHARS = 256
_RE2_MAX_MEM = 2 << 20

DEFAULT_ACTIONS: Mapping[str, str] = MappingProxyType(
    {**{t: "redact" for t in sorted(SECRET_TYPES)}, **{t: "keep" for t in sorted(PERSONAL_TYPES)}}
)
DEFAULT_ASK_ACTIONS: Mapping[str, str] = MappingProxyType({t: "block" for t in sorted(ASK_TYPES)})

_NAME = re.compile(r"^[A-Z][A-Z0-9_]{1,39}$")


class PolicyError(ValueError):
    """A policy or custom detector is invalid; the message names the field and the problem."""


@lru_cache(maxsize=256)
def compile_custom_pattern(pattern: str, ignore_case: bool) -> Any:
    """Compile a tenant pattern with RE2, or raise PolicyError saying why it is refused."""
    if not isinstance(pattern, str) or not pattern:
        raise PolicyError("pattern must be a non-empty string")
    if len(pattern) > MAX_PATTERN_CHARS:
        raise PolicyError(f"pattern is {len(pattern)} characters; the limit is {MAX_PATTERN_CHARS}")
    options = re2.Options()
    options.max_mem = _RE2_MAX_MEM
    options.log_errors = False
    options.case_sensitive = not ignore_case
    try:
        compiled = re2.compile(pattern, options)
    except re2.error as exc:
        detail = (
            exc.args[0].decode("utf-8", "replace")
            if exc.args and isinstance(exc.args[0], bytes)
            else str(exc)
        )
        raise PolicyError(
            f"pattern refused by the linear-time engine (RE2): {detail} "
            "(note: look-arounds and back-references are not supported)"
        ) from None
    if compiled.programsize > MAX_PROGRAM_SIZE:
        raise PolicyError(
            f"pattern compiles to {compiled.programsize} instructions; the limit is {MAX_PROGRAM_SIZE}"
        )
    if compiled.search("") is not None:
        raise PolicyError("pattern matches empty text; it must require at least one character")
    return compiled


@dataclass(frozen=True, slots=True)
class CustomDetector:
    """A retailer's own sensitive-number format, e.g. gift cards: ``GC-\\d{4}-\\d{4}-\\d{4}``.

    ``name`` becomes the finding type (upper-case, e.g. ``GIFT_CARD``); ``label`` is the
    plain-words name shown to customers and agents ("gift card number"); ``cues`` (optional)
    are words one of which must appear shortly before a match; ``checksum="luhn"`` requires
    the digits of a match to pass Luhn; ``show_last`` keeps up to 4 trailing characters in the
    display form ("gift card number ending 1234").
    """

    name: str
    pattern: str
    label: str = ""
    action: str = "redact"
    checksum: str = "none"
    cues: tuple[str, ...] = ()
    ignore_case: bool = False
    show_last: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise PolicyError(
                f"custom detector name {self.name!r} must match {_NAME.pattern} (e.g. GIFT_CARD)"
            )
        if self.name in FindingType.__members__:
            raise PolicyError(f"custom detector name {self.name!r} is a built-in finding type")
        if not isinstance(self.pattern, str):  # before the cache: a list or object cannot be its key
            raise PolicyError(f"{self.name}: pattern must be a non-empty string")
        compile_custom_pattern(self.pattern, bool(self.ignore_case))
        if not isinstance(self.label, str) or len(self.label) > 60:
            raise PolicyError(f"{self.name}: label must be a string of at most 60 characters")
        if not self.label:
            object.__setattr__(self, "label", self.name.replace("_", " ").lower())
        if self.action not in INBOUND_ACTIONS:
            raise PolicyError(f"{self.name}: action must be one of {', '.join(INBOUND_ACTIONS)}")
        if self.checksum not in CHECKSUMS:
            raise PolicyError(f"{self.name}: checksum must be one of {', '.join(CHECKSUMS)}")
        cues = tuple(self.cues)
        if len(cues) > 10 or any(not isinstance(c, str) or not c.strip() or len(c) > 40 for c in cues):
            raise PolicyError(
                f"{self.name}: cues must be at most 10 non-empty strings of at most 40 characters"
            )
        object.__setattr__(self, "cues", tuple(c.strip().lower() for c in cues))
        if (
            not isinstance(self.show_last, int)
            or isinstance(self.show_last, bool)
            or not 0 <= self.show_last <= 4
        ):
            raise PolicyError(f"{self.name}: show_last must be an integer from 0 to 4")

    def find(self, text: str) -> list[Candidate]:
        """Matches of this detector in the normalised text (bounded in number and length)."""
        compiled = compile_custom_pattern(self.pattern, bool(self.ignore_case))
        found: list[Candidate] = []
        lowered: str | None = None
        for count, m in enumerate(compiled.finditer(text)):
            if count >= MAX_MATCHES_PER_DETECTOR:
                break
            start, end = m.span()
            if end - start > MAX_MATCH_CHARS or end == start:
                continue
            value = text[start:end]
            if self.checksum == "luhn" and not luhn_valid("".join(c for c in value if "0" <= c <= "9")):
                continue
            if self.cues:
                if lowered is None:
                    lowered = text.lower() if len(text.lower()) == len(text) else text
                window = lowered[max(0, start - 60) : start]
                if not any(cue in window for cue in self.cues):
                    continue
            display = self.label
            if self.show_last:
                display = f"{self.label} ending {last_digits(value, self.show_last)}"
            found.append(Candidate(self.name, start, end, display, PRIORITY["CUSTOM"]))
        return found

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "name": self.name,
            "pattern": self.pattern,
            "label": self.label,
            "action": self.action,
            "checksum": self.checksum,
            "cues": list(self.cues),
            "ignore_case": self.ignore_case,
            "show_last": self.show_last,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CustomDetector:
        """Build from a JSON object; unknown keys and wrong types raise PolicyError."""
        if not isinstance(data, Mapping):
            raise PolicyError("each custom detector must be a JSON object")
        allowed = {"name", "pattern", "label", "action", "checksum", "cues", "ignore_case", "show_last"}
        unknown = set(data) - allowed
        if unknown:
            raise PolicyError(f"custom detector: unknown field(s) {', '.join(sorted(unknown))}")
        for key in ("name", "pattern"):
            if key not in data:
                raise PolicyError(f"custom detector: {key!r} is required")
        # Checked here as well as in __post_init__: the compiled (mypyc) class rejects a wrong
        # type with a bare TypeError before __post_init__ could say what is wrong.
        if not isinstance(data["pattern"], str):
            raise PolicyError("custom detector: pattern must be a non-empty string")
        for key in ("name", "label", "action", "checksum"):
            if key in data and not isinstance(data[key], str):
                raise PolicyError(f"custom detector: {key} must be a string")
        if "show_last" in data and (
            not isinstance(data["show_last"], int) or isinstance(data["show_last"], bool)
        ):
            raise PolicyError("custom detector: show_last must be an integer from 0 to 4")
        cues = data.get("cues", ())
        if not isinstance(cues, list | tuple):
            raise PolicyError("custom detector: cues must be a list of strings")
        ignore_case = data.get("ignore_case", False)
        if not isinstance(ignore_case, bool):
            raise PolicyError("custom detector: ignore_case must be true or false")
        return cls(
            name=data["name"],
            pattern=data["pattern"],
            label=data.get("label", ""),
            action=data.get("action", "redact"),
            checksum=data.get("checksum", "none"),
            cues=tuple(cues),
            ignore_case=ignore_case,
            show_last=data.get("show_last", 0),
        )


@dataclass(frozen=True, slots=True)
class Policy:
    """Per-tenant guard policy.

    ``actions``: for each detected type, ``redact`` | ``warn`` | ``keep`` (defaults: every
    secret type ``redact``, EMAIL and PHONE ``keep``; a partial mapping overrides only the
    types it names). ``ask_actions``: for each type an agent/bot may ask for, ``block`` |
    ``warn`` | ``keep`` (default ``block``). ``custom_detectors``: the tenant's own formats.
    ``phone_region``: ISO country used to read phone numbers written without "+".
    """

    actions: Mapping[str, str] = field(default_factory=lambda: DEFAULT_ACTIONS)
    ask_actions: Mapping[str, str] = field(default_factory=lambda: DEFAULT_ASK_ACTIONS)
    custom_detectors: tuple[CustomDetector, ...] = ()
    phone_region: str = "US"
    _action_map: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.actions, Mapping) or not isinstance(self.ask_actions, Mapping):
            raise PolicyError("actions and ask_actions must be mappings of type name to action")
        actions = dict(DEFAULT_ACTIONS)
        for type_name, action in self.actions.items():
            if type_name not in DEFAULT_ACTIONS:
                raise PolicyError(f"actions: unknown finding type {type_name!r}")
            if action not in INBOUND_ACTIONS:
                raise PolicyError(
                    f"actions[{type_name}]: {action!r} is not one of {', '.join(INBOUND_ACTIONS)}"
                )
            actions[str(type_name)] = action
        ask_actions = dict(DEFAULT_ASK_ACTIONS)
        for type_name, action in self.ask_actions.items():
            if type_name not in DEFAULT_ASK_ACTIONS:
                raise PolicyError(f"ask_actions: {type_name!r} is not a type an agent can ask for")
            if action not in ASK_ACTIONS:
                raise PolicyError(
                    f"ask_actions[{type_name}]: {action!r} is not one of {', '.join(ASK_ACTIONS)}"
                )
            ask_actions[str(type_name)] = action
        object.__setattr__(self, "actions", MappingProxyType(actions))
        object.__setattr__(self, "_action_map", actions)
        object.__setattr__(self, "ask_actions", MappingProxyType(ask_actions))
        detectors = tuple(self.custom_detectors)
        if len(detectors) > MAX_CUSTOM_DETECTORS:
            raise PolicyError(f"at most {MAX_CUSTOM_DETECTORS} custom detectors are allowed")
        if any(not isinstance(d, CustomDetector) for d in detectors):
            raise PolicyError("custom_detectors must be CustomDetector values")
        names = [d.name for d in detectors]
        if len(set(names)) != len(names):
            raise PolicyError("custom detector names must be unique")
        object.__setattr__(self, "custom_detectors", detectors)
        if not isinstance(self.phone_region, str) or self.phone_region not in phonenumbers.SUPPORTED_REGIONS:
            raise PolicyError(f"phone_region {self.phone_region!r} is not a supported ISO 3166 country code")

    @property
    def action_map(self) -> dict[str, str]:
        """Built-in type -> inbound action, as a plain dict (the hot path reads it per finding)."""
        return self._action_map

    @property
    def custom_labels(self) -> dict[str, str]:
        """Custom detector name -> label, for the customer notice."""
        return {d.name: d.label for d in self.custom_detectors} if self.custom_detectors else {}

    @property
    def custom_label_items(self) -> tuple[tuple[str, str], ...]:
        """Custom detector (name, label) pairs, sorted: a hashable key for the notice cache."""
        return (
            tuple(sorted((d.name, d.label) for d in self.custom_detectors)) if self.custom_detectors else ()
        )

    def action_for(self, finding_type: str) -> str:
        """The inbound action for a built-in type or a custom detector name."""
        action = self.actions.get(finding_type)
        if action is not None:
            return action
        for detector in self.custom_detectors:
            if detector.name == finding_type:
                return detector.action
        return "redact"

    def ask_action_for(self, finding_type: str) -> str:
        """The action for an outbound ask of this type (default ``block``)."""
        return self.ask_actions.get(finding_type, "block")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (round-trips through `from_dict`)."""
        return {
            "actions": dict(self.actions),
            "ask_actions": dict(self.ask_actions),
            "custom_detectors": [d.to_dict() for d in self.custom_detectors],
            "phone_region": self.phone_region,
        }

    def to_json(self) -> str:
        """The policy as a JSON string."""
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Policy:
        """Build and validate a policy from a JSON object; missing fields take defaults."""
        if not isinstance(data, Mapping):
            raise PolicyError("policy must be a JSON object")
        unknown = set(data) - {"actions", "ask_actions", "custom_detectors", "phone_region"}
        if unknown:
            raise PolicyError(f"policy: unknown field(s) {', '.join(sorted(unknown))}")
        detectors = data.get("custom_detectors", [])
        if not isinstance(detectors, list | tuple):
            raise PolicyError("custom_detectors must be a list")
        actions = data.get("actions", {})
        ask_actions = data.get("ask_actions", {})
        if not isinstance(actions, Mapping) or not isinstance(ask_actions, Mapping):
            raise PolicyError("actions and ask_actions must be JSON objects")
        return cls(
            actions=actions,
            ask_actions=ask_actions,
            custom_detectors=tuple(CustomDetector.from_dict(d) for d in detectors),
            phone_region=data.get("phone_region", "US"),
        )

    @classmethod
    def from_json(cls, text: str) -> Policy:
        """Parse and validate a policy from a JSON string."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise PolicyError(f"policy is not valid JSON: {exc}") from None
        return cls.from_dict(data)


DEFAULT_POLICY = Policy()
