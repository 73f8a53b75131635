"""Search parameters of the agents' conversation list (`GET /api/v1/conversations?q=…`).

The queue route (routes/conversations.py) takes `SearchParams` as a dependency and hands over to
`run` when any of them is given; everything else about the list (shape, cursor, views) stays.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Literal

from fastapi import Query
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustdesk.conversations import Channel, Status
from trustdesk.conversations.labels import MAX_TAG_CHARS, InvalidLabel, normalise_tag
from trustdesk.conversations.search import NO_ASSIGNEE, Filters, search_conversations
from trustdesk.i18n.languages import LANGUAGES
from trustdesk.i18n.search_terms import (
    MAX_QUERY_CHARS,
    STEMMERS,
    BadQuery,
    has_control_characters,
    parse,
    stem_language,
)
from trustdesk.sla.policy import PRIORITIES
from trustdesk.web.deps import Auth
from trustdesk.web.errors import ApiError
from trustdesk.web.fields import Timestamp

STATUSES = tuple(s.value for s in Status)
CHANNELS = tuple(c.value for c in Channel)
LANGUAGE_CODES = tuple(LANGUAGES)


class Segment(BaseModel):
    text: str
    hit: bool = Field(description="A word the search found (show it highlighted)")


class SearchMatch(BaseModel):
    field: Literal["message", "subject"] = Field(
        default="message", description="What matched: a message, or (when no message did) the subject"
    )
    seq: int | None = Field(description="The newest message that matched (null for a subject match)")
    author_kind: str | None
    visibility: str | None
    created_at: str = Field(description="The message's time; for a subject match the conversation's opening")
    snippet: list[Segment] = Field(description="About 24 words around the first hit, in order")


@dataclass(frozen=True)
class SearchParams:
    q: str | None
    assignee: str | None  # as given: "me" is read against the signed-in user in `run`
    filters: Filters

    @property
    def active(self) -> bool:
        return self.q is not None or self.assignee is not None or self.filters != Filters()


def _customer(value: str | None) -> int | str | None:
    if value is None:
        return None
    value = value.strip()
    if value.isdigit() and len(value) <= 18:
        return int(value)
    if "@" not in value or any(ch.isspace() for ch in value) or has_control_characters(value):
        raise ApiError(422, "invalid_search", "customer must be a customer id or an e-mail address")
    return value


def _tag(value: str | None) -> str | None:
    if value is None:
        return None
    try:
        return normalise_tag(value)
    except InvalidLabel as exc:
        raise ApiError(422, "invalid_search", f"tag: {exc}") from None


def _assignee(value: str | None, auth: Auth) -> int | str | None:
    if value is None:
        return None
    if value == "me":
        return auth.user.id
    if value == NO_ASSIGNEE:
        return NO_ASSIGNEE
    if value.isdigit() and len(value) <= 18:
        return int(value)
    raise ApiError(422, "invalid_search", 'assignee must be a user id, "me" or "none"')


def search_params(
    q: str | None = Query(
        default=None,
        max_length=MAX_QUERY_CHARS,
        description="Words in the messages (every word must match; stems in the desk's languages, so "
        '"Bestellungen" finds "Bestellung"); a chunk with signs ("pat@example.org") is a phrase',
    ),
    status: Literal[STATUSES] | None = Query(default=None),  # type: ignore[valid-type]
    channel: Literal[CHANNELS] | None = Query(default=None),  # type: ignore[valid-type]
    language: Literal[LANGUAGE_CODES] | None = Query(  # type: ignore[valid-type]
        default=None, description="The conversation's language; words are then stemmed in it only"
    ),
    assignee: str | None = Query(
        default=None,
        pattern=r"^(me|none|[0-9]{1,18})$",
        description='A user id, "me" or "none" (in the queue)',
    ),
    customer: str | None = Query(
        default=None, max_length=320, description="A customer id or the e-mail address the customer used"
    ),
    tag: str | None = Query(
        default=None,
        max_length=MAX_TAG_CHARS,
        description='A tag on the conversation ("Refund request" is "refund-request")',
    ),
    priority: Literal[PRIORITIES] | None = Query(default=None),  # type: ignore[valid-type]
    since: Timestamp | None = Query(
        default=None, description="From this time on: the matching message (with q), else the last message"
    ),
    until: Timestamp | None = Query(default=None, description="Before this time (same rule as since)"),
) -> SearchParams:
    if since is not None and until is not None and since >= until:
        raise ApiError(422, "invalid_search", "since must be before until")
    return SearchParams(
        q=q,
        assignee=assignee,
        filters=Filters(
            status=status,
            channel=channel,
            language=language,
            customer=_customer(customer),
            tag=_tag(tag),
            priority=priority,
            since=since,
            until=until,
        ),
    )


def run(
    session: Session,
    auth: Auth,
    params: SearchParams,
    *,
    view: str,
    limit: int,
    before: datetime | None,
) -> list[dict[str, Any]]:
    """The search behind the list: the tenant's conversations in `view` matching every parameter."""
    filters = replace(params.filters, assignee=_assignee(params.assignee, auth))
    text = None
    if params.q is not None:
        languages = [filters.language] if filters.language else list(STEMMERS)
        try:
            text = parse(params.q, [stem_language(code) for code in languages])
        except BadQuery as exc:
            raise ApiError(422, "invalid_search", str(exc)) from None
    return search_conversations(
        session,
        auth.tenant.id,
        text=text,
        filters=filters,
        view=view,
        user_id=auth.user.id,
        limit=limit,
        before=before,
    )
