"""Public intake: redaction of the reporter's secrets, duplicates, follow-up link, bad input, floods."""

from __future__ import annotations

import io
import zipfile

import pytest
from sqlalchemy import select
from tests.foundation.factory import make_user

from trustdesk.accounts.permissions import Role
from trustdesk.channels.changes import ChannelInput, seed_channels
from trustdesk.store.models import AuditEvent, Report, ReportSighting, Tenant

SCAM = (
    "URGENT: your Acme Outfitters account will be suspended within 24 hours. "
    "Verify your password now at hxxps://acme-outfitters-verify[.]com/login "
    "or call our support line +1 415 555 0199. Pay the unlock fee with gift cards."
)

# Both databases run the core paths; these UI/limit checks run on SQLite only to keep the suite fast.
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


def post(client, text=SCAM, **extra):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/public/acme/reports", json={"text": text, "channel": "sms", **extra})


def test_intake_redacts_reporter_secrets_and_says_so(public, shop, sessions) -> None:  # type: ignore[no-untyped-def]
    text = SCAM + "\nI already typed my card 4242 4242 4242 4242 and my password: Tr0ub4dor&3x"
    r = post(public, text)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["created"] and body["token"] and body["removed"]
    assert body["verdict"] in ("phishing", "suspicious")
    assert any("PAYMENT_CARD" in t or "card" in t.lower() for t in body["removed"])
    with sessions() as s:
        report = s.scalar(select(Report).where(Report.reference == body["reference"]))
        assert "4242 4242 4242 4242" not in report.summary
        assert "Tr0ub4dor&3x" not in report.summary
        assert "acme-outfitters-verify" in report.summary  # the scam itself is kept as evidence
        assert report.status_token_hash != body["token"]  # only a hash of the follow-up token is stored
        details = " ".join(str(e.details) for e in s.scalars(select(AuditEvent)))
        assert "4242" not in details and "Tr0ub4dor" not in details
    # the follow-up link works with the token and only with it
    page = public.get(body["status_url"])
    assert page.status_code == 200 and body["reference"] in page.text
    assert public.get(f"/t/acme/reports/{body['reference']}?token=wrong").status_code == 404
    api = public.get(f"/api/v1/public/acme/reports/{body['reference']}", params={"token": body["token"]})
    assert api.json()["status"] == "received"


def test_duplicates_collapse_into_one_report_with_a_count(public, shop, sessions) -> None:  # type: ignore[no-untyped-def]
    first = post(public).json()
    second = post(public, SCAM + "  ").json()
    assert second["reference"] == first["reference"]
    assert second["created"] is False and second["token"] is None
    assert second["duplicate_count"] == 2
    with sessions() as s:
        assert len(s.scalars(select(Report)).all()) == 1
        assert len(s.scalars(select(ReportSighting)).all()) == 2


@SQLITE_ONLY
def test_report_page_works_without_sign_in_and_shows_the_notice(public, shop) -> None:  # type: ignore[no-untyped-def]
    page = public.get("/t/acme/report")
    assert page.status_code == 200
    assert 'name="eml"' in page.text and "<script>" not in page.text and "style=" not in page.text
    r = public.post(
        "/t/acme/report",
        data={
            "text": SCAM + " my code is 123456, one-time code",
            "channel": "email",
            "phone": "+1 415 555 0100",
        },
    )
    assert r.status_code == 201, r.text
    assert "/t/acme/reports/R-" in r.text


@SQLITE_ONLY
def test_bad_input_is_refused_clearly(public, shop, sessions) -> None:  # type: ignore[no-untyped-def]
    huge = b"Subject: hi\r\nFrom: a@b.test\r\n\r\n" + b"x" * (3 * 1024 * 1024)
    r = public.post("/api/v1/public/acme/reports", files={"eml": ("big.eml", huge, "message/rfc822")})
    assert r.status_code == 413

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b"x" * 100_000

    chunked = public.post(
        "/api/v1/public/acme/reports", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert chunked.status_code == 413  # no Content-Length: the stream itself is capped
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.txt", b"0" * 1_000_000)
    r = public.post(
        "/api/v1/public/acme/reports", files={"eml": ("x.eml", buffer.getvalue(), "application/zip")}
    )
    assert r.status_code == 422, r.text
    html = (
        b"From: Acme Support <support@acme-help-desk.test>\r\nTo: you@example.test\r\nSubject: Account locked\r\n"
        b"MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        b"<html><body><script>alert('pwned')</script><p>Your account is locked. "
        b"<a href='https://acme-help-desk.test/unlock'>Unlock now</a></p></body></html>\r\n"
    )
    r = public.post("/api/v1/public/acme/reports", files={"eml": ("m.eml", html, "message/rfc822")})
    assert r.status_code == 201, r.text
    page = public.get(r.json()["status_url"])
    assert "<script>alert" not in page.text
    with sessions() as s:
        report = s.scalar(select(Report).where(Report.reference == r.json()["reference"]))
        assert "<script" not in report.summary
    assert post(public, "   ").status_code == 422
    assert public.post("/api/v1/public/nosuch/reports", json={"text": SCAM}).status_code == 404


@SQLITE_ONLY
def test_a_flood_from_one_source_is_rate_limited(public, shop) -> None:  # type: ignore[no-untyped-def]
    codes = [post(public, f"{SCAM} #{i}").status_code for i in range(12)]
    assert codes[:10] == [201] * 10
    assert codes[-1] == 429


@SQLITE_ONLY
def test_report_page_names_the_report_address_to_forward_mail_to(public, shop, sessions) -> None:  # type: ignore[no-untyped-def]
    from trustdesk.store.models import OfficialChannelRow, Tenant

    assert "Forward it to" not in public.get("/t/acme/report").text  # no report address yet
    with sessions() as s:
        acme = s.scalar(select(Tenant).where(Tenant.slug == "acme"))
        s.add(
            OfficialChannelRow(
                tenant_id=acme.id, kind="email", value="support@acmeoutfitters.com", purpose="support"
            )
        )
        s.add(
            OfficialChannelRow(
                tenant_id=acme.id,
                kind="email",
                value="report-phishing@acmeoutfitters.com",
                purpose="report phishing",
            )
        )
        s.commit()
    page = public.get("/t/acme/report").text
    assert 'href="mailto:report-phishing@acmeoutfitters.com"' in page
    assert "mailto:support@acmeoutfitters.com" not in page  # support is not a report inbox
    assert "report-phishing" not in public.get("/t/other/report").text  # another retailer's page


@SQLITE_ONLY
def test_a_lookalike_of_another_retailers_domain_counts_in_any_tenants_intake(public, shop, sessions) -> None:  # type: ignore[no-untyped-def]
    with sessions() as s:
        acme = s.scalar(select(Tenant).where(Tenant.slug == "acme"))
        first = make_user(s, acme, "boss@acme.test", Role.ADMIN)
        second = make_user(s, acme, "deputy@acme.test", Role.ADMIN)
        seed_channels(s, acme, first, second, [ChannelInput("domain", "acmeoutfitters.com", purpose="shop")])
        s.commit()
    # Reported to Other's desk: the link imitates Acme's official domain (acmeoutfitters.com).
    text = "Your parcel is on hold. Confirm the delivery at https://acmeoutfiters.com/track today."
    r = public.post("/api/v1/public/other/reports", json={"text": text, "channel": "email"})
    assert r.status_code == 201, r.text
    with sessions() as s:
        report = s.scalar(select(Report).where(Report.reference == r.json()["reference"]))
        codes = {reason["code"] for reason in report.reasons}
    assert "lookalike_domain" in codes
    assert r.json()["verdict"] == "phishing"
