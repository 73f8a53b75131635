"""Triage: campaign status with assignee and notes (audited), confirm -> `reported` on /api/v1/verify,
alert thresholds (signed webhook + e-mail job), STIX/CSV export, tenant isolation, console pages."""

from __future__ import annotations

import json

import pytest
import stix2
from sqlalchemy import select
from typer.testing import CliRunner

from trustdesk.jobs import Worker
from trustdesk.reports.service import ALERT_EMAIL_JOB, send_alert_email
from trustdesk.store.models import AuditEvent, Job, ReportAlert, WebhookEndpoint
from trustdesk.tenancy.service import find_tenant

SCAM = (
    "Acme Outfitters security: your account is locked. Confirm your card details at "
    "https://acme-secure-login.test/verify or call +1 415 555 0199 immediately."
)

# Both databases run the core paths; these UI/limit checks run on SQLite only to keep the suite fast.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def _report(public, text: str = SCAM) -> dict:  # type: ignore[no-untyped-def]
    r = public.post("/api/v1/public/acme/reports", json={"text": text, "channel": "email"})
    assert r.status_code == 201, r.text
    return r.json()


def _campaign_of(sec, reference: str) -> dict:  # type: ignore[no-untyped-def]
    report = sec.client.get(f"/api/v1/reports/{reference}")
    assert report.status_code == 200, report.text
    return report.json()


def test_feedback_loop_report_confirm_then_verify_answers_reported(public, staff) -> None:  # type: ignore[no-untyped-def]
    before = public.post("/api/v1/verify", json={"tenant": "acme", "contact": "+1 415 555 0199"}).json()
    assert before["results"][0]["verdict"] != "reported"
    sec = staff()
    report = _campaign_of(sec, _report(public)["reference"])
    phone = next(i for i in report["indicators"] if i["kind"] == "phone")
    r = sec.client.post(
        f"/api/v1/reports/indicators/{phone['id']}/confirm",
        json={"note": "takedown filed"},
        headers=sec.headers(),
    )
    assert r.status_code == 200, r.text
    after = public.post("/api/v1/verify", json={"tenant": "acme", "contact": "+14155550199"}).json()
    assert after["results"][0]["verdict"] == "reported"
    campaign = sec.client.get(f"/api/v1/campaigns/{report['campaign_id']}").json()
    assert any(i["kind"] == "phone" and i["verification"] == "reported" for i in campaign["indicators"])


