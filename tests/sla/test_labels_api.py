"""Agents set priorities and tags on conversations: normalised, audited, tenant-scoped."""

from __future__ import annotations

from sqlalchemy import select
from tests.sla.conftest import Desk

from trustdesk.store.models import AuditEvent


def test_agent_sets_priority_and_tags_normalised_and_audited(desk: Desk) -> None:
    conv = desk.start_chat()
    r = desk.agent.client.post(
        f"/api/v1/conversations/{conv}/labels",
        json={"priority": "urgent", "tags": ["Refund  Request", "refund-request", "VIP"]},
        headers=desk.agent.headers(),
    )
    assert r.status_code == 200, r.text
    assert r.json()["priority"] == "urgent"
    assert r.json()["tags"] == ["refund-request", "vip"]
    detail = desk.agent.client.get(f"/api/v1/conversations/{conv}").json()["conversation"]
    assert detail["priority"] == "urgent" and detail["tags"] == ["refund-request", "vip"]
    queue = desk.agent.client.get("/api/v1/conversations?view=new").json()
    assert [(c["id"], c["priority"], c["tags"]) for c in queue] == [
        (conv, "urgent", ["refund-request", "vip"])
    ]
    assert {t["name"]: t["conversations"] for t in desk.agent.client.get("/api/v1/tags").json()} == {
        "refund-request": 1,
        "vip": 1,
    }
    # Removing one tag and lowering the priority: each change audited with what changed.
    r = desk.agent.client.post(
        f"/api/v1/conversations/{conv}/labels",
        json={"priority": "low", "tags": ["vip"]},
        headers=desk.agent.headers(),
    )
    assert r.json()["tags"] == ["vip"] and r.json()["priority"] == "low"
    with desk.sessions() as s:
        events = s.scalars(
            select(AuditEvent).where(AuditEvent.target == f"conversation:{conv}").order_by(AuditEvent.id)
        ).all()
        labelled = [
            (e.action, e.details)
            for e in events
            if e.action in ("conversation.priority", "conversation.tags")
        ]
    assert labelled == [
        ("conversation.priority", {"from": "normal", "to": "urgent"}),
        ("conversation.tags", {"added": ["refund-request", "vip"], "removed": []}),
        ("conversation.priority", {"from": "urgent", "to": "low"}),
        ("conversation.tags", {"added": [], "removed": ["refund-request"]}),
    ]
    assert all(
        e.actor.startswith("agent:sam@acme.test") for e in events if e.action.startswith("conversation.t")
    )


def test_bad_labels_are_refused_and_change_nothing(desk: Desk) -> None:
    conv = desk.start_chat()
    headers = desk.agent.headers()
    bad_tag = desk.agent.client.post(
        f"/api/v1/conversations/{conv}/labels", json={"tags": ["ok", "!!!"]}, headers=headers
    )
    assert bad_tag.status_code == 422 and bad_tag.json()["error"]["code"] == "invalid_label"
    bad_priority = desk.agent.client.post(
        f"/api/v1/conversations/{conv}/labels", json={"priority": "asap"}, headers=headers
    )
    assert bad_priority.status_code == 422
    detail = desk.agent.client.get(f"/api/v1/conversations/{conv}").json()["conversation"]
    assert detail["tags"] == [] and detail["priority"] == "normal"
    missing = desk.agent.client.post(
        "/api/v1/conversations/nope/labels", json={"priority": "high"}, headers=headers
    )
    assert missing.status_code == 404


def test_labels_stay_inside_the_retailer(desk: Desk) -> None:
    conv = desk.start_chat()
    desk.agent.client.post(
        f"/api/v1/conversations/{conv}/labels",
        json={"tags": ["secret-project"]},
        headers=desk.agent.headers(),
    )
    r = desk.outsider.client.post(
        f"/api/v1/conversations/{conv}/labels", json={"priority": "low"}, headers=desk.outsider.headers()
    )
    assert r.status_code == 404
    assert desk.outsider.client.get("/api/v1/tags").json() == []
    assert (
        desk.agent.client.get(f"/api/v1/conversations/{conv}").json()["conversation"]["priority"] == "normal"
    )
