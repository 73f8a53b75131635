"""Conversation subjects are searchable on both databases (migration 0025: FTS5 on SQLite, a stored
tsvector on PostgreSQL): a word only the subject holds finds the conversation, with the subject as
its snippet; another retailer's subjects are never found; a secret in a subject is removed by the
guard before it is stored, so it cannot be searched for either."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import text, update
from tests.conversations.conftest import Desk, start_chat
from tests.foundation.factory import make_tenant, make_user, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.store.models import Conversation


def search(desk: Desk, **params: Any) -> list[dict[str, Any]]:
    r = desk.agent.client.get("/api/v1/conversations", params=params)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def ids(rows: list[dict[str, Any]]) -> list[str]:
    return [row["id"] for row in rows]


def chat(desk: Desk, message: str, subject: str, **extra: Any) -> str:
    return start_chat(desk.customer(), message, subject=subject, **extra)["conversation"]["id"]  # type: ignore[no-any-return]


def test_a_word_only_in_the_subject_finds_the_conversation(desk: Desk) -> None:
    by_subject = chat(desk, "Hello, can you help me?", "Umtausch der Wanderschuhe", language="de")
    by_message = chat(desk, "My Wanderschuhe arrived in the wrong size", "Sizes")
    neither = chat(desk, "Where is my parcel?", "Delivery")

    [hit] = search(desk, q="Umtausch")
    assert hit["id"] == by_subject
    assert hit["match"]["field"] == "subject" and hit["match"]["seq"] is None
    assert [s["text"] for s in hit["match"]["snippet"] if s["hit"]] == ["Umtausch"]
    assert "".join(s["text"] for s in hit["match"]["snippet"]) == "Umtausch der Wanderschuhe"
    found = {row["id"]: row["match"]["field"] for row in search(desk, q="wanderschuhe")}
    assert found == {by_subject: "subject", by_message: "message"}
    assert neither not in ids(search(desk, q="wanderschuhe"))
    assert search(desk, q="Umtausch parcel") == []  # every word in the subject, or every word in a message
    # Filters apply to subject hits as to message hits.
    assert ids(search(desk, q="Umtausch", language="de")) == [by_subject]
    assert search(desk, q="Umtausch", language="en") == []
    assert search(desk, q="Umtausch", status="resolved") == []


def test_an_edited_subject_is_found_by_its_new_words_only(desk: Desk) -> None:
    conv = chat(desk, "Hello", "Lighthouse lamp")
    assert ids(search(desk, q="lighthouse")) == [conv]
    with desk.sessions() as s:
        s.execute(update(Conversation).where(Conversation.public_id == conv).values(subject="Windmill sails"))
        s.commit()
    assert search(desk, q="lighthouse") == []
    assert ids(search(desk, q="windmills")) == [conv]
    with desk.sessions() as s:
        if s.get_bind().dialect.name == "sqlite":  # raises if the index and the table disagree
            s.execute(
                text("INSERT INTO conversations_fts (conversations_fts, rank) VALUES ('integrity-check', 1)")
            )


def test_another_retailers_subjects_are_never_found(desk: Desk) -> None:
    with desk.sessions() as s:
        other = make_tenant(s, "globex")
        make_user(s, other, "lee@globex.test", Role.AGENT)
        s.commit()
    ours = chat(desk, "Hello", "Zeppelin model broken")
    r = desk.customer().post(
        "/api/v1/public/globex/chat/conversations",
        json={"name": "Kit", "message": "Hello", "subject": "Zeppelin kit incomplete"},
    )
    assert r.status_code == 201, r.text
    theirs = r.json()["conversation"]["id"]
    with TestClient(desk.app, base_url="http://testserver") as client:  # type: ignore[arg-type]
        lee, _ = sign_in_staff(client, "globex", "lee@globex.test")
        found = lee.client.get("/api/v1/conversations", params={"q": "zeppelin"}).json()
        assert ids(found) == [theirs]
        assert lee.client.get("/api/v1/conversations", params={"q": "broken"}).json() == []
    assert ids(search(desk, q="zeppelin")) == [ours]
    assert search(desk, q="incomplete") == []


def test_a_secret_in_a_subject_is_removed_and_cannot_be_searched_for(desk: Desk) -> None:
    conv = chat(desk, "Hello", "Card 4111 1111 1111 1111 charged twice")
    with desk.sessions() as s:
        stored = s.query(Conversation.subject).filter(Conversation.public_id == conv).scalar()
    assert stored is not None and "4111" not in stored
    assert ids(search(desk, q="charged")) == [conv]
    for secret in ("4111111111111111", "4111 1111 1111 1111", "4111"):
        assert search(desk, q=secret) == [], secret
