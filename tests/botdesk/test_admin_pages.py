"""The console pages for the bot: admin only, forms with CSRF, no inline script, labelled controls."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.foundation.factory import sign_in_staff

from trustdesk.store.models import BotExample, KnowledgeArticle

from .conftest import BotDesk


def signed_in_admin(botdesk: BotDesk) -> tuple[TestClient, str]:
    client = TestClient(botdesk.app, base_url="http://testserver")
    signed, _ = sign_in_staff(client, "acme", "alex@acme.test")
    return client, signed.csrf


def test_the_bot_page_lists_articles_and_is_accessible(botdesk: BotDesk) -> None:
    client, _ = signed_in_admin(botdesk)
    page = client.get("/console/bot")
    assert page.status_code == 200
    assert "Delivery times and costs" in page.text and 'href="/console/bot"' in page.text
    assert "<script>" not in page.text.replace('<script src="/static/app.js" defer></script>', "")
    assert " style=" not in page.text and "onclick" not in page.text
    for control in re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page.text):
        assert f'for="{control}"' in page.text, f"control {control} has no label"
    assert "strict" in page.headers.get("content-security-policy", "") or "default-src" in page.headers.get(
        "content-security-policy", ""
    )


def test_agents_do_not_see_the_bot_page(botdesk: BotDesk) -> None:
    assert botdesk.agent.client.get("/console/bot").status_code == 403


def test_adding_and_removing_a_phrase_through_the_form(botdesk: BotDesk) -> None:
    client, csrf = signed_in_admin(botdesk)
    r = client.post("/console/bot/examples", data={"csrf_token": "wrong", "intent": "greeting", "text": "yo"})
    assert r.status_code == 403
    r = client.post(
        "/console/bot/examples",
        data={"csrf_token": csrf, "intent": "greeting", "text": "ahoy there"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert "ahoy there" in client.get("/console/bot").text
    with botdesk.sessions() as s:
        example_id = s.scalar(select(BotExample.id).where(BotExample.text == "ahoy there"))
    r = client.post(
        f"/console/bot/examples/{example_id}/delete", data={"csrf_token": csrf}, follow_redirects=False
    )
    assert r.status_code == 303
    assert "ahoy there" not in client.get("/console/bot").text
    bad = client.post("/console/bot/examples", data={"csrf_token": csrf, "intent": "nope", "text": "x"})
    assert bad.status_code == 422 and "unknown intent" in bad.text


def test_writing_and_publishing_an_article_through_the_form(botdesk: BotDesk) -> None:
    client, csrf = signed_in_admin(botdesk)
    assert client.get("/console/bot/articles/new").status_code == 200
    r = client.post(
        "/console/bot/articles",
        data={
            "csrf_token": csrf,
            "slug": "store-hours",
            "title": "Store hours",
            "body_markdown": "Open **9-5**.",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    edit = client.get(r.headers["location"])
    assert "<strong>9-5</strong>" in edit.text  # the preview, rendered safely
    with botdesk.sessions() as s:
        article_id = s.scalar(select(KnowledgeArticle.id).where(KnowledgeArticle.slug == "store-hours"))
    r = client.post(
        "/console/bot/articles",
        data={
            "csrf_token": csrf,
            "article_id": str(article_id),
            "slug": "store-hours",
            "title": "Store hours",
            "body_markdown": "Open **9-5**.",
            "published": "true",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303
    assert client.get("/t/acme/help/store-hours").status_code == 200
    bad = client.post(
        "/console/bot/articles",
        data={"csrf_token": csrf, "slug": "Bad Slug!", "title": "x", "body_markdown": ""},
    )
    assert bad.status_code == 422 and "lower-case" in bad.text


def test_the_help_page_lists_the_published_articles(botdesk: BotDesk) -> None:
    page = botdesk.customer().get("/t/acme/help")
    assert page.status_code == 200
    assert 'href="/t/acme/help/delivery"' in page.text and "Delivery times and costs" in page.text
