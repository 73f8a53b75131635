"""Sign-in: argon2id, mandatory staff two-factor, lockout, session rotation, CSRF."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update
from tests.foundation.factory import PASSWORD, make_tenant, make_user, sign_in_staff, totp_now

from trustdesk.accounts.passwords import hash_password, verify_password
from trustdesk.accounts.permissions import Role
from trustdesk.store.models import AuditEvent, User, UserSession, utcnow


def _setup(sessions, *users):  # type: ignore[no-untyped-def]
    with sessions() as s:
        tenant = make_tenant(s, "acme")
        for email, role in users:
            make_user(s, tenant, email, role)
        s.commit()


def test_passwords_are_argon2id_and_verify() -> None:
    stored = hash_password(PASSWORD)
    assert stored.startswith("$argon2id$")
    assert verify_password(stored, PASSWORD)
    assert not verify_password(stored, PASSWORD + "x")
    assert not verify_password("garbage", PASSWORD)


def test_stored_hash_is_argon2id(sessions) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions, ("agent@acme.test", Role.AGENT))
    with sessions() as s:
        user = s.scalar(select(User))
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash


def test_staff_cannot_use_api_before_second_factor(sessions, client) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions, ("agent@acme.test", Role.AGENT))
    r = client.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "agent@acme.test", "password": PASSWORD}
    )
    assert r.json()["step"] == "enrolment_required"
    me = client.get("/api/v1/me")
    assert me.status_code == 401
    assert me.json()["error"]["code"] == "second_factor_required"
    assert client.get("/api/v1/orders").status_code == 401


def test_enrolled_staff_must_give_code_each_sign_in(sessions, client, new_client) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions, ("agent@acme.test", Role.AGENT))
    _, secret = sign_in_staff(client, "acme", "agent@acme.test")
    other = new_client()
    r = other.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "agent@acme.test", "password": PASSWORD}
    )
    assert r.json()["step"] == "totp_required"
    csrf = r.json()["csrf_token"]
    assert other.get("/api/v1/me").status_code == 401
    bad = other.post("/api/v1/auth/totp", json={"code": "000000"}, headers={"X-CSRF-Token": csrf})
    assert bad.status_code == 401
    good = other.post(
        "/api/v1/auth/totp", json={"code": totp_now(secret, offset_steps=1)}, headers={"X-CSRF-Token": csrf}
    )
    assert good.status_code == 200, good.text
    assert other.get("/api/v1/me").json()["email"] == "agent@acme.test"


def test_a_totp_code_cannot_be_replayed(sessions, client, new_client) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions, ("agent@acme.test", Role.AGENT))
    _, secret = sign_in_staff(client, "acme", "agent@acme.test")
    code = totp_now(secret, offset_steps=1)
    for attempt in range(2):
        c = new_client()
        r = c.post(
            "/api/v1/auth/login", json={"tenant": "acme", "email": "agent@acme.test", "password": PASSWORD}
        )
        res = c.post(
            "/api/v1/auth/totp", json={"code": code}, headers={"X-CSRF-Token": r.json()["csrf_token"]}
        )
        assert res.status_code == (200 if attempt == 0 else 401)


def test_recovery_code_works_once(sessions, app, new_client) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions, ("admin@acme.test", Role.ADMIN))
    c = new_client()
    r = c.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "admin@acme.test", "password": PASSWORD}
    )
    csrf = r.json()["csrf_token"]
    secret = c.get("/api/v1/auth/totp/enrolment").json()["secret"]
    codes = c.post(
        "/api/v1/auth/totp/enrolment", json={"code": totp_now(secret)}, headers={"X-CSRF-Token": csrf}
    ).json()["recovery_codes"]
    assert len(codes) == 10
    for expected in (200, 401):
        c2 = new_client()
        r = c2.post(
            "/api/v1/auth/login", json={"tenant": "acme", "email": "admin@acme.test", "password": PASSWORD}
        )
        res = c2.post(
            "/api/v1/auth/totp", json={"code": codes[0]}, headers={"X-CSRF-Token": r.json()["csrf_token"]}
        )
        assert res.status_code == expected


def test_customers_sign_in_without_second_factor(sessions, client) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions, ("shopper@example.net", Role.CUSTOMER))
    r = client.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "shopper@example.net", "password": PASSWORD}
    )
    assert r.json()["step"] == "done"
    assert client.get("/api/v1/me").json()["role"] == "customer"
    assert client.get("/api/v1/orders").status_code == 403


def test_wrong_password_does_not_say_which_part_was_wrong(sessions, client) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions, ("agent@acme.test", Role.AGENT))
    wrong_pw = client.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "agent@acme.test", "password": "nope"}
    )
    no_user = client.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "ghost@acme.test", "password": "nope"}
    )
    no_tenant = client.post(
        "/api/v1/auth/login", json={"tenant": "zzz", "email": "agent@acme.test", "password": "nope"}
    )
    assert wrong_pw.status_code == no_user.status_code == no_tenant.status_code == 401
    assert wrong_pw.json() == no_user.json() == no_tenant.json()


def test_lockout_after_repeated_failures(sessions, client) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions, ("agent@acme.test", Role.AGENT))
    for _ in range(5):
        assert (
            client.post(
                "/api/v1/auth/login", json={"tenant": "acme", "email": "agent@acme.test", "password": "wrong"}
            ).status_code
            == 401
        )
    # Even the right password is refused while locked, with the answer any failed sign-in gets:
    # a distinct one would tell a guesser that the account exists.
    r = client.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "agent@acme.test", "password": PASSWORD}
    )
    unknown = client.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "ghost@acme.test", "password": PASSWORD}
    )
    assert r.status_code == unknown.status_code == 401
    assert (
        r.json()
        == unknown.json()
        == {"error": {"code": "login_failed", "message": "wrong e-mail or password"}}
    )
    assert r.headers.keys() - {"x-request-id", "content-length"} == unknown.headers.keys() - {
        "x-request-id",
        "content-length",
    }
    assert client.get("/api/v1/me").status_code == 401
    with sessions() as s:
        user = s.scalar(select(User))
        assert user.locked_until is not None
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "auth.login_locked")) is not None
        s.execute(update(User).values(locked_until=utcnow() - timedelta(seconds=1)))
        s.commit()
    assert (
        client.post(
            "/api/v1/auth/login", json={"tenant": "acme", "email": "agent@acme.test", "password": PASSWORD}
        ).status_code
        == 200
    )


def test_login_rate_limit_per_ip(sessions, app, client) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions)
    statuses = [
        client.post(
            "/api/v1/auth/login", json={"tenant": "acme", "email": f"u{i}@acme.test", "password": "x"}
        ).status_code
        for i in range(25)
    ]
    assert 429 in statuses
    limited = client.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "z@acme.test", "password": "x"}
    )
    assert limited.status_code == 429 and "Retry-After" in limited.headers


def test_session_rotates_on_sign_in_and_old_token_dies(sessions, client) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions, ("shopper@example.net", Role.CUSTOMER))
    client.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "shopper@example.net", "password": PASSWORD}
    )
    first = client.cookies.get("td_session")
    client.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "shopper@example.net", "password": PASSWORD}
    )
    second = client.cookies.get("td_session")
    assert first and second and first != second
    client.cookies.set("td_session", first)
    assert client.get("/api/v1/me").status_code == 401


def test_cookie_flags(sessions, client) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions, ("shopper@example.net", Role.CUSTOMER))
    r = client.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "shopper@example.net", "password": PASSWORD}
    )
    cookie = r.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie


def test_expired_session_is_refused(sessions, client) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions, ("shopper@example.net", Role.CUSTOMER))
    client.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "shopper@example.net", "password": PASSWORD}
    )
    with sessions() as s:
        s.execute(update(UserSession).values(expires_at=utcnow() - timedelta(minutes=1)))
        s.commit()
    assert client.get("/api/v1/me").status_code == 401


def test_forged_cookie_is_ignored(sessions, client) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions)
    client.cookies.set("td_session", "forged-token.signature")
    assert client.get("/api/v1/me").status_code == 401


def test_csrf_is_required_for_cookie_authenticated_changes(sessions, client) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions, ("admin@acme.test", Role.ADMIN))
    signed, _ = sign_in_staff(client, "acme", "admin@acme.test")
    body = {"email": "new@acme.test", "display_name": "New", "role": "agent", "password": PASSWORD}
    missing = client.post("/api/v1/staff", json=body)
    forged = client.post("/api/v1/staff", json=body, headers={"X-CSRF-Token": "forged"})
    assert missing.status_code == forged.status_code == 403
    assert missing.json()["error"]["code"] == "csrf_failed"
    ok = client.post("/api/v1/staff", json=body, headers=signed.headers())
    assert ok.status_code == 201, ok.text


def test_logout_revokes_the_session(sessions, client) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions, ("shopper@example.net", Role.CUSTOMER))
    r = client.post(
        "/api/v1/auth/login", json={"tenant": "acme", "email": "shopper@example.net", "password": PASSWORD}
    )
    token = client.cookies.get("td_session")
    assert (
        client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": r.json()["csrf_token"]}).status_code
        == 204
    )
    client.cookies.set("td_session", token)
    assert client.get("/api/v1/me").status_code == 401


def test_role_permissions_are_enforced(sessions, client, new_client) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions, ("agent@acme.test", Role.AGENT), ("security@acme.test", Role.SECURITY))
    agent, _ = sign_in_staff(client, "acme", "agent@acme.test")
    assert client.get("/api/v1/staff").status_code == 403
    assert client.get("/api/v1/audit").status_code == 403
    assert client.get("/api/v1/orders").status_code == 200
    sec_client = new_client()
    sign_in_staff(sec_client, "acme", "security@acme.test")
    assert sec_client.get("/api/v1/audit").status_code == 200
    assert sec_client.get("/api/v1/staff").status_code == 403


def test_role_change_is_audited_and_ends_sessions(sessions, client, new_client) -> None:  # type: ignore[no-untyped-def]
    _setup(sessions, ("admin@acme.test", Role.ADMIN), ("agent@acme.test", Role.AGENT))
    admin, _ = sign_in_staff(client, "acme", "admin@acme.test")
    agent_client = new_client()
    agent, _ = sign_in_staff(agent_client, "acme", "agent@acme.test")
    r = client.put(f"/api/v1/staff/{agent.user_id}/role", json={"role": "security"}, headers=admin.headers())
    assert r.status_code == 200 and r.json()["role"] == "security"
    assert agent_client.get("/api/v1/me").status_code == 401
    events = client.get("/api/v1/audit", params={"action": "user.role_changed"}).json()
    assert events and events[0]["details"] == {"from": "agent", "to": "security"}
