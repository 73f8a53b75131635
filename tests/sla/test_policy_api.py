"""Admins configure the SLA policy (API and console); agents read it; every change is audited."""

from __future__ import annotations

from sqlalchemy import select
from tests.sla.conftest import Desk, policy_body

from trustdesk.store.models import AuditEvent, User


def test_only_admins_set_the_policy_and_changes_are_audited(desk: Desk) -> None:
    assert desk.agent.client.get("/api/v1/sla/policy").json()["policy"] is None
    refused = desk.agent.client.put("/api/v1/sla/policy", json=policy_body(), headers=desk.agent.headers())
    assert refused.status_code == 403
    r = desk.admin.client.put("/api/v1/sla/policy", json=policy_body(), headers=desk.admin.headers())
    assert r.status_code == 200, r.text
    assert r.json()["policy"]["timezone"] == "Europe/Berlin"
    assert r.json()["updated_by"].startswith("admin:ada@acme.test")
    seen = desk.agent.client.get("/api/v1/sla/policy").json()["policy"]
    assert seen["targets"][0]["first_response_minutes"] == 10
    second = policy_body(holidays=["2026-12-25"], near_breach_percent=75)
    assert (
        desk.admin.client.put("/api/v1/sla/policy", json=second, headers=desk.admin.headers()).status_code
        == 200
    )
    with desk.sessions() as s:
        changes = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "sla.policy_changed").order_by(AuditEvent.id)
        ).all()
    assert len(changes) == 2
    assert changes[0].details["before"] is None
    assert changes[1].details["before"]["near_breach_percent"] == 80
    assert changes[1].details["after"]["near_breach_percent"] == 75
    assert changes[1].details["after"]["holidays"] == ["2026-12-25"]


def test_unusable_policies_are_refused_and_the_old_one_kept(desk: Desk) -> None:
    ok = desk.admin.client.put("/api/v1/sla/policy", json=policy_body(), headers=desk.admin.headers())
    assert ok.status_code == 200
    cases = [
        policy_body(timezone="Mars/Olympus"),
        policy_body(
            business_hours={
                **policy_body()["business_hours"],
                "mon": [["09:00", "12:00"], ["11:00", "13:00"]],
            }
        ),
        policy_body(holidays=["2026-02-30"]),
        policy_body(targets=[{"priority": "*", "channel": "*"}, {"priority": "*", "channel": "*"}]),
    ]
    with desk.sessions() as s:
        outsider = s.scalar(select(User).where(User.email == "gus@globex.test"))
        assert outsider is not None
        cases.append(policy_body(escalation={"assign_to_user_id": outsider.id, "notify": False}))
    for body in cases:
        r = desk.admin.client.put("/api/v1/sla/policy", json=body, headers=desk.admin.headers())
        assert r.status_code == 422, body
        assert r.json()["error"]["code"] == "invalid_policy"
    schema = desk.admin.client.put(
        "/api/v1/sla/policy", json=policy_body(near_breach_percent=150), headers=desk.admin.headers()
    )
    assert schema.status_code == 422
    assert desk.admin.client.get("/api/v1/sla/policy").json()["policy"]["timezone"] == "Europe/Berlin"


def test_policies_are_per_retailer(desk: Desk) -> None:
    desk.admin.client.put("/api/v1/sla/policy", json=policy_body(), headers=desk.admin.headers())
    assert desk.outsider.client.get("/api/v1/sla/policy").json()["policy"] is None


def test_console_page_for_admins(desk: Desk) -> None:
    assert desk.agent.client.get("/console/sla").status_code == 403
    page = desk.admin.client.get("/console/sla")
    assert page.status_code == 200 and "Business hours" in page.text and "No policy yet" in page.text
    # The conversations page links to it for admins only.
    assert "/console/sla" in desk.admin.client.get("/console/conversations").text
    assert "/console/sla" not in desk.agent.client.get("/console/conversations").text
    form = {
        "csrf_token": desk.admin.csrf,
        "timezone": "Europe/Berlin",
        **{f"hours-{d}": "09:00-12:00, 13:00-17:00" for d in ("mon", "tue", "wed", "thu", "fri")},
        "hours-sat": "10:00-14:00",
        "hours-sun": "",
        "holidays": "2026-12-25\n2026-12-26\n",
        "rule-0-priority": "urgent", "rule-0-channel": "*", "rule-0-first_response": "15",
        "rule-0-next_response": "30", "rule-0-resolution": "",
        "rule-1-priority": "*", "rule-1-channel": "*", "rule-1-first_response": "",
        "rule-1-next_response": "", "rule-1-resolution": "",
        "near_breach_percent": "70",
        "assign_to_user_id": "",
        "notify": "on",
    }  # fmt: skip
    saved = desk.admin.client.post("/console/sla", data=form, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    policy = desk.admin.client.get("/api/v1/sla/policy").json()["policy"]
    assert policy["business_hours"]["mon"] == [["09:00", "12:00"], ["13:00", "17:00"]]
    assert policy["business_hours"]["sun"] == []
    assert policy["holidays"] == ["2026-12-25", "2026-12-26"]
    assert policy["targets"] == [
        {"priority": "urgent", "channel": "*", "first_response_minutes": 15, "next_response_minutes": 30,
         "resolution_minutes": None}
    ]  # fmt: skip
    assert policy["near_breach_percent"] == 70
    # A mistake: the page comes back with the error and with what was typed.
    bad = desk.admin.client.post(
        "/console/sla", data={**form, "hours-tue": "nine to five"}, follow_redirects=False
    )
    assert bad.status_code == 422
    assert "write intervals as 09:00-17:00" in bad.text and 'value="nine to five"' in bad.text
    no_csrf = desk.admin.client.post("/console/sla", data={**form, "csrf_token": "x"}, follow_redirects=False)
    assert no_csrf.status_code == 403
    assert desk.admin.client.get("/api/v1/sla/policy").json()["policy"]["business_hours"]["tue"] != []
