"""CSAT in the store: offer a survey when a conversation is resolved, take its one answer, count results.

`offer` runs inside the resolving transaction (conversations.operations.set_status): a survey row
for the conversation, and for an e-mail conversation a "csat.invite" job that mails the signed link.
`answer` locks the row, so a second answer (another tab, the mail link after the chat) is refused
with AlreadyAnswered and nothing already stored changes. A comment is customer text: it goes
through the guard (secrets redacted) before it is stored, and the audit entry keeps only the score.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.conversations.domain import Channel, InvalidMessage, Status, normalise_body
from trustdesk.guard import Policy, scan
from trustdesk.jobs import enqueue
from trustdesk.satisfaction.survey import (
    LINK_LIFETIME,
    MAX_COMMENT_CHARS,
    AlreadyAnswered,
    InvalidAnswer,
    SurveyNotFound,
    Tally,
    check_score,
    tally,
)
from trustdesk.store.models import Conversation, SatisfactionSurvey, Tenant, User, utcnow
from trustdesk.tenancy.language_settings import tenant_languages

INVITE_JOB = "csat.invite"
VIA = ("chat", "email")


def survey_language(conv: Conversation, tenant: Tenant) -> str:
    """The conversation's language, else the retailer's default."""
    return conv.language or tenant_languages(tenant).default


def offer(session: Session, conv: Conversation, *, now: datetime | None = None) -> int:
    """Offer the survey for a conversation just resolved; returns the number of jobs enqueued (0 or 1).

    A conversation is surveyed once: resolving it again after a reopen keeps the survey (and its
    answer, if any); an unanswered one is re-attributed to whoever resolved it last. Only e-mail
    conversations get a mail: a chat's customer is asked in the chat.
    """
    now = now or utcnow()
    survey = session.scalar(select(SatisfactionSurvey).where(SatisfactionSurvey.conversation_id == conv.id))
    if survey is not None:
        if survey.answered_at is None:
            survey.agent_user_id = conv.assignee_user_id
        return 0
    tenant = session.get(Tenant, conv.tenant_id)
    if tenant is None:
        return 0
    survey = SatisfactionSurvey(
        tenant_id=conv.tenant_id,
        conversation_id=conv.id,
        agent_user_id=conv.assignee_user_id,
        channel=conv.channel,
        language=survey_language(conv, tenant),
        offered_at=now,
        expires_at=now + LINK_LIFETIME,
        comment_guard=[],
    )
    session.add(survey)
    session.flush()
    if conv.channel == Channel.EMAIL and conv.customer_email:
        enqueue(session, INVITE_JOB, {"conversation_id": conv.id}, tenant_id=conv.tenant_id, max_attempts=8)
        return 1
    return 0


def survey_for(session: Session, conv: Conversation) -> SatisfactionSurvey | None:
    return session.scalar(select(SatisfactionSurvey).where(SatisfactionSurvey.conversation_id == conv.id))


def customer_view(survey: SatisfactionSurvey | None, conv: Conversation) -> dict[str, Any]:
    """What the customer's page shows: open (ask), answered (thank), or none."""
    if survey is not None and survey.answered_at is not None:
        return {"state": "answered", "score": survey.score}
    if survey is not None and conv.status == Status.RESOLVED:
        return {"state": "open", "score": None}
    return {"state": "none", "score": None}


@dataclass(frozen=True)
class Screening:
    """The retailer's name and guard policy, to screen a comment as the pipeline would."""

    brand: str
    policy: Policy | None = None