@SQLITE_ONLY
def test_campaign_status_assignee_and_notes_are_audited_and_shown_to_reporters(
    public, staff, sessions
) -> None:  # type: ignore[no-untyped-def]
    sent = _report(public)
    sec = staff()
    campaign_id = _campaign_of(sec, sent["reference"])["campaign_id"]
    me = sec.client.get("/api/v1/me").json()["id"]
    url = f"/api/v1/campaigns/{campaign_id}"
    r = sec.client.post(
        url, json={"status": "investigating", "assignee_id": me, "note": "looking"}, headers=sec.headers()
    )
    assert r.status_code == 200, r.text
    assert (
        r.json()["status"] == "investigating"
        and r.json()["assignee_id"] == me
        and "looking" in r.json()["notes"]
    )
    bad = sec.client.post(url, json={"status": "new"}, headers=sec.headers())
    assert bad.status_code == 200  # investigating -> new is allowed (reopen triage)
    skip = sec.client.post(url, json={"status": "takedown_requested"}, headers=sec.headers())
    assert skip.status_code == 409  # new cannot jump to takedown_requested
    sec.client.post(url, json={"status": "investigating"}, headers=sec.headers())
    sec.client.post(url, json={"status": "takedown_requested"}, headers=sec.headers())
    status = public.get(
        f"/api/v1/public/acme/reports/{sent['reference']}", params={"token": sent["token"]}
    ).json()
    assert status["status"] == "takedown requested"
    with sessions() as s:
        actions = [
            e.action for e in s.scalars(select(AuditEvent).where(AuditEvent.action == "campaign.updated"))
        ]
        assert len(actions) == 4
    # the console shows the campaign; the form changes it with CSRF
    page = sec.client.get(f"/console/campaigns/{campaign_id}")
    assert page.status_code == 200 and "Confirm as fraud" in page.text and "style=" not in page.text
    listing = sec.client.get("/console/reports")
    assert listing.status_code == 200 and f"/console/campaigns/{campaign_id}" in listing.text
    form = sec.client.post(
        f"/console/campaigns/{campaign_id}",
        data={"csrf_token": sec.csrf, "status": "closed", "note": "site is down"},
        follow_redirects=False,
    )
    assert form.status_code == 303
    assert sec.client.get(url).json()["status"] == "closed"
    # alert thresholds are set from the console too; a bad value is explained, an ?error= is never echoed
    saved = sec.client.post(
        "/console/reports/thresholds",
        data={
            "csrf_token": sec.csrf,
            "scope": "campaign",
            "min_reports": "7",
            "window_hours": "12",
            "enabled": "1",
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    assert sec.client.get("/api/v1/reports/thresholds").json()[0]["min_reports"] == 7
    refused = sec.client.post(
        "/console/reports/thresholds",
        data={"csrf_token": sec.csrf, "scope": "campaign", "min_reports": "0", "window_hours": "12"},
    )
    assert refused.status_code == 422 and "min_reports" in refused.text
    assert "Call 555" not in sec.client.get("/console/reports?error=Call+555").text


@SQLITE_ONLY
def test_agents_cannot_triage_and_other_tenants_see_nothing(public, staff) -> None:  # type: ignore[no-untyped-def]
    sent = _report(public)
    campaign_id = _campaign_of(staff(), sent["reference"])["campaign_id"]
    agent = staff("agent@acme.test")
    assert agent.client.get("/api/v1/reports").status_code == 403
    other = staff("sec@other.test")
    assert other.client.get(f"/api/v1/campaigns/{campaign_id}").status_code == 404
    assert other.client.get(f"/api/v1/reports/{sent['reference']}").status_code == 404
    assert other.client.get("/api/v1/reports").json() == []
    assert "acme-secure-login" not in other.client.get("/api/v1/reports/export?format=csv").text
    assert (
        public.get(
            f"/api/v1/public/other/reports/{sent['reference']}", params={"token": sent["token"]}
        ).status_code
        == 404
    )


def test_threshold_raises_one_alert_with_signed_webhook_and_email_job(public, staff, sessions, app) -> None:  # type: ignore[no-untyped-def]
    sec = staff()
    r = sec.client.put(
        "/api/v1/reports/thresholds",
        json={"scope": "campaign", "min_reports": 3, "window_hours": 24, "email_to": "soc@acme.test"},
        headers=sec.headers(),
    )
    assert r.status_code == 200, r.text
    with sessions() as s:
        tenant = find_tenant(s, "acme")
        s.add(
            WebhookEndpoint(
                tenant_id=tenant.id,
                url="https://hooks.acme.test/in",
                secret_encrypted="x",
                events=["message.created", "campaign.alert"],
            )
        )
        s.commit()
    _report(public)
    _report(public, SCAM + " (second)")
    with sessions() as s:
        assert s.scalars(select(ReportAlert)).all() == []
    third = _report(public, SCAM + " (third)")
    assert third["created"]
    _report(public, SCAM + " (fourth)")
    with sessions() as s:
        alerts = s.scalars(select(ReportAlert)).all()
        assert len(alerts) == 1 and alerts[0].count == 3 and alerts[0].scope == "campaign"
        webhook = s.get(Job, alerts[0].webhook_jobs[0])
        assert webhook.kind == "webhook.deliver" and webhook.payload["type"] == "campaign.alert"
        email = s.get(Job, alerts[0].email_job_id)
        assert email.kind == ALERT_EMAIL_JOB and email.payload["to"] == "soc@acme.test"
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "report.alert_raised")) is not None
    # no SMTP relay configured: the e-mail job records that it could not send; the alert stays
    worker = Worker(
        app.state.trustdesk.sessions,
        {ALERT_EMAIL_JOB: send_alert_email},
        {"settings": app.state.trustdesk.settings},
    )
    worker.run_once()
    with sessions() as s:
        email = s.get(Job, email.id)
        assert email.status == "dead" and "SMTP relay" in (email.last_error or "")
        assert (
            s.scalar(select(AuditEvent).where(AuditEvent.action == "report.alert_email_not_sent")) is not None
        )
        assert len(s.scalars(select(ReportAlert)).all()) == 1


@SQLITE_ONLY
def test_indicator_threshold_counts_duplicates(public, staff, sessions) -> None:  # type: ignore[no-untyped-def]
    sec = staff()
    sec.client.put(
        "/api/v1/reports/thresholds",
        json={"scope": "indicator", "min_reports": 2, "window_hours": 1},
        headers=sec.headers(),
    )
    _report(public)
    _report(public)  # the same message again: a duplicate still counts as a sighting
    with sessions() as s:
        alerts = s.scalars(select(ReportAlert).where(ReportAlert.scope == "indicator")).all()
        assert {a.subject_key for a in alerts} >= {"phone:+14155550199"}


