"""A guard policy change applies to the very next chat message on this instance (cached policy forgotten)."""

from __future__ import annotations

from tests.conversations.conftest import bearer, start_chat
from tests.foundation.factory import make_user, sign_in_staff

from trustdesk.accounts.permissions import Role
from trustdesk.store.models import Tenant


def test_a_new_custom_detector_redacts_the_next_message(desk) -> None:  # type: ignore[no-untyped-def]
    with desk.sessions() as s:
        make_user(s, s.get(Tenant, desk.tenant_id), "ada@acme.test", Role.ADMIN)
        s.commit()
    customer = desk.customer()
    started = start_chat(customer, message="my gift card AO-GC-1111-2222-3333 does not work")
    conv_id = started["conversation"]["id"]
    path = f"/api/v1/public/acme/chat/conversations/{conv_id}/messages"
    first = customer.get(f"/api/v1/public/acme/chat/conversations/{conv_id}", headers=bearer(started)).json()
    assert "AO-GC-1111-2222-3333" in first["messages"][0]["body"]  # not a secret yet: kept

    with desk.customer() as admin_client:
        admin, _ = sign_in_staff(admin_client, "acme", "ada@acme.test")
        gift = {
            "custom_detectors": [
                {"name": "GIFT_CARD", "pattern": r"AO-GC-\d{4}-\d{4}-\d{4}", "action": "redact"}
            ]
        }
        assert admin.client.put("/api/v1/guard/policy", json=gift, headers=admin.headers()).status_code == 200

    sent = customer.post(path, json={"body": "the code is AO-GC-4444-5555-6666"}, headers=bearer(started))
    assert sent.status_code == 200, sent.text
    assert "AO-GC-4444" not in sent.json()["message"]["body"]
    assert "[removed" in sent.json()["message"]["body"]
