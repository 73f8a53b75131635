"""The survey in the customer's chat: offered once the chat is resolved, one answer, the comment
guarded; results per agent and channel for admins and supervisors only."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.conversations.conftest import Desk, bearer, start_chat
from tests.foundation.factory import make_tenant, make_user, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.store.models import AuditEvent, SatisfactionSurvey, Tenant

CHAT = "/api/v1/public/acme/chat/conversations"


def resolve(desk: Desk, conversation_id: str) -> None:
    agent = desk.agent
    assert (
        agent.client.post(
            f"/api/v1/conversations/{conversation_id}/claim", headers=agent.headers()
        ).status_code
        == 200
    )
    reply = agent.client.post(
        f"/api/v1/conversations/{conversation_id}/messages",
        json={"body": "Sent again today."},
        headers=agent.headers(),
    )
    assert reply.status_code == 200, reply.text
    done = agent.client.post(f"/api/v1/conversations/{conversation_id}/resolve", headers=agent.headers())
    assert done.status_code == 200, done.text


def staff(desk: Desk, email: str, role: Role) -> TestClient:
    with desk.sessions() as s:
        tenant = s.scalar(select(Tenant).where(Tenant.slug == "acme"))
        make_user(s, tenant, email, role)  # type: ignore[arg-type]
        s.commit()
    client = TestClient(desk.app, base_url="http://testserver")  # type: ignore[arg-type]
    sign_in_staff(client, "acme", email)
    return client


def test_chat_survey_is_offered_after_resolving_and_answered_once(desk: Desk) -> None:
    customer = desk.customer()
    started = start_chat(customer)
    conv_id = started["conversation"]["id"]
    survey_url = f"{CHAT}/{conv_id}/survey"
    assert customer.get(survey_url, headers=bearer(started)).json() == {"state": "none", "score": None}
    early = customer.post(survey_url, json={"score": 5}, headers=bearer(started))
    assert early.status_code == 404  # nothing to answer before the chat is resolved
    resolve(desk, conv_id)
    assert customer.get(survey_url, headers=bearer(started)).json() == {"state": "open", "score": None}
    # Without the chat's token, or with another chat's, nobody answers it.
    assert customer.post(survey_url, json={"score": 1}).status_code == 401
    other = start_chat(desk.customer())
    assert customer.post(survey_url, json={"score": 1}, headers=bearer(other)).status_code == 404
    bad = customer.post(survey_url, json={"score": 7}, headers=bearer(started))
    assert bad.status_code == 422
    answered = customer.post(
        survey_url,
        json={"score": 4, "comment": "Fine. My password is Sunflower#2024 by the way"},
        headers=bearer(started),
    )
    assert answered.status_code == 201, answered.text
    assert answered.json() == {"state": "answered", "score": 4}
    second = customer.post(
        survey_url, json={"score": 1, "comment": "changed my mind"}, headers=bearer(started)
    )
    assert second.status_code == 409
    assert second.json()["error"]["code"] == "already_answered"
    assert customer.get(survey_url, headers=bearer(started)).json() == {"state": "answered", "score": 4}
    with desk.sessions() as s:
        row = s.scalar(select(SatisfactionSurvey))
        assert row is not None
        assert (row.score, row.channel, row.answered_via, row.agent_user_id) == (
            4,
            "chat",
            "chat",
            desk.agent.user_id,
        )
        assert row.comment is not None and "Sunflower" not in row.comment and row.comment.startswith("Fine.")
        audit = s.scalar(select(AuditEvent).where(AuditEvent.action == "csat.answered"))
        assert audit is not None and audit.details["score"] == 4 and "PASSWORD" in audit.details["redacted"]
    # Reopening and resolving again keeps the one survey and its answer.
    desk.agent.client.post(f"/api/v1/conversations/{conv_id}/reopen", headers=desk.agent.headers())
    desk.agent.client.post(f"/api/v1/conversations/{conv_id}/resolve", headers=desk.agent.headers())
    with desk.sessions() as s:
        assert len(s.scalars(select(SatisfactionSurvey)).all()) == 1


def test_results_per_agent_and_channel_for_admins_and_supervisors_only(desk: Desk) -> None:
    customer = desk.customer()
    for score in (5, 2):
        started = start_chat(customer)
        resolve(desk, started["conversation"]["id"])
        r = customer.post(
            f"{CHAT}/{started['conversation']['id']}/survey", json={"score": score}, headers=bearer(started)
        )
        assert r.status_code == 201
    unanswered = start_chat(customer)
    resolve(desk, unanswered["conversation"]["id"])
    supervisor = staff(desk, "sky@acme.test", Role.SUPERVISOR)
    results = supervisor.get("/api/v1/satisfaction", params={"days": 7})
    assert results.status_code == 200, results.text
    data = results.json()
    assert data["overall"]["offered"] == 3 and data["overall"]["answers"] == 2
    assert data["overall"]["csat_percent"] == 50.0 and data["overall"]["average"] == 3.5
    (agent_row,) = data["by_agent"]
    assert agent_row["key"] == str(desk.agent.user_id) and agent_row["distribution"] == [0, 1, 0, 0, 1]
    assert [c["key"] for c in data["by_channel"]] == ["chat"]
    page = supervisor.get("/console/satisfaction")
    assert page.status_code == 200 and "50.0 %" in page.text
    admin = staff(desk, "ada@acme.test", Role.ADMIN)
    assert admin.get("/api/v1/satisfaction").status_code == 200
    assert desk.agent.client.get("/api/v1/satisfaction").status_code == 403
    assert staff(desk, "sec@acme.test", Role.SECURITY).get("/api/v1/satisfaction").status_code == 403
    assert desk.agent.client.get("/console/satisfaction").status_code == 403


def test_another_retailers_results_stay_apart(desk: Desk) -> None:
    customer = desk.customer()
    started = start_chat(customer)
    resolve(desk, started["conversation"]["id"])
    customer.post(
        f"{CHAT}/{started['conversation']['id']}/survey", json={"score": 5}, headers=bearer(started)
    )
    with desk.sessions() as s:
        other = make_tenant(s, "globex")
        make_user(s, other, "gia@globex.test", Role.ADMIN)
        s.commit()
    client = TestClient(desk.app, base_url="http://testserver")  # type: ignore[arg-type]
    sign_in_staff(client, "globex", "gia@globex.test")
    assert client.get("/api/v1/satisfaction").json()["overall"]["offered"] == 0
    # Acme's chat survey is not reachable through globex's chat API either.
    r = customer.get(
        f"/api/v1/public/globex/chat/conversations/{started['conversation']['id']}/survey",
        headers=bearer(started),
    )
    assert r.status_code == 404
