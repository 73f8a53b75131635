"""Customer satisfaction over HTTP: the survey in the chat, the signed e-mail link's page, the results.

Customers: `GET|POST /api/v1/public/{tenant}/chat/conversations/{id}/survey` (the chat's token or
the signed-in customer's session, as the rest of the chat API) and `/t/{slug}/survey/{token}` (the
signed link from the survey mail: GET shows the question with the score chosen in the mail, POST
records the answer, so a mail scanner following links records nothing). Staff with
VIEW_SATISFACTION: `GET /api/v1/satisfaction` and `/console/satisfaction`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel, Field, StringConstraints
from sqlalchemy import select
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.satisfaction import service as csat
from trustdesk.satisfaction.survey import (
    MAX_COMMENT_CHARS,
    QUESTION,
    SCORE_LABELS,
    SCORES,
    SurveyError,
    link_key,
)
from trustdesk.store.models import Conversation, Tenant, utcnow
from trustdesk.web.contract import chat_security, errors
from trustdesk.web.deps import Auth, app_state, client_ip, db, optional_auth, rate_limit, require
from trustdesk.web.errors import ApiError
from trustdesk.web.fields import ApiModel, TenantSlug, count
from trustdesk.web.locale import LANG_COOKIE, page_language
from trustdesk.web.routes.conversation_common import conversation_or_404, release, runtime
from trustdesk.web.routes.customer_chat import _tenant, customer_conversation
from trustdesk.web.routes.pages import Console, console_page, render

router = APIRouter(tags=["satisfaction"])

VIEW = Permission.VIEW_SATISFACTION
Comment = Annotated[str, StringConstraints(max_length=MAX_COMMENT_CHARS * 4)]


class SurveyState(BaseModel):
    state: str = Field(description="open: ask now; answered: thank; none: no survey for this conversation")
    score: int | None


class SurveyAnswerIn(ApiModel):
    # JSON Schema counts 3.0 as an integer, so the body may too (fields.count: a whole number).
    score: count(1, 5) = Field(description="1 very dissatisfied .. 5 very satisfied")
    comment: Comment | None = Field(default=None, description="Optional; secrets are removed before storage")


def _survey_error(exc: SurveyError) -> ApiError:
    return ApiError(exc.status, exc.code, exc.message)


def _screening(request: Request, tenant_id: int) -> csat.Screening:
    brand, policy = runtime(request).desk.screening(tenant_id)
    return csat.Screening(brand, policy)


# --- in the chat ---------------------------------------------------------------------------------


@router.get(
    "/api/v1/public/{tenant}/chat/conversations/{conversation_id}/survey",
    response_model=SurveyState,
    summary="The conversation's satisfaction survey: open once it is resolved, until answered",
    responses=errors(401, 404, e404="no such retailer, or no conversation this token or account may open"),
    openapi_extra=chat_security("GET"),
)
def chat_survey(
    tenant: TenantSlug,
    conversation_id: str,
    request: Request,
    session: Session = Depends(db),
    auth: Auth | None = Depends(optional_auth),
) -> dict[str, Any]:
    retailer = _tenant(session, tenant)
    conv = customer_conversation(request, session, retailer, conversation_id, auth)
    return csat.customer_view(csat.survey_for(session, conv), conv)


@router.post(
    "/api/v1/public/{tenant}/chat/conversations/{conversation_id}/survey",
    response_model=SurveyState,
    status_code=201,
    summary="Answer the survey (once per conversation; a second answer is refused with 409)",
    responses=errors(
        401,
        403,
        404,
        409,
        429,
        e404="no such retailer or conversation, or no survey offered for it",
        e409="already_answered: the first answer counts",
    ),
    openapi_extra=chat_security("POST"),
)
def chat_answer(
    tenant: TenantSlug,
    conversation_id: str,
    body: SurveyAnswerIn,
    request: Request,
    session: Session = Depends(db),
    auth: Auth | None = Depends(optional_auth),
) -> dict[str, Any]:
    retailer = _tenant(session, tenant)
    customer_conversation(request, session, retailer, conversation_id, auth)
    rate_limit(request, "csat-answer-ip", client_ip(request), runtime(request).limits.start_per_ip)
    retailer_id = retailer.id
    release(session)  # the guard's policy is read in its own session (SQLite: one writer)
    screening = _screening(request, retailer_id)
    conv = conversation_or_404(session, retailer_id, conversation_id)
    try:
        survey = csat.answer(
            session,
            conv,
            score=body.score,
            comment=body.comment,
            via="chat",
            screening=screening,
            ip=client_ip(request),
        )
    except SurveyError as exc:
        raise _survey_error(exc) from None
    session.commit()
    return {"state": "answered", "score": survey.score}


# --- the signed link from the survey mail --------------------------------------------------------


def _linked(request: Request, session: Session, slug: str, token: str) -> tuple[Tenant, Conversation]:
    tenant = _tenant(session, slug)
    try:
        public_id = link_key(app_state(request).settings).open(tenant.slug, token, now=utcnow())
    except SurveyError as exc:
        raise _survey_error(exc) from None
    conv = session.scalar(
        select(Conversation).where(Conversation.tenant_id == tenant.id, Conversation.public_id == public_id)
    )
    if conv is None:
        raise ApiError(404, "not_found", "this survey link is not valid")
    return tenant, conv


def _survey_page(
    request: Request, tenant: Tenant, conv: Conversation, survey: Any, **extra: Any
) -> dict[str, Any]:
    page = page_language(request, tenant)
    chosen = "lang" in request.query_params or LANG_COOKIE in request.cookies  # the customer's own choice
    if not chosen and survey is not None:
        page = replace(page, code=survey.language, notice=None, notice_lang=None)  # the conversation's
    return {
        "tenant": tenant,
        "conversation": conv,
        "survey": survey,
        "question": QUESTION,
        "labels": SCORE_LABELS,
        "scores": list(reversed(SCORES)),
        "max_comment": MAX_COMMENT_CHARS,
        "page_lang": page,
        **extra,
    }


@router.get("/t/{slug}/survey/{token}", response_class=HTMLResponse, include_in_schema=False)
def survey_page(
    slug: TenantSlug,
    token: Annotated[str, StringConstraints(max_length=200)],
    request: Request,
    score: int | None = Query(default=None, ge=1, le=5),
    session: Session = Depends(db),
) -> HTMLResponse:
    tenant = _tenant(session, slug)
    try:
        tenant, conv = _linked(request, session, slug, token)
    except ApiError as exc:
        return render(request, "survey.html", {"tenant": tenant, "error": exc.code}, status_code=exc.status)
    survey = csat.survey_for(session, conv)
    if survey is None:
        return render(request, "survey.html", {"tenant": tenant, "error": "not_found"}, status_code=404)
    return render(
        request, "survey.html", _survey_page(request, tenant, conv, survey, chosen=score, token=token)
    )


@router.post("/t/{slug}/survey/{token}", response_class=HTMLResponse, include_in_schema=False)
def survey_submit(
    slug: TenantSlug,
    token: Annotated[str, StringConstraints(max_length=200)],
    request: Request,
    score: str = Form(default="", max_length=2),
    comment: str = Form(default="", max_length=MAX_COMMENT_CHARS * 4),
    session: Session = Depends(db),
) -> HTMLResponse:
    rate_limit(request, "csat-answer-ip", client_ip(request), runtime(request).limits.start_per_ip)
    tenant = _tenant(session, slug)
    try:
        tenant, conv = _linked(request, session, slug, token)
    except ApiError as exc:
        return render(request, "survey.html", {"tenant": tenant, "error": exc.code}, status_code=exc.status)
    tenant_id, public_id = tenant.id, conv.public_id
    release(session)  # the guard's policy is read in its own session (SQLite: one writer)
    screening = _screening(request, tenant_id)
    tenant = session.get(Tenant, tenant_id)  # type: ignore[assignment]
    conv = conversation_or_404(session, tenant_id, public_id)
    value: object = int(score) if score.isdigit() else None
    try:
        survey = csat.answer(
            session,
            conv,
            score=value,
            comment=comment,
            via="email",
            screening=screening,
            ip=client_ip(request),
        )
    except SurveyError as exc:
        session.rollback()
        current = csat.survey_for(session, conv)
        context = _survey_page(request, tenant, conv, current, chosen=None, token=token, error=exc.code)
        return render(request, "survey.html", context, status_code=exc.status)
    session.commit()
    return render(
        request, "survey.html", _survey_page(request, tenant, conv, survey, thanked=True, token=token)
    )


# --- results for admins and supervisors ----------------------------------------------------------


class TallyOut(BaseModel):
    key: str
    label: str
    offered: int
    answers: int
    satisfied: int
    csat_percent: float | None
    average: float | None
    response_rate: float | None
    distribution: list[int]


class CommentOut(BaseModel):
    score: int | None
    comment: str | None
    channel: str
    answered_at: str | None
    agent: str | None
    conversation_id: str
    conversation_reference: str


class ResultsOut(BaseModel):
    since: str
    overall: TallyOut
    by_agent: list[TallyOut]
    by_channel: list[TallyOut]
    comments: list[CommentOut]


@router.get(
    "/api/v1/satisfaction",
    response_model=ResultsOut,
    summary="Customer satisfaction (CSAT: share of 4 and 5 on a five-point scale) per agent and channel",
    tags=["satisfaction"],
)
def results_api(
    days: int = Query(default=30, ge=1, le=365, description="surveys offered in the last N days"),
    auth: Auth = Depends(require(VIEW)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    return csat.results(session, auth.tenant.id, since=utcnow() - timedelta(days=days))


PERIODS = (7, 30, 90)


@router.get("/console/satisfaction", response_class=HTMLResponse, include_in_schema=False)
def console_satisfaction(
    days: int = Query(default=30, ge=1, le=365), page: Console = Depends(console_page(VIEW))
) -> HTMLResponse:
    context = page.context("satisfaction")
    context.update(
        results=csat.results(page.session, page.tenant.id, since=utcnow() - timedelta(days=days)),
        days=days,
        periods=PERIODS,
        labels=SCORE_LABELS,
    )
    return render(page.request, "console_satisfaction.html", context)
