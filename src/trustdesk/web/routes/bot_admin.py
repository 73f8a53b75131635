"""The bot's admin side: training examples per intent and help articles (console pages and JSON API),
plus the public page each published article lives at."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from trustdesk.accounts.permissions import Permission
from trustdesk.bot.examples import MAX_EXAMPLE_CHARS
from trustdesk.bot.intents import Intent
from trustdesk.botdesk import admin
from trustdesk.botdesk.admin import MAX_TITLE_CHARS, ArticleInput, BotAdminError
from trustdesk.botdesk.profile import bot_settings
from trustdesk.ratelimit import Limit
from trustdesk.tenancy.service import find_tenant
from trustdesk.web.contract import errors, link, with_links
from trustdesk.web.deps import Auth, app_state, check_csrf, client_ip, db, rate_limit, require
from trustdesk.web.errors import ApiError, not_found
from trustdesk.web.fields import VISIBLE_PATTERN, ApiModel, RowId
from trustdesk.web.routes.pages import console_context, page_permission, render, staff_page

router = APIRouter(tags=["bot"])
MANAGE = Permission.MANAGE_BOT
INTENTS = tuple(i.value for i in Intent)
ARTICLE_SLUG_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$"  # botdesk.admin checks the same
ARTICLE_REFUSED = "invalid input, or the article asks customers for a secret"


def _article_links(article_id: str) -> dict[str, Any]:
    return {
        "read": link("api_article", "Read it", article_id=article_id),
        "replace": link("api_update_article", "Replace it", article_id=article_id),
    }


class ExampleIn(ApiModel):
    intent: Literal[INTENTS] = Field(description="One of the bot's intents")
    text: str = Field(
        min_length=1,
        max_length=MAX_EXAMPLE_CHARS,
        pattern=VISIBLE_PATTERN,
        description="A phrase a customer might write (one holding a secret is refused)",
    )


class ExampleOut(BaseModel):
    id: int
    intent: str
    text: str
    created_at: str


class ArticleIn(ApiModel):
    slug: str = Field(
        max_length=100, pattern=ARTICLE_SLUG_PATTERN, description="Address: /t/{tenant}/help/{slug}"
    )
    title: str = Field(min_length=1, max_length=MAX_TITLE_CHARS, pattern=VISIBLE_PATTERN)
    body_markdown: str = Field(
        default="", max_length=50_000, description="Markdown; raw HTML is not rendered"
    )
    published: bool = Field(
        default=False, description="Only published articles are shown and used by the bot"
    )


class ArticleSummary(BaseModel):
    id: int
    slug: str
    title: str
    published: bool
    updated_at: str


class ArticleOut(ArticleSummary):
    body_markdown: str


def _fail(exc: BotAdminError) -> ApiError:
    return ApiError(exc.status, exc.code, exc.message)


def _retrain(request: Request, tenant_id: int) -> None:
    bot = app_state(request).runtime.services.get("bot")
    if bot is not None:
        bot.models.refresh(bot.readers, tenant_id)


# --- JSON API ------------------------------------------------------------------------------------


@router.get(
    "/api/v1/bot/examples",
    response_model=list[ExampleOut],
    summary="The retailer's own training examples",
    responses=with_links(
        200, delete=link("api_delete_example", "Remove the first", example_id="$response.body#/0/id")
    ),
)
def api_examples(
    auth: Auth = Depends(require(MANAGE)), session: Session = Depends(db)
) -> list[dict[str, Any]]:
    return [admin.example_dict(r) for r in admin.list_examples(session, auth.tenant.id)]


@router.post(
    "/api/v1/bot/examples",
    response_model=ExampleOut,
    status_code=201,
    summary="Teach the bot a phrase for an intent (the model retrains in the background)",
    responses=errors(
        409,
        e409="that example is already there, or the retailer has the most examples allowed",
        e422="invalid input, or the phrase holds a secret",
    )
    | with_links(201, delete=link("api_delete_example", "Remove it", example_id="$response.body#/id")),
)
def api_add_example(
    body: ExampleIn, request: Request, auth: Auth = Depends(require(MANAGE)), session: Session = Depends(db)
) -> dict[str, Any]:
    try:
        row = admin.add_example(
            session, auth.tenant.id, intent=body.intent, text=body.text, by=auth.user, ip=client_ip(request)
        )
    except BotAdminError as exc:
        raise _fail(exc) from None
    out = admin.example_dict(row)
    session.commit()
    _retrain(request, auth.tenant.id)
    return out


@router.delete(
    "/api/v1/bot/examples/{example_id}",
    status_code=204,
    summary="Remove a training example",
    responses=errors(404),
)
def api_delete_example(
    example_id: RowId, request: Request, auth: Auth = Depends(require(MANAGE)), session: Session = Depends(db)
) -> Response:
    try:
        admin.delete_example(session, auth.tenant.id, example_id, by=auth.user, ip=client_ip(request))
    except BotAdminError as exc:
        raise _fail(exc) from None
    session.commit()
    _retrain(request, auth.tenant.id)
    return Response(status_code=204)


@router.get(
    "/api/v1/bot/articles",
    response_model=list[ArticleSummary],
    summary="Help articles (drafts too)",
    responses=with_links(200, **_article_links("$response.body#/0/id")),
)
def api_articles(
    auth: Auth = Depends(require(MANAGE)), session: Session = Depends(db)
) -> list[dict[str, Any]]:
    return [admin.article_dict(r, with_body=False) for r in admin.list_articles(session, auth.tenant.id)]


@router.post(
    "/api/v1/bot/articles",
    response_model=ArticleOut,
    status_code=201,
    summary="Write a help article",
    responses=errors(409, e409="an article at this slug exists", e422=ARTICLE_REFUSED)
    | with_links(201, **_article_links("$response.body#/id")),
)
def api_create_article(
    body: ArticleIn, request: Request, auth: Auth = Depends(require(MANAGE)), session: Session = Depends(db)
) -> dict[str, Any]:
    data = ArticleInput(body.slug, body.title, body.body_markdown, body.published)
    try:
        row = admin.create_article(
            session, auth.tenant.id, data, brand=auth.tenant.name, by=auth.user, ip=client_ip(request)
        )
    except BotAdminError as exc:
        raise _fail(exc) from None
    out = admin.article_dict(row)
    session.commit()
    return out


@router.get(
    "/api/v1/bot/articles/{article_id}",
    response_model=ArticleOut,
    summary="One help article",
    responses=errors(404),
)
def api_article(
    article_id: RowId, auth: Auth = Depends(require(MANAGE)), session: Session = Depends(db)
) -> dict[str, Any]:
    try:
        return admin.article_dict(admin.get_article(session, auth.tenant.id, article_id))
    except BotAdminError as exc:
        raise _fail(exc) from None


@router.put(
    "/api/v1/bot/articles/{article_id}",
    response_model=ArticleOut,
    summary="Replace a help article",
    responses=errors(404, 409, e409="another article has this slug", e422=ARTICLE_REFUSED),
)
def api_update_article(
    article_id: RowId,
    body: ArticleIn,
    request: Request,
    auth: Auth = Depends(require(MANAGE)),
    session: Session = Depends(db),
) -> dict[str, Any]:
    data = ArticleInput(body.slug, body.title, body.body_markdown, body.published)
    try:
        row = admin.update_article(
            session,
            auth.tenant.id,
            article_id,
            data,
            brand=auth.tenant.name,
            by=auth.user,
            ip=client_ip(request),
        )
    except BotAdminError as exc:
        raise _fail(exc) from None
    out = admin.article_dict(row)
    session.commit()
    return out


# --- console pages -------------------------------------------------------------------------------


def _console(
    request: Request, auth: Auth, session: Session, *, error: str | None = None, status: int = 200
) -> HTMLResponse:
    examples = admin.list_examples(session, auth.tenant.id)
    by_intent: dict[str, list[Any]] = {}
    for row in examples:
        by_intent.setdefault(row.intent, []).append(row)
    context = console_context(request, auth, "bot") | {
        "intents": admin.intents_for_forms(),
        "examples": by_intent,
        "example_count": len(examples),
        "articles": admin.list_articles(session, auth.tenant.id),
        "bot_enabled": bot_settings(auth.tenant).enabled,
        "error": error,
    }
    return render(request, "console_bot.html", context, status_code=status)


def _back(anchor: str = "") -> RedirectResponse:
    return RedirectResponse("/console/bot" + anchor, status_code=303)


@router.get("/console/bot", response_class=HTMLResponse, include_in_schema=False)
def console_bot(
    request: Request, auth: Auth = Depends(staff_page), session: Session = Depends(db)
) -> HTMLResponse:
    page_permission(auth, MANAGE)
    return _console(request, auth, session)


@router.post("/console/bot/examples", include_in_schema=False)
def console_add_example(
    request: Request,
    csrf_token: str = Form(max_length=200),
    intent: str = Form(max_length=40),
    text: str = Form(max_length=2000),
    auth: Auth = Depends(staff_page),
    session: Session = Depends(db),
) -> Response:
    check_csrf(request, auth, csrf_token)
    page_permission(auth, MANAGE)
    try:
        admin.add_example(
            session, auth.tenant.id, intent=intent, text=text, by=auth.user, ip=client_ip(request)
        )
    except BotAdminError as exc:
        session.rollback()
        return _console(request, auth, session, error=exc.message, status=422)
    session.commit()
    _retrain(request, auth.tenant.id)
    return _back(f"#intent-{intent}")


@router.post("/console/bot/examples/{example_id}/delete", include_in_schema=False)
def console_delete_example(
    example_id: RowId,
    request: Request,
    csrf_token: str = Form(max_length=200),
    auth: Auth = Depends(staff_page),
    session: Session = Depends(db),
) -> Response:
    check_csrf(request, auth, csrf_token)
    page_permission(auth, MANAGE)
    try:
        admin.delete_example(session, auth.tenant.id, example_id, by=auth.user, ip=client_ip(request))
    except BotAdminError as exc:
        raise _fail(exc) from None
    session.commit()
    _retrain(request, auth.tenant.id)
    return _back("#examples-title")


def _article_form(
    request: Request,
    auth: Auth,
    *,
    article: dict[str, Any] | None,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    preview = Markup(admin.render_markdown(article["body_markdown"])) if article else None  # noqa: S704 - nh3-cleaned
    context = console_context(request, auth, "bot") | {"article": article, "preview": preview, "error": error}
    return render(request, "console_bot_article.html", context, status_code=status)


@router.get("/console/bot/articles/new", response_class=HTMLResponse, include_in_schema=False)
def console_new_article(request: Request, auth: Auth = Depends(staff_page)) -> HTMLResponse:
    page_permission(auth, MANAGE)
    return _article_form(request, auth, article=None)


@router.get("/console/bot/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
def console_article(
    article_id: RowId, request: Request, auth: Auth = Depends(staff_page), session: Session = Depends(db)
) -> HTMLResponse:
    page_permission(auth, MANAGE)
    try:
        row = admin.get_article(session, auth.tenant.id, article_id)
    except BotAdminError:
        raise not_found("article") from None
    return _article_form(request, auth, article=admin.article_dict(row))


@router.post("/console/bot/articles", include_in_schema=False)
def console_save_article(
    request: Request,
    csrf_token: str = Form(max_length=200),
    article_id: RowId | None = Form(default=None),
    slug: str = Form(default="", max_length=200),
    title: str = Form(default="", max_length=400),
    body_markdown: str = Form(default="", max_length=60_000),
    published: bool = Form(default=False),
    auth: Auth = Depends(staff_page),
    session: Session = Depends(db),
) -> Response:
    check_csrf(request, auth, csrf_token)
    page_permission(auth, MANAGE)
    data = ArticleInput(slug, title, body_markdown, published)
    try:
        if article_id is None:
            row = admin.create_article(
                session, auth.tenant.id, data, brand=auth.tenant.name, by=auth.user, ip=client_ip(request)
            )
        else:
            row = admin.update_article(
                session,
                auth.tenant.id,
                article_id,
                data,
                brand=auth.tenant.name,
                by=auth.user,
                ip=client_ip(request),
            )
    except BotAdminError as exc:
        session.rollback()
        if exc.status == 404:
            raise not_found("article") from None
        draft = {
            "id": article_id,
            "slug": slug,
            "title": title,
            "body_markdown": body_markdown,
            "published": published,
        }
        return _article_form(request, auth, article=draft, error=exc.message, status=422)
    session.commit()
    return RedirectResponse(f"/console/bot/articles/{row.id}?saved=1", status_code=303)


# --- public help article -------------------------------------------------------------------------


@router.get("/t/{slug}/help/{article_slug}", response_class=HTMLResponse, include_in_schema=False)
def help_article(
    slug: str, article_slug: str, request: Request, session: Session = Depends(db)
) -> HTMLResponse:
    rate_limit(request, "public-page", client_ip(request), Limit(300, 60))
    tenant = find_tenant(session, slug)
    if tenant is None:
        raise not_found("retailer")
    row = admin.published_article(session, tenant.id, article_slug[:100])
    if row is None:
        raise not_found("article")
    body = Markup(admin.render_markdown(row.body_markdown))  # noqa: S704 - rendered without HTML, then nh3-cleaned
    return render(request, "help_article.html", {"tenant": tenant, "article": row, "body": body})


__all__ = ["JSONResponse", "router"]
