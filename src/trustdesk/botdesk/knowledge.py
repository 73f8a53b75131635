"""Each retailer's published help articles as a BM25 index, rebuilt when an article changes."""

from __future__ import annotations

import threading
from collections.abc import Callable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from trustdesk.bot.knowledge import Article, KnowledgeBase
from trustdesk.botdesk.profile import public_url
from trustdesk.store.models import KnowledgeArticle, Tenant


def article_path(tenant_slug: str, article_slug: str) -> str:
    """Where customers read an article."""
    return f"/t/{tenant_slug}/help/{article_slug}"


class TenantKnowledge:
    """A KnowledgeBase per tenant, keyed by (count, newest update) of its published articles."""

    def __init__(self, base_url: Callable[[], str | None] = lambda: None) -> None:
        self.base_url = base_url
        self._cache: dict[int, tuple[tuple[int, str], KnowledgeBase]] = {}
        self._lock = threading.Lock()

    def get(self, session: Session, tenant_id: int) -> KnowledgeBase:
        """The tenant's index (built on first use and after any published article changes)."""
        published = (KnowledgeArticle.tenant_id == tenant_id, KnowledgeArticle.published.is_(True))
        count, newest = session.execute(
            select(func.count(KnowledgeArticle.id), func.max(KnowledgeArticle.updated_at)).where(*published)
        ).one()
        # Unpublishing changes the count; editing moves the newest update time.
        signature = (int(count or 0), str(newest))
        with self._lock:
            cached = self._cache.get(tenant_id)
            if cached is not None and cached[0] == signature:
                return cached[1]
        base = self.base_url()
        slug = session.scalar(select(Tenant.slug).where(Tenant.id == tenant_id)) or ""
        rows = session.scalars(select(KnowledgeArticle).where(*published).order_by(KnowledgeArticle.id)).all()
        index = KnowledgeBase(
            [
                Article(
                    r.slug, r.title, r.body_markdown, public_url(base, article_path(slug, r.slug)), r.language
                )
                for r in rows
            ]
        )
        with self._lock:
            self._cache[tenant_id] = (signature, index)
        return index
