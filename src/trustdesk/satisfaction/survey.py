"""The survey's rules, free of web and database code: the scale, the signed link, the results.

The scale is the common five-point CSAT question ("How satisfied are you ...?", 1 very dissatisfied
to 5 very satisfied); the CSAT score is the share of 4 and 5 among the answers, as support desks
report it. The e-mail link is a capability: it names the conversation and an expiry and carries an
HMAC over them and the retailer's slug (key derived from the deployment secret), so it can be
neither forged, extended, nor used on another retailer's page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from trustdesk.errors import DeskError

SCORES = (1, 2, 3, 4, 5)
SATISFIED = frozenset({4, 5})
MAX_COMMENT_CHARS = 1000
# How long the e-mail link stays valid after the conversation is resolved.
LINK_LIFETIME = timedelta(days=14)


def N_(message: str) -> str:  # noqa: N802 - gettext's "translate later" marker, known to pybabel
    return message


QUESTION = N_("How satisfied are you with the help you received?")
SCORE_LABELS = {
    1: N_("Very dissatisfied"),
    2: N_("Dissatisfied"),
    3: N_("Neither satisfied nor dissatisfied"),
    4: N_("Satisfied"),
    5: N_("Very satisfied"),
}


class SurveyError(DeskError):
    """A survey request that cannot be honoured; `code` is stable, the message safe to show."""

    code = "survey_error"


class InvalidAnswer(SurveyError):
    code = "invalid_answer"
    status = 422


class SurveyNotFound(SurveyError):
    code = "not_found"
    status = 404


class LinkInvalid(SurveyNotFound):
    """Forged, damaged, or another retailer's link: answered like an unknown survey."""


class LinkExpired(SurveyError):
    code = "link_expired"
    status = 410


class AlreadyAnswered(SurveyError):
    code = "already_answered"
    status = 409


def check_score(score: object) -> int:
    """The score as an int from 1 to 5, else InvalidAnswer."""
    if isinstance(score, bool) or not isinstance(score, int) or score not in SCORES:
        raise InvalidAnswer("the score must be a whole number from 1 to 5")
    return score


@dataclass(frozen=True)
class LinkKey:
    """The key survey links are signed with (derived, so it is useless for anything else)."""

    secret: bytes

    @classmethod
    def derive(cls, deployment_secret: str) -> LinkKey:
        return cls(hmac.new(deployment_secret.encode(), b"trustdesk csat link v1", hashlib.sha256).digest())

    def _mac(self, slug: str, public_id: str, expires: int) -> str:
        digest = hmac.new(self.secret, f"{slug}\n{public_id}\n{expires}".encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:24]).decode().rstrip("=")

    def sign(self, slug: str, public_id: str, expires_at: datetime) -> str:
        """The link token: conversation id, expiry (Unix seconds) and MAC, joined by dots."""
        expires = int(expires_at.timestamp())
        return f"{public_id}.{expires}.{self._mac(slug, public_id, expires)}"

    def open(self, slug: str, token: str, *, now: datetime | None = None) -> str:
        """The conversation's public id a genuine, unexpired token for `slug` names.

        LinkInvalid for anything forged, damaged or signed for another retailer; LinkExpired for a
        genuine token past its time (only a genuine token learns that it expired).
        """
        match = _TOKEN.fullmatch(token or "")
        if match is None:
            raise LinkInvalid("this survey link is not valid")
        public_id, expires = match["id"], int(match["expires"])
        if not hmac.compare_digest(self._mac(slug, public_id, expires), match["mac"]):
            raise LinkInvalid("this survey link is not valid")
        if datetime.fromtimestamp(expires, UTC) < (now or datetime.now(UTC)):
            raise LinkExpired("this survey link has expired")
        return public_id


_TOKEN = re.compile(r"(?P<id>[A-Za-z0-9_-]{8,64})\.(?P<expires>[0-9]{1,12})\.(?P<mac>[A-Za-z0-9_-]{32})")


@dataclass(frozen=True)
class Tally:
    """Answers of one group (an agent, a channel, everyone)."""

    key: str
    answers: int
    satisfied: int
    total_score: int
    offered: int
    distribution: tuple[int, int, int, int, int]

    @property
    def csat_percent(self) -> float | None:
        """Share of 4 and 5 among the answers, in percent (None without answers)."""
        return round(100 * self.satisfied / self.answers, 1) if self.answers else None

    @property
    def average(self) -> float | None:
        return round(self.total_score / self.answers, 2) if self.answers else None

    @property
    def response_rate(self) -> float | None:
        """Answers per survey offered, in percent."""
        return round(100 * self.answers / self.offered, 1) if self.offered else None


def tally(key: str, scores: Iterable[int | None]) -> Tally:
    """Count one group's surveys; None is a survey offered and not answered."""
    counts = [0, 0, 0, 0, 0]
    offered = 0
    for score in scores:
        offered += 1
        if score is not None:
            counts[score - 1] += 1
    answers = sum(counts)
    return Tally(
        key=key,
        answers=answers,
        satisfied=counts[3] + counts[4],
        total_score=sum(i * n for i, n in zip(SCORES, counts, strict=True)),
        offered=offered,
        distribution=(counts[0], counts[1], counts[2], counts[3], counts[4]),
    )


def link_key(settings: Any) -> LinkKey:
    """The key of the deployment's survey links (derived from its secret key)."""
    return LinkKey.derive(str(getattr(settings, "secret_key", "") or ""))


def survey_url(base_url: str, slug: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/t/{slug}/survey/{token}"