def answer(
    session: Session,
    conv: Conversation,
    *,
    score: object,
    comment: str | None,
    via: str,
    screening: Screening,
    ip: str | None = None,
) -> SatisfactionSurvey:
    """Store the one answer to the conversation's survey (in the caller's transaction; audited).

    Raises InvalidAnswer (bad score or comment), SurveyNotFound (no survey offered), AlreadyAnswered.
    """
    value = check_score(score)
    text = None
    findings: list[dict[str, Any]] = []
    if comment is not None and comment.strip():
        try:
            cleaned = normalise_body(comment, max_chars=MAX_COMMENT_CHARS)
        except InvalidMessage as exc:
            raise InvalidAnswer(f"the comment: {exc.message}") from None
        result = scan(cleaned, "inbound", screening.policy, brand=screening.brand)
        text = result.redacted
        findings = [
            {"type": str(f.type), "action": f.action, "display": f.display}
            for f in result.findings
            if f.action in ("redact", "warn")
        ]
    survey = session.scalar(
        select(SatisfactionSurvey).where(SatisfactionSurvey.conversation_id == conv.id).with_for_update()
    )
    if survey is None:
        raise SurveyNotFound("no survey is open for this conversation")
    if survey.answered_at is not None:
        raise AlreadyAnswered("this conversation has already been rated; the first answer counts")
    survey.score = value
    survey.comment = text
    survey.comment_guard = findings
    survey.answered_at = utcnow()
    survey.answered_via = via if via in VIA else "chat"
    record(
        session,
        "csat.answered",
        actor="customer",
        tenant_id=conv.tenant_id,
        target=f"conversation:{conv.public_id}",
        details={
            "score": value,
            "via": survey.answered_via,
            "comment": text is not None,
            "redacted": sorted({f["type"] for f in findings if f["action"] == "redact"}),
        },
        ip=ip,
    )
    session.flush()
    return survey


# --- results -------------------------------------------------------------------------------------


def _tally_dict(item: Tally, label: str) -> dict[str, Any]:
    return {
        "key": item.key,
        "label": label,
        "offered": item.offered,
        "answers": item.answers,
        "satisfied": item.satisfied,
        "csat_percent": item.csat_percent,
        "average": item.average,
        "response_rate": item.response_rate,
        "distribution": list(item.distribution),
    }


def results(session: Session, tenant_id: int, *, since: datetime, comments: int = 10) -> dict[str, Any]:
    """CSAT for one retailer since a moment: overall, per agent, per channel, and the latest comments."""
    rows = session.execute(
        select(
            SatisfactionSurvey.score,
            SatisfactionSurvey.channel,
            SatisfactionSurvey.agent_user_id,
        ).where(SatisfactionSurvey.tenant_id == tenant_id, SatisfactionSurvey.offered_at >= since)
    ).all()
    names = {
        user_id: name
        for user_id, name in session.execute(
            select(User.id, User.display_name).where(User.tenant_id == tenant_id)
        )
    }
    by_agent: dict[int | None, list[int | None]] = {}
    by_channel: dict[str, list[int | None]] = {}
    for score, channel, agent in rows:
        by_agent.setdefault(agent, []).append(score)
        by_channel.setdefault(channel, []).append(score)
    agents = [
        _tally_dict(
            tally(str(agent) if agent is not None else "none", scores),
            names.get(agent, "(former staff)") if agent is not None else "Bot only",
        )
        for agent, scores in by_agent.items()
    ]
    agents.sort(key=lambda a: (-a["answers"], a["label"]))
    channels = [
        _tally_dict(tally(channel, scores), channel) for channel, scores in sorted(by_channel.items())
    ]
    latest = session.execute(
        select(
            SatisfactionSurvey.score,
            SatisfactionSurvey.comment,
            SatisfactionSurvey.channel,
            SatisfactionSurvey.answered_at,
            SatisfactionSurvey.agent_user_id,
            Conversation.public_id,
            Conversation.reference,
        )
        .join(Conversation, Conversation.id == SatisfactionSurvey.conversation_id)
        .where(
            SatisfactionSurvey.tenant_id == tenant_id,
            SatisfactionSurvey.offered_at >= since,
            SatisfactionSurvey.comment.is_not(None),
        )
        .order_by(SatisfactionSurvey.answered_at.desc())
        .limit(comments)
    ).all()
    return {
        "since": since.isoformat(),
        "overall": _tally_dict(tally("all", [r.score for r in rows]), "All conversations"),
        "by_agent": agents,
        "by_channel": channels,
        "comments": [
            {
                "score": r.score,
                "comment": r.comment,
                "channel": r.channel,
                "answered_at": r.answered_at.isoformat() if r.answered_at else None,
                "agent": names.get(r.agent_user_id) if r.agent_user_id else None,
                "conversation_id": r.public_id,
                "conversation_reference": r.reference,
            }
            for r in latest
        ],
    }
