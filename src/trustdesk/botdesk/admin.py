"""What a retailer's admins change about their bot: training examples per intent and help articles.

Every change is audited. Examples are customer-like phrases, so they are guarded like customer
text: one holding a secret is refused, never stored. Articles are Markdown, rendered without raw
HTML and sanitised again (nh3) before any page shows them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

import nh3
from markdown_it import MarkdownIt
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustdesk.audit.log import record
from trustdesk.bot.examples import MAX_EXAMPLE_CHARS
from trustdesk.bot.intents import INTENT_MEANINGS, Intent
from trustdesk.guard import scan
from trustdesk.store.models import BotExample, KnowledgeArticle, User, utcnow

MAX_EXAMPLES_PER_TENANT = 2000
MAX_TITLE_CHARS = 200
MAX_ARTICLE_CHARS = 50_000
_SLUG = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,98}[a-z0-9])?$")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
# Control characters except newline (articles keep their lines); tabs become spaces first.
_BODY_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
_MARKDOWN = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")
_ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip


class BotAdminError(ValueError):
    """A change cannot be made; `code` is stable and the message safe to show."""

    code = "invalid"
    status = 422

    def __init__(self, message: str, *, code: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        if status:
            self.status = status


def _actor(user: User) -> str:
    return f"{user.role}:{user.email}"


def _clean(text: str, limit: int, what: str) -> str:
    text = unicodedata.normalize("NFC", text or "")
    text = " ".join(_CONTROL.sub(" ", text).split())
    if not text:
        raise BotAdminError(f"the {what} is empty")
    if len(text) > limit:
        raise BotAdminError(f"the {what} is limited to {limit} characters")
    return text


def parse_intent_name(value: str) -> Intent:
    """An intent by its name, or a clear error listing the choices."""
    try:
        return Intent(value.strip().lower())
    except ValueError:
        raise BotAdminError(
            f"unknown intent {value!r}; choose one of {', '.join(i.value for i in Intent)}"
        ) from None


# -- training examples ----------------------------------------------------------------------------


def example_dict(row: BotExample) -> dict[str, Any]:
    return {"id": row.id, "intent": row.intent, "text": row.text, "created_at": row.created_at.isoformat()}


def list_examples(session: Session, tenant_id: int) -> list[BotExample]:
    """The retailer's examples, by intent then age."""
    return list(
        session.scalars(
            select(BotExample)
            .where(BotExample.tenant_id == tenant_id)
            .order_by(BotExample.intent, BotExample.id)
        )
    )


def add_example(
    session: Session, tenant_id: int, *, intent: str, text: str, by: User, ip: str | None = None
) -> BotExample:
    """Add one example phrase for an intent (the caller commits, then asks for a retrain)."""
    chosen = parse_intent_name(intent)
    phrase = _clean(text, MAX_EXAMPLE_CHARS, "example")
    if any(f.action == "redact" for f in scan(phrase, "inbound").findings):
        raise BotAdminError(
            "the example contains a secret (a card number, password or code); write it without"
        )
    count = session.scalar(select(func.count(BotExample.id)).where(BotExample.tenant_id == tenant_id)) or 0
    if count >= MAX_EXAMPLES_PER_TENANT:
        raise BotAdminError(
            f"a retailer can add at most {MAX_EXAMPLES_PER_TENANT} examples", code="limit_reached", status=409
        )
    if session.scalar(
        select(BotExample.id).where(
            BotExample.tenant_id == tenant_id, BotExample.intent == chosen.value, BotExample.text == phrase
        )
    ):
        raise BotAdminError("that example is already there", code="conflict", status=409)
    row = BotExample(tenant_id=tenant_id, intent=chosen.value, text=phrase, created_by_user_id=by.id)
    session.add(row)
    session.flush()
    record(
        session,
        "bot.example_added",
        actor=_actor(by),
        tenant_id=tenant_id,
        target=f"bot_example:{row.id}",
        details={"intent": chosen.value, "chars": len(phrase)},
        ip=ip,
    )
    return row


def delete_example(
    session: Session, tenant_id: int, example_id: int, *, by: User, ip: str | None = None
) -> None:
    """Remove one of the retailer's examples (404 for another retailer's)."""
    row = session.scalar(
        select(BotExample).where(BotExample.tenant_id == tenant_id, BotExample.id == example_id)
    )
    if row is None:
        raise BotAdminError("example not found", code="not_found", status=404)
    record(
        session,
        "bot.example_deleted",
        actor=_actor(by),
        tenant_id=tenant_id,
        target=f"bot_example:{row.id}",
        details={"intent": row.intent},
        ip=ip,
    )
    session.delete(row)


def intents_for_forms() -> list[tuple[str, str]]:
    """(name, meaning) of every intent a retailer can teach."""
    return [(i.value, INTENT_MEANINGS.get(i, "")) for i in Intent]


# -- help articles --------------------------------------------------------------------------------


