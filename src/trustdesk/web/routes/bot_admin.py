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
from trustdesk.store.models import KnowledgeArticle
from trustdesk.tenancy.service import find_tenant
from trustdesk.web.contract import errors, link, with_links
from trustdesk.web.deps import Auth, app_state, client_ip, db, rate_limit, require
from trustdesk.web.errors import ApiError, not_found
from trustdesk.web.fields import VISIBLE_PATTERN, ApiModel, RowId
from trustdesk.web.routes.pages import Console, console_form, console_page, render

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


def _save_article(
    session: Session, auth: Auth, article_id: int | None, data: ArticleInput, ip: str
) -> KnowledgeArticle:
    """Write a new help article (no id) or replace one, in the retailer's name, by the caller."""
    if article_id is None:
        return admin.create_article(
            session, auth.tenant.id, data, brand=auth.tenant.name, by=auth.user, ip=ip
        )
    brand = auth.tenant.name
    return admin.update_article(session, auth.tenant.id, article_id, data, brand=brand, by=auth.user, ip=ip)


def _api_save_article(
    request: Request, auth: Auth, session: Session, article_id: int | None, body: ArticleIn
) -> dict[str, Any]:
    data = ArticleInput(body.slug, body.title, body.body_markdown, body.published)
    try:
        row = _save_article(session, auth, article_id, data, client_ip(request))
    except BotAdminError as exc:
        raise _fail(exc) from None
    out = admin.article_dict(row)
    session.commit()
    return out


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
    return _api_save_article(request, auth, session, None, body)


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
    return _api_save_article(request, auth, session, article_id, body)


# --- console pages -------------------------------------------------------------------------------


def _console(page: Console, *, error: str | None = None, status: int = 200) -> HTMLResponse:
    examples = admin.list_examples(page.session, page.tenant.id)
    by_intent: dict[str, list[Any]] = {}
    for row in examples:
        by_intent.setdefault(row.intent, []).append(row)
    context = page.context("bot") | {
        "intents": admin.intents_for_forms(),
        "examples": by_intent,
        "example_count": len(examples),
        "articles": admin.list_articles(page.session, page.tenant.id),
        "bot_enabled": bot_settings(page.tenant).enabled,
        "error": error,
    }
    return render(page.request, "console_bot.html", context, status_code=status)


def _retrained(page: Console, anchor: str) -> RedirectResponse:
    """Commit a change of the training examples, retrain the retailer's model, back to the bot page."""
    response = page.done("/console/bot" + anchor)
    _retrain(page.request, page.tenant.id)
    return response


@router.get("/console/bot", response_class=HTMLResponse, include_in_schema=False)
def console_bot(page: Console = Depends(console_page(MANAGE))) -> HTMLResponse:
    return _console(page)


@router.post("/console/bot/examples", include_in_schema=False)
def console_add_example(
    intent: str = Form(max_length=40),
    text: str = Form(max_length=2000),
    page: Console = Depends(console_form(MANAGE)),
) -> Response:
    try:
        admin.add_example(
            page.session, page.tenant.id, intent=intent, text=text, by=page.auth.user, ip=page.ip
        )
    except BotAdminError as exc:
        page.session.rollback()
        return _console(page, error=exc.message, status=422)
    return _retrained(page, f"#intent-{intent}")


@router.post("/console/bot/examples/{example_id}/delete", include_in_schema=False)
def console_delete_example(example_id: RowId, page: Console = Depends(console_form(MANAGE))) -> Response:
    try:
        admin.delete_example(page.session, page.tenant.id, example_id, by=page.auth.user, ip=page.ip)
    except BotAdminError as exc:
        raise _fail(exc) from None
    return _retrained(page, "#examples-title")


def _article_form(
    page: Console, *, article: dict[str, Any] | None, error: str | None = None, status: int = 200
) -> HTMLResponse:
    preview = Markup(admin.render_markdown(article["body_markdown"])) if article else None  # noqa: S704 - nh3-cleaned
    context = page.context("bot") | {"article": article, "preview": preview, "error": error}
    return render(page.request, "console_bot_article.html", context, status_code=status)


@router.get("/console/bot/articles/new", response_class=HTMLResponse, include_in_schema=False)
def console_new_article(page: Console = Depends(console_page(MANAGE))) -> HTMLResponse:
    return _article_form(page, article=None)


@router.get("/console/bot/articles/{article_id}", response_class=HTMLResponse, include_in_schema=False)
def console_article(article_id: RowId, page: Console = Depends(console_page(MANAGE))) -> HTMLResponse:
    try:
        row = admin.get_article(page.session, page.tenant.id, article_id)
    except BotAdminError:
        raise not_found("article") from None
    return _article_form(page, article=admin.article_dict(row))


@router.post("/console/bot/articles", include_in_schema=False)
def console_save_article(
    article_id: RowId | None = Form(default=None),
    slug: str = Form(default="", max_length=200),
    title: str = Form(default="", max_length=400),
    body_markdown: str = Form(default="", max_length=60_000),
    published: bool = Form(default=False),
    page: Console = Depends(console_form(MANAGE)),
) -> Response:
    data = ArticleInput(slug, title, body_markdown, published)
    try:
        row = _save_article(page.session, page.auth, article_id, data, page.ip)
    except BotAdminError as exc:
        page.session.rollback()
        if exc.status == 404:
            raise not_found("article") from None
        draft = {
            "id": article_id,
            "slug": slug,
            "title": title,
            "body_markdown": body_markdown,
            "published": published,
        }
        return _article_form(page, article=draft, error=exc.message, status=422)
    return page.done(f"/console/bot/articles/{row.id}?saved=1")


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
