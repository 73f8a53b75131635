"""`GET /api/v1/conversations?q=…` on SQLite (FTS5) and PostgreSQL (GIN over each language's lexemes):
stems, filters, snippets, paging, tenant isolation, roles, secrets the guard removed, bad input."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from tests.conversations.conftest import Desk, bearer, start_chat
from tests.foundation.factory import make_tenant, make_user, sign_in_staff

from trustdesk.accounts.permissions import Role


def search(desk: Desk, **params: Any) -> list[dict[str, Any]]:
    r = desk.agent.client.get("/api/v1/conversations", params=params)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [row["id"] for row in rows]


def chat(desk: Desk, message: str, **extra: Any) -> str:
    return start_chat(desk.customer(), message, **extra)["conversation"]["id"]  # type: ignore[no-any-return]


def test_words_are_found_through_their_stems_in_german_and_french(desk: Desk) -> None:
    german = chat(desk, "Ich warte seit Montag auf meine Bestellung.", language="de")
    french = chat(desk, "Ma commande n'est jamais arrivée, la livraison a échoué.", language="fr")
    english = chat(desk, "Where is my parcel? It was shipped last week.", language="en")

    assert ids(search(desk, q="Bestellungen")) == [german]
    assert ids(search(desk, q="bestellen")) == [german]  # "bestell" is the stem of both
    assert ids(search(desk, q="commandes")) == [french]
    assert ids(search(desk, q="livraisons echoue")) == [french]  # plural, and no accent typed
    assert ids(search(desk, q="shipping parcels")) == [english]
    assert search(desk, q="Bestellungen parcel") == []  # every word must match


def test_a_hit_carries_the_queue_shape_and_a_highlighted_snippet(desk: Desk) -> None:
    conv = chat(desk, "Guten Tag, die Bestellung 4711 ist beschädigt angekommen.", language="de")
    plain = desk.agent.client.get("/api/v1/conversations", params={"view": "all"}).json()
    [hit] = search(desk, q="bestellungen")
    assert hit["id"] == conv
    assert set(plain[0]) <= set(hit) and hit["customer"] == plain[0]["customer"]
    match = hit["match"]
    assert match["seq"] >= 1 and match["author_kind"] == "customer"
    assert [s["text"] for s in match["snippet"] if s["hit"]] == ["Bestellung"]
    assert (
        "".join(s["text"] for s in match["snippet"])
        == "Guten Tag, die Bestellung 4711 ist beschädigt angekommen."
    )
    assert plain[0]["match"] is None  # the queue without q answers as before


def test_agent_replies_and_internal_notes_are_searched_too(desk: Desk) -> None:
    sam = desk.agent
    conv = chat(desk, "Hello there")
    for body, internal in (("Your refund was approved today.", False), ("Customer sounded upset", True)):
        r = sam.client.post(
            f"/api/v1/conversations/{conv}/messages",
            json={"body": body, "internal": internal},
            headers=sam.headers(),
        )
        assert r.status_code == 200, r.text
    assert ids(search(desk, q="refunds")) == [conv]
    [note] = search(desk, q="upset")
    assert note["match"]["visibility"] == "internal" and note["match"]["author_kind"] == "agent"


def test_filters_narrow_the_search_and_work_without_words(desk: Desk) -> None:
    sam = desk.agent
    first = chat(desk, "Problem mit der Bestellung", language="de", email="Pat@Example.test")
    second = chat(desk, "Noch ein Problem mit der Bestellung", language="de")
    third = chat(desk, "A problem with my order", language="en")
    assert sam.client.post(f"/api/v1/conversations/{second}/claim", headers=sam.headers()).status_code == 200

    assert ids(search(desk, q="problem")) == [third, second, first]  # newest activity first
    assert ids(search(desk, q="problem", language="de")) == [second, first]
    assert ids(search(desk, q="problem", status="open")) == [second]
    assert ids(search(desk, q="problem", assignee="me")) == [second]
    assert ids(search(desk, q="problem", assignee=str(sam.user_id))) == [second]
    assert ids(search(desk, q="problem", assignee="none")) == [third, first]
    assert ids(search(desk, q="problem", customer="pat@example.test")) == [first]
    assert ids(search(desk, q="problem", channel="chat")) == [third, second, first]
    assert search(desk, q="problem", channel="email") == []
    assert ids(search(desk, language="en")) == [third]  # a filter alone is a search too
    assert search(desk, q="problem", since="2999-01-01T00:00:00Z") == []
    assert ids(search(desk, q="problem", until="2999-01-01T00:00:00Z")) == [third, second, first]

    page = search(desk, q="problem", limit=2)
    assert ids(page) == [third, second]
    rest = search(desk, q="problem", limit=2, before=page[-1]["match"]["created_at"])
    assert ids(rest) == [first]


def test_bad_parameters_are_a_422_with_a_reason(desk: Desk) -> None:
    client = desk.agent.client
    cases: list[tuple[dict[str, Any], str]] = [
        ({"q": "  "}, "q is empty"),
        ({"q": "?!"}, "no letters or digits"),
        ({"q": "x" * 201}, "q"),
        ({"status": "sleeping"}, "status"),
        ({"language": "xx"}, "language"),
        ({"channel": "fax"}, "channel"),
        ({"assignee": "someone"}, "query.assignee"),
        ({"customer": "not an address"}, "customer must be"),
        ({"customer": "pat\x00@example.org"}, "customer must be"),
        ({"q": "parcel\x00"}, "control characters"),
        ({"since": "yesterday"}, "since"),
        ({"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, "since must be before until"),
    ]
    for params, reason in cases:
        r = client.get("/api/v1/conversations", params=params)
        assert r.status_code == 422, (params, r.text)
        assert reason in r.text, (params, r.text)


def test_another_retailers_conversations_are_never_found(desk: Desk) -> None:
    with desk.sessions() as s:
        other = make_tenant(s, "globex")
        make_user(s, other, "lee@globex.test", Role.AGENT)
        s.commit()
    ours = chat(desk, "The zeppelin model arrived broken")
    r = desk.customer().post(
        "/api/v1/public/globex/chat/conversations",
        json={"name": "Kit", "message": "My zeppelin kit is missing"},
    )
    assert r.status_code == 201, r.text
    theirs = r.json()["conversation"]["id"]
    with TestClient(desk.app, base_url="http://testserver") as client:  # type: ignore[arg-type]
        lee, _ = sign_in_staff(client, "globex", "lee@globex.test")
        found = lee.client.get("/api/v1/conversations", params={"q": "zeppelin"}).json()
        assert ids(found) == [theirs]
    assert ids(search(desk, q="zeppelin")) == [ours]
    assert search(desk, q="missing") == []


def test_security_staff_and_strangers_cannot_search(desk: Desk) -> None:
    with desk.sessions() as s:
        from trustdesk.store.models import Tenant

        tenant = s.get(Tenant, desk.tenant_id)
        assert tenant is not None
        make_user(s, tenant, "sec@acme.test", Role.SECURITY)
        s.commit()
    chat(desk, "Searchable words here")
    assert desk.customer().get("/api/v1/conversations", params={"q": "searchable"}).status_code == 401
    with TestClient(desk.app, base_url="http://testserver") as client:  # type: ignore[arg-type]
        sec, _ = sign_in_staff(client, "acme", "sec@acme.test")
        assert sec.client.get("/api/v1/conversations", params={"q": "searchable"}).status_code == 403


def test_secrets_the_guard_removed_cannot_be_searched_for(desk: Desk) -> None:
    started = start_chat(desk.customer(), "Hello, a question about my parcel")
    conv = started["conversation"]["id"]
    r = desk.customer().post(
        f"/api/v1/public/acme/chat/conversations/{conv}/messages",
        json={
            "body": "My card is 4111 1111 1111 1111 and my password is Hunter2!Secret, is the parcel lost?"
        },
        headers=bearer(started),
    )
    assert r.status_code in (200, 201), r.text
    assert "4111 1111" not in r.json()["message"]["body"]
    assert ids(search(desk, q="lost")) == [conv]  # the message itself is indexed
    for secret in (
        "4111111111111111",
        "4111 1111 1111 1111",
        "4111",
        "Hunter2!Secret",
        "Hunter2",
        "Hunter2 Secret",
    ):
        assert search(desk, q=secret) == [], secret


def test_tag_and_priority_filters_with_and_without_words(desk: Desk) -> None:
    sam = desk.agent
    urgent = chat(desk, "The parcel never came")
    tagged = chat(desk, "Where is my parcel?")
    plain = chat(desk, "Parcel question")
    for conv, labels in (
        (urgent, {"priority": "urgent", "tags": ["Refund request"]}),
        (tagged, {"priority": "normal", "tags": ["refund-request", "vip"]}),
    ):
        r = sam.client.post(f"/api/v1/conversations/{conv}/labels", json=labels, headers=sam.headers())
        assert r.status_code == 200, r.text

    assert ids(search(desk, q="parcel")) == [plain, tagged, urgent]
    assert ids(search(desk, q="parcel", priority="urgent")) == [urgent]
    assert ids(search(desk, q="parcel", priority="normal")) == [plain, tagged]
    assert ids(search(desk, q="parcel", tag="Refund Request")) == [tagged, urgent]  # spelt as stored
    assert ids(search(desk, q="parcel", tag="vip", priority="normal")) == [tagged]
    assert search(desk, q="parcel", tag="vip", priority="urgent") == []
    assert search(desk, q="parcel", tag="unknown-tag") == []
    assert ids(search(desk, tag="vip")) == [tagged]  # a filter alone
    assert ids(search(desk, priority="urgent")) == [urgent]
    for params, reason in (({"priority": "asap"}, "priority"), ({"tag": "!!"}, "tag")):
        r = sam.client.get("/api/v1/conversations", params=params)
        assert r.status_code == 422 and reason in r.text, r.text


def test_another_retailers_tagged_conversations_stay_invisible(desk: Desk) -> None:
    from sqlalchemy import select

    from trustdesk.store.models import Conversation, ConversationTag, Tag

    with desk.sessions() as s:
        make_tenant(s, "initech")
        s.commit()
    r = desk.customer().post(
        "/api/v1/public/initech/chat/conversations", json={"name": "Kit", "message": "My parcel is late"}
    )
    assert r.status_code == 201, r.text
    with desk.sessions() as s:
        theirs = s.scalars(
            select(Conversation).where(Conversation.public_id == r.json()["conversation"]["id"])
        ).one()
        tag = Tag(tenant_id=theirs.tenant_id, name="vip")
        s.add(tag)
        s.flush()
        s.add(ConversationTag(tenant_id=theirs.tenant_id, conversation_id=theirs.id, tag_id=tag.id))
        s.commit()
    ours = chat(desk, "Untagged parcel here")
    assert search(desk, q="parcel", tag="vip") == []
    assert search(desk, tag="vip") == []
    assert ids(search(desk, q="parcel")) == [ours]


def test_small_windows_and_the_index_step_give_the_same_page(desk: Desk, monkeypatch: Any) -> None:
    """PostgreSQL walks windows of the newest messages, then asks the GIN index: with windows of a few
    messages every step is taken here, and the page, its order and its filters stay the same."""
    from trustdesk.conversations import search as engine

    convs = [chat(desk, f"Parcel number {n} is late" if n % 2 else f"Question {n}") for n in range(6)]
    r = desk.agent.client.post(
        f"/api/v1/conversations/{convs[1]}/labels", json={"priority": "high"}, headers=desk.agent.headers()
    )
    assert r.status_code == 200, r.text
    expected = [convs[5], convs[3], convs[1]]
    for window, sparse in ((4000, 200), (2, 1), (1, 10**6)):
        monkeypatch.setattr(engine, "RECENT_WINDOW", window)
        monkeypatch.setattr(engine, "SPARSE", sparse)
        assert ids(search(desk, q="parcel")) == expected, window
        assert ids(search(desk, q="parcel", limit=2)) == expected[:2], window
        assert ids(search(desk, q="parcel", priority="high")) == [convs[1]], window
