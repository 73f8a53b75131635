"""Admins teach the bot phrases and write help articles; the bot uses them (API, audit, retrain)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.bot.fakes import TENANT_EXTRA_ROWS, TENANT_WORD
from tests.foundation.factory import sign_in_staff

from trustdesk.store.models import AuditEvent

from .conftest import BotDesk

WORD = TENANT_WORD  # a made-up word only the retailer's own examples can teach


def admin(botdesk: BotDesk) -> tuple[TestClient, dict[str, str]]:
    client = TestClient(botdesk.app, base_url="http://testserver")
    signed, _ = sign_in_staff(client, "acme", "alex@acme.test")
    return client, signed.headers()


def actions(botdesk: BotDesk) -> list[str]:
    with botdesk.sessions() as s:
        return list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def test_agents_cannot_change_the_bot(botdesk: BotDesk) -> None:
    r = botdesk.agent.client.post(
        "/api/v1/bot/examples", json={"intent": "order_status", "text": "hi"}, headers=botdesk.agent.headers()
    )
    assert r.status_code == 403
    assert botdesk.agent.client.get("/api/v1/bot/articles").status_code == 403


def test_csrf_is_required(botdesk: BotDesk) -> None:
    client, _ = admin(botdesk)
    r = client.post("/api/v1/bot/examples", json={"intent": "order_status", "text": "where is it"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf_failed"


def test_a_taught_phrase_retrains_the_model_in_the_background(botdesk: BotDesk) -> None:
    client, headers = admin(botdesk)
    service = botdesk.app.state.trustdesk.runtime.services["bot"]
    chat = botdesk.chat()
    before = chat.send(f"{WORD} please")
    assert "cancel" not in before.lower()
    for row in TENANT_EXTRA_ROWS:  # the rows the engine tests train with: one cached model
        r = client.post("/api/v1/bot/examples", json=row, headers=headers)
        assert r.status_code == 201, r.text
    listed = client.get("/api/v1/bot/examples").json()
    assert {e["text"] for e in listed} == {row["text"] for row in TENANT_EXTRA_ROWS}
    service.models.wait(botdesk.tenant_id)
    after = botdesk.chat().send(f"{WORD} please")
    assert "order number" in after.lower()  # the cancel flow asks which order
    assert actions(botdesk).count("bot.example_added") == 5

    r = client.delete(f"/api/v1/bot/examples/{listed[0]['id']}", headers=headers)
    assert r.status_code == 204
    assert "bot.example_deleted" in actions(botdesk)


def test_bad_examples_are_refused_clearly(botdesk: BotDesk) -> None:
    client, headers = admin(botdesk)
    r = client.post("/api/v1/bot/examples", json={"intent": "flying", "text": "fly me"}, headers=headers)
    assert r.status_code == 422 and r.json()["error"]["problems"][0]["field"] == "intent"
    r = client.post(
        "/api/v1/bot/examples",
        json={"intent": "payment_issue", "text": "my card 4111 1111 1111 1111 was declined"},
        headers=headers,
    )
    assert r.status_code == 422 and "secret" in r.json()["error"]["message"]
    ok = {"intent": "greeting", "text": "howdy partner"}
    assert client.post("/api/v1/bot/examples", json=ok, headers=headers).status_code == 201
    assert client.post("/api/v1/bot/examples", json=ok, headers=headers).status_code == 409


def test_a_published_article_is_served_safely_and_answers_questions(botdesk: BotDesk) -> None:
    client, headers = admin(botdesk)
    body = (
        "## Gift wrapping\n\nWe gift wrap any order for $4 in recycled paper.\n\n"
        "<script>alert('x')</script> [bad](javascript:alert(1)) [good](https://acme-shop.com/wrap)"
    )
    r = client.post(
        "/api/v1/bot/articles",
        json={"slug": "gift-wrap", "title": "Gift wrapping", "body_markdown": body},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    article = r.json()
    assert article["published"] is False
    public = botdesk.customer()
    assert public.get("/t/acme/help/gift-wrap").status_code == 404  # drafts are not public

    r = client.put(
        f"/api/v1/bot/articles/{article['id']}",
        json={"slug": "gift-wrap", "title": "Gift wrapping", "body_markdown": body, "published": True},
        headers=headers,
    )
    assert r.status_code == 200 and r.json()["published"] is True
    page = public.get("/t/acme/help/gift-wrap")
    assert page.status_code == 200
    assert "<script>" not in page.text and 'href="javascript' not in page.text
    assert "&lt;script&gt;" in page.text and 'href="https://acme-shop.com/wrap"' in page.text

    reply = botdesk.chat().send("Do you offer gift wrapping?")
    assert "gift wrap any order for $4" in reply and "/t/acme/help/gift-wrap" in reply
    assert {"kb.article_created", "kb.article_published"} <= set(actions(botdesk))


def test_an_article_asking_customers_for_secrets_is_refused(botdesk: BotDesk) -> None:
    client, headers = admin(botdesk)
    r = client.post(
        "/api/v1/bot/articles",
        json={
            "slug": "verify",
            "title": "Verify your account",
            "body_markdown": "To verify your account, reply with your password and the one-time code we text you.",
            "published": True,
        },
        headers=headers,
    )
    assert r.status_code == 422 and r.json()["error"]["message"].startswith("not saved")


def test_the_api_is_in_the_openapi_document(botdesk: BotDesk) -> None:
    paths = botdesk.customer().get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/bot/examples", "/api/v1/bot/examples/{example_id}", "/api/v1/bot/articles"} <= set(paths)
    assert "/api/v1/bot/articles/{article_id}" in paths
