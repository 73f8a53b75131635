"""A change to official channels takes effect only when a second admin approves it; both steps audited."""

from __future__ import annotations

from fastapi.testclient import TestClient


def _request_add(admin, value: str = "+1 800 555 0199"):  # type: ignore[no-untyped-def]
    return admin.client.post(
        "/api/v1/channels/changes",
        json={"action": "add", "kind": "phone", "value": value, "purpose": "support", "country": "US"},
        headers=admin.headers(),
    )


def _verdict(app, contact: str) -> str:  # type: ignore[no-untyped-def]
    r = TestClient(app).post("/api/v1/verify", json={"contact": contact, "tenant": "acme"})
    assert r.status_code == 200, r.text
    return r.json()["results"][0]["verdict"]


def test_requested_change_is_not_effective_until_approved(app, signed_in) -> None:  # type: ignore[no-untyped-def]
    admin1, admin2 = signed_in("admin1@acme.test"), signed_in("admin2@acme.test")
    change = _request_add(admin1)
    assert change.status_code == 201, change.text
    assert change.json()["payload"]["value"] == "+18005550199"  # normalised to E.164
    assert admin1.client.get("/api/v1/channels").json() == []
    assert _verdict(app, "+1 800 555 0199") == "unknown"
    approved = admin2.client.post(
        f"/api/v1/channels/changes/{change.json()['id']}/approve", headers=admin2.headers()
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    assert [c["value"] for c in admin1.client.get("/api/v1/channels").json()] == ["+18005550199"]
    assert _verdict(app, "(800) 555-0199") == "official"


def test_the_requester_cannot_approve_their_own_change(signed_in) -> None:  # type: ignore[no-untyped-def]
    admin1 = signed_in("admin1@acme.test")
    change_id = _request_add(admin1).json()["id"]
    refused = admin1.client.post(f"/api/v1/channels/changes/{change_id}/approve", headers=admin1.headers())
    assert refused.status_code == 409
    assert "second admin" in refused.json()["error"]["message"]
    assert admin1.client.get("/api/v1/channels").json() == []
    actions = [e["action"] for e in admin1.client.get("/api/v1/audit").json()]
    assert "channel.self_approval_refused" in actions and "channel.change_requested" in actions


def test_agents_and_analysts_cannot_change_channels(signed_in) -> None:  # type: ignore[no-untyped-def]
    admin1, agent, sec = (
        signed_in("admin1@acme.test"),
        signed_in("agent@acme.test"),
        signed_in("sec@acme.test"),
    )
    for user in (agent, sec):
        assert _request_add(user).status_code == 403
    change_id = _request_add(admin1).json()["id"]
    assert (
        agent.client.post(
            f"/api/v1/channels/changes/{change_id}/approve", headers=agent.headers()
        ).status_code
        == 403
    )


def test_removal_also_needs_approval_and_both_steps_are_audited(app, signed_in) -> None:  # type: ignore[no-untyped-def]
    admin1, admin2 = signed_in("admin1@acme.test"), signed_in("admin2@acme.test")
    add = _request_add(admin1).json()
    admin2.client.post(f"/api/v1/channels/changes/{add['id']}/approve", headers=admin2.headers())
    channel_id = admin1.client.get("/api/v1/channels").json()[0]["id"]
    removal = admin2.client.post(
        "/api/v1/channels/changes",
        json={"action": "remove", "channel_id": channel_id},
        headers=admin2.headers(),
    ).json()
    assert _verdict(app, "+18005550199") == "official"
    rejected_self = admin2.client.post(
        f"/api/v1/channels/changes/{removal['id']}/approve", headers=admin2.headers()
    )
    assert rejected_self.status_code == 409
    ok = admin1.client.post(f"/api/v1/channels/changes/{removal['id']}/approve", headers=admin1.headers())
    assert ok.status_code == 200
    assert _verdict(app, "+18005550199") == "unknown"
    audit = admin1.client.get("/api/v1/audit").json()
    approvals = [e for e in audit if e["action"] == "channel.change_approved"]
    assert {e["actor"] for e in approvals} == {"admin:admin1@acme.test", "admin:admin2@acme.test"}


def test_a_decided_change_cannot_be_decided_again(signed_in) -> None:  # type: ignore[no-untyped-def]
    admin1, admin2 = signed_in("admin1@acme.test"), signed_in("admin2@acme.test")
    change_id = _request_add(admin1).json()["id"]
    assert (
        admin2.client.post(f"/api/v1/channels/changes/{change_id}/reject", headers=admin2.headers()).json()[
            "status"
        ]
        == "rejected"
    )
    again = admin2.client.post(f"/api/v1/channels/changes/{change_id}/approve", headers=admin2.headers())
    assert again.status_code == 409


def test_invalid_channel_values_are_refused_clearly(signed_in) -> None:  # type: ignore[no-untyped-def]
    admin1 = signed_in("admin1@acme.test")
    bad_phone = _request_add(admin1, "call me maybe")
    assert bad_phone.status_code == 422 and bad_phone.json()["error"]["code"] == "invalid_change"
    bad_kind = admin1.client.post(
        "/api/v1/channels/changes",
        json={"action": "add", "kind": "fax", "value": "1"},
        headers=admin1.headers(),
    )
    assert bad_kind.status_code == 422
    creds = admin1.client.post(
        "/api/v1/channels/changes",
        json={"action": "add", "kind": "url", "value": "https://user:pw@acmeoutfitters.com/help"},
        headers=admin1.headers(),
    )
    assert creds.status_code == 422


def test_console_page_flow(app, signed_in) -> None:  # type: ignore[no-untyped-def]
    admin1, admin2 = signed_in("admin1@acme.test"), signed_in("admin2@acme.test")
    page = admin1.client.post(
        "/console/channels/request",
        data={
            "csrf_token": admin1.csrf,
            "action": "add",
            "kind": "email",
            "value": "Support@AcmeOutfitters.com",
        },
        follow_redirects=False,
    )
    assert page.status_code == 303
    listing = admin2.client.get("/console/channels").text
    assert "support@acmeoutfitters.com" in listing and "Approve" in listing
    change_id = admin2.client.get("/api/v1/channels/changes", params={"status": "pending"}).json()[0]["id"]
    forged = admin2.client.post(
        f"/console/channels/changes/{change_id}/decide", data={"csrf_token": "forged", "decision": "approve"}
    )
    assert forged.status_code == 403
    done = admin2.client.post(
        f"/console/channels/changes/{change_id}/decide",
        data={"csrf_token": admin2.csrf, "decision": "approve"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    help_page = TestClient(app).get("/t/acme/help").text
    assert "support@acmeoutfitters.com" in help_page
