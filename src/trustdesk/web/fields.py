"""The API's input types, each rule defined once: pydantic enforces it and the OpenAPI document shows it.

Use these for every id, sequence number, page size, slug, e-mail address and date-time in a path, query, form
or JSON body, so a value outside what the store can hold is a 422 at the edge, never an overflow deep inside.
JSON bodies derive from `ApiModel`, which does not coerce: "5" is not an integer and 1 is not `true`.
Give a parameter its default plainly (`limit: page_size(200) = 50`) or wrap it (`Annotated[RowId, Query(...)]`):
FastAPI drops the constraints of an annotation whose default is `Query(...)` or `Form(...)`; a test
(tests/foundation/test_bounded_integers.py) walks every route for that.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any

from annotated_types import Ge, Le
from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, WithJsonSchema

from trustdesk.conversations.domain import MAX_BODY_CHARS

# Ids and sequence numbers are INTEGER columns: 32-bit on PostgreSQL, so this is the range every
# database can hold (and SQLite raised OverflowError beyond 2^63 - 1).
MAX_ROW_ID = 2**31 - 1


def _whole_number(value: object) -> object:
    # JSON Schema counts 5.0 as an integer; strict models would refuse it. Anything else is left to them.
    if isinstance(value, float) and value.is_integer() and abs(value) <= 2**53:
        return int(value)
    return value


WholeNumber = BeforeValidator(_whole_number)

RowId = Annotated[int, Ge(1), Le(MAX_ROW_ID), WholeNumber]
"""A stored object's id."""

SeqNumber = Annotated[int, Ge(0), Le(MAX_ROW_ID), WholeNumber]
"""A position in a conversation (0: before the first message)."""

Offset = Annotated[int, Ge(0), Le(1_000_000), WholeNumber]


def is_seq_number(value: object) -> bool:
    """For hand-parsed input (WebSocket frames): a SeqNumber, and not a bool."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ROW_ID


def page_size(maximum: int) -> Any:
    """How many items a list answers with: 1 .. `maximum`."""
    return Annotated[int, Ge(1), Le(maximum), WholeNumber]


def count(low: int, high: int) -> Any:
    """A bounded whole number (a threshold, a duration)."""
    return Annotated[int, Ge(low), Le(high), WholeNumber]


# A retailer's address on the desk (tenancy.service validates the same shape when one is created).
SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
TenantSlug = Annotated[str, StringConstraints(min_length=1, max_length=63, pattern=SLUG_PATTERN)]

# Patterns spell whitespace out: \s means different sets to Python, JavaScript (JSON Schema) and
# pydantic's Rust engine. This is exactly what Python's str.isspace() (and so .strip()) counts.
SPACES = r"\t\n\x0b\x0c\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
NOT_SPACE = rf"[^{SPACES}]"
"""A pattern (searched, not anchored): something besides whitespace."""

# What accounts.service.normalise_email accepts: no spaces, something before the last "@", a dot after it.
EMAIL_PATTERN = rf"^[^{SPACES}]+@[^{SPACES}@]*\.[^{SPACES}@]*$"
EmailAddress = Annotated[str, StringConstraints(min_length=3, max_length=320, pattern=EMAIL_PATTERN)]

_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$")


def _rfc3339(value: object) -> object:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str) or not _RFC3339.match(value):
        # Numbers used to pass as Unix times ("before=0.5"), and a time without an offset is ambiguous.
        raise ValueError("use an RFC 3339 date-time with an offset, e.g. 2026-11-24T18:30:00Z")
    text = value.upper().replace("Z", "+00:00")
    if text[17:19] == "60":  # a leap second: the same instant as far as the desk is concerned
        text = text[:17] + "59" + text[19:]
    fraction = re.search(r"\.(\d+)", text)
    if fraction and len(fraction.group(1)) > 6:  # Python keeps microseconds
        text = text.replace(fraction.group(0), "." + fraction.group(1)[:6], 1)
    return datetime.fromisoformat(text)


Timestamp = Annotated[
    datetime,
    BeforeValidator(_rfc3339),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
"""An RFC 3339 date-time with an offset (Z or +hh:mm)."""


NonBlank = Annotated[str, StringConstraints(pattern=NOT_SPACE)]
"""Text with something in it besides spaces."""

# conversations.domain.normalise_body removes control characters and bidi overrides, then trims: a message
# must keep at least one other character.
VISIBLE_PATTERN = rf"[^{SPACES}\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]"
MessageText = Annotated[
    str, StringConstraints(min_length=1, max_length=MAX_BODY_CHARS, pattern=VISIBLE_PATTERN)
]
"""A chat or e-mail message as a person writes it (at most 5,000 characters)."""

ClientMsgId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9._:-]{1,64}$")]
"""The sender's id for a message, so a retry is stored once (conversations.domain checks the same)."""


def alternatives(*names: str, schema_rule: dict[str, Any]) -> Any:
    """`json_schema_extra` for a body whose fields `names` are alternatives: each, when given, is a string
    (never null: pair the field with `NotNull`), and `schema_rule` (oneOf/anyOf/not) says which
    combinations the handler accepts."""

    def extra(schema: dict[str, Any]) -> None:
        for name in names:
            prop = schema["properties"][name]
            options = prop.pop("anyOf", None)
            if options:
                prop.update(next(o for o in options if o.get("type") != "null"))
            prop.pop("default", None)
        schema.update(schema_rule)

    return extra


def _refuse_null(value: object) -> object:
    if value is None:
        raise ValueError("leave the field out instead of sending null")
    return value


NotNull = BeforeValidator(_refuse_null)
"""For an alternative field (`Annotated[str | None, NotNull] = None`): absent is fine, null is not."""


class ApiModel(BaseModel):
    """A JSON request body: strict types (no "5" for 5, no 1 for true); unknown fields are ignored."""

    model_config = ConfigDict(strict=True)