def render_markdown(markdown: str) -> str:
    """Safe HTML for an article: raw HTML is not parsed, unsafe links are dropped, nh3 cleans the rest."""
    html = _MARKDOWN.render(markdown or "")
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes={"a": {"href", "title"}, "th": {"align"}, "td": {"align"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@dataclass(frozen=True)
class ArticleInput:
    """What an admin writes: a slug for the address, a title and the Markdown body."""

    slug: str
    title: str
    body_markdown: str
    published: bool = False

    def checked(self) -> ArticleInput:
        slug = (self.slug or "").strip().lower()
        if not _SLUG.match(slug):
            raise BotAdminError("the address (slug) is 1-100 lower-case letters, digits and dashes")
        title = _clean(self.title, MAX_TITLE_CHARS, "title")
        body = unicodedata.normalize("NFC", (self.body_markdown or "").replace("\r\n", "\n"))
        body = _BODY_CONTROL.sub("", body.replace("\r", "\n").replace("\t", "    ")).strip()
        if len(body) > MAX_ARTICLE_CHARS:
            raise BotAdminError(f"articles are limited to {MAX_ARTICLE_CHARS} characters")
        return ArticleInput(slug, title, body, self.published)


def article_dict(row: KnowledgeArticle, *, with_body: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row.id,
        "slug": row.slug,
        "title": row.title,
        "published": row.published,
        "updated_at": row.updated_at.isoformat(),
    }
    if with_body:
        out["body_markdown"] = row.body_markdown
    return out


def list_articles(session: Session, tenant_id: int) -> list[KnowledgeArticle]:
    return list(
        session.scalars(
            select(KnowledgeArticle)
            .where(KnowledgeArticle.tenant_id == tenant_id)
            .order_by(KnowledgeArticle.title)
        )
    )


def get_article(session: Session, tenant_id: int, article_id: int) -> KnowledgeArticle:
    row = session.scalar(
        select(KnowledgeArticle).where(
            KnowledgeArticle.tenant_id == tenant_id, KnowledgeArticle.id == article_id
        )
    )
    if row is None:
        raise BotAdminError("article not found", code="not_found", status=404)
    return row


def _slug_taken(session: Session, tenant_id: int, slug: str, except_id: int | None = None) -> bool:
    query = select(KnowledgeArticle.id).where(
        KnowledgeArticle.tenant_id == tenant_id, KnowledgeArticle.slug == slug
    )
    if except_id is not None:
        query = query.where(KnowledgeArticle.id != except_id)
    return session.scalar(query) is not None


def _guard_article(data: ArticleInput, brand: str) -> None:
    # Help pages speak for the retailer: one that asks customers for a secret is refused.
    result = scan(f"{data.title}\n{data.body_markdown}", "outbound", brand=brand)
    if result.blocked:
        raise BotAdminError(
            "not saved: " + (" ".join(result.block_reasons) or "the article asks for a secret")
        )


def create_article(
    session: Session, tenant_id: int, data: ArticleInput, *, brand: str, by: User, ip: str | None = None
) -> KnowledgeArticle:
    """Save a new article (a draft unless `published`)."""
    data = data.checked()
    _guard_article(data, brand)
    if _slug_taken(session, tenant_id, data.slug):
        raise BotAdminError(f"an article at {data.slug!r} already exists", code="conflict", status=409)
    now = utcnow()
    row = KnowledgeArticle(
        tenant_id=tenant_id,
        slug=data.slug,
        title=data.title,
        body_markdown=data.body_markdown,
        published=data.published,
        updated_by_user_id=by.id,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    record(
        session,
        "kb.article_created",
        actor=_actor(by),
        tenant_id=tenant_id,
        target=f"kb_article:{row.id}",
        details={"slug": row.slug, "published": row.published},
        ip=ip,
    )
    return row


def update_article(
    session: Session,
    tenant_id: int,
    article_id: int,
    data: ArticleInput,
    *,
    brand: str,
    by: User,
    ip: str | None = None,
) -> KnowledgeArticle:
    """Replace an article's slug, title, body and published flag."""
    row = get_article(session, tenant_id, article_id)
    data = data.checked()
    _guard_article(data, brand)
    if _slug_taken(session, tenant_id, data.slug, except_id=row.id):
        raise BotAdminError(f"an article at {data.slug!r} already exists", code="conflict", status=409)
    was_published = row.published
    row.slug, row.title, row.body_markdown, row.published = (
        data.slug,
        data.title,
        data.body_markdown,
        data.published,
    )
    row.updated_by_user_id = by.id
    row.updated_at = utcnow()
    action = "kb.article_updated"
    if data.published != was_published:
        action = "kb.article_published" if data.published else "kb.article_unpublished"
    record(
        session,
        action,
        actor=_actor(by),
        tenant_id=tenant_id,
        target=f"kb_article:{row.id}",
        details={"slug": row.slug, "published": row.published},
        ip=ip,
    )
    session.flush()
    return row


def set_published(
    session: Session, tenant_id: int, article_id: int, published: bool, *, by: User, ip: str | None = None
) -> KnowledgeArticle:
    """Publish or unpublish an article (the bot answers from published ones only)."""
    row = get_article(session, tenant_id, article_id)
    if row.published != published:
        row.published = published
        row.updated_by_user_id = by.id
        row.updated_at = utcnow()
        record(
            session,
            "kb.article_published" if published else "kb.article_unpublished",
            actor=_actor(by),
            tenant_id=tenant_id,
            target=f"kb_article:{row.id}",
            details={"slug": row.slug},
            ip=ip,
        )
        session.flush()
    return row


def published_article(session: Session, tenant_id: int, slug: str) -> KnowledgeArticle | None:
    """The published article at `slug`, for the public help page."""
    return session.scalar(
        select(KnowledgeArticle).where(
            KnowledgeArticle.tenant_id == tenant_id,
            KnowledgeArticle.slug == slug,
            KnowledgeArticle.published.is_(True),
        )
    )