def test_stix_export_validates_and_is_audited(
    public, staff, sessions, migrated_engine, database_url, monkeypatch, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    _report(public)
    _report(public, "Send 0.1 BTC to bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq to unlock your Acme order")
    sec = staff()
    r = sec.client.get("/api/v1/reports/export?format=stix")
    assert r.status_code == 200, r.text
    bundle = stix2.parse(r.text, allow_custom=True)
    types = {o["type"] for o in bundle.objects}
    assert {"indicator", "observed-data", "campaign"} <= types
    csv_text = sec.client.get("/api/v1/reports/export?format=csv").text
    assert "acme-secure-login.test" in csv_text
    assert staff("agent@acme.test").client.get("/api/v1/reports/export").status_code == 403
    # the CLI exports the same from the database
    from trustdesk.cli.reports import app as cli
    from trustdesk.config import get_settings

    monkeypatch.setenv("TRUSTDESK_DATABASE_URL", database_url)
    monkeypatch.setenv("TRUSTDESK_DATA_DIR", str(tmp_path))
    get_settings.cache_clear()
    try:
        out = CliRunner().invoke(cli, ["export", "--tenant", "acme", "--format", "stix"])
    finally:
        get_settings.cache_clear()
    assert out.exit_code == 0, out.output
    assert stix2.parse(json.loads(out.output), allow_custom=True).type == "bundle"
    with sessions() as s:
        exports = s.scalars(select(AuditEvent).where(AuditEvent.action == "data.exported")).all()
        assert len(exports) == 3


@SQLITE_ONLY
def test_alert_email_goes_through_the_configured_relay(public, staff, sessions, app) -> None:  # type: ignore[no-untyped-def]
    import socket

    from aiosmtpd.controller import Controller

    received: list[bytes] = []

    class Inbox:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
            received.append(envelope.content)
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Inbox(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        sec = staff()
        sec.client.put(
            "/api/v1/reports/thresholds",
            json={"scope": "campaign", "min_reports": 1, "window_hours": 1, "email_to": "soc@acme.test"},
            headers=sec.headers(),
        )
        _report(public)
        relay = app.state.trustdesk.settings.model_copy(
            update={"smtp_relay_host": "127.0.0.1", "smtp_relay_port": port}
        )
        Worker(
            app.state.trustdesk.sessions, {ALERT_EMAIL_JOB: send_alert_email}, {"settings": relay}
        ).run_once()
    finally:
        controller.stop()
    assert len(received) == 1
    assert b"soc@acme.test" in received[0] and b"campaign alert" in received[0]
    with sessions() as s:
        job = s.scalars(select(Job).where(Job.kind == ALERT_EMAIL_JOB)).one()
        assert job.status == "done"


@SQLITE_ONLY
def test_campaign_alert_webhook_is_delivered_signed(public, staff, sessions, app) -> None:  # type: ignore[no-untyped-def]
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from trustdesk.webhooks import JOB_KIND, SIGNATURE_HEADER, create_endpoint, deliver, verify

    got: list[tuple[str, bytes]] = []

    class Hook(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            got.append((self.headers[SIGNATURE_HEADER], body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        box = app.state.trustdesk.box
        with sessions() as s:
            tenant = find_tenant(s, "acme")
            url = f"http://127.0.0.1:{server.server_address[1]}/hook"
            _, secret = create_endpoint(
                s,
                tenant.id,
                url=url,
                events=["message.created", "campaign.alert"],
                box=box,
                actor="test",
                allow_private=True,
            )
            s.commit()
        sec = staff()
        sec.client.put(
            "/api/v1/reports/thresholds",
            json={"scope": "campaign", "min_reports": 1, "window_hours": 1},
            headers=sec.headers(),
        )
        _report(public)
        services = {"box": box, "webhook_allow_private": True}  # the receiver is on loopback
        Worker(app.state.trustdesk.sessions, {JOB_KIND: deliver}, services).run_once()
    finally:
        server.shutdown()
        server.server_close()
    assert len(got) == 1
    signature, body = got[0]
    assert verify(secret, signature, body)
    event = json.loads(body)
    assert event["type"] == "campaign.alert" and event["data"]["scope"] == "campaign"


@SQLITE_ONLY
def test_handles_are_confirmable_and_bank_accounts_are_refused_clearly(public, staff) -> None:  # type: ignore[no-untyped-def]
    sent = _report(
        public,
        "Acme support here: message us on Telegram https://t.me/acme_refund_team and pay the fee to "
        "IBAN GB82 WEST 1234 5698 7654 32 today",
    )
    sec = staff()
    indicators = _campaign_of(sec, sent["reference"])["indicators"]
    handle = next(i for i in indicators if i["kind"] == "handle")
    iban = next(i for i in indicators if i["kind"] == "iban")
    ok = sec.client.post(f"/api/v1/reports/indicators/{handle['id']}/confirm", json={}, headers=sec.headers())
    assert ok.status_code == 200, ok.text
    verdict = public.post("/api/v1/verify", json={"tenant": "acme", "contact": "@acme_refund_team"}).json()
    assert verdict["results"][0]["verdict"] == "reported"
    refused = sec.client.post(
        f"/api/v1/reports/indicators/{iban['id']}/confirm", json={}, headers=sec.headers()
    )
    assert refused.status_code == 409 and "export" in refused.text
